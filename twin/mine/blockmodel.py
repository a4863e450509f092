"""CSV block models: reading, block economic values, slope-angle precedence.

CSV columns: ``x, y, z`` (block centroids, m, on a regular grid), ``tonnes`` (t), one or
more grade columns, optionally ``sector`` (a name per block) or ``slope_deg``. A grade
column named ``*_pct`` is in percent; one named ``*_ppm`` or ``*_gpt`` (g/t) in parts per
million by mass (1 g/t = 1 ppm = 1e-6); one named ``grade`` or ``*_frac`` is a mass
fraction (`grade_unit_factor`). Grid indices are (coordinate - min) / block size, so z
index 0 is the lowest bench as in MineLib.

Every number is checked finite and within `twin.mine.limits` (coordinates, tonnes,
grades, slope angles, the grid's cells, the precedence's size); a bad one raises
`twin.errors.InstanceError` naming ``file:line`` (CSV) or the field (arguments).
"""

from __future__ import annotations

import io
import math
import os
import re
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from twin.errors import InstanceError, validation_problems
from twin.ext import kernels
from twin.mine.data import BlockModel, Precedence, describe_cycle, is_grade_name
from twin.mine.limits import (
    DEFAULT_SLOPE_DEG,
    MAX_ARCS,
    MAX_BLOCK_SIZE_M,
    MAX_BLOCKS,
    MAX_CNY_PER_T,
    MAX_COORDINATE_M,
    MAX_GRID_CELLS,
    MAX_SLOPE_DEG,
    MAX_TEMPLATE_CELLS,
    MAX_TONNES,
    MAX_VALUE,
    MIN_BLOCK_SIZE_M,
    MIN_SLOPE_DEG,
)
from twin.mine.text import file_error, line_error, read_bytes, short

#: Relative tolerance for a coordinate to sit on the grid.
GRID_TOLERANCE = 1e-6
#: Relative slack on the reach, as the precedence kernel's (`twin.ext.precedence`).
REACH_TOLERANCE = 1e-9


class EconomicParams(BaseModel):
    """Prices, recovery and unit costs of one block model (one currency, CNY here), each
    finite; prices and costs at most `MAX_CNY_PER_T`.

    Built by keyword, invalid values raise `twin.errors.InstanceError` with one
    'field: message' line each (``model_validate`` keeps pydantic's own error).
    """

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    price_cny_per_t_metal: float = Field(gt=0, le=MAX_CNY_PER_T)
    recovery: float = Field(gt=0, le=1)
    mining_cost_cny_per_t: float = Field(ge=0, le=MAX_CNY_PER_T)
    processing_cost_cny_per_t: float = Field(ge=0, le=MAX_CNY_PER_T)
    selling_cost_cny_per_t_metal: float = Field(0.0, ge=0, le=MAX_CNY_PER_T)

    def __init__(self, **values: float) -> None:
        try:
            super().__init__(**values)
        except ValidationError as exc:
            raise InstanceError(validation_problems(exc), source="economic parameters") from None


#: Grade column suffix -> (mass fraction per unit, the unit's upper bound): percent, and
#: parts per million by mass (g/t: 1 g per 1e6 g).
_GRADE_UNITS = {"_pct": (0.01, 100.0), "_ppm": (1e-6, 1e6), "_gpt": (1e-6, 1e6)}


def grade_unit_factor(column: str) -> float:
    """Mass fraction per unit of a grade column named `column`: 0.01 for ``*_pct``,
    1e-6 for ``*_ppm`` and ``*_gpt`` (g/t), 1.0 for a fraction (``grade``, ``*_frac``)."""
    return next((f for s, (f, _) in _GRADE_UNITS.items() if column.endswith(s)), 1.0)


def grade_fraction(model: BlockModel, column: str | None = None) -> np.ndarray:
    """Mass fraction of metal per block from `column` (default: the first grade column,
    `BlockModel.grade`), the column's unit converted (`grade_unit_factor`)."""
    column, grade = model.grade(column)
    return grade * grade_unit_factor(column)


#: Columns that must hold a number on every line, with their ranges (a grade column's
#: range follows its unit, `_grade_range`).
_NUMERIC = {
    "x": (-MAX_COORDINATE_M, MAX_COORDINATE_M),
    "y": (-MAX_COORDINATE_M, MAX_COORDINATE_M),
    "z": (-MAX_COORDINATE_M, MAX_COORDINATE_M),
    "tonnes": (0.0, MAX_TONNES),
    "slope_deg": (MIN_SLOPE_DEG, MAX_SLOPE_DEG),
}


def _grade_range(column: str) -> tuple[float, float]:
    """A grade in percent lies in [0, 100], in ppm or g/t in [0, 1e6], a mass fraction
    in [0, 1]."""
    return next(
        ((0.0, hi) for s, (_, hi) in _GRADE_UNITS.items() if column.endswith(s)), (0.0, 1.0)
    )


def _block_size(size: tuple[float, float, float] | None) -> tuple[float | None, ...]:
    """The block size given to `read_block_csv`, checked: three finite sizes (m) in
    [`MIN_BLOCK_SIZE_M`, `MAX_BLOCK_SIZE_M`]."""
    if size is None:
        return (None, None, None)
    try:
        values = tuple(float(v) for v in size)
    except (TypeError, ValueError):
        values = ()
    if len(values) != 3 or not all(MIN_BLOCK_SIZE_M <= v <= MAX_BLOCK_SIZE_M for v in values):
        raise InstanceError(
            [
                f"block_size_m: {short(str(size))} must be three sizes in "
                f"[{MIN_BLOCK_SIZE_M:g}, {MAX_BLOCK_SIZE_M:g}] m"
            ]
        )
    return values


def _axis(
    values: np.ndarray, lines: np.ndarray, path: Path, axis: str, size: float | None
) -> tuple[np.ndarray, float]:
    """Grid index and block size (m) along one axis; size from the smallest spacing (in
    [`MIN_BLOCK_SIZE_M`, `MAX_BLOCK_SIZE_M`]), the grid at most `MAX_GRID_CELLS` long."""
    unique = np.unique(values)
    if size is None:
        steps = np.diff(unique)
        size = float(steps.min()) if len(steps) else 1.0
        if not MIN_BLOCK_SIZE_M <= size <= MAX_BLOCK_SIZE_M:
            i = int(np.flatnonzero(values == unique[int(np.argmin(steps)) + 1])[0])
            raise line_error(
                path,
                int(lines[i]),
                f"{axis} = {values[i]:g} is {size:.3g} m from the nearest other {axis}, "
                f"so blocks would be that long: outside [{MIN_BLOCK_SIZE_M:g}, "
                f"{MAX_BLOCK_SIZE_M:g}] m",
            )
    if (float(unique[-1]) - float(unique[0])) / size + 1 > MAX_GRID_CELLS:
        i = int(np.argmax(np.abs(values - np.median(values))))
        raise line_error(
            path,
            int(lines[i]),
            f"{axis} = {values[i]:g} makes the grid {(unique[-1] - unique[0]) / size + 1:.3g} "
            f"blocks of {size:g} m long, over the limit of {MAX_GRID_CELLS:,} cells",
        )
    scaled = (values - unique[0]) / size
    index = np.rint(scaled)
    off = np.flatnonzero(np.abs(scaled - index) > GRID_TOLERANCE * np.maximum(1.0, index))
    if len(off):
        i = int(off[0])
        raise line_error(
            path, int(lines[i]), f"{axis} = {values[i]:g} is not on the {size:g} m grid"
        )
    return index.astype(np.int64), size


def _csv_table(path: Path) -> tuple[pd.DataFrame, np.ndarray]:
    """The CSV's data lines as text (one column per header name) and their line numbers;
    blank lines are skipped; an empty file, a header alone, a line with more fields than
    the header or a name given twice refused."""
    try:
        text = read_bytes(path).decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise file_error(path, f"not UTF-8 text (byte {exc.start})") from None
    if not text.strip():
        raise file_error(path, "empty file (a block model needs a header line and blocks)")
    try:
        table = pd.read_csv(
            io.StringIO(text), header=None, dtype=str, keep_default_na=False,
            skip_blank_lines=False,
        )  # fmt: skip
    except (ValueError, pd.errors.EmptyDataError) as exc:  # ParserError is a ValueError
        message = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        found = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", message)
        if found:
            raise line_error(
                path, int(found[2]), f"{found[3]} fields where the header has {found[1]}"
            ) from None
        raise file_error(path, f"not a CSV table ({message})") from None
    breaks = len(re.findall(r"\r\n|\r|\n", text.rstrip("\r\n"))) + 1
    if breaks != len(table):
        spans = table.apply(lambda c: c.str.contains("[\r\n]")).any(axis=1).to_numpy()
        raise line_error(path, int(np.argmax(spans)) + 1, "a quoted field spans lines")
    # a column without a name (an index written by pandas, a trailing comma) is kept
    # under pandas' name for it: nothing refers to it
    names = [str(c).strip() or f"Unnamed: {j}" for j, c in enumerate(table.iloc[0])]
    for j, name in enumerate(names):
        if name in names[:j]:
            raise line_error(path, 1, f"column {short(name)} appears twice")
    data = table.iloc[1:]
    blank = data.apply(lambda c: c.str.strip() == "").all(axis=1).to_numpy()
    lines = np.flatnonzero(~blank) + 2
    data = data[~blank]
    if not len(data):
        raise line_error(path, 1, "no blocks: the header and no data line")
    if len(data) > MAX_BLOCKS:
        raise line_error(path, int(lines[MAX_BLOCKS]), f"more than {MAX_BLOCKS:,} blocks")
    data.columns = pd.Index(names)
    return data.reset_index(drop=True), lines


def read_block_csv(
    path: str | os.PathLike, block_size_m: tuple[float, float, float] | None = None
) -> BlockModel:
    """Read a CSV block model; the grid's block size is inferred unless given (m).

    Coordinates, tonnes, grades and slope angles must be numbers within their limits
    (`twin.mine.limits`); the grid (from the smallest spacing along each axis) at most
    `MAX_GRID_CELLS` cells, so one outlier coordinate is named, not allocated for.
    Other columns are numbers where every entry is one, text otherwise."""
    path = Path(path)
    sizes = _block_size(block_size_m)
    frame, lines = _csv_table(path)
    for col in ("x", "y", "z", "tonnes"):
        if col not in frame:
            raise line_error(path, 1, f"missing column {col!r}")
    for col in frame.columns:
        values = pd.to_numeric(frame[col].str.strip(), errors="coerce").to_numpy(dtype=float)
        lo, hi = _grade_range(col) if is_grade_name(col) else _NUMERIC.get(col, (None, None))
        if lo is None or hi is None:
            if np.isfinite(values).all():
                frame[col] = values
            continue
        bad = np.flatnonzero(~np.isfinite(values))
        if len(bad):
            i = int(bad[0])
            raise line_error(
                path, int(lines[i]), f"{col} {short(frame[col].iloc[i])} is not a number"
            )
        out = np.flatnonzero((values < lo) | (values > hi))
        if len(out):
            i = int(out[0])
            raise line_error(
                path, int(lines[i]), f"{col} {values[i]:g} is outside [{lo:g}, {hi:g}]"
            )
        frame[col] = values
    axes = [
        _axis(frame[a].to_numpy(), lines, path, a, s) for a, s in zip("xyz", sizes, strict=True)
    ]
    ijk, size = zip(*axes, strict=True)
    ijk = np.column_stack(ijk)
    shape = ijk.max(axis=0) + 1
    if math.prod(int(c) for c in shape) > MAX_GRID_CELLS:
        axis = int(np.argmax(shape))
        i = int(np.argmax(np.abs(ijk[:, axis] - np.median(ijk[:, axis]))))
        raise line_error(
            path,
            int(lines[i]),
            f"{'xyz'[axis]} = {frame['xyz'[axis]].iloc[i]:g} makes the grid "
            f"{' x '.join(map(str, shape))} blocks, over the limit of {MAX_GRID_CELLS:,} cells",
        )
    _, first = np.unique(ijk, axis=0, return_index=True)
    if len(first) != len(ijk):
        dup = int(np.setdiff1d(np.arange(len(ijk)), first)[0])
        raise line_error(path, int(lines[dup]), "two blocks at the same grid position")
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
    (price - selling) - t·(mining + processing) and waste = -t·mining.

    Tonnes must lie in [0, `MAX_TONNES`], grades be mass fractions in [0, 1] (percent
    in [0, 100], ppm or g/t in [0, 1e6]) and each value within ±`MAX_VALUE`
    (`InstanceError` names the block)."""
    if "tonnes" not in model.attributes:
        raise InstanceError([f"{model.name}: no 'tonnes' column"])
    tonnes = pd.to_numeric(model.attributes["tonnes"], errors="coerce").to_numpy(dtype=float)
    grade = grade_fraction(model, grade_column)
    for what, values, hi in (("tonnes", tonnes, MAX_TONNES), ("grade", grade, 1.0)):
        bad = np.flatnonzero(~((values >= 0) & (values <= hi)))
        if len(bad):
            raise InstanceError(
                [f"{model.name}: {what} {values[bad[0]]:g} of block {bad[0]} outside [0, {hi:g}]"]
            )
    metal_t = tonnes * grade * econ.recovery
    processed = metal_t * (
        econ.price_cny_per_t_metal - econ.selling_cost_cny_per_t_metal
    ) - tonnes * (econ.mining_cost_cny_per_t + econ.processing_cost_cny_per_t)
    values = np.maximum(processed, -tonnes * econ.mining_cost_cny_per_t)
    big = np.flatnonzero(np.abs(values) > MAX_VALUE)
    if len(big):
        b = int(big[0])
        raise InstanceError(
            [
                f"{model.name}: block {b} is worth {values[b]:.3g} CNY, beyond ±{MAX_VALUE:g} "
                "(check its tonnes, the price and the costs)"
            ]
        )
    return values


def _angle(value: object, field: str) -> float:
    """One slope angle, checked finite and in [`MIN_SLOPE_DEG`, `MAX_SLOPE_DEG`]."""
    try:
        angle = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        angle = math.nan
    if not MIN_SLOPE_DEG <= angle <= MAX_SLOPE_DEG:
        raise InstanceError(
            [
                f"{field}: {value if isinstance(value, int | float) else short(str(value))} "
                f"must be a slope angle in "
                f"[{MIN_SLOPE_DEG:g}, {MAX_SLOPE_DEG:g}] degrees"
            ]
        )
    return angle


def _angles(model: BlockModel, slope_deg: float | Mapping[str, float] | None) -> np.ndarray:
    """Slope angle (degrees) per block from a number, a sector map or the CSV, each
    checked (`_angle`)."""
    n, attrs = model.n, model.attributes
    if slope_deg is None:
        if "slope_deg" not in attrs:
            return np.full(n, DEFAULT_SLOPE_DEG)
        angles = pd.to_numeric(attrs["slope_deg"], errors="coerce").to_numpy(dtype=float)
        bad = np.flatnonzero(~((angles >= MIN_SLOPE_DEG) & (angles <= MAX_SLOPE_DEG)))
        if len(bad):
            _angle(attrs["slope_deg"].iloc[bad[0]], f"{model.name}: slope_deg of block {bad[0]}")
        return angles
    if isinstance(slope_deg, Mapping):
        if "sector" not in attrs:
            raise InstanceError([f"{model.name}: slope angles by sector need a 'sector' column"])
        sectors = attrs["sector"].astype(str)
        missing = sorted(set(sectors) - set(map(str, slope_deg)))
        if missing:
            raise InstanceError([f"{model.name}: no slope angle for sector {missing[0]!r}"])
        angle = {str(k): _angle(v, f"slope_deg[{str(k)!r}]") for k, v in slope_deg.items()}
        return sectors.map(angle).to_numpy(dtype=float)
    return np.full(n, _angle(slope_deg, "slope_deg"))


def _grid_shape(model: BlockModel) -> tuple[int, int, int]:
    """The grid's extent (nx, ny, nz) from `model.xyz`, checked: indices >= 0, at most
    `MAX_GRID_CELLS` cells, no two blocks in one cell."""
    ijk = model.xyz
    if ijk.ndim != 2 or ijk.shape[1] != 3 or (len(ijk) and ijk.min() < 0):
        raise InstanceError([f"{model.name}: xyz must be (n, 3) grid indices >= 0"])
    shape = tuple(int(c) + 1 for c in ijk.max(axis=0))
    if math.prod(shape) > MAX_GRID_CELLS:
        raise InstanceError(
            [
                f"{model.name}: the grid is {' x '.join(map(str, shape))} blocks, over the "
                f"limit of {MAX_GRID_CELLS:,} cells"
            ]
        )
    return shape[0], shape[1], shape[2]


def _template_size(
    reach: np.ndarray, dx: float, dy: float, shape: tuple[int, int, int]
) -> tuple[int, int]:
    """(cells the kernel scans, an upper bound of the arcs) of the one-bench template
    over all blocks: it loops over offsets within (2 ri + 1) x (2 rj + 1) cells."""
    ri = np.floor(reach * (1.0 + REACH_TOLERANCE) / dx)
    rj = np.floor(reach * (1.0 + REACH_TOLERANCE) / dy)
    columns = np.minimum(2 * ri + 1, shape[0])
    scanned = float(np.sum(2 * ri + 1 + columns * (2 * rj + 1)))
    arcs = float(np.sum(columns * np.minimum(2 * rj + 1, shape[1])))
    return int(min(scanned, 2**62)), int(min(arcs, 2**62))


def slope_precedence(
    model: BlockModel, slope_deg: float | Mapping[str, float] | None = None
) -> Precedence:
    """One-bench cone precedence from slope angles (degrees from horizontal, in
    [`MIN_SLOPE_DEG`, `MAX_SLOPE_DEG`]).

    `slope_deg`: one angle, a map sector -> angle (the block's own sector decides, a
    simplification: a real wall's angle depends on its azimuth), or None for the CSV's
    ``slope_deg`` column or 45 degrees. The grid lookup is a dense id array over the
    model's bounding box (4 bytes per cell, at most `MAX_GRID_CELLS`); the template
    scan and the arcs are bounded (`MAX_TEMPLATE_CELLS`, `MAX_ARCS`) before the kernel
    runs. Arcs point one bench up, so there is no cycle (checked all the same)."""
    angles = _angles(model, slope_deg)
    if model.block_size_m is None:
        raise InstanceError([f"{model.name}: block size unknown (not a grid block model)"])
    dx, dy, dz = _block_size(model.block_size_m)
    assert dx is not None and dy is not None and dz is not None  # checked, given
    if model.n == 0:
        return Precedence(np.zeros(1, dtype=np.int64), np.zeros(0, dtype=np.int32))
    shape = _grid_shape(model)
    ijk = np.ascontiguousarray(model.xyz, dtype=np.int64)
    grid = np.full(shape, -1, dtype=np.int32)
    grid[ijk[:, 0], ijk[:, 1], ijk[:, 2]] = np.arange(model.n, dtype=np.int32)
    if np.count_nonzero(grid >= 0) != model.n:
        raise InstanceError([f"{model.name}: two blocks at the same grid position"])
    # No cell of the grid is farther than its diagonal: a longer reach adds nothing.
    reach = np.minimum(dz / np.tan(np.radians(angles)), math.hypot(shape[0] * dx, shape[1] * dy))
    scanned, arcs = _template_size(reach, dx, dy, shape)
    if scanned > MAX_TEMPLATE_CELLS or arcs > MAX_ARCS:
        raise InstanceError(
            [
                f"{model.name}: slope precedence would scan {scanned:,} cells for up to "
                f"{arcs:,} arcs, over the limits of {MAX_TEMPLATE_CELLS:,} and {MAX_ARCS:,} "
                f"(blocks {dx:g} x {dy:g} x {dz:g} m, slopes down to {angles.min():g} degrees)"
            ]
        )
    indptr, indices = kernels("precedence").one_bench_predecessors(
        ijk, grid, np.ascontiguousarray(reach), dx, dy
    )
    prec = Precedence(indptr=indptr, indices=indices)
    cycle = prec.cycle()
    if cycle:
        raise InstanceError([f"{model.name}: {describe_cycle(cycle)}"])
    return prec
