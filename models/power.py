"""Electric power: supply by source per period, and the stepped tariff.

Columns ``supply_kwh[source, t]`` (grid: up to its import limit; captive: between its
minimum and capacity; renewable: up to its profile, the surplus curtailed); row
``power_balance[t]``: the sources supply what the units draw (kWh per t basis of each
mode times x). The stepped tariff by energy intensity picks one tier for the horizon
(binaries ``tier_on[i]``, ``tier_one``); the covered units' kWh are split over the tiers
(``tier_split[t]``, ``tier_kwh[i, t]`` <= big_t x tier_on in ``tier_gate[i, t]``, big_t
the most the covered units can draw in t). A tier with a limit is allowed only if the
covered units' intensity stays within it: their output (t of the modes' basis) is
shared among the limited tiers (``tier_output_split[t]``: sum_i tier_output[i, t] <= the
output in t; ``tier_output[i, t]`` <= big_x x tier_on in ``tier_output_gate[i, t]``,
big_x the most they can make in t), and ``tier_limit[i]``: sum_t tier_kwh[i, t] / limit -
sum_t tier_output[i, t] <= 0, in t (the output the kWh need at the limit, less the
output). With tier_on binary, a chosen limited tier carries all the kWh and at most all
the output (all of it at best, so the row is its intensity limit), the others none (0 <=
0); with the unlimited tier chosen, no limited tier carries any. This replaces a row
with one horizon-wide big-M (sum (kWh/t - limit) x <= M (1 - tier_on), M the largest
excess over the horizon, about 1e11 at a year of hours): the big-Ms left are per period.
The row is in t rather than kWh because a year's kWh sums (about 1e10) left HiGHS's
postsolve 1.6e-5 outside its 1e-6 tolerance on the group year, so it discarded the
optimum. A tier whose limit no mode exceeds has no row.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from twin.accounting import power_sources
from twin.models.chain import Chain
from twin.models.linear import INF, LinearModel, Span


@dataclass
class Power:
    """The power columns and the sources present (in column order)."""

    supply: Span
    tier_on: Span
    tier_kwh: Span
    sources: list[str]


def _bounds(ch: Chain, sources: list[str]) -> tuple[np.ndarray, np.ndarray]:
    power, T = ch.instance.power, ch.T
    kwh_per_mw = 1000.0 * ch.length_h
    lower, upper = [np.zeros(0)], [np.zeros(0)]
    for s in sources:
        if s == "grid" and power.grid is not None:
            limit = INF if power.grid.max_mw is None else power.grid.max_mw * kwh_per_mw
            lower.append(np.zeros(T))
            upper.append(np.full(T, limit))
        elif s == "captive" and power.captive is not None:
            lower.append(np.full(T, power.captive.min_mw * kwh_per_mw))
            upper.append(np.full(T, power.captive.capacity_mw * kwh_per_mw))
        elif power.renewable is not None:
            lower.append(np.zeros(T))
            upper.append(np.asarray(ch.instance.series(power.renewable.profile_mw)) * kwh_per_mw)
    return np.concatenate(lower), np.concatenate(upper)


def add_power(lm: LinearModel, ch: Chain, x: Span) -> Power:
    """Supply columns, the power balance and the stepped tariff (see module docstring)."""
    sources = power_sources(ch.instance)
    lower, upper = _bounds(ch, sources)
    supply = lm.columns("supply_kwh", sources, ch.T, lower, upper)
    grid = ch.instance.power.grid
    tariff = grid.stepped_tariff if grid else None
    tiers = tariff.tiers if tariff else []
    tier_on = lm.columns("tier_on", list(range(len(tiers))), None, 0.0, 1.0, integer=True)
    tier_kwh = lm.columns("tier_kwh", list(range(len(tiers))), ch.T, 0.0, INF)
    power = ch.coef(lambda u, md: md.power_kwh)
    balance = lm.rows("power_balance", list(range(ch.T)), None, 0.0, 0.0)
    lm.entries(balance.start + ch.tt, supply.grid(np.arange(len(sources))), 1.0)
    lm.entries(balance.start + ch.tt, x.grid(np.arange(len(ch.UK))), -power)
    if tariff is not None:
        _stepped_tariff(lm, ch, x, power, tariff, tier_on, tier_kwh)
    return Power(supply, tier_on, tier_kwh, sources)


def _stepped_tariff(
    lm: LinearModel,
    ch: Chain,
    x: Span,
    power: np.ndarray,
    tariff: object,
    tier_on: Span,
    tier_kwh: Span,
) -> None:
    tiers = tariff.tiers  # type: ignore[attr-defined]
    n = len(tiers)
    covered = np.array(
        [j for j, (u, _) in enumerate(ch.UK) if u in tariff.units],  # type: ignore[attr-defined]
        dtype=np.int64,
    )
    most = ch.rate[covered][:, None] * ch.availability[ch.uk_unit[covered]] * ch.length_h
    big_t = (power[covered] * most).sum(axis=0) if len(covered) else np.zeros(ch.T)
    big_t = np.where(big_t == 0, 1.0, big_t)
    row = lm.rows("tier_one", [None], None, 1.0, 1.0)
    lm.entries(row.start, tier_on.grid(np.arange(n)), 1.0)
    covered_x = x.grid(covered)
    _gated_split(
        lm, ch, "tier", tier_kwh, tier_on.grid(np.arange(n)), covered_x, power[covered], big_t, 0.0
    )
    limited = [
        i
        for i, tier in enumerate(tiers)
        if tier.up_to_kwh_per_t is not None
        and bool(((power[covered] > tier.up_to_kwh_per_t) & (most > 0.0)).any())
    ]
    if not limited:
        return
    output = lm.columns("tier_output", limited, ch.T, 0.0, INF)
    on = tier_on.grid(np.array(limited))
    _gated_split(lm, ch, "tier_output", output, on, covered_x, 1.0, most.sum(axis=0), -INF)
    rows = lm.rows("tier_limit", limited, None, -INF, 0.0)
    for position, i in enumerate(limited):
        lm.entries(rows.start + position, tier_kwh.grid(i), 1.0 / tiers[i].up_to_kwh_per_t)
        lm.entries(rows.start + position, output.grid(position), -1.0)


def _gated_split(
    lm: LinearModel,
    ch: Chain,
    name: str,
    parts: Span,
    on: np.ndarray,
    covered_x: np.ndarray,
    per_x: float | np.ndarray,
    big: np.ndarray,
    lower: float,
) -> None:
    """Rows ``{name}_split[t]``: lower <= sum_i parts[i, t] - sum per_x x[t] <= 0 (the
    covered units' quantity shared among the tiers: all of it with lower 0, at most all
    with lower -inf), and ``{name}_gate[i, t]``: parts[i, t] <= big[t] x on[i], big[t]
    the most the covered units can give in t."""
    lanes = np.arange(len(parts.keys.labels))
    split = lm.rows(f"{name}_split", list(range(ch.T)), None, lower, 0.0)
    lm.entries(split.start + ch.tt, parts.grid(lanes), 1.0)
    lm.entries(split.start + ch.tt, covered_x, -np.asarray(per_x))
    gate = lm.rows(f"{name}_gate", list(parts.keys.labels), ch.T, -INF, 0.0)
    lm.entries(gate.grid(lanes), parts.grid(lanes), 1.0)
    lm.entries(gate.grid(lanes), on[:, None], -big)
