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
entry (`twin.mine.text`). The data classes read into are in `twin.mine.data`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp

from twin.errors import InstanceError
from twin.mine.data import (
    ATTRIBUTE_NAMES,
    BlockModel,
    MineInstance,
    Precedence,
    ScheduleProblem,
    UpitProblem,
)
from twin.mine.text import (
    check_index,
    check_unique,
    content_lines,
    is_data_line,
    line_error,
    numbers,
    numeric_table,
    parse_numbers,
    read_lines,
)

#: Header keywords (underscored form; spaces in their place are accepted too).
HEADER_KEYWORDS = (
    "NAME",
    "TYPE",
    "NBLOCKS",
    "NPERIODS",
    "NDESTINATIONS",
    "NRESOURCE_SIDE_CONSTRAINTS",
    "NGENERAL_SIDE_CONSTRAINTS",
    "DISCOUNT_RATE",
)
#: Section keywords; a section runs until the next keyword.
SECTION_KEYWORDS = (
    "OBJECTIVE_FUNCTION",
    "RESOURCE_CONSTRAINT_LIMITS",
    "RESOURCE_CONSTRAINT_COEFFICIENTS",
    "GENERAL_CONSTRAINT_COEFFICIENTS",
    "GENERAL_CONSTRAINT_LIMITS",
)
_ALL_KEYWORDS = frozenset(HEADER_KEYWORDS + SECTION_KEYWORDS + ("EOF",))

#: Header keywords each problem type requires.
_REQUIRED = {
    "UPIT": ("NAME", "NBLOCKS"),
    "CPIT": ("NAME", "NBLOCKS", "NPERIODS", "NRESOURCE_SIDE_CONSTRAINTS", "DISCOUNT_RATE"),
    "PCPSP": (
        "NAME",
        "NBLOCKS",
        "NPERIODS",
        "NDESTINATIONS",
        "NRESOURCE_SIDE_CONSTRAINTS",
        "NGENERAL_SIDE_CONSTRAINTS",
        "DISCOUNT_RATE",
    ),
}
#: Sections each problem type may hold.
_ALLOWED_SECTIONS = {
    "UPIT": ("OBJECTIVE_FUNCTION",),
    "CPIT": (
        "OBJECTIVE_FUNCTION",
        "RESOURCE_CONSTRAINT_LIMITS",
        "RESOURCE_CONSTRAINT_COEFFICIENTS",
    ),
    "PCPSP": SECTION_KEYWORDS,
}

_SUFFIXES = (".blocks", ".prec", ".upit", ".cpit", ".pcpsp")


# ---------------------------------------------------------------- .blocks and .prec


def read_blocks(path: str | os.PathLike) -> BlockModel:
    """Read a `.blocks` file: ``id x y z attr...`` per line, ids 0..n-1 in file order."""
    path = Path(path)
    data, linenos = content_lines(path)
    if not data:
        raise line_error(path, 1, "no blocks")
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
    stem = path.name.split(".")[0]
    names = ATTRIBUTE_NAMES.get(stem.lower(), ())
    if len(names) != k - 4:
        names = tuple(f"attr{j + 1}" for j in range(k - 4))
    columns = {}
    for j, name in enumerate(names):
        col = table[:, 4 + j]
        num = parse_numbers(" ".join(col.tolist()), np.float64, len(col))
        columns[name] = col.astype(object) if num is None else num
    return BlockModel(
        ids=idxyz[:, 0].copy(),
        xyz=np.ascontiguousarray(idxyz[:, 1:]),
        attributes=pd.DataFrame(columns),
        name=stem,
    )


def read_prec(path: str | os.PathLike, n: int | None = None) -> Precedence:
    """Read a `.prec` file: ``b k p1..pk`` per block, one line per block in id order.

    `n`, when given, is the number of blocks the other files declare.
    """
    path = Path(path)
    data, linenos = content_lines(path)
    counts = np.fromiter((len(s.split()) for s in data), dtype=np.int64, count=len(data))
    nums = numbers(data, linenos, True, path, int(counts.sum()))
    starts = np.concatenate(([0], np.cumsum(counts)[:-1])).astype(np.int64)
    short = np.flatnonzero(counts < 2)
    if len(short):
        raise line_error(
            path, int(linenos[short[0]]), "precedence line needs 'block count preds...'"
        )
    blocks, k = nums[starts], nums[starts + 1]
    wrong = np.flatnonzero(k != counts - 2)
    if len(wrong):
        i = int(wrong[0])
        raise line_error(
            path,
            int(linenos[i]),
            f"block {blocks[i]} says {k[i]} predecessors but lists {counts[i] - 2}",
        )
    m = len(data) if n is None else n
    if len(data) != m:
        raise line_error(
            path,
            int(linenos[-1]) if len(data) else 1,
            f"{len(data)} precedence lines for {m} blocks",
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
    selfloop = np.flatnonzero(preds == row)
    if len(selfloop):
        raise line_error(path, int(linenos[row[selfloop[0]]]), "block is its own predecessor")
    indptr = np.zeros(m + 1, dtype=np.int64)
    np.cumsum(k, out=indptr[1:])
    return Precedence(indptr=indptr, indices=preds.astype(np.int32))


# ------------------------------------------------------------ optimization files


@dataclass
class _Parsed:
    """Header values (with their line numbers) and section data lines of one file."""

    header: dict[str, tuple[str, int]]
    sections: dict[str, tuple[int, list[str], np.ndarray]]
    last_line: int


def _keyword(tokens: list[str]) -> tuple[str, int] | None:
    """(keyword, tokens used) when the line starts with a keyword in any spacing."""
    for used in range(min(4, len(tokens)), 0, -1):
        key = "_".join(tokens[:used]).upper()
        if key in _ALL_KEYWORDS:
            return key, used
    return None


def _parse_sections(path: Path) -> _Parsed:
    """Split an optimization file into header keywords and section data lines."""
    lines = read_lines(path)
    header: dict[str, tuple[str, int]] = {}
    sections: dict[str, tuple[int, list[int]]] = {}
    current: list[int] | None = None
    eof_line = 0
    for i, line in enumerate(lines):
        if is_data_line(line):
            if eof_line:
                raise line_error(path, i + 1, f"text after EOF (line {eof_line})")
            if current is None:
                raise line_error(path, i + 1, "data line outside any section")
            current.append(i)
            continue
        tokens = line.split()
        if not tokens or tokens[0].startswith("%"):
            continue
        if eof_line:
            raise line_error(path, i + 1, f"text after EOF (line {eof_line})")
        found = _keyword(tokens)
        if found is None:
            raise line_error(path, i + 1, f"unknown keyword {tokens[0]!r}")
        key, used = found
        rest = tokens[used:]
        if key == "EOF" or key in SECTION_KEYWORDS:
            if rest:
                raise line_error(path, i + 1, f"{key} takes no value, found {rest[0]!r}")
            if key == "EOF":
                eof_line, current = i + 1, None
                continue
            if key in sections:
                raise line_error(path, i + 1, f"section {key} appears twice")
            current = []
            sections[key] = (i + 1, current)
            continue
        if key in header:
            raise line_error(path, i + 1, f"{key} given twice (first on line {header[key][1]})")
        if not rest or (key != "NAME" and len(rest) > 1):
            raise line_error(path, i + 1, f"{key} needs one value")
        header[key] = (" ".join(rest), i + 1)
        current = None
    out = {
        key: (at, [lines[i] for i in rows], np.array(rows, dtype=np.int64) + 1)
        for key, (at, rows) in sections.items()
    }
    last = max((i + 1 for i, s in enumerate(lines) if s.strip()), default=1)
    return _Parsed(header, out, last)


def _header_int(p: _Parsed, key: str, path: Path, minimum: int) -> int:
    text, line = p.header[key]
    try:
        value = int(text)
    except ValueError:
        raise line_error(path, line, f"{key} must be an integer, got {text!r}") from None
    if value < minimum:
        raise line_error(path, line, f"{key} must be at least {minimum}, got {value}")
    return value


def _checked(path: Path, kinds: tuple[str, ...]) -> tuple[_Parsed, str, int]:
    """Parse `path`, check TYPE is one of `kinds` and the header is complete."""
    p = _parse_sections(path)
    if "TYPE" not in p.header:
        raise line_error(path, 1, "no TYPE keyword")
    kind, type_line = p.header["TYPE"]
    kind = kind.upper()
    if kind not in kinds:
        raise line_error(path, type_line, f"TYPE {kind} where {' or '.join(kinds)} was expected")
    first_section = min((at for at, _, _ in p.sections.values()), default=1)
    for key in _REQUIRED[kind]:
        if key not in p.header:
            raise line_error(path, first_section, f"header keyword {key} missing")
    for key, (_, line) in p.header.items():
        if key not in _REQUIRED[kind] and key != "TYPE":
            raise line_error(path, line, f"{key} does not belong in a {kind} file")
    for key, (line, _, _) in p.sections.items():
        if key not in _ALLOWED_SECTIONS[kind]:
            raise line_error(path, line, f"section {key} does not belong in a {kind} file")
    n = _header_int(p, "NBLOCKS", path, 1)
    if "OBJECTIVE_FUNCTION" not in p.sections:
        raise line_error(path, p.last_line, "section OBJECTIVE_FUNCTION missing")
    return p, kind, n


def _objective(p: _Parsed, path: Path, n: int, d: int) -> np.ndarray:
    """The OBJECTIVE_FUNCTION section as an (n, d) array."""
    at, lines, linenos = p.sections["OBJECTIVE_FUNCTION"]
    table = numeric_table(lines, linenos, 1 + d, path, "OBJECTIVE_FUNCTION", 1)
    blocks = table[:, 0].astype(np.int64)
    check_index(blocks, n, linenos, path, "block")
    check_unique(blocks, linenos, path, "block")
    if len(blocks) != n:
        missing = int(np.setdiff1d(np.arange(n), blocks)[0])
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
    p, _, n = _checked(path, ("UPIT",))
    return UpitProblem(name=p.header["NAME"][0], values=_objective(p, path, n, 1)[:, 0].copy())


def _limits(p: _Parsed, path: Path, r: int, t: int) -> tuple[np.ndarray, ...]:
    """RESOURCE_CONSTRAINT_LIMITS as (type, lo, hi), each (R, T)."""
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
            raise line_error(path, int(no), f"limit type {tok[2]!r} is not L, G or I")
        if len(vals) != (2 if c == "I" else 1):
            raise line_error(path, int(no), f"limit type {c} takes {2 if c == 'I' else 1} value(s)")
        if not (0 <= ri < r and 0 <= ti < t):
            raise line_error(
                path, int(no), f"limit ({ri}, {ti}) outside {r} resources x {t} periods"
            )
        if not np.isfinite(vals).all() or (c == "I" and vals[0] > vals[1]):
            raise line_error(path, int(no), "limit values must be finite, the lower first")
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


def _coefficients(p: _Parsed, path: Path, n: int, d: int, r: int, pcpsp: bool) -> sp.csr_array:
    """RESOURCE_CONSTRAINT_COEFFICIENTS as a CSR array (n*d, r)."""
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
    coef = sp.csr_array((table[:, -1], (rows, idx[:, -1])), shape=(n * d, r))
    coef.eliminate_zeros()
    return coef


def read_schedule(path: str | os.PathLike) -> ScheduleProblem:
    """Read a `.cpit` or `.pcpsp` file (the TYPE keyword decides which)."""
    path = Path(path)
    p, kind, n = _checked(path, ("CPIT", "PCPSP"))
    pcpsp = kind == "PCPSP"
    t = _header_int(p, "NPERIODS", path, 1)
    d = _header_int(p, "NDESTINATIONS", path, 1) if pcpsp else 1
    r = _header_int(p, "NRESOURCE_SIDE_CONSTRAINTS", path, 0)
    if pcpsp and _header_int(p, "NGENERAL_SIDE_CONSTRAINTS", path, 0) > 0:
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
        raise line_error(path, rate_line, f"DISCOUNT_RATE {rate_text!r} is not a number") from None
    if not (0.0 <= rate < np.inf):
        raise line_error(path, rate_line, f"DISCOUNT_RATE {rate} must be finite and >= 0")
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
    prec = read_prec(files["prec"], n)
    blocks = read_blocks(files["blocks"]) if files["blocks"].exists() else None
    if blocks is not None and blocks.n != n:
        raise InstanceError(
            [f"{files['blocks']}: {blocks.n} blocks where {files[kind]} declares {n}"],
            source=str(prefix),
        )
    return MineInstance(name=prefix.name, kind=kind, problem=problem, prec=prec, blocks=blocks)
