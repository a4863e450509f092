"""Bad block-model input never hangs, crashes or answers wrong (``twin mine``).

1. One test per class of defect, each a case that failed before its fix (what it did is
   said next to it).
2. Fuzzing: a tiny MineLib instance and a CSV block model, written here as text, are
   mutated (lines dropped, duplicated or swapped, tokens retyped, negated, NaN, inf,
   1e308, huge header counts, truncation, a precedence cycle, outlier coordinates, bad
   option values) and run through the CLI. Every outcome must be a clean error (exit
   status 2, one line naming a file, an option or the model) or a result whose numbers
   are finite and, for a schedule, feasible for the independent verifier.

The mutations take anything with ``randint(a, b)`` and ``choice(seq)``: a
``random.Random`` in ``bench/fuzz_blocks.py`` (the long run, which imports this module)
and hypothesis here.
"""

from __future__ import annotations

import faulthandler
import json
import math
import os
import re
import traceback
from dataclasses import replace
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from twin.cli import mine_app
from twin.errors import InstanceError, TwinError
from twin.mine.blockmodel import (
    EconomicParams,
    block_values,
    read_block_csv,
    slope_precedence,
)
from twin.mine.data import BlockModel, Precedence
from twin.mine.minelib import load_instance, read_blocks, read_prec, read_schedule, read_upit
from twin.mine.verify import verify

# ------------------------------------------------------------- tiny block models as text

#: The tiny MineLib instance: an 8 x 6 x 4 grid, 1:5 precedence, 3 periods, 2 resources.
NX, NY, NZ, PERIODS = 8, 6, 4, 3


def _grid() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(ijk (n, 3), tonnes, grade) of the tiny model, an ore body low in the middle."""
    k, j, i = np.meshgrid(np.arange(NZ), np.arange(NY), np.arange(NX), indexing="ij")
    ijk = np.column_stack((i.ravel(), j.ravel(), k.ravel()))
    grade = np.round(np.clip(2.0 - 0.4 * np.abs(ijk - [3.5, 2.5, 0.5]).sum(axis=1), 0, None), 3)
    return ijk, np.full(len(ijk), 1000.0), grade


def write_minelib(folder: Path) -> Path:
    """Write the tiny instance as newman1.{blocks,prec,upit,cpit,pcpsp} (the name gives
    the .blocks columns meaning) and return its prefix."""
    folder.mkdir(parents=True, exist_ok=True)
    ijk, tonnes, grade = _grid()
    n = len(ijk)
    where = {tuple(c): b for b, c in enumerate(ijk.tolist())}
    waste = -1.0 * tonnes
    process = np.round(tonnes * (grade * 5.0 - 3.0), 2)
    best = np.maximum(waste, process)
    (folder / "newman1.blocks").write_text(
        "".join(
            f"{b} {i} {j} {k} FROR {grade[b]} {tonnes[b]} 1.0 {waste[b]} {process[b]} "
            f"{int(process[b] > waste[b])}\n"
            for b, (i, j, k) in enumerate(ijk.tolist())
        )
    )
    prec = []
    for b, (i, j, k) in enumerate(ijk.tolist()):
        above = [(i, j, k + 1), (i - 1, j, k + 1), (i + 1, j, k + 1)]
        above += [(i, j - 1, k + 1), (i, j + 1, k + 1)]
        preds = [where[c] for c in above if c in where]
        prec.append(" ".join(map(str, [b, len(preds), *preds])))
    (folder / "newman1.prec").write_text("\n".join(prec) + "\n")
    head = f"NAME: Tiny\nNBLOCKS: {n}\n"
    (folder / "newman1.upit").write_text(
        f"{head}TYPE: UPIT\nOBJECTIVE_FUNCTION:\n"
        + "".join(f"{b} {best[b]}\n" for b in range(n))
        + "EOF\n"
    )
    limits = "".join(f"{r} {t} L {60000 if r == 0 else 20000}\n" for r in (0, 1) for t in range(3))
    sched = f"{head}NPERIODS: {PERIODS}\nNRESOURCE_SIDE_CONSTRAINTS: 2\nDISCOUNT_RATE: 0.1\n"
    ore = process > waste
    (folder / "newman1.cpit").write_text(
        f"{sched}TYPE: CPIT\nOBJECTIVE_FUNCTION:\n"
        + "".join(f"{b} {best[b]}\n" for b in range(n))
        + f"RESOURCE_CONSTRAINT_LIMITS:\n{limits}RESOURCE_CONSTRAINT_COEFFICIENTS:\n"
        + "".join(f"{b} 0 {tonnes[b]}\n" for b in range(n))
        + "".join(f"{b} 1 {tonnes[b]}\n" for b in np.flatnonzero(ore))
        + "EOF\n"
    )
    (folder / "newman1.pcpsp").write_text(
        f"{sched}NDESTINATIONS: 2\nNGENERAL_SIDE_CONSTRAINTS: 0\nTYPE: PCPSP\n"
        "OBJECTIVE_FUNCTION:\n"
        + "".join(f"{b} {waste[b]} {process[b]}\n" for b in range(n))
        + f"RESOURCE_CONSTRAINT_LIMITS:\n{limits}RESOURCE_CONSTRAINT_COEFFICIENTS:\n"
        + "".join(f"{b} {d} 0 {tonnes[b]}\n" for b in range(n) for d in (0, 1))
        + "".join(f"{b} 1 1 {tonnes[b]}\n" for b in range(n))
        + "EOF\n"
    )
    return folder / "newman1"


def csv_text() -> str:
    """The tiny model as a CSV block model: 10 m blocks, a grade in percent, sectors."""
    ijk, tonnes, grade = _grid()
    rows = [
        f"{10 * i + 5},{10 * j + 5},{10 * k + 305},{tonnes[b]},{grade[b]},"
        f"{'north' if j < NY // 2 else 'south'}"
        for b, (i, j, k) in enumerate(ijk.tolist())
    ]
    return "x,y,z,tonnes,cu_pct,sector\n" + "\n".join(rows) + "\n"


#: Options of a CSV model that make it a valid run.
CSV_OPTIONS = ["--price", "60000", "--mining-cost", "10", "--processing-cost", "20"]

# ------------------------------------------------------------------------- mutations


class Chooser(Protocol):
    """What the mutations draw from: ``random.Random`` or `Draws` (hypothesis)."""

    def randint(self, a: int, b: int) -> int: ...

    def choice(self, seq: Any) -> Any: ...


class Draws:
    """A hypothesis ``data`` object seen as a `Chooser`."""

    def __init__(self, data: Any) -> None:
        self.data = data

    def randint(self, a: int, b: int) -> int:
        return self.data.draw(st.integers(a, b))

    def choice(self, seq: Any) -> Any:
        return self.data.draw(st.sampled_from(list(seq)))


#: What a token may become: not a number, not finite, huge, negative, tiny, empty.
BAD_TOKENS = (
    "nan", "NaN", "inf", "-inf", "1e308", "-1e308", "1e400", "1e19", "-1e19", "1e16",
    "99999999999999999999", "-1", "0", "0.5", "1.5", "abc", "", "0x10", "1_000", "1e-320",
    "+7", "%", ":", "EOF",
)  # fmt: skip
#: Header counts (and the discount rate) may become these.
BAD_COUNTS = ("0", "-1", "1", "2", "7", "1001", "10000000000", "1e3", "x", "", "1e308", "nan")
#: Lines that may be inserted.
BAD_LINES = ("garbage", "% a comment", "1 2 3", "\x00\x01\xff", "EOF", "NAME: again", "0 0", "")
#: Coordinates an outlier block may have (CSV).
OUTLIERS = ("1e5", "1e6", "1e9", "1e10", "1e300", "-1e9", "5.001", "0.000001", "305.5")


def _split(line: str, sep: str) -> list[str]:
    return line.split(sep) if sep == "," else line.split()


def _token_edit(tokens: list[str], rng: Chooser) -> list[str]:
    if not tokens:
        return tokens
    j = rng.randint(0, len(tokens) - 1)
    how = rng.choice(("retype", "negate", "scale", "drop", "add"))
    if how == "retype":
        tokens[j] = rng.choice(BAD_TOKENS)
    elif how == "negate":
        tokens[j] = tokens[j][1:] if tokens[j].startswith("-") else "-" + tokens[j]
    elif how == "scale":
        tokens[j] = f"{tokens[j]}e{rng.choice((3, 9, 15, 300))}"
    elif how == "drop":
        del tokens[j]
    else:
        tokens.insert(j, rng.choice(BAD_TOKENS))
    return tokens


def mutate_text(text: str, rng: Chooser, sep: str = " ") -> str:
    """One mutation of a text file: a line dropped, duplicated, swapped or inserted, a
    token changed (`_token_edit`), a header count changed, the file truncated or
    emptied. `sep`: "," for a CSV, else whitespace."""
    lines = text.split("\n")
    i = rng.randint(0, max(0, len(lines) - 2))
    how = rng.choice(
        ("drop", "duplicate", "swap", "insert", "token", "token", "token", "count", "cut")
    )
    if how == "drop":
        del lines[i]
    elif how == "duplicate":
        lines.insert(i, lines[i])
    elif how == "swap":
        k = rng.randint(0, max(0, len(lines) - 2))
        lines[i], lines[k] = lines[k], lines[i]
    elif how == "insert":
        lines.insert(i, rng.choice(BAD_LINES))
    elif how == "token":
        lines[i] = sep.join(_token_edit(_split(lines[i], sep), rng))
    elif how == "count":
        heads = [k for k, s in enumerate(lines) if re.match(r"\s*[A-Z_ ]+:", s)] or [0]
        k = rng.choice(heads)
        key = lines[k].split(":")[0]
        lines[k] = f"{key}: {rng.choice(BAD_COUNTS)}" if ":" in lines[k] else lines[k]
    else:
        return text[: rng.randint(0, len(text))] if rng.randint(0, 3) else ""
    return "\n".join(lines)


def add_cycle(text: str, rng: Chooser) -> str:
    """A .prec file with one more arc closing a cycle: a block's chain of first
    predecessors, 1 to 4 long, ends in a block that is then made to need the first."""
    lines = text.split("\n")
    where = {s.split()[0]: k for k, s in enumerate(lines) if len(s.split()) >= 3}
    if not where:
        return text
    start = rng.choice(sorted(where))
    at = start
    for _ in range(rng.randint(1, 4)):
        if at not in where:
            break
        at = lines[where[at]].split()[2]
    if at not in where:
        return text
    row = lines[where[at]].split()
    count = str(int(row[1]) + 1) if row[1].isdigit() else row[1]
    lines[where[at]] = " ".join([row[0], count, *row[2:], start])
    return "\n".join(lines)


def mutate_minelib(prefix: Path, rng: Chooser) -> str:
    """Mutate one to three of the instance's files; returns what was done."""
    done = []
    for _ in range(rng.randint(1, 3)):
        suffix = rng.choice(("upit", "cpit", "pcpsp", "prec", "prec", "blocks"))
        path = prefix.with_suffix(f".{suffix}")
        text = path.read_text(encoding="latin-1") if path.exists() else ""
        if suffix == "prec" and rng.randint(0, 2) == 0:
            text, what = add_cycle(text, rng), "cycle"
        else:
            text, what = mutate_text(text, rng), "edit"
        path.write_text(text, encoding="latin-1")
        done.append(f"{suffix}:{what}")
    return ",".join(done)


def mutate_csv(path: Path, rng: Chooser) -> str:
    """Mutate the CSV once or twice (an outlier coordinate, a slope_deg column, or a
    `mutate_text` edit); returns what was done."""
    done = []
    for _ in range(rng.randint(1, 2)):
        text = path.read_text(encoding="latin-1")
        lines = text.split("\n")
        how = rng.choice(("outlier", "slope", "edit", "edit"))
        if how == "outlier" and len(lines) > 2:
            i, j = rng.randint(1, len(lines) - 2), rng.randint(0, 2)
            fields = lines[i].split(",")
            if len(fields) > j:
                fields[j] = rng.choice(OUTLIERS)
            lines[i] = ",".join(fields)
            text = "\n".join(lines)
        elif how == "slope" and "slope_deg" not in lines[0]:
            angle = rng.choice(("45", "10", "80", "9.99", "85", "1e-9", "0", "nan", "x"))
            first = rng.randint(1, max(1, len(lines) - 1))
            text = "\n".join(
                (s + ",slope_deg" if k == 0 else f"{s},{angle if k == first else 40}") if s else s
                for k, s in enumerate(lines)
            )
        else:
            text = mutate_text(text, rng, ",")
        path.write_text(text, encoding="latin-1")
        done.append(how)
    return ",".join(done)


#: Option values for the CSV verbs (numbers only: a non-number is typer's usage error).
OPTION_VALUES = {
    "--price": ("60000", "0", "-1", "nan", "inf", "1e308", "1e10", "1e11", "1e-300"),
    "--recovery": ("0.9", "0", "1", "1.5", "nan", "-0.5"),
    "--mining-cost": ("10", "0", "-1", "inf", "1e10", "1e12"),
    "--selling-cost": ("0", "100", "-5", "nan"),
    "--slope-deg": ("45", "10", "80", "9.99", "80.01", "1e-9", "90", "nan", "-45", "inf"),
}
FACTORS = ("0.5:1.5:0.25", "1", "0:1e308:1e-300", "inf", "-1,1", "1,2,3", "0:100:0.1", "1:0:1")


def mutate_options(rng: Chooser) -> list[str]:
    """The CSV options with one or two of them changed to a value of `OPTION_VALUES`."""
    options = dict(zip(CSV_OPTIONS[::2], CSV_OPTIONS[1::2], strict=True))
    for _ in range(rng.randint(1, 2)):
        name = rng.choice(sorted(OPTION_VALUES))
        options[name] = rng.choice(OPTION_VALUES[name])
    return [x for item in options.items() for x in item]


# --------------------------------------------------------------------- judging a run

#: What a run may end in; the last four are defects.
OUTCOMES = ("clean_error", "accepted", "traceback", "bad_error", "nonfinite", "infeasible")
#: Errors of the solver (not of the input) name the instance by its NAME.
SOLVE_STATUSES = ("infeasible", "unbounded", "time_limit", "numerical", "error")


def _numbers(value: Any) -> list[float]:
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return []
    if isinstance(value, int | float):
        return [float(value)]
    if isinstance(value, dict):
        return [x for v in value.values() for x in _numbers(v)]
    if isinstance(value, list):
        return [x for v in value for x in _numbers(v)]
    return []


def names_the_input(error: str, folder: Path, model: str) -> bool:
    """An error names a file of `folder` (with its line), an option, or the CSV `model`
    ('m: ...' from the block-model functions)."""
    return (
        str(folder) in error
        or re.search(r"(^|; )--[a-z][a-z-]*\b", error) is not None
        or re.search(rf"(^|; ){re.escape(model)}: ", error) is not None
    )


def judge(args: list[str], folder: Path, model: str = "m") -> tuple[str, str]:
    """Run ``twin mine ARGS --json`` in this process: (outcome, detail), the outcome one
    of `OUTCOMES`. A schedule written with ``--out`` is verified independently."""
    result = CliRunner().invoke(mine_app, [*args, "--json"])
    exc = result.exception
    if exc is not None and not isinstance(exc, SystemExit):
        return "traceback", "".join(traceback.format_exception(exc))[-3000:]
    out = result.stdout.strip()
    try:
        info = json.loads(out)
    except ValueError:
        return "bad_error", f"exit {result.exit_code}: {result.output[-2000:]}"
    if result.exit_code == 2:
        error = info.get("error", "")
        solver = info.get("status") in SOLVE_STATUSES
        if "\n" in out or not error or not (solver or names_the_input(error, folder, model)):
            return "bad_error", out
        return "clean_error", error
    if result.exit_code != 0:
        return "bad_error", f"exit {result.exit_code}: {out}"
    if not all(math.isfinite(x) for x in _numbers(info)):
        return "nonfinite", out
    if info.get("feasible") is False:
        return "infeasible", out
    if args[0] == "schedule" and "--out" in args:
        inst = load_instance(args[1], args[args.index("--problem") + 1])
        rows = pd.read_csv(args[args.index("--out") + 1])
        report = verify(inst.problem, inst.prec, rows)  # type: ignore[arg-type]
        if not report.feasible or not math.isclose(
            report.objective, info["objective"], rel_tol=1e-9, abs_tol=1e-6
        ):
            return "infeasible", f"{out}: {report.violations[:3]}"
    return "accepted", ""


def minelib_case(folder: Path, rng: Chooser, verb: str) -> tuple[list[str], str]:
    """A mutated copy of the tiny instance in `folder` and the command that runs it."""
    prefix = write_minelib(folder)
    what = mutate_minelib(prefix, rng)
    if verb == "schedule":
        problem = rng.choice(("cpit", "pcpsp"))
        out = str(folder / "schedule.csv")
        args = ["schedule", str(prefix), "--problem", problem, "--improve-seconds", "0"]
        return [*args, "--time-limit", "10", "--out", out], what
    return [verb, str(prefix)], what


def csv_case(folder: Path, rng: Chooser) -> tuple[list[str], str]:
    """A mutated CSV model (or mutated options) in `folder` and the command that runs it."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "m.csv"
    path.write_text(csv_text())
    options = CSV_OPTIONS
    if rng.randint(0, 3) == 0:
        options, what = mutate_options(rng), "options"
    else:
        what = mutate_csv(path, rng)
    verb = rng.choice(("upit", "upit", "nested"))
    extra = ["--factors", rng.choice(FACTORS)] if verb == "nested" else []
    return [verb, str(path), *options, *extra], what


# ------------------------------------------ 1. each class of defect, failed before its fix

runner = CliRunner()


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    """The tiny MineLib instance's prefix in a fresh folder."""
    return write_minelib(tmp_path / "tiny")


def _fails_naming(args: list[str], expected: str, failed_cleanly: Any) -> None:
    """The CLI ends through its one error path, on one line that holds `expected`, in
    human and in JSON mode."""
    result = runner.invoke(mine_app, args)
    assert failed_cleanly(result), result.output
    assert len(result.output.strip().splitlines()) == 1, result.output
    assert expected in result.output, result.output
    result = runner.invoke(mine_app, [*args, "--json"])
    assert failed_cleanly(result) and expected in json.loads(result.output)["error"]


# Each case: (file, pattern, replacement (once), verb, message). Before the fix:
MINELIB_DEFECTS = {
    # IndexError: index 0 is out of bounds
    "empty .prec": ("prec", r"(?s).*", "", "upit", ".prec:1: no precedence lines"),
    # OverflowError: intermediate overflow in fsum
    "1e308 value": ("upit", r"\n1 \S+\n", "\n1 1e308\n", "upit", ".upit:6: value 1e+308 is"),
    # "the decomposition's master LP ended kUnknown" (no file, line or value named)
    "1e308 objective": ("cpit", r"\n1 \S+\n", "\n1 1e308\n", "schedule", ".cpit:9: value 1e+308"),
    # "... master LP ended kModelEmpty"
    "1e308 coefficient": ("cpit", "\n1 0 1000.0", "\n1 0 1e308", "schedule", "coefficient 1e+308"),
    # accepted: the limit silently meant "no limit"
    "1e308 limit": ("cpit", "0 0 L 60000", "0 0 L 1e308", "schedule", "limit 1e+308 is outside"),
    # accepted: a schedule "worth" 1e19
    "1e19 objective": ("pcpsp", r"\n1 \S+ \S+\n", "\n1 1e19 1e19\n", "schedule", "value 1e+19"),
    # accepted with overflow warnings: every later period worth 0
    "huge discount": ("cpit", "DISCOUNT_RATE: 0.1", "DISCOUNT_RATE: 1e308", "schedule", "[0, 1]"),
    # MemoryError: Unable to allocate 7.28 TiB
    "huge NBLOCKS": ("upit", "NBLOCKS: 192", "NBLOCKS: 1000000000000", "upit", "over the limit"),
    # ValueError: Maximum allowed size exceeded
    "NBLOCKS > int64": ("upit", "NBLOCKS: 192", "NBLOCKS: " + "9" * 20, "upit", "over the limit"),
    # MemoryError: Unable to allocate 7.45 GiB
    "huge NPERIODS": ("cpit", "NPERIODS: 3", "NPERIODS: 1000000000", "schedule", "NPERIODS"),
    # schedule looped forever (the topological levels of a cycle never settle)
    "precedence cycle": ("prec", "\n48 3 96 97 104", "\n48 4 96 97 104 0", "schedule", "cycle"),
    # "Tiny: resource 0 period 1 has a lower limit 5; ..." naming no file
    "lower limit": ("cpit", "\n0 1 L 60000", "\n0 1 G 5", "schedule", ".cpit: Tiny: resource 0"),
    # accepted: "tonnes": NaN in the JSON
    "NaN tonnage": ("blocks", "FROR 0.0 1000.0", "FROR 0.0 nan", "upit", "tonnage 'nan' is not"),
    # accepted: "tonnes": Infinity
    "1e308 tonnage": ("blocks", "FROR 0.0 1000.0", "FROR 0.0 1e308", "upit", "tonnage 1e+308"),
}


@pytest.mark.parametrize("case", sorted(MINELIB_DEFECTS))
def test_bad_minelib_input_fails_cleanly_at_its_line(tiny, case, failed_cleanly):
    suffix, pattern, new, verb, message = MINELIB_DEFECTS[case]
    path = tiny.with_suffix(f".{suffix}")
    text, count = re.subn(pattern, new, path.read_text(), count=1)
    assert count == 1
    path.write_text(text)
    args = [verb, str(tiny)]
    if verb == "schedule":
        args += ["--improve-seconds", "0", "--problem", "pcpsp" if suffix == "pcpsp" else "cpit"]
    _fails_naming(args, message, failed_cleanly)
    assert str(path) in runner.invoke(mine_app, args).output


def test_a_cycle_is_found_however_long_and_named_by_a_block_on_it(tmp_path):
    n = 50_000  # a chain 0 <- 1 <- ... <- n-1, closed by 0 needing n-1
    lines = [f"0 1 {n - 1}"] + [f"{b} 1 {b - 1}" for b in range(1, n)]
    (tmp_path / "x.prec").write_text("\n".join(lines))
    with pytest.raises(InstanceError, match=r"x.prec:1: block 0 is on a precedence cycle"):
        read_prec(tmp_path / "x.prec", n)
    prec = Precedence(np.array([0, 1, 2, 3, 4]), np.array([1, 2, 0, 0]))
    assert prec.cycle() == [0, 1, 2]
    # a repeated arc on the cycle: scipy's strong components never returned (found by
    # the fuzz below, in the first version of the check)
    assert Precedence(np.array([0, 2, 3]), np.array([1, 1, 0])).cycle() == [0, 1]
    acyclic = Precedence(np.array([0, 2, 2, 3]), np.array([2, 1, 1], dtype=np.int32))
    assert acyclic.cycle() == [] and acyclic.indices.tolist() == [2, 1, 1]  # left as it was
    assert acyclic.cycle(key=np.array([0, 2, 1])) == []  # predecessors higher: no cycle
    assert prec.cycle(key=np.arange(4)) == [0, 1, 2]  # this key proves nothing
    assert Precedence(np.array([0, 0, 1, 2]), np.array([0, 1])).cycle() == []


def test_files_that_are_not_regular_are_refused_unread(tiny, tmp_path, failed_cleanly):
    prec = tiny.with_suffix(".prec")
    prec.unlink()
    prec.symlink_to("/dev/zero")  # before: MemoryError after reading gigabytes
    _fails_naming(["upit", str(tiny)], "newman1.prec: not a regular file", failed_cleanly)
    prec.unlink()
    os.mkfifo(prec)  # before: waited forever for a writer
    _fails_naming(["upit", str(tiny)], "newman1.prec: not a regular file", failed_cleanly)
    fifo = tmp_path / "m.csv"
    os.mkfifo(fifo)
    with pytest.raises(InstanceError, match="m.csv: not a regular file"):
        read_block_csv(fifo)


# Each case: (CSV text edit, options, message). Before the fix:
CSV_DEFECTS = {
    # IndexError: index 0 is out of bounds
    "header only": (lambda t: t.split("\n")[0] + "\n", [], "m.csv:1: no blocks"),
    # "No columns to parse from file" (pandas' words)
    "empty file": (lambda t: "", [], "m.csv: empty file"),
    # MemoryError: Unable to allocate 21.3 PiB
    "outlier coordinate": (
        lambda t: t + "1000005,2000005,3000305,1000,1,north\n",
        [],
        "m.csv:194: z = 3.0003e+06 makes the grid",
    ),
    # MemoryError: a grid of 1e10 blocks of 1e-9 m
    "tiny spacing": (
        lambda t: t + "5.000000001,5,305,1000,0,north\n",
        [],
        "m.csv:194: x = 5 is 1e-09 m from the nearest other x, so blocks would be",
    ),
    # hang: one bench and a block 1e9 m above it made blocks 1e9 m tall, a slope cone of
    # 1e8 cells a side (found by bench/fuzz_blocks.py)
    "huge spacing": (
        lambda t: (
            "".join(s for s in t.splitlines(True) if ",305," in s or s.startswith("x"))
            + "5,5,500000305,1000,0,north\n"
        ),
        [],
        "m.csv:50: z = 5e+08 is 5e+08 m from the nearest other z, so blocks would be that",
    ),
    # hang (the template loop over 1e10 cells per block)
    "flat slope column": (
        lambda t: re.sub(r"(?m)$(?!\Z)", ",1e-9", t).replace("sector,1e-9", "sector,slope_deg"),
        [],
        "slope_deg 1e-09 is outside [10, 80]",
    ),
    # hang
    "flat --slope-deg": (lambda t: t, ["--slope-deg", "1e-9"], "--slope-deg 1e-09"),
    # ValueError: block values must be finite
    "inf --price": (lambda t: t, ["--price", "inf"], "--price inf: Input should be a finite"),
    # ValueError: block values must be finite
    "inf --mining-cost": (lambda t: t, ["--mining-cost", "inf"], "--mining-cost inf"),
    # ValueError: block values must be finite
    "1e308 tonnes": (lambda t: t.replace(",1000.0,", ",1e308,", 1), [], "m.csv:2: tonnes 1e+308"),
    # ValueError: block values must be finite
    "1e308 grade": (lambda t: t.replace(",0.0,", ",1e308,", 1), [], "cu_pct 1e+308 is outside"),
    # "m.csv:3: cu_pct 'north' is not a number": pandas took the first column for the
    # index and shifted every column by one, so another line and field were blamed
    "extra field": (lambda t: t.replace("\n5,5,", "\n5,5,5,", 1), [], "m.csv:2: 7 fields"),
    # OverflowError: cannot convert float infinity to integer
    "huge --factors count": (lambda t: t, ["--factors", "0:1e308:1e-300"], "over the limit"),
    # ValueError: block values must be finite
    "inf --factors": (lambda t: t, ["--factors", "1,inf"], "--factors inf"),
}


@pytest.mark.parametrize("case", sorted(CSV_DEFECTS))
def test_bad_csv_input_fails_cleanly_naming_line_or_option(tmp_path, case, failed_cleanly):
    edit, options, message = CSV_DEFECTS[case]
    path = tmp_path / "m.csv"
    path.write_text(edit(csv_text()))
    verb = "nested" if "--factors" in options else "upit"
    _fails_naming([verb, str(path), *CSV_OPTIONS, *options], message, failed_cleanly)


@pytest.mark.parametrize(
    "options, message",
    [
        # both silently ignored: newman1's own values used, exit 0
        (["--price", "5"], "--price: only for a CSV block model"),
        (["--slope-deg", "30"], "--slope-deg: only for a CSV block model"),
    ],
)
def test_csv_options_given_with_minelib_are_refused(tiny, options, message, failed_cleanly):
    _fails_naming(["upit", str(tiny), *options], message, failed_cleanly)


@pytest.mark.parametrize(
    "options, message",
    [
        # a multi-line usage box ("nan is not in the range x>=0"), not one line
        (["--improve-seconds", "nan"], "--improve-seconds nan: must be a finite number"),
        (["--time-limit", "nan"], "--time-limit nan: must be a finite number"),
        # accepted: improved for ever (HiGHS without a time limit on each window)
        (["--improve-seconds", "inf"], "--improve-seconds inf"),
        (["--time-limit", "1e308"], "--time-limit 1e+308"),
        # OverflowError: Python int too large to convert to C long
        (["--cutoff", "1", "--smu", "9" * 20], "--smu " + "9" * 20 + ": the SMU size must be"),
        (["--cutoff", "1", "--smu", "5000x1"], "--smu 5000x1: the SMU size must be 1 to 1000"),
        (["--cutoff", "inf"], "--cutoff inf: must be a finite grade"),
    ],
)
def test_schedule_options_are_checked_before_reading(tiny, options, message, failed_cleanly):
    tiny.with_suffix(".cpit").write_text("")  # never read: the options fail first
    _fails_naming(["schedule", str(tiny), *options], message, failed_cleanly)


def test_the_python_api_raises_instance_errors_naming_the_field(tmp_path):
    model = BlockModel(
        ids=np.arange(2),
        xyz=np.array([[0, 0, 0], [0, 0, 1]]),
        attributes=pd.DataFrame({"tonnes": [1.0, 1e13], "grade": [0.1, 0.1], "sector": "a"}),
        name="b",
        block_size_m=(10.0, 10.0, 10.0),
    )
    econ = {"recovery": 0.9, "mining_cost_cny_per_t": 1, "processing_cost_cny_per_t": 1}
    with pytest.raises(InstanceError, match=r"b: tonnes 1e\+13 of block 1 outside \[0, 1e\+12\]"):
        block_values(model, EconomicParams(price_cny_per_t_metal=1e4, **econ))
    with pytest.raises(InstanceError, match="price_cny_per_t_metal: Input should be a finite"):
        EconomicParams(price_cny_per_t_metal=math.inf, **econ)
    with pytest.raises(InstanceError, match=r"slope_deg\['a'\]: 5 must be a slope angle"):
        slope_precedence(model, {"a": 5})
    far = replace(model, xyz=np.array([[0, 0, 0], [10**6, 10**3, 1]]), name="f")
    with pytest.raises(InstanceError, match="f: the grid is 1000001 x 1001 x 2 blocks, over"):
        slope_precedence(far, 45.0)
    with pytest.raises(
        InstanceError,
        match=r"block_size_m: '\(10.0, nan, 1.0\)' must be three sizes in \[0.01, 10000\]",
    ):
        read_block_csv(tmp_path / "m.csv", (10.0, math.nan, 1.0))
    (tmp_path / "e").write_text("")
    for reader in (read_blocks, read_prec, read_upit, read_schedule):
        with pytest.raises(InstanceError, match=f"{tmp_path / 'e'}:1: "):
            reader(tmp_path / "e")


# ------------------------------------------------------------------------ 2. the fuzz

#: Seconds one fuzz case may take (the slowest take about one).
HANG_S = 60

FUZZ = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _check(args: list[str], folder: Path, what: str) -> None:
    """Judge one case; a case still running after `HANG_S` ends the test run with every
    thread's traceback (a hang would otherwise stall CI)."""
    faulthandler.dump_traceback_later(HANG_S, exit=True)
    try:
        outcome, detail = judge(args, folder)
    finally:
        faulthandler.cancel_dump_traceback_later()
    assert outcome in ("clean_error", "accepted"), f"{outcome} after {what} {args}:\n{detail}"


@settings(FUZZ, max_examples=300)
@given(data=st.data())
def test_fuzz_minelib_pits(tmp_path_factory, data):
    folder = tmp_path_factory.mktemp("fuzz")
    verb = data.draw(st.sampled_from(("upit", "upit", "nested")))
    args, what = minelib_case(folder, Draws(data), verb)
    _check(args, folder, what)


@settings(FUZZ, max_examples=120)
@given(data=st.data())
def test_fuzz_minelib_schedules(tmp_path_factory, data):
    folder = tmp_path_factory.mktemp("fuzz")
    args, what = minelib_case(folder, Draws(data), "schedule")
    _check(args, folder, what)


@settings(FUZZ, max_examples=300)
@given(data=st.data())
def test_fuzz_csv_block_models(tmp_path_factory, data):
    folder = tmp_path_factory.mktemp("fuzz")
    args, what = csv_case(folder, Draws(data))
    _check(args, folder, what)


def test_the_unmutated_cases_are_accepted(tmp_path):
    prefix = write_minelib(tmp_path / "ml")
    for args in (["upit", str(prefix)], ["nested", str(prefix), "--factors", "0.5,1"]):
        assert judge(args, tmp_path) == ("accepted", "")
    for problem in ("cpit", "pcpsp"):
        out = str(tmp_path / "s.csv")
        args = ["schedule", str(prefix), "--problem", problem, "--improve-seconds", "0"]
        assert judge([*args, "--out", out], tmp_path) == ("accepted", "")
    (tmp_path / "m.csv").write_text(csv_text())
    assert judge(["upit", str(tmp_path / "m.csv"), *CSV_OPTIONS], tmp_path) == ("accepted", "")
    with pytest.raises(TwinError):
        load_instance(prefix, "blocks")
