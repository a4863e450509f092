"""Seeded draws: the sampled value of every spec in every sample.

Sample i, spec j draws from its own generator, ``numpy.random.Generator(PCG64(
SeedSequence(seed, spawn_key=(i, j))))`` -- the j-th child of the i-th child of
``SeedSequence(seed)``, as ``SeedSequence.spawn`` makes them -- so a sample's values
depend on the seed, its number and the spec alone: not on how many samples are drawn,
on how they are cut into blocks, on the workers or the scheduler, nor on the other
specs. A spec's draw becomes a factor on its input (>= 0; a relative change below -1
is clipped to a factor of 0); an outage spec gives, per period, whether the unit is out.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from twin.scenarios.spec import Vary

#: Largest number of samples of one run (a bound on memory and time).
MAX_SAMPLES = 1_000_000


@dataclass
class Samples:
    """Samples `first` .. `first + len - 1` of a run: `factors` (samples, factor specs),
    the multiplier on each input; `out` (samples, outage specs, periods), True where the
    unit is out."""

    first: int
    factor_varies: list[Vary]
    outage_varies: list[Vary]
    factors: np.ndarray
    out: np.ndarray

    def __len__(self) -> int:
        return self.factors.shape[0]

    @property
    def index(self) -> np.ndarray:
        """The samples' numbers."""
        return np.arange(self.first, self.first + len(self))


def generator(seed: int, sample: int, spec: int) -> np.random.Generator:
    """The generator of spec `spec` in sample `sample` (module docstring)."""
    return np.random.Generator(
        np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(sample, spec)))
    )


def _draw(vary: Vary, rng: np.random.Generator) -> float:
    f, p = vary.dist.family, vary.dist.params
    if f == "fixed":
        raw = p[0]
    elif f == "normal":
        raw = rng.normal(p[0], p[1])
    elif f == "lognormal":
        raw = math.exp(rng.normal(p[0], p[1]))
    elif f == "uniform":
        raw = rng.uniform(p[0], p[1])
    elif f == "triangular":
        raw = p[0] if p[0] == p[2] else rng.triangular(p[0], p[1], p[2])
    else:
        raise ValueError(f"{vary}: {f} does not give a factor")
    factor = 1.0 + raw if vary.op == "=" else raw
    return max(0.0, float(factor))


def outage_periods(vary: Vary, period_length_h: float) -> int:
    """Periods one outage lasts: its hours over the period length, rounded up (at least
    one period; one period when the spec gives no hours)."""
    p = vary.dist.params
    if len(p) < 2:
        return 1
    return max(1, math.ceil(p[1] / period_length_h - 1e-9))


def _outage(vary: Vary, rng: np.random.Generator, periods: int, length_h: float) -> np.ndarray:
    """Per period, whether the unit is out: an outage starts in a period with probability
    `rate` (drawn in every period, also during an outage) and lasts outage_periods."""
    starts = np.flatnonzero(rng.random(periods) < vary.dist.params[0])
    out = np.zeros(periods, dtype=bool)
    duration = outage_periods(vary, length_h)
    for t in starts:
        out[t : t + duration] = True
    return out


def draw(
    varies: Sequence[Vary],
    seed: int,
    first: int,
    count: int,
    periods: int,
    period_length_h: float,
) -> Samples:
    """Samples `first` .. `first + count - 1` of the specs `varies` (module docstring)."""
    if count < 0 or first < 0 or first + count > MAX_SAMPLES:
        raise ValueError(f"samples {first}..{first + count} outside [0, {MAX_SAMPLES}]")
    factor_varies = [v for v in varies if v.kind != "outage"]
    outage_varies = [v for v in varies if v.kind == "outage"]
    position = {id(v): j for j, v in enumerate(varies)}
    factors = np.ones((count, len(factor_varies)))
    out = np.zeros((count, len(outage_varies), periods), dtype=bool)
    for row, i in enumerate(range(first, first + count)):
        for j, v in enumerate(factor_varies):
            factors[row, j] = _draw(v, generator(seed, i, position[id(v)]))
        for j, v in enumerate(outage_varies):
            rng = generator(seed, i, position[id(v)])
            out[row, j] = _outage(v, rng, periods, period_length_h)
    return Samples(first, factor_varies, outage_varies, factors, out)


def identity(varies: Sequence[Vary], periods: int) -> Samples:
    """One sample with every factor 1 and no outage: the plan's own inputs."""
    factor_varies = [v for v in varies if v.kind != "outage"]
    outage_varies = [v for v in varies if v.kind == "outage"]
    return Samples(
        0,
        factor_varies,
        outage_varies,
        np.ones((1, len(factor_varies))),
        np.zeros((1, len(outage_varies), periods), dtype=bool),
    )
