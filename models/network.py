"""Multi-period, multi-commodity network flow over the flowsheet.

Adds to a Pyomo model: unit throughput per mode and period ``x[u, k, t]`` (t of the
unit's basis material), binary mode choice ``on[u, k, t]`` for discrete units,
stream flows ``flow[s, t]`` (t), stock levels ``level[k, t]`` (t), and the
constraints tying them: material balance at every unit port, capacity and
availability (time-sharing of modes within a period), minimum load, stock balance,
market demand, and the heat-balance window of modulated units.
"""

from __future__ import annotations

import pyomo.environ as pyo

from twin.flowsheet import Flowsheet


def unit_hours(m: pyo.ConcreteModel, u: str, t: int) -> pyo.Expression:
    """Hours unit `u` runs in period `t`: each mode's throughput over its rate."""
    return sum(m.x[u, k, t] / m.rate[u, k] for k in m.unit_modes[u])


def add_network(m: pyo.ConcreteModel, fs: Flowsheet) -> None:
    """Variables and constraints of the material network (see module docstring)."""
    inst = fs.instance
    length_h = inst.horizon.period_length_h
    T = range(inst.horizon.periods)
    m.T = pyo.Set(initialize=T, ordered=True)
    m.U = pyo.Set(initialize=list(fs.units), ordered=True)
    m.unit_modes = {u: [k for k in range(len(eu.modes))] for u, eu in fs.units.items()}
    m.UK = pyo.Set(initialize=[(u, k) for u in m.U for k in m.unit_modes[u]], dimen=2, ordered=True)
    m.rate = {(u, k): fs.units[u].modes[k].max_rate_t_per_h for u, k in m.UK}
    avail = {u: inst.series(eu.spec.availability) for u, eu in fs.units.items()}

    m.x = pyo.Var(m.UK, m.T, domain=pyo.NonNegativeReals, initialize=0.0)
    discrete = [(u, k) for u, k in m.UK if fs.units[u].spec.discrete]
    m.UKd = pyo.Set(initialize=discrete, dimen=2, ordered=True)
    m.on = pyo.Var(m.UKd, m.T, domain=pyo.Binary, initialize=0)

    def time_share(m, u, t):
        spec = fs.units[u].spec
        hours = unit_hours(m, u, t)
        avail_h = avail[u][t] * length_h
        if spec.discrete:
            return pyo.Constraint.Skip
        if spec.must_run:
            return pyo.inequality(spec.min_load * avail_h, hours, avail_h)
        return hours <= avail_h

    m.time_share = pyo.Constraint(m.U, m.T, rule=time_share)

    def mode_upper(m, u, k, t):
        return m.x[u, k, t] <= m.rate[u, k] * avail[u][t] * length_h * m.on[u, k, t]

    m.mode_upper = pyo.Constraint(m.UKd, m.T, rule=mode_upper)

    def mode_lower(m, u, k, t):
        eu = fs.units[u]
        low = max(fs.mode(u, k, t).min_rate_t_per_h, eu.spec.min_load * m.rate[u, k])
        if low <= 0:
            return pyo.Constraint.Skip
        return m.x[u, k, t] >= low * avail[u][t] * length_h * m.on[u, k, t]

    m.mode_lower = pyo.Constraint(m.UKd, m.T, rule=mode_lower)

    def one_mode(m, u, t):
        total = sum(m.on[u, k, t] for k in m.unit_modes[u])
        return total == 1 if fs.units[u].spec.must_run else total <= 1

    discrete_units = sorted({u for u, _ in discrete}, key=list(fs.units).index)
    m.one_mode = pyo.Constraint(discrete_units, m.T, rule=one_mode)

    _add_flows(m, fs, T, length_h)
    _add_load_windows(m, fs, T, length_h)


def _add_flows(m: pyo.ConcreteModel, fs: Flowsheet, T: range, length_h: float) -> None:
    inst = fs.instance
    streams = {s.name: s for s in inst.streams}
    m.S = pyo.Set(initialize=list(streams), ordered=True)

    def flow_bounds(m, s, t):
        cap = streams[s].capacity_t_per_h
        return (0.0, None if cap is None else cap * length_h)

    m.flow = pyo.Var(m.S, m.T, bounds=flow_bounds, initialize=0.0)

    into: dict[tuple[str, str], list[str]] = {}
    out_of: dict[tuple[str, str], list[str]] = {}
    for s in inst.streams:
        into.setdefault((s.to, s.material), []).append(s.name)
        out_of.setdefault((s.from_, s.material), []).append(s.name)

    ports = [
        (u, mat, "in") for u, eu in fs.units.items() for mat in dict.fromkeys(eu.inputs.values())
    ]
    ports += [
        (u, mat, "out") for u, eu in fs.units.items() for mat in dict.fromkeys(eu.outputs.values())
    ]
    m.P = pyo.Set(initialize=ports, dimen=3, ordered=True)

    def port_balance(m, u, mat, side, t):
        links = into if side == "in" else out_of
        flows = sum(m.flow[s, t] for s in links[u, mat])
        coefs = (
            (fs.material_coefficients(u, k, t)[side == "out"].get(mat, 0.0), k)
            for k in m.unit_modes[u]
        )
        made = sum(a * m.x[u, k, t] for a, k in coefs if a)
        return flows == made

    m.port_balance = pyo.Constraint(m.P, m.T, rule=port_balance)

    stocks = {k.id: k for k in inst.stocks}
    m.K = pyo.Set(initialize=list(stocks), ordered=True)
    m.level = pyo.Var(
        m.K,
        m.T,
        bounds=lambda m, k, t: (stocks[k].min_t, stocks[k].max_t),
        initialize=lambda m, k, t: stocks[k].initial_t,
    )

    def stock_balance(m, k, t):
        before = stocks[k].initial_t if t == 0 else m.level[k, t - 1]
        mat = stocks[k].material
        return m.level[k, t] == before + sum(m.flow[s, t] for s in into.get((k, mat), [])) - sum(
            m.flow[s, t] for s in out_of.get((k, mat), [])
        )

    m.stock_balance = pyo.Constraint(m.K, m.T, rule=stock_balance)
    last = T[-1]
    m.stock_final = pyo.Constraint(
        m.K,
        rule=lambda m, k: (
            m.level[k, last]
            >= (stocks[k].initial_t if stocks[k].final_min_t is None else stocks[k].final_min_t)
        ),
    )

    markets = {mk.id: mk for mk in inst.markets}
    m.M = pyo.Set(initialize=list(markets), ordered=True)
    lows = {k: inst.series(mk.min_t_per_period) for k, mk in markets.items()}
    highs = {k: inst.series(mk.max_t_per_period, default=float("inf")) for k, mk in markets.items()}
    m.price = {k: inst.series(mk.price_cny_per_t) for k, mk in markets.items()}

    def traded(m, k, t):
        mk = markets[k]
        links = (
            into.get((k, mk.material), [])
            if mk.side == "sell"
            else out_of.get((k, mk.material), [])
        )
        return sum(m.flow[s, t] for s in links)

    m.traded = pyo.Expression(m.M, m.T, rule=traded)

    def demand(m, k, t):
        lo, hi = lows[k][t], highs[k][t]
        if lo <= 0 and hi == float("inf"):
            return pyo.Constraint.Skip
        return pyo.inequality(
            lo if lo > 0 else None, m.traded[k, t], None if hi == float("inf") else hi
        )

    m.demand = pyo.Constraint(m.M, m.T, rule=demand)


def _add_load_windows(m: pyo.ConcreteModel, fs: Flowsheet, T: range, length_h: float) -> None:
    """Mean load index of a modulated unit over each window equals 1 (heat balance)."""
    span = {}  # unit -> periods per window
    for u, eu in fs.units.items():
        window_h = eu.spec.mean_load_window_h
        if window_h is not None and any(md.load_index != 1.0 for md in eu.modes):
            span[u] = max(1, round(window_h / length_h))
    windows = [(u, start) for u, n in span.items() for start in range(0, len(T), n)]
    m.W = pyo.Set(initialize=windows, dimen=2, ordered=True)

    def load_window(m, u, start):
        periods = range(start, min(start + span[u], len(T)))
        return (
            sum(
                (fs.mode(u, k, t).load_index - 1.0) / m.rate[u, k] * m.x[u, k, t]
                for t in periods
                for k in m.unit_modes[u]
                if fs.mode(u, k, t).load_index != 1.0
            )
            == 0
        )

    m.load_window = pyo.Constraint(m.W, rule=load_window)
