"""Reading instances: YAML and its CSV series -> a validated :class:`~twin.instance.Instance`.

:func:`load` reads a YAML file, :func:`parse` validates data already in memory. Both
resolve ``{csv: file.csv, column: name}`` series relative to the instance's folder, run
the schema and the cross-reference checks (:mod:`twin.references`), and raise one
:class:`~twin.errors.InstanceError` listing every problem as 'path: message'.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from twin.errors import InstanceError, validation_problems
from twin.instance import TARGET_KINDS, Instance
from twin.references import check_references
from twin.units import UNIT_KINDS

#: Discriminator values left out of error paths (units[0].params.x, not units[0].potline...).
_TAGS = frozenset(UNIT_KINDS) | TARGET_KINDS


def _read_column(file: Path, column: str, path: str, problems: list[str]) -> list[float] | None:
    """The numbers of `column` of a CSV with a header row, or None with a problem noted."""
    import pandas as pd

    try:
        frame = pd.read_csv(file)
    except (OSError, ValueError) as exc:
        problems.append(f"{path}: cannot read CSV {file}: {exc}")
        return None
    if column not in frame:
        problems.append(
            f"{path}: CSV {file.name} has no column '{column}' "
            f"(columns: {', '.join(map(str, frame.columns))})"
        )
        return None
    values = pd.to_numeric(frame[column], errors="coerce")
    if values.isna().any():
        row = int(values.isna().idxmax()) + 2
        problems.append(f"{path}: CSV {file.name} column '{column}' line {row} is not a number")
        return None
    return values.astype(float).tolist()


def _resolve_series(node: Any, base: Path, path: str, problems: list[str]) -> Any:
    """Replace every {csv:, column:} mapping by its list of values."""
    if isinstance(node, dict):
        if set(node) == {"csv", "column"}:
            values = _read_column(base / str(node["csv"]), node["column"], path, problems)
            return node if values is None else values
        return {
            k: _resolve_series(v, base, f"{path}.{k}" if path else str(k), problems)
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [_resolve_series(v, base, f"{path}[{i}]", problems) for i, v in enumerate(node)]
    return node


def parse(data: Any, base_dir: Path | str = ".", source: str = "instance") -> Instance:
    """Validate raw instance data (as loaded from YAML); raise InstanceError."""
    if not isinstance(data, dict):
        raise InstanceError([f"(top level): expected a mapping, got {type(data).__name__}"], source)
    problems: list[str] = []
    data = _resolve_series(data, Path(base_dir), "", problems)
    if problems:
        raise InstanceError(problems, source)
    try:
        inst = Instance.model_validate(data)
    except ValidationError as err:
        raise InstanceError(validation_problems(err, tags=_TAGS), source) from None
    problems = check_references(inst)
    if problems:
        raise InstanceError(problems, source)
    return inst


def load(path: Path | str) -> Instance:
    """Read and validate an instance YAML file (CSV series relative to it)."""
    path = Path(path)
    try:
        text = path.read_text()
    except OSError as exc:
        raise InstanceError([f"{path}: cannot read: {exc.strerror}"], str(path)) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InstanceError([f"{path}: not valid YAML: {exc}"], str(path)) from None
    return parse(data, path.parent, str(path))
