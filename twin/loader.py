"""Reading instances: YAML and its CSV series -> a validated :class:`~twin.instance.Instance`.

:func:`load` reads a YAML file, :func:`parse` validates data already in memory. Both
resolve ``{csv: file.csv, column: name}`` series (and ``{csv: file.csv}`` tables, as a
list of records) relative to the instance's folder (and
refuse a series file outside it unless `allow_outside_paths`), run the schema and the
cross-reference checks (:mod:`twin.references`), and raise one
:class:`~twin.errors.InstanceError` listing every problem as 'path: message'. Files are
read within the limits of :mod:`twin.limits`; error messages never echo file content.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import TypeAdapter, ValidationError

from twin.errors import InstanceError, validation_problems
from twin.files import read_text
from twin.instance import Instance, LoadRecord
from twin.limits import MAX_INSTANCE_BYTES, MAX_SERIES_BYTES, MAX_YAML_NODES
from twin.references import check_references

_LOAD_TABLE = TypeAdapter(list[LoadRecord])
#: Deepest nesting of an instance's YAML (a real instance is under 10 deep).
MAX_DEPTH = 64
#: Column names shown in messages: plain names only (a header line is file content).
_SHOWN_NAME = re.compile(r"^[A-Za-z0-9_ .%()-]{1,40}$")


def _check_size(data: Any, source: str) -> None:
    """InstanceError when `data` holds more than MAX_YAML_NODES nodes once aliases are
    expanded, or nests deeper than MAX_DEPTH (an alias bomb, a runaway file)."""
    stack, count = [(data, 0)], 0
    while stack:
        node, depth = stack.pop()
        count += 1
        if count > MAX_YAML_NODES or depth > MAX_DEPTH:
            what = (
                f"more than {MAX_YAML_NODES:,} values"
                if count > MAX_YAML_NODES
                else (f"nesting deeper than {MAX_DEPTH}")
            )
            raise InstanceError([f"(top level): the instance has {what}"], source)
        if isinstance(node, dict):
            stack += [(v, depth + 1) for v in node.values()]
        elif isinstance(node, list):
            stack += [(v, depth + 1) for v in node]


def _column(text: str, file: Path, column: str, path: str) -> list[float] | str:
    """The numbers of `column` of a CSV text with a header row, or a problem."""
    rows = [row for row in csv.reader(io.StringIO(text)) if row]
    if not rows:
        return f"{path}: CSV {file.name} is empty"
    header = [name.strip() for name in rows[0]]
    if column not in header:
        names = [n for n in header if _SHOWN_NAME.match(n)]
        shown = (
            f"columns: {', '.join(names)}"
            if len(names) == len(header)
            else (f"{len(header)} columns")
        )
        return f"{path}: CSV {file.name} has no column '{column}' ({shown})"
    index = header.index(column)
    values = []
    for line, row in enumerate(rows[1:], start=2):
        try:
            values.append(float(row[index]))
        except (IndexError, ValueError):
            return f"{path}: CSV {file.name} column '{column}' line {line} is not a number"
    return values


def records(text: str) -> list[dict[str, str]]:
    """The rows of a CSV text with a header row, as {column: text} (blank lines skipped)."""
    rows = [row for row in csv.reader(io.StringIO(text)) if row]
    header = [name.strip() for name in rows[0]] if rows else []
    return [dict(zip(header, (cell.strip() for cell in row), strict=False)) for row in rows[1:]]


def _csv_file(node: dict, base: Path, path: str, allow_outside: bool) -> Any:
    """The values of a {csv:, column:} series, the records of a {csv:} table, or a
    problem (a str)."""
    name, column = node["csv"], node.get("column", "")
    if not isinstance(name, str) or not isinstance(column, str):
        return f"{path}: csv and column must be strings (a file name and a column name)"
    file = (base / name).resolve()
    if not allow_outside and not file.is_relative_to(base.resolve()):
        return (
            f"{path}: CSV '{name}' lies outside the instance's folder; series files must "
            "be inside it (allow_outside_paths / --allow-outside-paths to permit)"
        )
    try:
        text = read_text(file, MAX_SERIES_BYTES, "CSV")
    except InstanceError as err:
        return f"{path}: {err.problems[0]}"
    return _column(text, file, column, path) if column else records(text)


def _file_path(
    name: Any, base: Path, path: str, problems: list[str], allow_outside: bool
) -> str | None:
    """A {file: NAME} mapping's file as an absolute path (read later by its user, e.g.
    a block model), inside the instance's folder unless `allow_outside`."""
    if not isinstance(name, str) or not name:
        problems.append(f"{path}.file: must be a file name")
        return None
    file = (base / name).resolve()
    if not allow_outside and not file.is_relative_to(base.resolve()):
        problems.append(
            f"{path}.file: '{name}' lies outside the instance's folder; files must be inside "
            "it (allow_outside_paths / --allow-outside-paths to permit)"
        )
    elif not file.is_file():
        problems.append(f"{path}.file: '{name}' does not exist")
    return str(file)


def _resolve_series(
    node: Any, base: Path, path: str, problems: list[str], allow_outside: bool
) -> Any:
    """Replace every {csv:, column:} mapping by its list of values, every {csv:}
    mapping by the CSV's rows as records, and every {file:} mapping by its path."""
    if isinstance(node, dict):
        if set(node) == {"file"}:
            return _file_path(node["file"], base, path, problems, allow_outside)
        if set(node) in ({"csv", "column"}, {"csv"}):
            values = _csv_file(node, base, path, allow_outside)
            if isinstance(values, str):
                problems.append(values)
                return node
            return values
        return {
            k: _resolve_series(v, base, f"{path}.{k}" if path else str(k), problems, allow_outside)
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [
            _resolve_series(v, base, f"{path}[{i}]", problems, allow_outside)
            for i, v in enumerate(node)
        ]
    return node


def parse(
    data: Any,
    base_dir: Path | str = ".",
    source: str = "instance",
    allow_outside_paths: bool = False,
) -> Instance:
    """Validate raw instance data (as loaded from YAML; series files relative to
    `base_dir`, and inside it unless `allow_outside_paths`); raise InstanceError."""
    if not isinstance(data, dict):
        raise InstanceError([f"(top level): expected a mapping, got {type(data).__name__}"], source)
    _check_size(data, source)
    problems: list[str] = []
    data = _resolve_series(data, Path(base_dir), "", problems, allow_outside_paths)
    if problems:
        raise InstanceError(problems, source)
    inst = Instance.model_validate(data, context={"source": source})
    problems = check_references(inst)
    if problems:
        raise InstanceError(problems, source)
    return inst


def load(path: Path | str, allow_outside_paths: bool = False) -> Instance:
    """Read and validate an instance YAML file (CSV series relative to it)."""
    path = Path(path)
    text = read_text(path, MAX_INSTANCE_BYTES, "instance file")
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InstanceError([f"{path}: not valid YAML: {exc}"], str(path)) from None
    except RecursionError:
        raise InstanceError([f"{path}: YAML nested too deep"], str(path)) from None
    return parse(data, path.parent, str(path), allow_outside_paths)


def read_load_table(path: Path) -> list[LoadRecord]:
    """A unit-load table from a CSV file (the unit_loads `twin solve` writes; columns
    unit, period, mode, throughput_t), checked row by row; InstanceError otherwise."""
    rows = records(read_text(path, MAX_SERIES_BYTES, "unit-load CSV"))
    try:
        return _LOAD_TABLE.validate_python(rows)
    except ValidationError as err:
        raise InstanceError(validation_problems(err, str(path)), str(path)) from None
