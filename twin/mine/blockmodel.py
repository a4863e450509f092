"""CSV block models: reading, block economic values, slope-angle precedence.

CSV columns: ``x, y, z`` (block centroids, m, on a regular grid), ``tonnes`` (t), one or
more grade columns, optionally ``sector`` (a name per block) or ``slope_deg``. A grade
column named ``*_pct`` is in percent; one named ``grade`` or ``*_frac`` is a mass
fraction. Grid indices are (coordinate - min) / block size, so z index 0 is the lowest
bench as in MineLib.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from twin.errors import InstanceError, validation_problems
from twin.ext import kernels
from twin.mine.data import BlockModel, Precedence, is_grade_name
from twin.mine.text import line_error

#: Relative tolerance for a coordinate to sit on the grid.
GRID_TOLERANCE = 1e-6
#: Slope angle (degrees from horizontal) when neither the call nor the CSV gives one.
DEFAULT_SLOPE_DEG = 45.0


class EconomicParams(BaseModel):
    """Prices, recovery and unit costs of one block model (one currency, CNY here).

    Built by keyword, invalid values raise `twin.errors.InstanceError` with one
    'field: message' line each (``model_validate`` keeps pydantic's own error).
    """

    model_config = ConfigDict(extra="forbid")

    price_cny_per_t_metal: float = Field(gt=0)
    recovery: float = Field(gt=0, le=1)
    mining_cost_cny_per_t: float = Field(ge=0)
    processing_cost_cny_per_t: float = Field(ge=0)
    selling_cost_cny_per_t_metal: float = Field(0.0, ge=0)

    def __init__(self, **values: float) -> None:
        try:
            super().__init__(**values)
        except ValidationError as exc:
            raise InstanceError(validation_problems(exc), source="economic parameters") from None


def grade_fraction(model: BlockModel, column: str | None = None) -> np.ndarray:
    """Mass fraction of metal per block from `column` (default: the first grade column,
    `BlockModel.grade`); a ``*_pct`` column is in percent."""
    column, grade = model.grade(column)
    return grade * (0.01 if column.endswith("_pct") else 1.0)


def _axis(
    values: np.ndarray, path: Path, axis: str, size: float | None
) -> tuple[np.ndarray, float]:
    """Grid index and block size (m) along one axis; size from the smallest spacing."""
    unique = np.unique(values)
    if size is None:
        steps = np.diff(unique)
        size = float(steps.min()) if len(steps) else 1.0
    scaled = (values - unique[0]) / size
    index = np.rint(scaled)
    off = np.flatnonzero(np.abs(scaled - index) > GRID_TOLERANCE * np.maximum(1.0, index))
    if len(off):
        i = int(off[0])
        raise line_error(path, i + 2, f"{axis} = {values[i]} is not on the {size:g} m grid")
    return index.astype(np.int64), size


def read_block_csv(
    path: str | os.PathLike, block_size_m: tuple[float, float, float] | None = None
) -> BlockModel:
    """Read a CSV block model; the grid's block size is inferred unless given (m)."""
    path = Path(path)
    try:
        frame = pd.read_csv(path)
    except (OSError, pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise InstanceError([f"{path}: {exc}"], source=str(path)) from None
    frame.columns = [str(c).strip() for c in frame.columns]
    for col in ("x", "y", "z", "tonnes"):
        if col not in frame:
            raise line_error(path, 1, f"missing column {col!r}")
    numeric = ["x", "y", "z", "tonnes", "slope_deg"] + [
        c for c in frame.columns if is_grade_name(c)
    ]
    for col in (c for c in numeric if c in frame):
        values = pd.to_numeric(frame[col], errors="coerce").to_numpy(dtype=float)
        bad = np.flatnonzero(~np.isfinite(values))
        if len(bad):
            raise line_error(
                path, int(bad[0]) + 2, f"{col} {frame[col].iloc[bad[0]]!r} is not a number"
            )
        frame[col] = values
    negative = np.flatnonzero(frame["tonnes"].to_numpy() < 0)
    if len(negative):
        raise line_error(path, int(negative[0]) + 2, "tonnes must be >= 0")
    sizes = block_size_m or (None, None, None)
    axes = [_axis(frame[a].to_numpy(), path, a, s) for a, s in zip("xyz", sizes, strict=True)]
    ijk, size = zip(*axes, strict=True)
    ijk = np.column_stack(ijk)
    _, first = np.unique(ijk, axis=0, return_index=True)
    if len(first) != len(ijk):
        dup = int(np.setdiff1d(np.arange(len(ijk)), first)[0])
        raise line_error(path, dup + 2, "two blocks at the same grid position")
    return BlockModel(
        ids=np.arange(len(frame), dtype=np.int64),
        xyz=np.ascontiguousarray(ijk),
        attributes=frame,
        name=path.stem,
        block_size_m=tuple(size),
    )


def block_values(
    model: BlockModel, econ: EconomicParams, grade_column: str | None = None
) -> np.ndarray:
    """Value per block (CNY): max(processed, waste), where processed = t·g·recovery·
    (price - selling) - t·(mining + processing) and waste = -t·mining."""
    tonnes = model.attributes["tonnes"].to_numpy(dtype=float)
    metal_t = tonnes * grade_fraction(model, grade_column) * econ.recovery
    processed = metal_t * (
        econ.price_cny_per_t_metal - econ.selling_cost_cny_per_t_metal
    ) - tonnes * (econ.mining_cost_cny_per_t + econ.processing_cost_cny_per_t)
    return np.maximum(processed, -tonnes * econ.mining_cost_cny_per_t)


def _angles(model: BlockModel, slope_deg: float | Mapping[str, float] | None) -> np.ndarray:
    """Slope angle (degrees) per block from a number, a sector map or the CSV."""
    n, attrs = model.n, model.attributes
    if slope_deg is None:
        if "slope_deg" in attrs:
            return attrs["slope_deg"].to_numpy(dtype=float)
        return np.full(n, DEFAULT_SLOPE_DEG)
    if isinstance(slope_deg, Mapping):
        if "sector" not in attrs:
            raise InstanceError([f"{model.name}: slope angles by sector need a 'sector' column"])
        sectors = attrs["sector"].astype(str)
        missing = sorted(set(sectors) - set(map(str, slope_deg)))
        if missing:
            raise InstanceError([f"{model.name}: no slope angle for sector {missing[0]!r}"])
        angle = {str(k): float(v) for k, v in slope_deg.items()}
        return sectors.map(angle).to_numpy(dtype=float)
    return np.full(n, float(slope_deg))


def slope_precedence(
    model: BlockModel, slope_deg: float | Mapping[str, float] | None = None
) -> Precedence:
    """One-bench cone precedence from slope angles (degrees from horizontal, in (0, 90]).

    `slope_deg`: one angle, a map sector -> angle (the block's own sector decides, a
    simplification: a real wall's angle depends on its azimuth), or None for the CSV's
    ``slope_deg`` column or 45 degrees. The grid lookup is a dense id array over the
    model's bounding box (4 bytes per cell)."""
    angles = _angles(model, slope_deg)
    if not ((angles > 0) & (angles <= 90)).all():
        raise InstanceError([f"{model.name}: slope angles must be in (0, 90] degrees"])
    if model.block_size_m is None:
        raise InstanceError([f"{model.name}: block size unknown (not a grid block model)"])
    dx, dy, dz = model.block_size_m
    ijk = np.ascontiguousarray(model.xyz, dtype=np.int64)
    grid = np.full(tuple(ijk.max(axis=0) + 1), -1, dtype=np.int32)
    grid[ijk[:, 0], ijk[:, 1], ijk[:, 2]] = np.arange(model.n, dtype=np.int32)
    reach = dz / np.tan(np.radians(angles))
    indptr, indices = kernels("precedence").one_bench_predecessors(
        ijk, grid, np.ascontiguousarray(reach), dx, dy
    )
    return Precedence(indptr=indptr, indices=indices)
