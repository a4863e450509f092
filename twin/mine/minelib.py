"""Readers for the MineLib file formats: ``.blocks``, ``.prec``, ``.upit``, ``.cpit``,
``.pcpsp``.

Format: Espinoza, Goycoolea, Moreno and Newman, *MineLib: a library of open pit mining
problems*, Annals of Operations Research 206:93-114 (2013), and the format
specification v1.0 (July 2012). Tokens are separated by spaces, tabs or colons; a line
starting with ``%`` is a comment; indices count from 0.

Pitfalls handled (all seen in the published files, see ``shared/minelib/README.md``):
CRLF line endings, scientific notation, a string column in ``.blocks``, the ~-1e19
"never process" markers (kept as found; `BlockModel.marker_mask` finds them), header
keywords in any order and written with spaces or underscores, section keywords with
trailing whitespace, a missing ``EOF``, blank lines after ``EOF``.

Every parse error raises `twin.errors.InstanceError` with one ``"file:line: message"``
entry (`twin.mine.text`): a number that is not finite or beyond its limit, a count over
its limit or not matching the lines that follow, a precedence cycle, a file that is
empty, too large or not a regular file (`twin.mine.limits`). The split of the
optimization files into header and sections is `twin.mine.sections`; the data classes
read into are in `twin.mine.data`.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp

from twin.errors import InstanceError
from twin.mine.data import (
    ATTRIBUTE_NAMES,
    TONNAGE_COLUMN,
    BlockModel,
    MineInstance,
    Precedence,
    ScheduleProblem,
    UpitProblem,
    describe_cycle,
)
from twin.mine.limits import (
    MAX_ARCS,
    MAX_ATTRIBUTE,
    MAX_BLOCKS,
    MAX_COEFFICIENT,
    MAX_DESTINATIONS,
    MAX_DISCOUNT_RATE,
    MAX_GRID_INDEX,
    MAX_LIMIT,
    MAX_PERIODS,
    MAX_RESOURCES,
    MAX_SCHEDULE_CELLS,
    MAX_TONNES,
    MAX_VALUE,
)
from twin.mine.sections import Parsed, checked, header_int
from twin.mine.text import (
    check_index,
    check_range,
    check_unique,
    content_lines,
    line_error,
    numbers,
    numeric_table,
    parse_numbers,
    short,
)

_SUFFIXES = (".blocks", ".prec", ".upit", ".cpit", ".pcpsp")


# ---------------------------------------------------------------- .blocks and .prec


def read_blocks(path: str | os.PathLike) -> BlockModel:
    """Read a `.blocks` file: ``id x y z attr...`` per line, ids 0..n-1 in file order.

    Grid indices within ±`MAX_GRID_INDEX`; a column of numbers holds finite ones within
    ±`MAX_ATTRIBUTE`, and a known instance's tonnage column numbers in [0, `MAX_TONNES`].
    """
    path = Path(path)
    data, linenos = content_lines(path)
    if not data:
        raise line_error(path, 1, "no blocks (no data line in the file)")
    if len(data) > MAX_BLOCKS:
        raise line_error(
            path, int(linenos[MAX_BLOCKS]), f"more than {MAX_BLOCKS:,} blocks (the limit)"
        )
    tokens = [s.split() for s in data]
    k = len(tokens[0])
    counts = np.fromiter(map(len, tokens), dtype=np.int64, count=len(tokens))
    bad = np.flatnonzero(counts != k)
    if k < 4 or len(bad):
        i = int(bad[0]) if len(bad) else 0
        raise line_error(
            path,
            int(linenos[i]),
            f"block line has {counts[i]} fields, expected "
            f"{k if k >= 4 else 'at least 4'} (id x y z attributes...)",
        )
    table = np.array(tokens, dtype=str)
    idxyz = numbers([" ".join(t[:4]) for t in tokens], linenos, True, path, 4 * len(data))
    idxyz = idxyz.reshape(-1, 4)
    order = np.flatnonzero(idxyz[:, 0] != np.arange(len(data)))
    if len(order):
        i = int(order[0])
        raise line_error(
            path,
            int(linenos[i]),
            f"block id {idxyz[i, 0]} where {i} was expected (ids run 0..n-1 in file order)",
        )
    check_range(idxyz[:, 1:], linenos, path, "grid index", -MAX_GRID_INDEX, MAX_GRID_INDEX)
    stem = path.name.split(".")[0]
    names = ATTRIBUTE_NAMES.get(stem.lower(), ())
    if len(names) != k - 4:
        names = tuple(f"attr{j + 1}" for j in range(k - 4))
    tonnage = TONNAGE_COLUMN.get(stem.lower())
    columns = {}
    for j, name in enumerate(names):
        col = table[:, 4 + j]
        num = parse_numbers(" ".join(col.tolist()), np.float64, len(col))
        if num is None and name == tonnage:  # names the line of the first non-number
            num = numbers(col.tolist(), linenos, False, path, len(col))
        if num is not None:
            if not np.isfinite(num).all():
                i = int(np.flatnonzero(~np.isfinite(num))[0])
                raise line_error(
                    path, int(linenos[i]), f"{name} {short(str(col[i]))} is not a finite number"
                )
            limits = (0.0, MAX_TONNES) if name == tonnage else (-MAX_ATTRIBUTE, MAX_ATTRIBUTE)
            check_range(num, linenos, path, name, *limits)
        columns[name] = col.astype(object) if num is None else num
    return BlockModel(
        ids=idxyz[:, 0].copy(),
        xyz=np.ascontiguousarray(idxyz[:, 1:]),
        attributes=pd.DataFrame(columns),
        name=stem,
    )


def read_prec(
    path: str | os.PathLike, n: int | None = None, key: np.ndarray | None = None
) -> Precedence:
    """Read a `.prec` file: ``b k p1..pk`` per block, one line per block in id order.

    `n`, when given, is the number of blocks the other files declare. At most
    `MAX_BLOCKS` lines and `MAX_ARCS` arcs; a cycle (not only a block needing itself)
    is refused at the line of one block on it (`Precedence.cycle`; `key`, one number
    per block such as its bench, lets it prove most files acyclic in O(arcs)).
    """
    path = Path(path)
    data, linenos = content_lines(path)
    if not data:
        raise line_error(path, 1, "no precedence lines (no data line in the file)")
    m = len(data) if n is None else n
    if len(data) != m:
        raise line_error(path, int(linenos[-1]), f"{len(data)} precedence lines for {m} blocks")
    if m > MAX_BLOCKS:
        raise line_error(
            path, int(linenos[MAX_BLOCKS]), f"more than {MAX_BLOCKS:,} blocks (the limit)"
        )
    counts = np.fromiter((len(s.split()) for s in data), dtype=np.int64, count=len(data))
    short_lines = np.flatnonzero(counts < 2)
    if len(short_lines):
        raise line_error(
            path, int(linenos[short_lines[0]]), "precedence line needs 'block count preds...'"
        )
    if int(counts.sum()) - 2 * m > MAX_ARCS:
        raise line_error(path, 1, f"more than {MAX_ARCS:,} precedence arcs (the limit)")
    nums = numbers(data, linenos, True, path, int(counts.sum()))
    starts = np.concatenate(([0], np.cumsum(counts)[:-1])).astype(np.int64)
    blocks, k = nums[starts], nums[starts + 1]
    wrong = np.flatnonzero(k != counts - 2)
    if len(wrong):
        i = int(wrong[0])
        raise line_error(
            path,
            int(linenos[i]),
            f"block {blocks[i]} says {k[i]} predecessors but lists {counts[i] - 2}",
        )
    order = np.flatnonzero(blocks != np.arange(m))
    if len(order):
        i = int(order[0])
        raise line_error(
            path,
            int(linenos[i]),
            f"block {blocks[i]} where {i} was expected (one line per block, in id order)",
        )
    is_pred = np.ones(len(nums), dtype=bool)
    is_pred[starts] = False
    is_pred[starts + 1] = False
    preds = nums[is_pred]
    row = np.repeat(np.arange(m), k)
    check_index(preds, m, linenos[row], path, "predecessor")
    indptr = np.zeros(m + 1, dtype=np.int64)
    np.cumsum(k, out=indptr[1:])
    prec = Precedence(indptr=indptr, indices=preds.astype(np.int32))
    cycle = prec.cycle(key if key is not None and len(key) == m else None)
    if cycle:
        raise line_error(path, int(linenos[cycle[0]]), describe_cycle(cycle))
    return prec


# ------------------------------------------------------------ optimization files


def _objective(p: Parsed, path: Path, n: int, d: int) -> np.ndarray:
    """The OBJECTIVE_FUNCTION section as an (n, d) array, values within ±`MAX_VALUE`;
    nothing of the declared size `n` is allocated before the lines are counted."""
    at, lines, linenos = p.sections["OBJECTIVE_FUNCTION"]
    table = numeric_table(lines, linenos, 1 + d, path, "OBJECTIVE_FUNCTION", 1)
    blocks = table[:, 0].astype(np.int64)
    check_index(blocks, n, linenos, path, "block")
    check_unique(blocks, linenos, path, "block")
    check_range(table[:, 1:], linenos, path, "value", -MAX_VALUE, MAX_VALUE)
    if len(blocks) != n:  # fewer: the ids are distinct and in range
        listed = np.sort(blocks)
        gaps = np.flatnonzero(listed != np.arange(len(listed)))
        missing = int(gaps[0]) if len(gaps) else len(listed)
        raise line_error(
            path,
            at,
            f"OBJECTIVE_FUNCTION lists {len(blocks)} of {n} blocks (block {missing} missing)",
        )
    values = np.empty((n, d))
    values[blocks] = table[:, 1:]
    return values


def read_upit(path: str | os.PathLike) -> UpitProblem:
    """Read a `.upit` file (maximum-weight closure: one value per block)."""
    path = Path(path)
    p, _, n = checked(path, ("UPIT",))
    return UpitProblem(name=p.header["NAME"][0], values=_objective(p, path, n, 1)[:, 0].copy())


def _limits(p: Parsed, path: Path, r: int, t: int) -> tuple[np.ndarray, ...]:
    """RESOURCE_CONSTRAINT_LIMITS as (type, lo, hi), each (R, T); limits within
    ±`MAX_LIMIT`."""
    kind = np.full((r, t), "", dtype="<U1")
    lo = np.full((r, t), -np.inf)
    hi = np.full((r, t), np.inf)
    at, lines, linenos = p.sections.get("RESOURCE_CONSTRAINT_LIMITS", (1, [], np.zeros(0)))
    for line, no in zip(lines, linenos, strict=True):
        tok = line.split()
        if len(tok) < 4:
            raise line_error(path, int(no), "limit line needs 'resource period type value [value]'")
        try:
            ri, ti = int(tok[0]), int(tok[1])
            vals = [float(v) for v in tok[3:]]
        except ValueError:
            raise line_error(
                path, int(no), "limit line needs integer resource and period, numeric values"
            ) from None
        c = tok[2].upper()
        if c not in ("L", "G", "I"):
            raise line_error(path, int(no), f"limit type {short(tok[2])} is not L, G or I")
        if len(vals) != (2 if c == "I" else 1):
            raise line_error(path, int(no), f"limit type {c} takes {2 if c == 'I' else 1} value(s)")
        if not (0 <= ri < r and 0 <= ti < t):
            raise line_error(
                path, int(no), f"limit ({ri}, {ti}) outside {r} resources x {t} periods"
            )
        if not np.isfinite(vals).all() or (c == "I" and vals[0] > vals[1]):
            raise line_error(path, int(no), "limit values must be finite, the lower first")
        check_range(np.array([vals]), np.array([no]), path, "limit", -MAX_LIMIT, MAX_LIMIT)
        if kind[ri, ti]:
            raise line_error(path, int(no), f"limit of resource {ri} period {ti} given twice")
        kind[ri, ti] = c
        if c in ("L", "I"):
            hi[ri, ti] = vals[-1]
        if c in ("G", "I"):
            lo[ri, ti] = vals[0]
    empty = np.argwhere(kind == "")
    if len(empty):
        ri, ti = empty[0]
        raise line_error(path, at, f"no limit for resource {ri} in period {ti}")
    return kind, lo, hi


def _coefficients(p: Parsed, path: Path, n: int, d: int, r: int, pcpsp: bool) -> sp.csr_array:
    """RESOURCE_CONSTRAINT_COEFFICIENTS as a CSR array (n*d, r), each in [0,
    `MAX_COEFFICIENT`] (a resource is used, never produced: the scheduler's
    decomposition and heuristics rest on that)."""
    _, lines, linenos = p.sections.get("RESOURCE_CONSTRAINT_COEFFICIENTS", (1, [], np.zeros(0)))
    ncols = 4 if pcpsp else 3
    table = numeric_table(
        lines, linenos, ncols, path, "RESOURCE_CONSTRAINT_COEFFICIENTS", ncols - 1
    )
    idx = table[:, :-1].astype(np.int64)
    check_index(idx[:, 0], n, linenos, path, "block")
    if pcpsp:
        check_index(idx[:, 1], d, linenos, path, "destination")
    check_index(idx[:, -1], r, linenos, path, "resource")
    rows = idx[:, 0] * d + (idx[:, 1] if pcpsp else 0)
    check_unique(rows * r + idx[:, -1], linenos, path, "coefficient")
    check_range(table[:, -1], linenos, path, "coefficient", 0.0, MAX_COEFFICIENT)
    coef = sp.csr_array((table[:, -1], (rows, idx[:, -1])), shape=(n * d, r))
    coef.eliminate_zeros()
    return coef


def read_schedule(path: str | os.PathLike) -> ScheduleProblem:
    """Read a `.cpit` or `.pcpsp` file (the TYPE keyword decides which). Counts within
    `twin.mine.limits` (periods, destinations, resources), the discount rate in [0,
    `MAX_DISCOUNT_RATE`]."""
    path = Path(path)
    p, kind, n = checked(path, ("CPIT", "PCPSP"))
    pcpsp = kind == "PCPSP"
    t = header_int(p, "NPERIODS", path, 1, MAX_PERIODS)
    d = header_int(p, "NDESTINATIONS", path, 1, MAX_DESTINATIONS) if pcpsp else 1
    r = header_int(p, "NRESOURCE_SIDE_CONSTRAINTS", path, 0, MAX_RESOURCES)
    if n * t * d > MAX_SCHEDULE_CELLS:
        raise line_error(
            path,
            p.header["NPERIODS"][1],
            f"{n:,} blocks x {t} periods x {d} destinations is over the limit of "
            f"{MAX_SCHEDULE_CELLS:,} (the schedule LP's columns)",
        )
    if pcpsp and header_int(p, "NGENERAL_SIDE_CONSTRAINTS", path, 0, MAX_RESOURCES) > 0:
        raise line_error(
            path,
            p.header["NGENERAL_SIDE_CONSTRAINTS"][1],
            "general side constraints are not supported",
        )
    for key in ("GENERAL_CONSTRAINT_COEFFICIENTS", "GENERAL_CONSTRAINT_LIMITS"):
        if key in p.sections and p.sections[key][1]:
            raise line_error(
                path, p.sections[key][0], f"{key} given with no general side constraints"
            )
    rate_text, rate_line = p.header["DISCOUNT_RATE"]
    try:
        rate = float(rate_text)
    except ValueError:
        raise line_error(
            path, rate_line, f"DISCOUNT_RATE {short(rate_text)} is not a number"
        ) from None
    if not (0.0 <= rate <= MAX_DISCOUNT_RATE):
        raise line_error(
            path, rate_line, f"DISCOUNT_RATE {rate:g} must be in [0, {MAX_DISCOUNT_RATE:g}]"
        )
    kind_rt, lo, hi = _limits(p, path, r, t)
    return ScheduleProblem(
        name=p.header["NAME"][0],
        kind=kind,
        n_blocks=n,
        n_periods=t,
        n_destinations=d,
        n_resources=r,
        discount_rate=rate,
        values=_objective(p, path, n, d),
        coef=_coefficients(p, path, n, d, r, pcpsp),
        limit_type=kind_rt,
        limit_lo=lo,
        limit_hi=hi,
    )


# ------------------------------------------------------------------------- loading


def minelib_dir() -> Path:
    """Folder of the MineLib files: ``$TWIN_MINELIB_DIR``, else ``<repo>/../shared/minelib``."""
    env = os.environ.get("TWIN_MINELIB_DIR")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2].parent / "shared" / "minelib"


def _prefix(prefix_or_name: str | os.PathLike) -> Path:
    """Path prefix (no suffix) of an instance: a bare name is looked up in `minelib_dir`."""
    text = str(prefix_or_name)
    for suffix in _SUFFIXES:
        if text.endswith(suffix):
            text = text[: -len(suffix)]
    bare = os.sep not in text and "/" not in text
    if bare and not Path(text + ".prec").exists():
        return minelib_dir() / text
    return Path(text)


def load_instance(prefix_or_name: str | os.PathLike, kind: str = "upit") -> MineInstance:
    """Load ``<prefix>.<kind>`` (kind: upit, cpit or pcpsp) with ``<prefix>.prec`` and, if
    present, ``<prefix>.blocks``. A bare name such as ``"newman1"`` is looked up in
    `minelib_dir`; anything else is a path prefix (a suffix like ``.upit`` is dropped)."""
    kind = kind.lower()
    if kind not in ("upit", "cpit", "pcpsp"):
        raise InstanceError([f"kind {kind!r}: must be upit, cpit or pcpsp"])
    prefix = _prefix(prefix_or_name)
    files = {s: Path(f"{prefix}.{s}") for s in (kind, "prec", "blocks")}
    for s in (kind, "prec"):
        if not files[s].exists():
            raise InstanceError([f"{files[s]}: no such file"], source=str(prefix))
    problem = read_upit(files[kind]) if kind == "upit" else read_schedule(files[kind])
    n = problem.n_blocks
    blocks = read_blocks(files["blocks"]) if files["blocks"].exists() else None
    if blocks is not None and blocks.n != n:
        raise InstanceError(
            [f"{files['blocks']}: {blocks.n} blocks where {files[kind]} declares {n}"],
            source=str(prefix),
        )
    # predecessors sit on higher benches in every MineLib instance: z proves no cycle
    prec = read_prec(files["prec"], n, key=None if blocks is None else blocks.xyz[:, 2])
    return MineInstance(prefix.name, kind, problem, prec, blocks, source=str(files[kind]))
