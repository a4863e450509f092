"""Ramp columns and rows of units that price how often their load changes: potlines with
``amperage_change_retune_h`` (twin.units.ramping). Without such a unit the model
gets nothing from here.

The unit's mean amperage fraction in period t is linear in its mode columns: a mode k
runs x[u,k,t] / r_k hours (r_k its rate in t, t/h, as in ``time_share``), so

    A[u,t] = sum_k a_k x[u,k,t] / (r_k L),   a_k the mode's load index, L the period (h);

idle hours count at amperage 0. A column ``ramp[u,t] >= 0`` bounds |A[u,t] - A[u,t-1]|
from above by two rows, ``ramp_up[u,t]``: ramp - A[t] + A[t-1] >= 0, and
``ramp_down[u,t]``: ramp + A[t] - A[t-1] >= 0 (keys (u, t)). In period 0 the change is
against the unit's ``initial_amperage_fraction`` A0 (right-hand sides -A0 and +A0); without
one the first period has no change (no rows for t = 0, ``ramp[u,0]`` fixed at 0). What a
unit change costs (the unit's ``ramp_mode``: AC kWh, metal and alumina not made, CF4,
C2F6 and the CO2 they take their carbon from, per unit |dA|) enters the rows a mode's x
enters: the period's ``power_balance``, the unit's ``port_balance`` rows, and the
``target`` rows of emission caps on those species. So a change is paid for through the
power it draws and the metal it does not sell: at an optimum where a change costs
something, ramp = |dA|. Not in the energy-intensity or recycled-share targets, nor the
stepped tariff's split and limits, which count the modes' kWh and tonnes only (as
twin.kpis does from ``unit_loads``): a simplification. In the shipped aluminium week a
change of 0.1 costs a potline 322 kWh (3222 per unit |dA|), 6.5e-4 of the 0.497 GWh it
draws in an hour at nominal amperage.
"""

from __future__ import annotations

import numpy as np

from twin.accounting import emission_t_per_t
from twin.models.chain import Chain
from twin.models.linear import INF, LinearModel, Span
from twin.models.network import Network
from twin.models.targets import emission_cap_rows
from twin.units.base import Mode
from twin.units.ramping import initial_amperage


def _amperage_share(ch: Chain, u: str) -> np.ndarray:
    """A[u,t] per t of each mode's x: a_k / (r_k L), (modes, periods)."""
    js = ch.modes_of(u)
    return ch.coef(lambda _u, md: md.load_index, js) / (
        ch.coef(lambda _u, md: md.max_rate_t_per_h, js) * ch.length_h
    )


def _amperage(
    lm: LinearModel, row_of: np.ndarray, share: np.ndarray, cols: np.ndarray, sign: float
) -> None:
    """sign x (A[t] - A[t-1]) into the rows `row_of[t]` (-1: no row), A[-1] left out;
    `share` (_amperage_share) and `cols` the unit's modes' x columns, (modes, periods)."""
    tt = np.arange(len(row_of))
    now, before = tt[row_of >= 0], tt[1:][row_of[1:] >= 0]
    lm.entries(row_of[now][None, :], cols[:, now], sign * share[:, now])
    lm.entries(row_of[before][None, :], cols[:, before - 1], -sign * share[:, before - 1])


def _consequences(lm: LinearModel, ch: Chain, ramp: Span, modes: dict[str, Mode]) -> None:
    """Each unit change's kWh, port tonnes and emissions into the rows a mode's x enters."""
    fs, inst = ch.fs, ch.instance
    balance = lm.families["power_balance"]
    ports = lm.families["port_balance"]
    port_index = {label: i for i, label in enumerate(ports.keys.labels)}
    caps = emission_cap_rows(lm, ch)
    for i, (u, mode) in enumerate(modes.items()):
        cols = ramp.grid(i)
        lm.entries(balance.start + ch.tt, cols, -mode.power_kwh)
        eu = fs.units[u]
        for side, per_t in (("in", eu.material_inputs(mode)), ("out", eu.material_outputs(mode))):
            for material, amount in per_t.items():
                lm.entries(ports.grid(port_index[u, material, side]), cols, -amount)
        for position, periods, species in caps:
            per_change = emission_t_per_t(inst, mode, species)
            if per_change:
                lm.entries(position, cols[list(periods)], per_change)


def add_ramps(lm: LinearModel, ch: Chain, net: Network) -> None:
    """Ramp columns and rows and their consequences (module docstring); nothing when no
    unit prices its amperage changes."""
    modes = ch.fs.ramp_modes
    if not modes:
        return
    units = list(modes)
    initial = [initial_amperage(ch.fs.units[u].spec.params) for u in units]
    counted = np.ones((len(units), ch.T), dtype=bool)  # a change counted in (u, t)
    counted[:, 0] = [a is not None for a in initial]
    ramp = lm.columns("ramp", units, ch.T, 0.0, np.where(counted, INF, 0.0).ravel())
    ui, ti = np.nonzero(counted)
    labels = [(units[i], int(t)) for i, t in zip(ui, ti, strict=True)]
    lower = np.zeros((len(units), ch.T))
    lower[:, 0] = [a or 0.0 for a in initial]
    shares = [(_amperage_share(ch, u), net.x.grid(ch.modes_of(u))) for u in units]
    for name, sign in (("ramp_up", -1.0), ("ramp_down", 1.0)):
        rows = lm.rows(name, labels, None, sign * lower[counted], INF)
        row_of = np.full(counted.shape, -1)
        row_of[counted] = rows.start + np.arange(len(labels))
        lm.entries(row_of[counted], ramp.grid(np.arange(len(units)))[counted], 1.0)
        for i, (share, cols) in enumerate(shares):
            _amperage(lm, row_of[i], share, cols, sign)
    _consequences(lm, ch, ramp, modes)
