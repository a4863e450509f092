"""Ultimate pit and nested pits as maximum-weight closures (Picard 1976), solved by the
pseudoflow min-cut in `twin.ext.maxflow` (Hochbaum 2008).

The pit returned is always the *minimal* maximum closure: the smallest set of blocks of
greatest value. Minimal closures of the parametric values used here grow with the
revenue factor, so the pits of increasing factors are nested (Picard 1976; Lerchs and
Grossmann, *Optimum design of open-pit mines*, CIM Bulletin 58:47-54, 1965, for the
nested-pit idea).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from twin.errors import InstanceError
from twin.ext import kernels
from twin.mine.data import Precedence, UpitProblem
from twin.mine.limits import MAX_FACTOR


@dataclass
class PitResult:
    """A pit: `mask` (bool per block), its total `value` (currency) and solve `seconds`."""

    mask: np.ndarray
    value: float
    seconds: float

    @property
    def blocks(self) -> int:
        """Number of blocks in the pit."""
        return int(self.mask.sum())


@dataclass
class NestedPit:
    """The pit at revenue factor `factor`: its blocks, tonnes (t; NaN when unknown) and
    value at factor 1 (currency); `shell_blocks` are the blocks it adds to the previous."""

    factor: float
    mask: np.ndarray
    blocks: int
    shell_blocks: int
    tonnes: float
    value: float


def is_closed(mask: np.ndarray, prec: Precedence) -> bool:
    """True when every block in `mask` has all its predecessors in `mask` too."""
    mask = np.asarray(mask, dtype=bool)
    # per arc, whether its successor is in the pit and its predecessor is not: two bool
    # arrays of the arcs (1 byte each), not the int64 arc ends of `Precedence.arcs`
    outside = ~mask[prec.indices]
    outside &= np.repeat(mask, np.diff(prec.indptr))
    return not bool(outside.any())


def _closure(values: np.ndarray, prec: Precedence) -> tuple[np.ndarray, float]:
    in_pit, value = kernels("maxflow").max_closure(
        np.ascontiguousarray(values, dtype=np.float64),
        np.ascontiguousarray(prec.indptr, dtype=np.int64),
        np.ascontiguousarray(prec.indices, dtype=np.int32),
    )
    return in_pit.view(bool), value


def ultimate_pit(upit: UpitProblem, prec: Precedence) -> PitResult:
    """The minimal maximum-value closed pit of a UPIT problem."""
    if prec.n != upit.n_blocks:
        raise ValueError(f"precedence has {prec.n} blocks, the problem {upit.n_blocks}")
    t0 = time.perf_counter()
    mask, value = _closure(upit.values, prec)
    return PitResult(mask=mask, value=value, seconds=time.perf_counter() - t0)


def scaled_values(values: np.ndarray, factor: float) -> np.ndarray:
    """Block values at revenue factor λ: λ·max(v, 0) + min(v, 0).

    A simplification: the positive part of a block value stands for its revenue net of
    processing and the negative part for its cost, so only profitable blocks scale. A
    block model with separate revenue and cost columns would scale revenue alone."""
    values = np.asarray(values, dtype=np.float64)
    return factor * np.maximum(values, 0.0) + np.minimum(values, 0.0)


def nested_pits(
    values: np.ndarray,
    prec: Precedence,
    factors: Sequence[float] | np.ndarray,
    tonnes: np.ndarray | None = None,
) -> list[NestedPit]:
    """Minimal maximum closures for each revenue factor (sorted increasing) of
    `scaled_values`; each pit contains the previous one. `tonnes` (t per block), when
    known, gives each pit's tonnage, otherwise NaN. Values at factor 1 (currency). A
    factor outside [0, `MAX_FACTOR`] raises `twin.errors.InstanceError`."""
    values = np.asarray(values, dtype=np.float64)
    if prec.n != len(values):
        raise ValueError(f"precedence has {prec.n} blocks, values {len(values)}")
    pits: list[NestedPit] = []
    previous = np.zeros(len(values), dtype=bool)
    for factor in sorted(float(f) for f in factors):
        if not 0.0 <= factor <= MAX_FACTOR:  # NaN too
            raise InstanceError([f"revenue factor {factor}: must be in [0, {MAX_FACTOR:g}]"])
        mask, _ = _closure(scaled_values(values, factor), prec)
        if (previous & ~mask).any():
            raise RuntimeError(f"pit at factor {factor} does not contain the previous pit")
        pits.append(
            NestedPit(
                factor=factor,
                mask=mask,
                blocks=int(mask.sum()),
                shell_blocks=int((mask & ~previous).sum()),
                tonnes=float(tonnes[mask].sum()) if tonnes is not None else float("nan"),
                value=float(np.sum(values[mask])),
            )
        )
        previous = mask
    return pits
