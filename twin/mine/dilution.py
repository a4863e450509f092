"""Ore loss and dilution from a selective mining unit (SMU) on a block model.

Each SMU of kx x ky blocks in plan (on one bench) is mined as a unit and sent to the
plant when its tonnage-weighted grade reaches the cutoff. Against the in-situ ore/waste
flag of each block (grade >= cutoff) this gives, with the usual definitions (e.g. SME
Mining Engineering Handbook, 3rd ed., 2011, ch. on dilution and ore loss):

* ore loss rate = in-situ ore tonnes in SMUs classified waste / in-situ ore tonnes;
* dilution rate = waste-block tonnes in SMUs classified ore / delivered tonnes;
* delivered tonnes and grade: all tonnes and their weighted grade in ore SMUs.

Simplifications: SMUs tile the grid from index 0 (their placement is not optimised); a
minimum mining width of w blocks is taken as a w x w SMU (w x 1 on a 2-D section);
ratios with a zero denominator are NaN. Grades in any unit, the cutoff in the same one.
Per period of a schedule, an SMU keeps the class of all its blocks (mined or not, in
whichever period), and the class comes from the cutoff alone, not from a destination
the schedule may choose (PCPSP).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from twin.errors import InstanceError
from twin.mine.data import BlockModel

#: Columns of the per-period table, in order: tonnes (t), grade (the grade's unit), rates.
COLUMNS = (
    "insitu_ore_t",
    "ore_lost_t",
    "delivered_t",
    "waste_delivered_t",
    "delivered_grade",
    "ore_loss_rate",
    "dilution_rate",
)


@dataclass
class LossDilution:
    """Totals over the blocks considered: tonnes (t), grade (cutoff's unit), fractions."""

    insitu_ore_t: float
    ore_lost_t: float
    delivered_t: float
    waste_delivered_t: float
    delivered_grade: float
    ore_loss_rate: float
    dilution_rate: float


def smu_size(smu: int | tuple[int, int]) -> tuple[int, int]:
    """The SMU as (kx, ky) blocks: one number is a square SMU; each side at least 1."""
    kx, ky = (smu, smu) if isinstance(smu, int) else smu
    if kx < 1 or ky < 1:
        raise InstanceError([f"SMU {kx} x {ky}: the SMU size must be at least 1 x 1 block"])
    return kx, ky


def smu_index(ijk: np.ndarray, smu: int | tuple[int, int]) -> np.ndarray:
    """SMU id per block; `ijk` is (n, 3) grid indices, or (n, 2) (x, z) for a section."""
    ijk = np.asarray(ijk, dtype=np.int64)
    if ijk.ndim != 2 or ijk.shape[1] not in (2, 3):
        raise ValueError("ijk must be (n, 2) for a section or (n, 3)")
    if ijk.shape[1] == 2:
        ijk = np.column_stack((ijk[:, 0], np.zeros(len(ijk), dtype=np.int64), ijk[:, 1]))
    kx, ky = smu_size(smu)
    key = np.column_stack((ijk[:, 0] // kx, ijk[:, 1] // ky, ijk[:, 2]))
    return np.unique(key, axis=0, return_inverse=True)[1].ravel()


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    out = np.full(len(num), np.nan)
    np.divide(num, den, out=out, where=den > 0)
    return out


def _summaries(
    tonnes: np.ndarray,
    grade: np.ndarray,
    cutoff: float,
    smu: np.ndarray,
    group: np.ndarray,
    n_groups: int,
) -> pd.DataFrame:
    """Per group (blocks with group < 0 left out): the `COLUMNS` table."""
    metal = tonnes * grade
    smu_t = np.bincount(smu, tonnes)
    smu_grade = _ratio(np.bincount(smu, metal), smu_t)
    to_plant = (smu_grade >= cutoff)[smu]
    ore = grade >= cutoff
    keep = group >= 0
    g = group[keep]

    def total(w: np.ndarray) -> np.ndarray:
        return np.bincount(g, w[keep], minlength=n_groups)

    insitu = total(tonnes * ore)
    lost = total(tonnes * (ore & ~to_plant))
    delivered = total(tonnes * to_plant)
    waste_in = total(tonnes * (~ore & to_plant))
    return pd.DataFrame(
        {
            "insitu_ore_t": insitu,
            "ore_lost_t": lost,
            "delivered_t": delivered,
            "waste_delivered_t": waste_in,
            "delivered_grade": _ratio(total(metal * to_plant), delivered),
            "ore_loss_rate": _ratio(lost, insitu),
            "dilution_rate": _ratio(waste_in, delivered),
        }
    )


def ore_loss_dilution(
    ijk: np.ndarray,
    tonnes: np.ndarray,
    grade: np.ndarray,
    cutoff: float,
    smu: int | tuple[int, int],
) -> LossDilution:
    """Ore loss and dilution over the whole block model (see the module docstring)."""
    tonnes = np.asarray(tonnes, dtype=float)
    row = _summaries(
        tonnes,
        np.asarray(grade, dtype=float),
        cutoff,
        smu_index(ijk, smu),
        np.zeros(len(tonnes), dtype=np.int64),
        1,
    ).iloc[0]
    return LossDilution(**{c: float(row[c]) for c in COLUMNS})


def ore_loss_dilution_by_period(
    ijk: np.ndarray,
    tonnes: np.ndarray,
    grade: np.ndarray,
    cutoff: float,
    smu: int | tuple[int, int],
    period: np.ndarray,
    n_periods: int | None = None,
) -> pd.DataFrame:
    """The same per period of a schedule (`period[b]`: 0-based, -1 if never mined), one
    row per period 0..n_periods-1 (default: to the last period mined)."""
    period = np.asarray(period, dtype=np.int64)
    if n_periods is None:
        n_periods = int(period.max()) + 1 if len(period) else 0
    table = _summaries(
        np.asarray(tonnes, dtype=float),
        np.asarray(grade, dtype=float),
        cutoff,
        smu_index(ijk, smu),
        period,
        n_periods,
    )
    return table.rename_axis("period").reset_index()


@dataclass
class SmuSelection:
    """Ore selection by SMU on one block model, checked once: grid indices `ijk` (n, 3),
    `tonnes` (t), `grade` (the unit of `grade_column`), `cutoff` (the same unit) and
    `smu` (kx, ky) blocks."""

    ijk: np.ndarray
    tonnes: np.ndarray
    grade: np.ndarray
    grade_column: str
    cutoff: float
    smu: tuple[int, int]

    @classmethod
    def of(
        cls,
        model: BlockModel,
        cutoff: float,
        smu: int | tuple[int, int] = 1,
        grade_column: str | None = None,
    ) -> SmuSelection:
        """From `model`'s grid indices, tonnes (`BlockModel.tonnes`) and a grade column
        (`BlockModel.grade`; default the model's first). `InstanceError` names what is
        missing or out of range."""
        tonnes = model.tonnes()
        if tonnes is None:
            raise InstanceError([f"{model.name}: no tonnage column for ore loss and dilution"])
        column, grade = model.grade(grade_column)
        if not np.isfinite(cutoff):
            raise InstanceError([f"cutoff {cutoff}: must be a finite grade"])
        return cls(model.xyz, tonnes, grade, column, float(cutoff), smu_size(smu))

    def by_period(self, period: np.ndarray, n_periods: int | None = None) -> pd.DataFrame:
        """`ore_loss_dilution_by_period` of a schedule's `period` (n,)."""
        return ore_loss_dilution_by_period(
            self.ijk, self.tonnes, self.grade, self.cutoff, self.smu, period, n_periods
        )
