"""Plant measurements for data reconciliation: what was measured, its value and its
standard deviation.

A measurement set is a CSV with a header row ``kind,id,element,value,sigma``, one row per
measurement of one period:

* ``flow``: `id` a stream (its ``id``, or ``from->to:material`` as ``twin solve`` names
  it in stream_flows), t over the period;
* ``assay``: `id` a stream, `element` the element, mass fraction 0..1;
* ``level``: `id` a stock, t at the end of the period; ``opening``: t at its start.

`sigma` is the measurement's standard deviation in the value's own unit (> 0): for a
belt weigher of 1 % accuracy at 95 % confidence, sigma = 0.01 x value / 1.96.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from twin.errors import InstanceError, validation_problems
from twin.files import read_text
from twin.limits import MAX_ENTITIES, MAX_SERIES_BYTES, MAX_T

#: Most measurements in one set: every stream's flow and a few assays each.
MAX_MEASUREMENTS = 10 * MAX_ENTITIES
COLUMNS = ("kind", "id", "element", "value", "sigma")


class Measurement(BaseModel):
    """One measured quantity (module docstring): kind, id, element (assays only), value
    (t, or a mass fraction for an assay) and its standard deviation sigma (same unit)."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, frozen=True)

    kind: Literal["flow", "assay", "level", "opening"]
    id: Annotated[str, Field(min_length=1)]
    element: str | None = None
    value: Annotated[float, Field(ge=0.0, le=MAX_T)]
    sigma: Annotated[float, Field(gt=0.0, le=MAX_T)]

    @model_validator(mode="after")
    def _element_for_assays(self) -> Measurement:
        if self.kind == "assay":
            if not self.element:
                raise ValueError("element: an assay names its element")
            if self.value > 1.0:
                raise ValueError(f"value: an assay is a mass fraction in [0, 1], got {self.value}")
        elif self.element:
            raise ValueError(f"element: only an assay has an element (this is a {self.kind})")
        return self

    @property
    def key(self) -> tuple[str, ...]:
        """The quantity measured: (kind, id) or ("assay", id, element)."""
        return (self.kind, self.id, self.element) if self.element else (self.kind, self.id)


def parse_measurements(rows: list[dict], source: str = "measurements") -> list[Measurement]:
    """`rows` (mappings with the CSV's columns) as Measurements; InstanceError naming
    ``measurements[i].<field>`` for each bad row and each quantity measured twice."""
    if len(rows) > MAX_MEASUREMENTS:
        raise InstanceError(
            [f"measurements: {len(rows)} rows, above the limit of {MAX_MEASUREMENTS}"], source
        )
    problems: list[str] = []
    out: list[Measurement] = []
    seen: dict[tuple[str, ...], int] = {}
    for i, row in enumerate(rows):
        data = {k: v for k, v in row.items() if v not in (None, "")}
        try:
            m = Measurement.model_validate(data)
        except ValidationError as err:
            problems += validation_problems(err, prefix=f"measurements[{i}]")
            continue
        if m.key in seen:
            problems.append(
                f"measurements[{i}]: {'/'.join(m.key)} is measured again (first in "
                f"measurements[{seen[m.key]}])"
            )
        seen.setdefault(m.key, i)
        out.append(m)
    if problems:
        raise InstanceError(problems, source)
    return out


def read_measurements(path: Path | str) -> list[Measurement]:
    """The measurement CSV at `path` (module docstring); InstanceError naming the row
    (``measurements[i]`` is the i-th data row, line i + 2) and field otherwise."""
    path = Path(path)
    text = read_text(path, MAX_SERIES_BYTES, "measurements")
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [c for c in COLUMNS if c not in header and c != "element"]
    unknown = [c for c in header if c not in COLUMNS]
    if missing or unknown:
        raise InstanceError(
            [
                f"{path.name}: header has {header}; needs {list(COLUMNS)} "
                f"(missing {missing}, unknown {unknown})"
            ],
            path.name,
        )
    rows = [{k.strip(): (v or "").strip() for k, v in row.items() if k} for row in reader]
    return parse_measurements(rows, path.name)
