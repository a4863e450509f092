"""A results folder read back into frames, checked once: what `twin solve --out` writes
(``summary.json`` and the tidy CSV tables) or a benchmark folder (``baseline/`` and
``optimised/``, each a results folder, and ``benchmark.csv`` at the top).

Every table is optional: a chart whose table is missing says so instead of drawing. A
table that is present must be well formed (its columns, numbers where numbers belong);
otherwise :class:`ResultsError` lists one 'file: problem' line for each fault.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from twin.errors import InstanceError
from twin.files import read_text

#: Bytes of one results table or summary; larger files are refused unread (an hourly
#: year of a large group writes stream flows of ~100 MB).
MAX_TABLE_BYTES = 512 * 2**20

#: Column kinds: text, int (a period), num (finite number), num? (finite or empty),
#: bool and bool? (True/False, or empty). A column that may be empty may also be left
#: out (all empty); columns not named here are kept as text.
TABLES: dict[str, dict[str, str]] = {
    "unit_loads": {
        "unit": "text",
        "period": "int",
        "mode": "text",
        "throughput_t": "num",
        "hours": "num",
        "power_kwh": "num",
        "energy_kgce": "num",
    },
    "tonnages": {"unit": "text", "period": "int", "quantity": "text", "t": "num"},
    "stream_flows": {
        "stream": "text",
        "from": "text",
        "to": "text",
        "material": "text",
        "period": "int",
        "flow_t": "num",
    },
    "stocks": {"stock": "text", "material": "text", "period": "int", "level_t": "num"},
    "power": {"period": "int", "source": "text", "supply_kwh": "num", "cost_cny": "num"},
    "emissions": {"source": "text", "species": "text", "period": "int", "t": "num"},
    "costs": {"period": "int", "category": "text", "cost_cny": "num"},
    "kpis": {
        "target": "text",
        "kind": "text",
        "period": "int",
        "value": "num?",
        "sense": "text",
        "bound": "num",
        "met": "bool",
        "hard": "bool",
        "basis": "num?",
    },
    "compositions": {"material": "text", "element": "text", "fraction": "num"},
    "tariff": {"period": "int", "source": "text", "price_cny_per_kwh": "num"},
    "shadow_prices": {
        "constraint": "text",
        "name": "text",
        "period": "int",
        "value": "num?",
        "unit": "text",
        "marginal_cny": "num",
        "binding": "bool",
    },
    "benchmark": {
        "indicator": "text",
        "column": "text",
        "definition": "text",
        "baseline": "num?",
        "optimised": "num?",
        "change_pct": "num?",
        "target_pct": "num?",
        "met": "bool?",
        "status": "text",
        "note": "text",
    },
    "sweep": {
        "target": "text",
        "bound": "num",
        "objective_cny": "num?",
        "marginal_cny_per_unit": "num?",
        "status": "text",
    },
}
_TRUE, _FALSE = {"true", "1", "yes"}, {"false", "0", "no"}


class ResultsError(InstanceError):
    """A results folder is missing or malformed; `problems` lists 'file: problem' lines."""

    status = "invalid_results"


@dataclass(frozen=True)
class Results:
    """One schedule's results: its summary (summary.json as a dict) and the tables that
    were there, by name (see :data:`TABLES`)."""

    folder: Path
    summary: dict[str, Any]
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """The instance's name."""
        return str(self.summary.get("instance", self.folder.name))

    @property
    def status(self) -> str:
        """The solver's status (optimal, feasible, ...)."""
        return str(self.summary.get("status", "unknown"))

    def cost_breakdown(self) -> dict[str, float]:
        """Total cost by category over the horizon, CNY (revenue negative)."""
        breakdown = self.summary.get("cost_breakdown_cny")
        if isinstance(breakdown, dict) and breakdown:
            return {str(k): float(v) for k, v in breakdown.items() if v is not None}
        costs = self.tables.get("costs")
        if costs is None:
            return {}
        return costs.groupby("category", sort=False)["cost_cny"].sum().to_dict()


@dataclass(frozen=True)
class ReportData:
    """What a report shows: the schedule (a plain results folder, or a benchmark's
    optimised one, with the tables at the benchmark's top such as benchmark.csv) and the
    baseline of a benchmark (None otherwise)."""

    folder: Path
    schedule: Results
    baseline: Results | None = None

    def table(self, name: str) -> pd.DataFrame | None:
        """The schedule's table `name`, or None when it is not in these results."""
        return self.schedule.tables.get(name)

    def periods(self) -> tuple[int, int]:
        """The first and last period in the schedule's tables ((0, 0) when none has
        one): a table lists only the periods where something happened."""
        found = [
            t["period"][t["period"] >= 0]
            for t in self.schedule.tables.values()
            if "period" in t.columns
        ]
        every = pd.concat(found) if found else pd.Series([], dtype=int)
        return (int(every.min()), int(every.max())) if len(every) else (0, 0)


def read_report_data(folder: Path | str) -> ReportData:
    """Read a results folder or a benchmark folder (it has ``optimised/``).
    ResultsError when it is missing or anything in it is malformed."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ResultsError([f"{folder}: not a folder of results"], "results")
    if not (folder / "optimised").is_dir():
        return ReportData(folder, _read_results(folder))
    problems: list[str] = []
    top = _read_tables(folder, problems)
    optimised = baseline = None
    try:
        optimised = _read_results(folder / "optimised", top)
    except ResultsError as exc:
        problems += exc.problems
    if (folder / "baseline").is_dir():
        try:
            baseline = _read_results(folder / "baseline")
        except ResultsError as exc:
            problems += exc.problems
    if problems or optimised is None:
        raise ResultsError(problems, str(folder))
    return ReportData(folder, optimised, baseline)


def _read_results(folder: Path, fallback: dict[str, pd.DataFrame] | None = None) -> Results:
    """The results in `folder`; a table it lacks is taken from `fallback` (a benchmark's
    top folder) when there."""
    problems: list[str] = []
    summary = _read_summary(folder / "summary.json", problems)
    tables = {**(fallback or {}), **_read_tables(folder, problems)}
    if problems:
        raise ResultsError(problems, str(folder))
    return Results(folder, summary, tables)


def _read_summary(path: Path, problems: list[str]) -> dict[str, Any]:
    if not path.exists():
        problems.append(f"{path}: missing (a results folder is what twin solve --out writes)")
        return {}
    try:
        summary = json.loads(read_text(path, MAX_TABLE_BYTES, "summary"))
    except InstanceError as exc:
        problems += exc.problems
        return {}
    except json.JSONDecodeError as exc:
        problems.append(f"{path}: not JSON (line {exc.lineno}: {exc.msg})")
        return {}
    if not isinstance(summary, dict):
        problems.append(f"{path}: must be a JSON object")
        return {}
    for key in ("instance", "status"):
        if not isinstance(summary.get(key), str):
            problems.append(f"{path}: '{key}' must be a string")
    for key in ("objective_cny", "bound_cny", "mip_gap"):
        if not _number_or_none(summary.get(key)):
            problems.append(f"{path}: '{key}' must be a number or null")
    breakdown = summary.get("cost_breakdown_cny", {})
    if not (isinstance(breakdown, dict) and all(map(_number_or_none, breakdown.values()))):
        problems.append(f"{path}: 'cost_breakdown_cny' must map categories to numbers")
    return summary


def _number_or_none(value: Any) -> bool:
    return value is None or (isinstance(value, (int, float)) and not isinstance(value, bool))


def _read_tables(folder: Path, problems: list[str]) -> dict[str, pd.DataFrame]:
    """Every table of :data:`TABLES` found in `folder`, checked."""
    tables = {}
    for name, columns in TABLES.items():
        path = folder / f"{name}.csv"
        if path.exists():
            frame = _read_table(path, columns, problems)
            if frame is not None:
                tables[name] = frame
    return tables


def _read_table(path: Path, columns: dict[str, str], problems: list[str]) -> pd.DataFrame | None:
    try:
        text = read_text(path, MAX_TABLE_BYTES, "results table")
    except InstanceError as exc:
        problems += exc.problems
        return None
    try:
        raw = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        problems.append(f"{path}: not a CSV table ({str(exc).strip().splitlines()[0]})")
        return None
    missing = [c for c, kind in columns.items() if c not in raw.columns and kind[-1] != "?"]
    if missing:
        problems.append(f"{path}: missing column{'s' if len(missing) > 1 else ''} {missing}")
        return None
    out = {}
    for column, kind in columns.items():
        values = raw[column].str.strip() if column in raw.columns else pd.Series([""] * len(raw))
        parsed, bad = _parse(values, kind)
        if bad is not None:
            problems.append(
                f"{path}: column '{column}' row {bad + 2}: {values.iloc[bad]!r} "
                f"is not {_KIND_NAMES[kind]}"
            )
            return None
        out[column] = parsed
    extra = {c: raw[c] for c in raw.columns if c not in columns}
    return pd.DataFrame({**out, **extra})


_KIND_NAMES = {
    "text": "text",
    "int": "a whole number",
    "num": "a finite number",
    "num?": "a finite number or empty",
    "bool": "True or False",
    "bool?": "True, False or empty",
}


def _parse(values: pd.Series, kind: str) -> tuple[pd.Series, int | None]:
    """`values` (strings) as `kind`, and the position of the first bad one (None if
    all are good)."""
    if kind == "text":
        return values, None
    empty = values == ""
    if kind.startswith("bool"):
        lower = values.str.lower()
        good = lower.isin(_TRUE | _FALSE) | (empty if kind == "bool?" else False)
        parsed = lower.map(lambda v: True if v in _TRUE else False if v in _FALSE else None)
        return (parsed if kind == "bool?" else parsed.astype(bool)), _first_false(good)
    numbers = pd.to_numeric(values, errors="coerce").astype(float)
    finite = pd.Series(np.isfinite(numbers.to_numpy()), index=numbers.index)  # bool if empty
    good = finite | (empty if kind == "num?" else False)
    if kind == "int":
        good &= finite & (numbers == numbers.round())
        return numbers.fillna(0).astype(int), _first_false(good)
    return numbers, _first_false(good)


def _first_false(good: pd.Series) -> int | None:
    bad = (~good.astype(bool)).to_numpy().nonzero()[0]
    return int(bad[0]) if len(bad) else None
