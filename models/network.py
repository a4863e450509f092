"""Multi-period, multi-commodity network flow over the flowsheet.

Columns: unit throughput per mode and period ``x[u, k, t]`` (t of the unit's basis
material), binary mode choice ``on[u, k, t]`` for discrete units, stream flows
``flow[s, t]`` (t, at most the stream's capacity), stock levels ``level[k, t]`` (t,
within the stock's limits). Rows:

* ``time_share[u, t]`` (continuous units): hours of all modes, sum_k x / rate_k, at most
  availability x hours, and for a must-run unit at least min_load times that; rate_k is
  the mode's full-load rate in that period (a blending unit re-linearised at a harder
  ore's feed by --verify has fewer t/h: twin.verify.twin_modes);
* ``mode_upper[u, k, t]``, ``mode_lower[u, k, t]``, ``one_mode[u, t]`` (discrete units):
  x <= rate x availability x hours x on, x >= (min rate or min_load x rate) x ... x on,
  and at most one mode on (exactly one if must-run);
* ``port_balance[u, material, side, t]``: the flows on a unit's input (output) port equal
  the material its modes take (make) per t basis times x;
* ``stock_balance[k, t]`` and ``stock_final[k]``: level = previous level + in - out, and
  the last level at least the final minimum (default: the initial level);
* ``demand[m, t]``: what a market takes (sells: flows in) or supplies (buys: flows out)
  within its minimum and maximum;
* ``load_window[u, start]``: the hours-weighted load index of a modulated unit over
  each window of mean_load_window_h is 1 (heat balance): sum (load_index - 1) x / rate
  = 0; a unit with a heat-balance position (twin.heat_balance) has its first window
  cut to the hours left and right-hand side -deviation_h (it takes the deviation back);
* ``start_up``, ``min_up``, ``min_down`` (discrete units with min_up_h or min_down_h,
  with a ``start`` column per period): minimum up and down times and the initial
  status (models/commitment.py; none of them, nor their columns, without those fields).

A row that would hold no variable (a market no stream reaches) is left out, as Pyomo
leaves out a constant constraint.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from twin.heat_balance import block_starts, elapsed_periods, window_periods
from twin.models.chain import Chain
from twin.models.commitment import add_commitment
from twin.models.linear import INF, LinearModel, Span


@dataclass
class Network:
    """The network's column blocks, and what markets trade (flow names per market)."""

    x: Span
    on: Span
    flow: Span
    level: Span
    traded: list[list[str]]

    def flows(self, ch: Chain, names: list[str]) -> np.ndarray:
        """Columns (len(names), T) of the named streams' flows."""
        return self.flow.grid([ch.stream_index[n] for n in names]).reshape(len(names), ch.T)


def _columns(lm: LinearModel, ch: Chain) -> tuple[Span, Span, Span, Span]:
    inst, T = ch.instance, ch.T
    x = lm.columns("x", ch.UK, T, 0.0, INF)
    discrete_uk = [uk for j, uk in enumerate(ch.UK) if ch.discrete[ch.uk_unit[j]]]
    on = lm.columns("on", discrete_uk, T, 0.0, 1.0, integer=True)
    cap = np.array(
        [
            INF if s.capacity_t_per_h is None else s.capacity_t_per_h * ch.length_h
            for s in ch.streams
        ]
    )
    flow = lm.columns("flow", [s.name for s in ch.streams], T, 0.0, np.repeat(cap, T))
    stocks = inst.stocks
    level = lm.columns(
        "level",
        [k.id for k in stocks],
        T,
        np.repeat([k.min_t for k in stocks], T),
        np.repeat([k.max_t for k in stocks], T),
    )
    return x, on, flow, level


def _time_share(lm: LinearModel, ch: Chain, x: Span) -> None:
    cont = np.flatnonzero(~ch.discrete)
    pos = np.full(len(ch.units), -1)
    pos[cont] = np.arange(len(cont))
    avail_h = ch.availability * ch.length_h
    lower = np.where(ch.must_run[:, None], ch.min_load[:, None] * avail_h, -INF)[cont]
    rows = lm.rows(
        "time_share", [ch.units[i] for i in cont], ch.T, lower.ravel(), avail_h[cont].ravel()
    )
    sel = np.flatnonzero(~ch.discrete[ch.uk_unit])
    rate = ch.coef(lambda u, md: md.max_rate_t_per_h, sel)  # per period: at its feed
    lm.entries(rows.grid(pos[ch.uk_unit[sel]]), x.grid(sel), 1.0 / rate)


def _discrete(lm: LinearModel, ch: Chain, x: Span, on: Span) -> None:
    jd = np.flatnonzero(ch.discrete[ch.uk_unit])
    if not len(jd):
        lm.rows("mode_upper", [], ch.T, -INF, 0.0)
        lm.rows("mode_lower", [], None, 0.0, INF)
        lm.rows("one_mode", [], ch.T, -INF, 1.0)
        return
    labels = [ch.UK[j] for j in jd]
    ud = ch.uk_unit[jd]
    on_cols = on.grid(np.arange(len(jd)))
    capacity = ch.coef(lambda u, md: md.max_rate_t_per_h, jd) * ch.availability[ud] * ch.length_h
    rows = lm.rows("mode_upper", labels, ch.T, -INF, 0.0)
    lm.entries(rows.grid(np.arange(len(jd))), x.grid(jd), 1.0)
    lm.entries(rows.grid(np.arange(len(jd))), on_cols, -capacity)
    min_rate = ch.coef(lambda u, md: md.min_rate_t_per_h, jd)
    low = np.maximum(min_rate, (ch.min_load[ud] * ch.rate[jd])[:, None])
    keep = low > 0
    ki, kt = np.nonzero(keep)
    rows = lm.rows(
        "mode_lower", [(*labels[i], int(t)) for i, t in zip(ki, kt, strict=True)], None, 0.0, INF
    )
    lm.entries(rows.start + np.arange(len(ki)), x.grid(jd)[keep], 1.0)
    lm.entries(
        rows.start + np.arange(len(ki)),
        on_cols[keep],
        -(low * ch.availability[ud] * ch.length_h)[keep],
    )
    units = sorted({int(u) for u in ud})
    rows = lm.rows(
        "one_mode",
        [ch.units[u] for u in units],
        ch.T,
        np.repeat(np.where(ch.must_run[units], 1.0, -INF), ch.T),
        1.0,
    )
    position = {u: i for i, u in enumerate(units)}
    lm.entries(rows.grid([position[int(u)] for u in ud]), on_cols, 1.0)


def _ports(lm: LinearModel, ch: Chain, x: Span, net: Network) -> None:
    fs = ch.fs
    ports = [
        (u, mat, "in") for u, eu in fs.units.items() for mat in dict.fromkeys(eu.inputs.values())
    ]
    ports += [
        (u, mat, "out") for u, eu in fs.units.items() for mat in dict.fromkeys(eu.outputs.values())
    ]
    rows = lm.rows("port_balance", ports, ch.T, 0.0, 0.0)
    for i, (u, mat, side) in enumerate(ports):
        row = rows.grid(i)
        lm.entries(row, net.flows(ch, (ch.into if side == "in" else ch.out_of)[u, mat]), 1.0)
        eu = fs.units[u]
        per_t = eu.material_inputs if side == "in" else eu.material_outputs
        js = ch.modes_of(u)
        amount = ch.coef(_per_tonne(per_t, mat), js)
        lm.entries(row, x.grid(js), -amount)


def _per_tonne(per_t: Callable[[Any], dict[str, float]], material: str) -> Callable:
    """f(unit, mode) = t of `material` per t of the mode's reference flow."""
    return lambda _unit, mode: per_t(mode).get(material, 0.0)


def _stocks(lm: LinearModel, ch: Chain, net: Network) -> None:
    stocks = ch.instance.stocks
    rhs = np.zeros((len(stocks), ch.T))
    rhs[:, 0] = [k.initial_t for k in stocks]
    rows = lm.rows("stock_balance", [k.id for k in stocks], ch.T, rhs.ravel(), rhs.ravel())
    for i, k in enumerate(stocks):
        row, level = rows.grid(i), net.level.grid(i)
        lm.entries(row, level, 1.0)
        lm.entries(row[1:], level[:-1], -1.0)
        lm.entries(row, net.flows(ch, ch.into.get((k.id, k.material), [])), -1.0)
        lm.entries(row, net.flows(ch, ch.out_of.get((k.id, k.material), [])), 1.0)
    final = [k.initial_t if k.final_min_t is None else k.final_min_t for k in stocks]
    rows = lm.rows("stock_final", [k.id for k in stocks], None, final, INF)
    lm.entries(
        rows.grid(np.arange(len(stocks))), net.level.grid(np.arange(len(stocks)))[:, -1], 1.0
    )


def _markets(lm: LinearModel, ch: Chain, net: Network) -> None:
    inst, T = ch.instance, ch.T
    markets = inst.markets
    lows = np.array([inst.series(mk.min_t_per_period) for mk in markets], float).reshape(-1, T)
    highs = np.array(
        [inst.series(mk.max_t_per_period, default=INF) for mk in markets], float
    ).reshape(-1, T)
    mask = ((lows > 0) | (highs < INF)) & np.array([bool(lk) for lk in net.traded])[:, None]
    mi, mt = np.nonzero(mask)
    rows = lm.rows(
        "demand",
        [(markets[i].id, int(t)) for i, t in zip(mi, mt, strict=True)],
        None,
        np.where(lows > 0, lows, -INF)[mask],
        highs[mask],
    )
    row_of = np.full(mask.shape, -1)
    row_of[mask] = rows.start + np.arange(int(mask.sum()))
    for i, links in enumerate(net.traded):
        if links and mask[i].any():
            lm.entries(row_of[i, mask[i]], net.flows(ch, links)[:, mask[i]], 1.0)


def _load_windows(lm: LinearModel, ch: Chain, x: Span) -> None:
    spans, elapsed, deviation = {}, {}, {}
    for u, eu in ch.fs.units.items():
        window_h = eu.spec.mean_load_window_h
        if window_h is not None and any(md.load_index != 1.0 for md in eu.modes):
            position = eu.spec.heat_balance_position
            spans[u] = window_periods(window_h, ch.length_h)
            elapsed[u] = elapsed_periods(position, ch.length_h)
            deviation[u] = 0.0 if position is None else position.deviation_h
    labels = [(u, start) for u, n in spans.items() for start in block_starts(ch.T, n, elapsed[u])]
    rhs = np.array([0.0 - deviation[u] if start == 0 else 0.0 for u, start in labels])
    rows = lm.rows("load_window", labels, None, rhs, rhs)
    if not spans:
        return
    load_index = ch.coef(lambda u, md: md.load_index)
    first: dict[str, int] = {}
    for i, (u, _) in enumerate(labels):
        first.setdefault(u, i)
    for u, n in spans.items():
        js = ch.modes_of(u)
        lm.entries(
            rows.start + first[u] + (ch.tt + elapsed[u]) // n,
            x.grid(js),
            (load_index[js] - 1.0) / ch.rate[js][:, None],
        )


def add_network(lm: LinearModel, ch: Chain) -> Network:
    """The network's columns and rows (see module docstring)."""
    x, on, flow, level = _columns(lm, ch)
    traded = [
        (ch.into if mk.side == "sell" else ch.out_of).get((mk.id, mk.material), [])
        for mk in ch.instance.markets
    ]
    net = Network(x, on, flow, level, traded)
    _time_share(lm, ch, x)
    _discrete(lm, ch, x, on)
    _ports(lm, ch, x, net)
    _stocks(lm, ch, net)
    _markets(lm, ch, net)
    _load_windows(lm, ch, x)
    add_commitment(lm, ch, on)
    return net
