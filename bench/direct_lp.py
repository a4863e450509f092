"""Reference for bench/model_build.py: the twin's LP/MIP built directly with numpy/scipy.

`build(fs)` produces the model that ``twin.models.build.build_model(fs)`` writes in
Pyomo -- same variables, constraints, bounds, integrality and objective -- as
scipy.sparse COO triplets per constraint family (numpy over periods, a Python loop
only over the few units, modes, ports or targets), converted once to CSC.
`to_highs_lp` turns it into a ``highspy.HighsLp`` for ``Highs.passModel`` and
`tables` reads a solution back into pandas tables like ``twin.schedule``'s.

Coefficients are read from the Flowsheet's modes (``fs.units[u].modes``, patched per
period where ``fs.overrides`` re-linearised a unit, as ``fs.mode(u, k, t)`` does) into
one (unit-mode x period) array each; ``target_rows``, ``cost_categories``,
``fuel_co2_t_per_kgce`` and ``DIAGNOSTIC_PENALTY`` are taken from twin.accounting so the
row and category lists agree. Differences in form, not in content:

* a two-sided row (``lo <= expr <= hi`` with lo != hi, e.g. the refinery's
  time-share with its minimum load, or a market with both limits) is ONE ranged row
  here; Pyomo's standard form compiler in ``mixed_form`` writes it as two rows
  (one <=, one >=). `DirectModel.n_ranged` counts them.
* the row of ``a >= b`` with variables on both sides may have the opposite sign in
  Pyomo (body ``b - a <= 0``); `compare` allows a row to match up to sign.
* Pyomo's compiler drops columns that have no nonzero in A nor c; none are dropped
  here (`DirectModel.empty_columns` counts them).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import highspy
import numpy as np
import pandas as pd
import scipy.sparse as sp

from twin.accounting import (
    DIAGNOSTIC_PENALTY,
    SOURCES,
    cost_categories,
    fuel_co2_t_per_kgce,
    target_rows,
)
from twin.flowsheet import Flowsheet
from twin.targets import (
    EmissionCapTarget,
    EnergyIntensityTarget,
    RateTarget,
    RecycledShareTarget,
    UtilisationShareTarget,
)
from twin.units.base import DELIVERED_ORE_T, DILUENT_T, INSITU_ORE_T, ORE_LOST_T, RECYCLED_METAL_T

INF = np.inf


class _Cols:
    """Column blocks in Pyomo's declaration order: name -> (start, keys, periods)."""

    def __init__(self) -> None:
        self.n = 0
        self.blocks: dict[str, tuple[int, list, int | None]] = {}
        self.lower: list[np.ndarray] = []
        self.upper: list[np.ndarray] = []
        self.integer: list[np.ndarray] = []

    def add(
        self, name: str, keys: list, periods: int | None, lower, upper, integer: bool = False
    ) -> int:
        size = len(keys) * (periods or 1)
        start = self.n
        self.blocks[name] = (start, list(keys), periods)
        self.lower.append(np.broadcast_to(np.asarray(lower, dtype=float), (size,)))
        self.upper.append(np.broadcast_to(np.asarray(upper, dtype=float), (size,)))
        self.integer.append(np.full(size, integer))
        self.n += size
        return start

    def keys(self) -> list[tuple[str, object]]:
        """(block, Pyomo index) of every column, for `compare` only."""
        out = []
        for name, (_, keys, periods) in self.blocks.items():
            for key in keys:
                key = key if isinstance(key, tuple) else (key,)
                if periods is None:
                    out.append((name, key[0] if len(key) == 1 else key))
                else:
                    out += [(name, (*key, t)) for t in range(periods)]
        return out


class _Rows:
    """Rows as COO triplets plus row bounds, family by family (declaration order)."""

    def __init__(self) -> None:
        self.n = 0
        self.I: list[np.ndarray] = []
        self.J: list[np.ndarray] = []
        self.V: list[np.ndarray] = []
        self.lower: list[np.ndarray] = []
        self.upper: list[np.ndarray] = []
        self.families: list[tuple[str, int, object]] = []  # (name, start, keys or callable)

    def family(self, name: str, count: int, lower, upper, keys) -> int:
        start = self.n
        self.lower.append(np.broadcast_to(np.asarray(lower, dtype=float), (count,)))
        self.upper.append(np.broadcast_to(np.asarray(upper, dtype=float), (count,)))
        self.families.append((name, start, keys))
        self.n += count
        return start

    def add(self, i, j, v) -> None:
        i, j, v = np.broadcast_arrays(
            np.asarray(i, dtype=np.int64), np.asarray(j, dtype=np.int64), np.asarray(v, dtype=float)
        )
        self.I.append(i.ravel())
        self.J.append(j.ravel())
        self.V.append(v.ravel())

    def keys(self) -> list[tuple[str, object]]:
        out = []
        for name, _, keys in self.families:
            out += [(name, k) for k in (keys() if callable(keys) else keys)]
        return out


@dataclass
class DirectModel:
    """The model as arrays. Row i: row_lower[i] <= A[i] x <= row_upper[i]."""

    c: np.ndarray
    offset: float
    A: sp.csc_array
    col_lower: np.ndarray
    col_upper: np.ndarray
    row_lower: np.ndarray
    row_upper: np.ndarray
    integer: np.ndarray
    cols: _Cols
    rows: _Rows
    info: dict = field(default_factory=dict)  # what `tables` needs

    @property
    def n_ranged(self) -> int:
        """Rows with two different finite bounds (two rows in Pyomo's mixed form)."""
        lo, hi = self.row_lower, self.row_upper
        return int(np.count_nonzero(np.isfinite(lo) & np.isfinite(hi) & (lo != hi)))

    @property
    def empty_columns(self) -> int:
        """Columns with no nonzero in A nor c (Pyomo's compiler drops these)."""
        in_a = np.diff(self.A.indptr) > 0
        return int(np.count_nonzero(~in_a & (self.c == 0)))


def build(fs: Flowsheet, soften_all: bool = False) -> DirectModel:
    """The model of twin.models.build.build_model(fs, soften_all) as sparse arrays."""
    inst = fs.instance
    T = inst.horizon.periods
    L = inst.horizon.period_length_h
    tt = np.arange(T)
    units = list(fs.units)
    uidx = {u: i for i, u in enumerate(units)}
    UK = [(u, k) for u in units for k in range(len(fs.units[u].modes))]
    nUK = len(UK)
    jidx = {uk: j for j, uk in enumerate(UK)}
    uk_unit = np.array([uidx[u] for u, _ in UK], dtype=np.int64)
    rate = np.array([fs.units[u].modes[k].max_rate_t_per_h for u, k in UK])  # m.rate: base modes
    # per-period coefficients: the base modes, patched where fs.overrides re-linearised a
    # unit in a period (fs.mode(u, k, t)); one (nUK, T) array per coefficient
    patches = [
        (jidx[u, k], t, md) for (u, t), mds in fs.overrides.items() for k, md in enumerate(mds)
    ]

    def cm(f, js=None, dtype=float) -> np.ndarray:
        """f(unit, mode) for every (unit, mode) (or those in `js`) and period: (n, T)."""
        js = np.arange(nUK) if js is None else np.asarray(js)
        base = np.array([f(UK[j][0], fs.units[UK[j][0]].modes[UK[j][1]]) for j in js], dtype=dtype)
        if not patches:
            return np.broadcast_to(base[:, None], (len(js), T))
        out = np.repeat(base[:, None], T, axis=1)
        where = {j: i for i, j in enumerate(js.tolist())}
        for j, t, md in patches:
            if j in where:
                out[where[j], t] = f(UK[j][0], md)
        return out

    power = cm(lambda u, md: md.power_kwh)
    avail = np.array(
        [inst.series(fs.units[u].spec.availability) for u in units], dtype=float
    ).reshape(len(units), T)
    discrete = np.array([fs.units[u].spec.discrete for u in units], dtype=bool)
    must_run = np.array([fs.units[u].spec.must_run for u in units], dtype=bool)
    min_load = np.array([fs.units[u].spec.min_load for u in units])

    # ---------------------------------------------------------------- columns
    cols = _Cols()
    x0 = cols.add("x", UK, T, 0.0, INF)
    UKd = [uk for uk in UK if fs.units[uk[0]].spec.discrete]
    jd = np.array([jidx[uk] for uk in UKd], dtype=np.int64)
    on0 = cols.add("on", UKd, T, 0.0, 1.0, integer=True)
    streams = list(inst.streams)
    sidx = {s.name: i for i, s in enumerate(streams)}
    cap = np.array([INF if s.capacity_t_per_h is None else s.capacity_t_per_h * L for s in streams])
    f0 = cols.add("flow", [s.name for s in streams], T, 0.0, np.repeat(cap, T))
    stocks = list(inst.stocks)
    l0 = cols.add(
        "level",
        [k.id for k in stocks],
        T,
        np.repeat([k.min_t for k in stocks], T),
        np.repeat([k.max_t for k in stocks], T),
    )
    pw = inst.power
    kwh_per_mw = 1000.0 * L
    src = [s for s in SOURCES if getattr(pw, s) is not None]
    s_lo, s_hi = [np.zeros(0)], [np.zeros(0)]
    for s in src:
        if s == "grid":
            s_lo.append(np.zeros(T))
            s_hi.append(np.full(T, INF if pw.grid.max_mw is None else pw.grid.max_mw * kwh_per_mw))
        elif s == "captive":
            s_lo.append(np.full(T, pw.captive.min_mw * kwh_per_mw))
            s_hi.append(np.full(T, pw.captive.capacity_mw * kwh_per_mw))
        else:
            s_lo.append(np.zeros(T))
            s_hi.append(np.asarray(inst.series(pw.renewable.profile_mw), dtype=float) * kwh_per_mw)
    s0 = cols.add("supply_kwh", src, T, np.concatenate(s_lo), np.concatenate(s_hi))
    tariff = pw.grid.stepped_tariff if pw.grid else None
    tiers = tariff.tiers if tariff else []
    NI = len(tiers)
    to0 = cols.add("tier_on", list(range(NI)), None, 0.0, 1.0, integer=True)
    tk0 = cols.add("tier_kwh", list(range(NI)), T, 0.0, INF)
    trows = target_rows(fs.instance)
    targets = inst.targets
    soft = [r for r in range(len(trows)) if soften_all or not targets[trows[r][0]].hard]
    vpos = {r: i for i, r in enumerate(soft)}
    v0 = cols.add("violation", soft, None, 0.0, INF)

    def xc(j):  # columns of x[j, :] (j: int or array -> broadcast)
        return x0 + np.asarray(j)[..., None] * T + tt

    def fc(names):  # columns of flow[s, :] for stream names
        return f0 + np.array([sidx[n] for n in names], dtype=np.int64)[:, None] * T + tt

    into: dict[tuple[str, str], list[str]] = {}
    out_of: dict[tuple[str, str], list[str]] = {}
    for s in streams:
        into.setdefault((s.to, s.material), []).append(s.name)
        out_of.setdefault((s.from_, s.material), []).append(s.name)

    rows = _Rows()
    # ------------------------------------------------ time share (non-discrete units)
    cont = np.flatnonzero(~discrete)
    pos = np.full(len(units), -1)
    pos[cont] = np.arange(len(cont))
    avail_h = avail * L
    lo = np.where(must_run[:, None], min_load[:, None] * avail_h, -INF)[cont]
    r0 = rows.family(
        "time_share",
        len(cont) * T,
        lo.ravel(),
        avail_h[cont].ravel(),
        lambda: [(units[i], t) for i in cont for t in range(T)],
    )
    sel = np.flatnonzero(~discrete[uk_unit])
    rows.add(r0 + pos[uk_unit[sel]][:, None] * T + tt, xc(sel), (1.0 / rate[sel])[:, None])

    # ------------------------------------------------ discrete units: mode bounds, one mode
    if len(UKd):
        ud = uk_unit[jd]
        r0 = rows.family(
            "mode_upper", len(jd) * T, -INF, 0.0, lambda: [(*uk, t) for uk in UKd for t in range(T)]
        )
        rr = r0 + np.arange(len(jd))[:, None] * T + tt
        on_cols = on0 + np.arange(len(jd))[:, None] * T + tt
        rows.add(rr, xc(jd), 1.0)
        rows.add(rr, on_cols, -(rate[jd][:, None] * avail[ud] * L))
        min_rate = cm(lambda u, md: md.min_rate_t_per_h, jd)
        low = np.maximum(min_rate, (min_load[ud] * rate[jd])[:, None])
        keep = low > 0
        rid = r0 + len(jd) * T + np.cumsum(keep.ravel()).reshape(keep.shape) - 1
        ki, kt = np.nonzero(keep)
        r0 = rows.family(
            "mode_lower",
            int(keep.sum()),
            0.0,
            INF,
            lambda: [(*UKd[i], int(t)) for i, t in zip(ki, kt, strict=True)],
        )
        rows.add(rid[keep], xc(jd)[keep], 1.0)
        rows.add(rid[keep], on_cols[keep], -(low * avail[ud] * L)[keep])
        dunits = sorted({int(u) for u in ud})
        dpos = {u: i for i, u in enumerate(dunits)}
        r0 = rows.family(
            "one_mode",
            len(dunits) * T,
            np.repeat(np.where(must_run[dunits], 1.0, -INF), T),
            1.0,
            lambda: [(units[u], t) for u in dunits for t in range(T)],
        )
        rows.add(r0 + np.array([dpos[int(u)] for u in ud])[:, None] * T + tt, on_cols, 1.0)

    # ------------------------------------------------ port balances
    ports = [
        (u, mat, "in") for u, eu in fs.units.items() for mat in dict.fromkeys(eu.inputs.values())
    ]
    ports += [
        (u, mat, "out") for u, eu in fs.units.items() for mat in dict.fromkeys(eu.outputs.values())
    ]
    r0 = rows.family(
        "port_balance", len(ports) * T, 0.0, 0.0, lambda: [(*p, t) for p in ports for t in range(T)]
    )
    for ip, (u, mat, side) in enumerate(ports):
        rr = r0 + ip * T + tt
        rows.add(rr, fc((into if side == "in" else out_of)[u, mat]), 1.0)
        eu = fs.units[u]
        side_of = eu.material_inputs if side == "in" else eu.material_outputs
        js = np.array([jidx[u, k] for k in range(len(eu.modes))])
        a = cm(lambda uu, md: side_of(md).get(mat, 0.0), js)
        rows.add(rr, xc(js), -a)

    # ------------------------------------------------ stocks
    nK = len(stocks)
    init = np.array([k.initial_t for k in stocks])
    rhs = np.zeros((nK, T))
    rhs[:, 0] = init
    r0 = rows.family(
        "stock_balance",
        nK * T,
        rhs.ravel(),
        rhs.ravel(),
        lambda: [(k.id, t) for k in stocks for t in range(T)],
    )
    for ik, k in enumerate(stocks):
        rr = r0 + ik * T + tt
        lev = l0 + ik * T + tt
        rows.add(rr, lev, 1.0)
        rows.add(rr[1:], lev[:-1], -1.0)
        rows.add(rr, fc(into.get((k.id, k.material), [])), -1.0)
        rows.add(rr, fc(out_of.get((k.id, k.material), [])), 1.0)
    final = [k.initial_t if k.final_min_t is None else k.final_min_t for k in stocks]
    r0 = rows.family("stock_final", nK, final, INF, [k.id for k in stocks])
    rows.add(r0 + np.arange(nK), l0 + np.arange(nK) * T + T - 1, 1.0)

    # ------------------------------------------------ markets
    markets = list(inst.markets)
    traded_links = [
        (into if mk.side == "sell" else out_of).get((mk.id, mk.material), []) for mk in markets
    ]
    lows = np.array([inst.series(mk.min_t_per_period) for mk in markets], dtype=float).reshape(
        -1, T
    )
    highs = np.array(
        [inst.series(mk.max_t_per_period, default=INF) for mk in markets], dtype=float
    ).reshape(-1, T)
    prices = np.array([inst.series(mk.price_cny_per_t) for mk in markets], dtype=float).reshape(
        -1, T
    )
    mask = (lows > 0) | (highs < INF)
    mask &= np.array([bool(lk) for lk in traded_links])[:, None]  # Pyomo drops constant rows
    rid = rows.n + np.cumsum(mask.ravel()).reshape(mask.shape) - 1
    mi, mt = np.nonzero(mask)
    rows.family(
        "demand",
        int(mask.sum()),
        np.where(lows > 0, lows, -INF)[mask],
        highs[mask],
        lambda: [(markets[i].id, int(t)) for i, t in zip(mi, mt, strict=True)],
    )
    for im, links in enumerate(traded_links):
        if links and mask[im].any():
            rows.add(rid[im, mask[im]], fc(links)[:, mask[im]], 1.0)

    # ------------------------------------------------ heat-balance load windows
    windows = []
    for u, eu in fs.units.items():
        if eu.spec.mean_load_window_h is None or all(md.load_index == 1.0 for md in eu.modes):
            continue
        windows.append((u, max(1, round(eu.spec.mean_load_window_h / L))))
    wkeys, wstart = [], {}
    for u, n in windows:
        wstart[u] = len(wkeys)
        wkeys += [(u, s) for s in range(0, T, n)]
    r0 = rows.family("load_window", len(wkeys), 0.0, 0.0, wkeys)
    if windows:
        load_index = cm(lambda u, md: md.load_index)
        for u, n in windows:
            js = np.array([jidx[u, k] for k in range(len(fs.units[u].modes))])
            rows.add(r0 + wstart[u] + tt // n, xc(js), (load_index[js] - 1.0) / rate[js][:, None])

    # ------------------------------------------------ power balance
    r0 = rows.family("power_balance", T, 0.0, 0.0, list(range(T)))
    rows.add(r0 + tt, s0 + np.arange(len(src))[:, None] * T + tt, 1.0)
    rows.add(r0 + tt, xc(np.arange(nUK)), -power)

    # ------------------------------------------------ stepped tariff
    if tiers:
        cov = np.array([j for j, (u, _) in enumerate(UK) if u in tariff.units], dtype=np.int64)
        most = rate[cov][:, None] * avail[uk_unit[cov]] * L  # largest throughput, t
        big_t = (power[cov] * most).sum(axis=0) if len(cov) else np.zeros(T)
        big_t = np.where(big_t == 0, 1.0, big_t)  # Pyomo: `sum(...) or 1.0`
        r0 = rows.family("tier_one", 1, 1.0, 1.0, [None])
        rows.add(r0, to0 + np.arange(NI), 1.0)
        r0 = rows.family("tier_split", T, 0.0, 0.0, list(range(T)))
        rows.add(r0 + tt, tk0 + np.arange(NI)[:, None] * T + tt, 1.0)
        rows.add(r0 + tt, xc(cov), -power[cov])
        r0 = rows.family(
            "tier_gate", NI * T, -INF, 0.0, lambda: [(i, t) for i in range(NI) for t in range(T)]
        )
        rr = r0 + np.arange(NI)[:, None] * T + tt
        rows.add(rr, tk0 + np.arange(NI)[:, None] * T + tt, 1.0)
        rows.add(rr, to0 + np.arange(NI)[:, None], -big_t)
        excess = {
            i: power[cov] - tier.up_to_kwh_per_t
            for i, tier in enumerate(tiers)
            if tier.up_to_kwh_per_t is not None
        }
        bigs = {i: float((np.maximum(e, 0.0) * most).sum()) for i, e in excess.items()}
        lim = [i for i in excess if bigs[i] > 0.0]
        r0 = rows.family("tier_limit", len(lim), -INF, np.array([bigs[i] for i in lim]), lim)
        for p, i in enumerate(lim):
            rows.add(r0 + p, xc(cov), excess[i])
            rows.add(r0 + p, to0 + i, bigs[i])

    # ------------------------------------------------ emissions (coefficients) and targets
    species = {s for eu in fs.units.values() for md in eu.modes for s in md.emissions_t}
    if any(md.fuel_kgce for eu in fs.units.values() for md in eu.modes) or "captive" in src:
        species.add("CO2")
    if "grid" in src:
        species.add("CO2_grid")
    species = sorted(species)

    def emission_of(s):
        def f(u, md):
            e = md.emissions_t.get(s, 0.0)
            if s == "CO2":
                e += sum(
                    kgce * fuel_co2_t_per_kgce(fs.instance, fl) for fl, kgce in md.fuel_kgce.items()
                )
            return e

        return f

    emis = {s: cm(emission_of(s)) for s in species}
    captive = pw.captive.params if pw.captive else None
    supply_factor = {}  # species -> (source, t per kWh)
    if "CO2" in species and "captive" in src:
        supply_factor["CO2"] = ("captive", captive.co2_t_per_kwh)
    if "CO2_grid" in species:
        supply_factor["CO2_grid"] = ("grid", pw.grid.co2_t_per_mwh / 1000.0)

    ones = np.broadcast_to(1.0, (nUK, T))
    zeros = np.broadcast_to(0.0, (nUK, T))
    no_flow = np.zeros(len(streams))
    kpi_terms = []  # per target: dict(rows, row_of_t, num/den on x, on flows, supply, ...)
    ti, tj, tv, t_hi, tkeys = [], [], [], [], []
    by_target: dict[int, list[int]] = {}
    for r, (j, _) in enumerate(trows):
        by_target.setdefault(j, []).append(r)
    for j, rs in by_target.items():
        tgt = targets[j]
        num_supply = den_const = None
        num_f, den_f = no_flow, no_flow
        if isinstance(tgt, EmissionCapTarget):
            if tgt.species not in species:
                continue  # constant: Pyomo skips the row
            num, den = emis[tgt.species], zeros
            num_supply = supply_factor.get(tgt.species)
            den_const, bound, sense = 1.0, tgt.max_t, "max"
        elif isinstance(tgt, UtilisationShareTarget):
            same = [s for s in streams if s.material == tgt.material]
            made = {s.name for s in same if s.from_ in fs.units}
            used = {s.name for s in same if s.to in tgt.to}
            if not made and not used:
                continue  # constant: Pyomo skips the row
            num, den = zeros, zeros
            num_f = np.array([float(s.name in used) for s in streams])
            den_f = np.array([float(s.name in made) for s in streams])
            bound, sense = tgt.min, "min"
        else:
            if isinstance(tgt, EnergyIntensityTarget):
                if tgt.measure == "power_kwh":
                    num = power
                else:
                    kgce_per_kwh = inst.electricity_kgce_per_kwh
                    num = cm(lambda u, md: sum(md.fuel_kgce.values()) + md.power_kwh * kgce_per_kwh)
                den = ones
                bound, sense = tgt.max_per_t, "max"
            elif isinstance(tgt, RateTarget):
                a, b = (
                    (ORE_LOST_T, INSITU_ORE_T)
                    if tgt.kind == "ore_loss_rate"
                    else (DILUENT_T, DELIVERED_ORE_T)
                )
                num = cm(lambda u, md: md.kpi_t.get(a, 0.0))
                den = cm(lambda u, md: md.kpi_t.get(b, 0.0))
                bound, sense = tgt.max, "max"
            elif isinstance(tgt, RecycledShareTarget):
                num = cm(lambda u, md: md.kpi_t.get(RECYCLED_METAL_T, 0.0))
                den = ones
                bound, sense = tgt.min, "min"
            else:
                raise TypeError(f"unknown target type {type(tgt).__name__}")
            inu = np.array([u in tgt.units for u, _ in UK], dtype=bool)[:, None]
            of = getattr(tgt, "of_units", None) or tgt.units
            ind = np.array([u in of for u, _ in UK], dtype=bool)[:, None]
            num = np.where(inu, num, 0.0)
            den = np.where(ind, den, 0.0)
        # rows of this target: one over the horizon, or one per period
        first = len(tkeys)
        row_of_t = np.full(T, first) if len(rs) == 1 else first + tt
        tkeys += rs
        kpi_terms.append(
            dict(
                rs=rs,
                row_of_t=row_of_t,
                num=num,
                den=den,
                num_f=num_f,
                den_f=den_f,
                num_supply=num_supply,
                den_const=den_const,
                bound=bound,
                sense=sense,
            )
        )
        # excess = num - bound*den (max) or bound*den - num (min); row: excess - violation <= 0
        if sense == "max":
            coef, coef_f = num - bound * den, num_f - bound * den_f
        else:
            coef, coef_f = bound * den - num, bound * den_f - num_f
        nz_j, nz_t = np.nonzero(coef)
        ti.append(row_of_t[nz_t])
        tj.append(x0 + nz_j * T + nz_t)
        tv.append(coef[nz_j, nz_t])
        fs_nz = np.flatnonzero(coef_f)
        ti.append(np.tile(row_of_t, len(fs_nz)))
        tj.append((f0 + fs_nz[:, None] * T + tt).ravel())
        tv.append(np.repeat(coef_f[fs_nz], T))
        if num_supply is not None:
            ti.append(row_of_t)
            tj.append(s0 + src.index(num_supply[0]) * T + tt)
            tv.append(np.full(T, num_supply[1] if sense == "max" else -num_supply[1]))
        soft_rs = [r for r in rs if r in vpos]
        if soft_rs:
            ti.append(first + np.array([rs.index(r) for r in soft_rs]))
            tj.append(v0 + np.array([vpos[r] for r in soft_rs]))
            tv.append(np.full(len(soft_rs), -1.0))
        const = 0.0 if den_const is None else bound * den_const
        t_hi.append(np.full(len(rs), const if sense == "max" else -const))
    r0 = rows.family(
        "target", len(tkeys), -INF, np.concatenate(t_hi) if t_hi else np.zeros(0), tkeys
    )
    if ti:
        rows.add(r0 + np.concatenate(ti), np.concatenate(tj), np.concatenate(tv))

    # ------------------------------------------------ objective, by category and period
    cats = cost_categories(fs)
    col_period = np.full(cols.n, -1, dtype=np.int64)
    for start, keys, periods in cols.blocks.values():
        if periods:
            col_period[start : start + len(keys) * periods] = np.tile(tt, len(keys))
    ci, cj, cv = [], [], []  # cost triplets: (category*T + t, column, value)

    def cost(cat, colmat, val):
        colmat = np.asarray(colmat)
        val = np.broadcast_to(np.asarray(val, dtype=float), colmat.shape)
        keep = val != 0
        ci.append((cats.index(cat) * T + col_period[colmat])[keep])
        cj.append(colmat[keep])
        cv.append(val[keep])

    category = np.array([fs.units[u].model.cost_category for u, _ in UK])
    varcost = cm(lambda u, md: md.variable_cost_cny)
    for cat in ("mining", "processing"):
        sel = np.flatnonzero(category == cat)
        cost(cat, xc(sel), varcost[sel])
    for cat in cats:
        if cat.startswith("fuel:"):
            f = cat.split(":", 1)[1]
            price = inst.fuels[f].price_cny_per_kgce
            cost(cat, xc(np.arange(nUK)), cm(lambda u, md: price * md.fuel_kgce.get(f, 0.0)))
        elif cat.startswith("power:") and cat != "power:stepped_surcharge":
            s = cat.split(":", 1)[1]
            if s == "grid":
                p = np.asarray(inst.series(pw.grid.tou_price_cny_per_kwh), dtype=float)
            elif s == "captive":
                p = captive.cost_cny_per_kwh
            else:
                p = pw.renewable.price_cny_per_kwh
            cost(cat, s0 + src.index(s) * T + tt, p)
    if tiers:
        cost(
            "power:stepped_surcharge",
            tk0 + np.arange(NI)[:, None] * T + tt,
            np.array([tier.surcharge_cny_per_kwh for tier in tiers])[:, None],
        )
    tc = [s for s in streams if s.cost_cny_per_t]
    if tc:
        cost(
            "transport", fc([s.name for s in tc]), np.array([s.cost_cny_per_t for s in tc])[:, None]
        )
    if stocks:
        cost(
            "stock_holding",
            l0 + np.arange(nK)[:, None] * T + tt,
            np.array([k.holding_cost_cny_per_t for k in stocks])[:, None],
        )
    for im, mk in enumerate(markets):
        if traded_links[im]:
            cat, sign = ("purchases", 1.0) if mk.side == "buy" else ("revenue", -1.0)
            cost(cat, fc(traded_links[im]), sign * prices[im])
    pen_cols = v0 + np.arange(len(soft))
    pen_vals = np.array(
        [
            DIAGNOSTIC_PENALTY
            if targets[trows[r][0]].hard
            else targets[trows[r][0]].penalty_cny_per_unit
            for r in soft
        ],
        dtype=float,
    )
    cost_i, cost_j, cost_v = np.concatenate(ci), np.concatenate(cj), np.concatenate(cv)
    c = np.bincount(
        np.concatenate([cost_j, pen_cols]),
        weights=np.concatenate([cost_v, pen_vals]),
        minlength=cols.n,
    )

    # ------------------------------------------------ assemble
    A = sp.coo_array(
        (np.concatenate(rows.V), (np.concatenate(rows.I), np.concatenate(rows.J))),
        shape=(rows.n, cols.n),
    ).tocsc()  # tocsc sums duplicates
    A.eliminate_zeros()
    info = dict(
        T=T,
        UK=UK,
        units=units,
        uk_unit=uk_unit,
        power=power,
        x0=x0,
        f0=f0,
        l0=l0,
        s0=s0,
        v0=v0,
        src=src,
        streams=streams,
        stocks=stocks,
        species=species,
        emis=emis,
        supply_factor=supply_factor,
        cats=cats,
        cost=(cost_i, cost_j, cost_v),
        soft=soft,
        pen_vals=pen_vals,
        kpi_terms=kpi_terms,
        trows=trows,
        mode_name=cm(lambda u, md: md.name, dtype=object),
        mode_rate=cm(lambda u, md: md.max_rate_t_per_h),
    )
    return DirectModel(
        c=c,
        offset=0.0,
        A=A,
        col_lower=np.concatenate(cols.lower),
        col_upper=np.concatenate(cols.upper),
        row_lower=np.concatenate(rows.lower),
        row_upper=np.concatenate(rows.upper),
        integer=np.concatenate(cols.integer),
        cols=cols,
        rows=rows,
        info=info,
    )


def to_highs_lp(dm: DirectModel) -> highspy.HighsLp:
    """The arrays as a HighsLp (column-wise), ready for Highs.passModel."""
    lp = highspy.HighsLp()
    n, m = dm.A.shape[1], dm.A.shape[0]
    lp.num_col_ = n
    lp.num_row_ = m
    lp.col_cost_ = dm.c
    lp.offset_ = dm.offset
    lp.col_lower_ = dm.col_lower
    lp.col_upper_ = dm.col_upper
    lp.row_lower_ = dm.row_lower
    lp.row_upper_ = dm.row_upper
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = dm.A.indptr
    lp.a_matrix_.index_ = dm.A.indices
    lp.a_matrix_.value_ = dm.A.data
    lp.a_matrix_.num_col_ = n
    lp.a_matrix_.num_row_ = m
    if dm.integer.any():
        kinds = [highspy.HighsVarType.kContinuous] * n
        for i in np.flatnonzero(dm.integer).tolist():
            kinds[i] = highspy.HighsVarType.kInteger
        lp.integrality_ = kinds
    return lp


def tables(dm: DirectModel, values: np.ndarray) -> dict[str, pd.DataFrame]:
    """A solution vector as tidy tables (the columns of twin.schedule's), with numpy."""
    I = dm.info
    T, UK, units = I["T"], I["UK"], I["units"]
    nUK = len(UK)
    if dm.integer.any():
        values = values.copy()
        values[dm.integer] = np.round(values[dm.integer])
    x = values[I["x0"] : I["x0"] + nUK * T].reshape(nUK, T)
    j, t = np.nonzero(x > 1e-9)
    thr = x[j, t]
    rate = I["mode_rate"][j, t]
    hours = np.divide(thr, rate, out=np.zeros_like(thr), where=rate != 0)
    loads = pd.DataFrame(
        {
            "unit": np.array([u for u, _ in UK], dtype=object)[j],
            "period": t,
            "mode": I["mode_name"][j, t],
            "throughput_t": thr,
            "hours": hours,
            "power_kwh": I["power"][j, t] * thr,
        }
    )

    def labels(items, attr):
        return np.repeat(np.array([getattr(i, attr) for i in items], dtype=object), T)

    streams, stocks, src = I["streams"], I["stocks"], I["src"]
    flows = pd.DataFrame(
        {
            "stream": labels(streams, "name"),
            "from": labels(streams, "from_"),
            "to": labels(streams, "to"),
            "material": labels(streams, "material"),
            "period": np.tile(np.arange(T), len(streams)),
            "flow_t": values[I["f0"] : I["f0"] + len(streams) * T],
        }
    )
    stock_tab = pd.DataFrame(
        {
            "stock": labels(stocks, "id"),
            "material": labels(stocks, "material"),
            "period": np.tile(np.arange(T), len(stocks)),
            "level_t": values[I["l0"] : I["l0"] + len(stocks) * T],
        }
    )
    supply = values[I["s0"] : I["s0"] + len(src) * T].reshape(len(src), T)
    ci, cj, cv = I["cost"]
    cats = I["cats"]
    per_cat = np.bincount(ci, weights=cv * values[cj], minlength=len(cats) * T).reshape(
        len(cats), T
    )
    power_cost = np.array([per_cat[cats.index(f"power:{s}")] for s in src]).reshape(len(src), T)
    power_tab = pd.DataFrame(
        {
            "period": np.tile(np.arange(T), len(src)),
            "source": np.repeat(np.array(src, dtype=object), T),
            "supply_kwh": supply.ravel(),
            "cost_cny": power_cost.ravel(),
        }
    )
    agg = sp.csr_array((np.ones(nUK), (I["uk_unit"], np.arange(nUK))), shape=(len(units), nUK))
    em = [pd.DataFrame(columns=["source", "species", "period", "t"])]
    for s in I["species"]:
        e = agg @ (I["emis"][s] * x)
        ui, ti = np.nonzero(e)
        em.append(
            pd.DataFrame(
                {
                    "source": np.array(units, dtype=object)[ui],
                    "species": s,
                    "period": ti,
                    "t": e[ui, ti],
                }
            )
        )
        if s in I["supply_factor"]:
            name, factor = I["supply_factor"][s]
            em.append(
                pd.DataFrame(
                    {
                        "source": name,
                        "species": s,
                        "period": np.arange(T),
                        "t": factor * supply[src.index(name)],
                    }
                )
            )
    emissions = pd.concat([e for e in em if len(e)] or em[:1], ignore_index=True)
    costs = pd.DataFrame(
        {
            "period": np.tile(np.arange(T), len(cats)),
            "category": np.repeat(np.array(cats, dtype=object), T),
            "cost_cny": per_cat.ravel(),
        }
    )
    soft = I["soft"]
    if soft:
        viol = values[I["v0"] : I["v0"] + len(soft)]
        costs = pd.concat(
            [
                costs,
                pd.DataFrame(
                    {
                        "period": -1,
                        "category": [f"penalty:{r}" for r in soft],
                        "cost_cny": I["pen_vals"] * viol,
                    }
                ),
            ],
            ignore_index=True,
        )
    kpis = []
    flow_v = values[I["f0"] : I["f0"] + len(streams) * T].reshape(len(streams), T)
    for k in I["kpi_terms"]:
        rs, rot = k["rs"], k["row_of_t"] - k["row_of_t"][0]

        def per_row(xm, fv):
            return np.bincount(rot, weights=(xm * x).sum(axis=0) + fv @ flow_v, minlength=len(rs))

        nv = per_row(k["num"], k["num_f"])
        if k["num_supply"] is not None:
            name, factor = k["num_supply"]
            nv += np.bincount(rot, weights=factor * supply[src.index(name)], minlength=len(rs))
        dv = (
            np.full(len(rs), k["den_const"])
            if k["den_const"] is not None
            else per_row(k["den"], k["den_f"])
        )
        value = np.divide(nv, dv, out=np.full(len(rs), np.nan), where=dv != 0)
        kpis.append(
            pd.DataFrame(
                {
                    "target_row": rs,
                    "period": -1 if len(rs) == 1 else np.arange(T),
                    "value": value,
                    "sense": k["sense"],
                    "bound": k["bound"],
                }
            )
        )
    return {
        "unit_loads": loads,
        "stream_flows": flows,
        "stocks": stock_tab,
        "power": power_tab,
        "emissions": emissions,
        "costs": costs,
        "kpis": pd.concat(kpis, ignore_index=True) if kpis else pd.DataFrame(),
    }


def compare(dm: DirectModel, model) -> dict:
    """Check that Pyomo's standard form of `model` is `dm` up to row/column order, row
    sign, the split of ranged rows and dropped empty columns. Compiles `model` again
    (LinearStandardFormCompiler, mixed form, as twin.solvers.highs does) to know which
    constraint each row comes from. Returns counts and the largest differences; raises
    AssertionError naming the first mismatch."""
    from pyomo.repn.plugins.standard_form import LinearStandardFormCompiler

    sf = LinearStandardFormCompiler().write(model, mixed_form=True)
    col_of = {key: i for i, key in enumerate(dm.cols.keys())}
    row_of = {key: i for i, key in enumerate(dm.rows.keys())}
    assert len(row_of) == dm.A.shape[0], "duplicate row keys in the direct model"

    def ckey(v):
        return (v.parent_component().local_name, v.index())

    def rkey(con):
        return (con.parent_component().local_name, con.index())

    missing = [ckey(v) for v in sf.columns if ckey(v) not in col_of]
    assert not missing, f"Pyomo columns unknown to the direct model, e.g. {missing[:3]}"
    dcol = np.array([col_of[ckey(v)] for v in sf.columns], dtype=np.int64)
    missing = [rkey(r.constraint) for r in sf.rows if rkey(r.constraint) not in row_of]
    assert not missing, f"Pyomo rows unknown to the direct model, e.g. {missing[:3]}"
    drow = np.array([row_of[rkey(r.constraint)] for r in sf.rows], dtype=np.int64)
    sense = np.array([r.bound_type for r in sf.rows], dtype=np.int8)
    rhs = np.asarray(sf.rhs, dtype=float)

    # columns: the ones Pyomo dropped must be empty here; bounds, integrality, cost
    dropped = np.setdiff1d(np.arange(dm.A.shape[1]), dcol)
    in_a = np.diff(dm.A.indptr) > 0
    assert not (in_a[dropped] | (dm.c[dropped] != 0)).any(), "Pyomo dropped a non-empty column"
    bounds = np.array([v.bounds for v in sf.columns], dtype=float).reshape(-1, 2)
    lo = np.nan_to_num(bounds[:, 0], nan=-np.inf)
    hi = np.nan_to_num(bounds[:, 1], nan=np.inf)
    assert np.array_equal(lo, dm.col_lower[dcol]) or np.allclose(
        lo, dm.col_lower[dcol], rtol=1e-12
    ), "column lower bounds differ"
    assert np.allclose(hi, dm.col_upper[dcol], rtol=1e-12), "column upper bounds differ"
    integer = np.array([v.is_integer() for v in sf.columns], dtype=bool)
    assert np.array_equal(integer, dm.integer[dcol]), "integrality differs"
    c_twin = np.asarray(sf.c.toarray()).ravel() if sf.c.shape[0] else np.zeros(len(dcol))
    c_diff = np.abs(c_twin - dm.c[dcol])
    assert (c_diff <= 1e-9 * np.maximum(1.0, np.abs(dm.c[dcol]))).all(), (
        f"objective differs at {sf.columns[int(np.argmax(c_diff))].name}"
    )
    offset = float(sf.c_offset[0]) if len(sf.c_offset) else 0.0
    assert abs(offset - dm.offset) <= 1e-9 * max(1.0, abs(dm.offset)), "objective offset differs"

    # rows: Pyomo row i is +-(direct row drow[i])
    At = sf.A.tocoo()
    At = sp.csr_array((At.data, (At.row, dcol[At.col])), shape=(len(drow), dm.A.shape[1]))
    M = dm.A.tocsr()[drow]
    scale = np.maximum(1.0, np.asarray(abs(M).max(axis=1).toarray()).ravel())
    d_plus = np.asarray(abs(At - M).max(axis=1).toarray()).ravel() / scale
    d_minus = np.asarray(abs(At + M).max(axis=1).toarray()).ravel() / scale
    sign = np.where(d_plus <= 1e-9, 1.0, np.where(d_minus <= 1e-9, -1.0, 0.0))
    bad = np.flatnonzero(sign == 0)
    assert not len(bad), (
        f"{len(bad)} rows differ, first: {rkey(sf.rows[bad[0]].constraint)} "
        f"(max rel. diff {min(d_plus[bad[0]], d_minus[bad[0]]):.3g})"
    )
    L, U = dm.row_lower[drow], dm.row_upper[drow]
    # the bound Pyomo's row states, expressed on the direct row's side
    want = np.where(sign > 0, np.where(sense >= 0, U, L), np.where(sense >= 0, -L, -U))
    ok = np.isclose(rhs, want, rtol=1e-9, atol=1e-9)
    eq = sense == 0
    ok[eq] &= L[eq] == U[eq]
    bad = np.flatnonzero(~ok)
    assert not len(bad), (
        f"{len(bad)} row bounds differ, first: {rkey(sf.rows[bad[0]].constraint)}"
        f" rhs {rhs[bad[0]]} vs [{L[bad[0]]}, {U[bad[0]]}]"
    )
    # coverage: each direct row's finite bounds are stated by some Pyomo row
    upper_side = (sense == 0) | ((sense == 1) & (sign > 0)) | ((sense == -1) & (sign < 0))
    lower_side = (sense == 0) | ((sense == -1) & (sign > 0)) | ((sense == 1) & (sign < 0))
    has_u = np.zeros(dm.A.shape[0], bool)
    has_l = np.zeros(dm.A.shape[0], bool)
    has_u[drow[upper_side]] = True
    has_l[drow[lower_side]] = True
    nonempty = np.diff(dm.A.tocsr().indptr) > 0
    lost = nonempty & ((np.isfinite(dm.row_upper) & ~has_u) | (np.isfinite(dm.row_lower) & ~has_l))
    assert not lost.any(), f"{int(lost.sum())} direct rows have a bound no Pyomo row states"
    return {
        "pyomo_rows": len(drow),
        "pyomo_cols": len(dcol),
        "direct_rows": dm.A.shape[0],
        "direct_cols": dm.A.shape[1],
        "sign_flipped_rows": int((sign < 0).sum()),
        "ranged_rows_split": dm.n_ranged,
        "dropped_cols": len(dropped),
        "empty_direct_rows": int((~nonempty).sum()),
        "max_rel_coef_diff": float(np.max(np.minimum(d_plus, d_minus), initial=0.0)),
        "max_cost_diff": float(c_diff.max(initial=0.0)),
    }
