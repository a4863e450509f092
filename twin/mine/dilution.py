"""Ore loss and dilution from a selective mining unit (SMU) on a block model.

Each SMU of kx x ky blocks in plan (on one bench) is mined as a unit and sent to the
plant when its tonnage-weighted grade reaches the cutoff. Against the in-situ ore/waste
flag of each block (grade >= cutoff) this gives, with the usual definitions (e.g. SME
Mining Engineering Handbook, 3rd ed., 2011, ch. on dilution and ore loss):

* ore loss = in-situ ore tonnes in SMUs classified waste / in-situ ore tonnes;
* dilution = waste-block tonnes in SMUs classified ore / delivered tonnes;
* delivered tonnes and grade: all tonnes and their weighted grade in ore SMUs.

Simplifications: SMUs tile the grid from index 0 (their placement is not optimised); a
minimum mining width of w blocks is taken as a w x w SMU (w x 1 on a 2-D section);
ratios with a zero denominator are NaN. Grades in any unit, the cutoff in the same one.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

#: Columns of the per-period table, in order.
COLUMNS = ("insitu_ore_t", "ore_lost_t", "delivered_t", "waste_delivered_t",
           "delivered_grade", "ore_loss", "dilution")


@dataclass
class LossDilution:
    """Totals over the blocks considered: tonnes (t), grade (cutoff's unit), fractions."""

    insitu_ore_t: float
    ore_lost_t: float
    delivered_t: float
    waste_delivered_t: float
    delivered_grade: float
    ore_loss: float
    dilution: float


def smu_index(ijk: np.ndarray, smu: int | tuple[int, int]) -> np.ndarray:
    """SMU id per block; `ijk` is (n, 3) grid indices, or (n, 2) (x, z) for a section."""
    ijk = np.asarray(ijk, dtype=np.int64)
    if ijk.ndim != 2 or ijk.shape[1] not in (2, 3):
        raise ValueError("ijk must be (n, 2) for a section or (n, 3)")
    if ijk.shape[1] == 2:
        ijk = np.column_stack((ijk[:, 0], np.zeros(len(ijk), dtype=np.int64), ijk[:, 1]))
    kx, ky = (smu, smu) if isinstance(smu, int) else smu
    if kx < 1 or ky < 1:
        raise ValueError("SMU size must be at least 1 x 1 block")
    key = np.column_stack((ijk[:, 0] // kx, ijk[:, 1] // ky, ijk[:, 2]))
    return np.unique(key, axis=0, return_inverse=True)[1].ravel()


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    out = np.full(len(num), np.nan)
    np.divide(num, den, out=out, where=den > 0)
    return out


def _summaries(tonnes: np.ndarray, grade: np.ndarray, cutoff: float,
               smu: np.ndarray, group: np.ndarray, n_groups: int) -> pd.DataFrame:
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
    return pd.DataFrame({
        "insitu_ore_t": insitu, "ore_lost_t": lost, "delivered_t": delivered,
        "waste_delivered_t": waste_in,
        "delivered_grade": _ratio(total(metal * to_plant), delivered),
        "ore_loss": _ratio(lost, insitu), "dilution": _ratio(waste_in, delivered)})


def ore_loss_dilution(ijk: np.ndarray, tonnes: np.ndarray, grade: np.ndarray, cutoff: float,
                      smu: int | tuple[int, int]) -> LossDilution:
    """Ore loss and dilution over the whole block model (see the module docstring)."""
    tonnes = np.asarray(tonnes, dtype=float)
    row = _summaries(tonnes, np.asarray(grade, dtype=float), cutoff, smu_index(ijk, smu),
                     np.zeros(len(tonnes), dtype=np.int64), 1).iloc[0]
    return LossDilution(**{c: float(row[c]) for c in COLUMNS})


def ore_loss_dilution_by_period(ijk: np.ndarray, tonnes: np.ndarray, grade: np.ndarray,
                                cutoff: float, smu: int | tuple[int, int],
                                period: np.ndarray) -> pd.DataFrame:
    """The same per period of a schedule (`period[b]`: 0-based, -1 if never mined); an SMU
    keeps the class of all its blocks when they are mined in different periods."""
    period = np.asarray(period, dtype=np.int64)
    n_periods = int(period.max()) + 1 if len(period) else 0
    table = _summaries(np.asarray(tonnes, dtype=float), np.asarray(grade, dtype=float),
                       cutoff, smu_index(ijk, smu), period, n_periods)
    return table.rename_axis("period").reset_index()
