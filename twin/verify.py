"""The twin checks a schedule: every unit re-simulated at its scheduled operating point.

The optimisation sees a unit as linear modes and may time-share them within a period.
The twin evaluates the unit models where the plant really runs and compares, per unit
and period, what the LP assumed with what the twin computes: total output (t),
electricity (kWh), comprehensive energy (kgce) and each emitted species (t). Units are
checked in one of three ways:

* **single-mode units** (a continuous unit with one mode whose rate may vary): the plant
  runs steadily through the period at load L = (hours its throughput needs at full rate)
  / (hours available); the twin evaluates ``operating_point(feeds, L)``.
* **load-curve units** (``UnitModel.load_curve``: tankhouses' current-density segments,
  the potline's amperage steps): the LP's mix of neighbouring modes over the hours it
  runs the unit stands for one steady load L* whose rate makes the same tonnes in those
  hours; the twin evaluates the unit at L* (``operating_point(feeds, L*)``). The LP's mix
  is the chord of the convex power curve, the twin the curve itself. The idle hours the
  LP chose stay idle (switching cells off is a decision, not a part load).
* **recipe units** (several modes that are distinct ways of running, e.g. mine
  selectivity, lead smelter paste shares, and fixed-rate units): each mode is re-evaluated
  by the unit model at its own point and the LP's mix is priced with them.

Re-linearisation (``twin_modes``): a single-mode unit gets the twin's coefficients at L;
a load-curve unit gets its two modes around L* scaled so that their mix at L* costs,
uses and emits what the twin computes at L*. Recipe units are exact at their mode points.
A blending unit (one fed a grade-tracked material, twin.grades) is evaluated, whatever its
kind, at the feed grade the schedule gives it in that period (``scheduled_feeds``), and
re-linearised there.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import NamedTuple

import pandas as pd

from twin.constants import EMISSION_ELEMENTS
from twin.flowsheet import Flowsheet, Slopes
from twin.grades import Corrections, grade_corrections, sensitivities, tracked, tracked_inputs
from twin.solution import Solution
from twin.units import Mode
from twin.units.base import Composition

#: Loads below this fraction of capacity are evaluated at it (an idle unit is not run).
MIN_LOAD = 0.05
#: Throughputs below this, t, count as not run.
RUN_T = 1e-9
#: A tracked input's tonnes, or a unit's throughput, in a period below this share of its
#: largest period's are the solver's round-off, not a feed or a run (their grade is noise:
#: a work index of 0 was seen; a smelter "run" of 1e-8 t compared 18 % apart).
ROUND_OFF_SHARE = 1e-6

Throughputs = Mapping[tuple[str, int, int], float]  # (unit, mode, period) -> t basis


def round_off(per_period: Iterable[float]) -> float:
    """Tonnes at or below which a period's feed or run is the solver's round-off: RUN_T,
    or ROUND_OFF_SHARE of the largest period's."""
    return max(RUN_T, ROUND_OFF_SHARE * max(per_period, default=0.0))


@dataclass
class Verification:
    """The twin's check of a schedule: successive-linearisation trace (one row per solve),
    the last per-unit-period comparison, whether it converged within `tolerance`, and
    the schedule's cost priced with the twin's coefficients (CNY)."""

    trace: list[dict]
    comparison: pd.DataFrame | None
    converged: bool
    tolerance: float
    twin_objective_cny: float

    def summary(self) -> dict:
        """The check as plain values (largest difference as a one-row record list)."""
        worst = (
            self.comparison.sort_values("rel_diff", kind="stable").tail(1).to_dict(orient="records")
            if self.comparison is not None and len(self.comparison)
            else []
        )
        return {
            "converged": self.converged,
            "tolerance": self.tolerance,
            "iterations": len(self.trace),
            "trace": self.trace,
            "twin_objective_cny": self.twin_objective_cny,
            "largest_difference": worst,
            "units_checked": (
                sorted(set(self.comparison["unit"])) if self.comparison is not None else []
            ),
        }


def check_kind(fs: Flowsheet, u: str) -> str:
    """How the twin checks unit `u`: "curve", "single" or "recipe" (module docstring)."""
    eu = fs.units[u]
    if eu.model.load_curve:
        return "curve"
    modes = eu.modes
    if len(modes) == 1 and modes[0].min_rate_t_per_h < modes[0].max_rate_t_per_h:
        return "single"
    return "recipe"


def steady_load(fs: Flowsheet, u: str, t: int, x: Throughputs) -> float | None:
    """The steady load index L* of load-curve unit `u` in period `t` that makes the LP's
    tonnes in the LP's hours (None when it does not run): rate(L*) = sum x / sum x/rate_k,
    L* between the least and largest load index the LP uses (regula falsi on the unit
    model's rate at L)."""
    eu = fs.units[u]
    used = [(m, x.get((u, k, t), 0.0)) for k, m in enumerate(eu.modes)]
    used = [(m, q) for m, q in used if q > RUN_T]
    if not used:
        return None
    tonnes = sum(q for _, q in used)
    target = tonnes / sum(q / m.max_rate_t_per_h for m, q in used)
    lo, hi = min(m.load_index for m, _ in used), max(m.load_index for m, _ in used)
    if hi - lo < 1e-12:
        return lo

    def excess(load: float) -> float:
        return eu.model.operating_point(eu.feeds, load).max_rate_t_per_h - target

    f_lo, f_hi = excess(lo), excess(hi)
    side = 0
    for _ in range(100):
        mid = hi - f_hi * (hi - lo) / (f_hi - f_lo) if f_hi != f_lo else 0.5 * (lo + hi)
        f_mid = excess(mid)
        if abs(f_mid) <= 1e-12 * target or hi - lo < 1e-14:
            return mid
        if (f_mid > 0) == (f_hi > 0):
            hi, f_hi = mid, f_mid
            f_lo = f_lo / 2 if side == 1 else f_lo
            side = 1
        else:
            lo, f_lo = mid, f_mid
            f_hi = f_hi / 2 if side == -1 else f_hi
            side = -1
    return mid


def scheduled_loads(
    fs: Flowsheet,
    x: Throughputs,
    feeds: Mapping[tuple[str, int], Mapping[str, Composition]] | None = None,
) -> dict[tuple[str, int], float]:
    """Load of every single-mode unit (fraction of available capacity, at the full rate
    of the feed it received: its scheduled feed in `feeds`, else its linearisation feed)
    and steady load index of every load-curve unit, per period in which it runs."""
    inst, feeds = fs.instance, feeds or {}
    length_h = inst.horizon.period_length_h
    loads = {}
    for u, eu in fs.units.items():
        kind = check_kind(fs, u)
        if kind == "curve":
            for t in range(inst.horizon.periods):
                load = steady_load(fs, u, t, x)
                if load is not None:
                    loads[u, t] = load
        elif kind == "single":
            for t, avail in enumerate(inst.series(eu.spec.availability)):
                tonnes = x.get((u, 0, t), 0.0)
                if tonnes > RUN_T and avail > 0:
                    fed = feeds.get((u, t))
                    full = eu.model.first_mode(fed) if fed is not None else fs.mode(u, 0, t)
                    hours = tonnes / (full.max_rate_t_per_h * avail * length_h)
                    loads[u, t] = min(1.0, max(MIN_LOAD, hours))
    return loads


def _scaled(mode: Mode, factor: Mapping[str, float]) -> Mode:
    """`mode` with power, fuels and emissions multiplied by the factors of its quantities."""
    return replace(
        mode,
        power_kwh=mode.power_kwh * factor.get("power_kwh", 1.0),
        fuel_kgce={c: v * factor.get(f"fuel:{c}", 1.0) for c, v in mode.fuel_kgce.items()},
        emissions_t={s: v * factor.get(f"{s}_t", 1.0) for s, v in mode.emissions_t.items()},
    )


def _curve_override(
    fs: Flowsheet, u: str, load: float, feeds: Mapping[str, Composition]
) -> list[Mode] | None:
    """The unit's modes at `feeds` with the two around `load` scaled so that the mix of
    them that runs at `load` matches the twin at `load` (None when `load` is a mode point
    and `feeds` are the nominal ones)."""
    eu = fs.units[u]
    base = eu.modes if feeds is eu.feeds else eu.model.modes(feeds)
    order = sorted(range(len(base)), key=lambda k: base[k].load_index)
    points = [base[k].load_index for k in order]
    if any(abs(load - p) <= 1e-12 for p in points):
        return None if feeds is eu.feeds else list(base)
    j = max(i for i, p in enumerate(points) if p < load)
    a, b = base[order[j]], base[order[j + 1]]
    twin = eu.model.operating_point(feeds, load)
    rate = twin.max_rate_t_per_h
    w = (b.max_rate_t_per_h - rate) / (b.max_rate_t_per_h - a.max_rate_t_per_h)  # hours on a
    share_a = w * a.max_rate_t_per_h / rate  # tonnes on a per t
    factor = {}
    for name, (qa, qb, qt) in _aligned(a, b, twin).items():
        chord = share_a * qa + (1.0 - share_a) * qb
        factor[name] = qt / chord if chord else 1.0
    modes = list(base)
    modes[order[j]], modes[order[j + 1]] = _scaled(a, factor), _scaled(b, factor)
    return modes


def _aligned(*modes: Mode) -> dict[str, tuple[float, ...]]:
    """Per t power, each fuel and each emission of `modes`, by quantity name."""
    keys: dict[str, None] = {"power_kwh": None}
    for m in modes:
        keys.update({f"fuel:{c}": None for c in m.fuel_kgce})
        keys.update({f"{s}_t": None for s in m.emissions_t})

    def value(m: Mode, key: str) -> float:
        if key == "power_kwh":
            return m.power_kwh
        if key.startswith("fuel:"):
            return m.fuel_kgce.get(key[5:], 0.0)
        return m.emissions_t.get(key[:-2], 0.0)

    return {key: tuple(value(m, key) for m in modes) for key in keys}


class ScheduledFeeds(NamedTuple):
    """What :func:`scheduled_feeds` finds: `feeds`, (unit, period) -> port -> composition;
    `refused`, (unit, period) -> the unit model's message; `slopes`, (unit, period) ->
    twin.grades.sensitivities at its feed in `feeds`, computed to check the feed and
    handed on (Flowsheet.relinearised) so that the next build does not compute them again."""

    feeds: dict[tuple[str, int], dict[str, Composition]]
    refused: dict[tuple[str, int], str]
    slopes: dict[tuple[str, int], Slopes]


def scheduled_feeds(fs: Flowsheet, solution: Solution) -> ScheduledFeeds:
    """The feed every blending unit (twin.grades) receives in each period it is fed: on the
    ports of each tracked input, the tracked elements at the grade of what its streams
    bring in `solution` (component flows / tonnes), the other elements as in its nominal
    feed. A period in which a tracked input brings nothing (at most ROUND_OFF_SHARE of its
    largest period's tonnes) is left out (nominal feed).
    Apart: the (unit, period) whose scheduled feed the unit model refuses (ValueError, e.g.
    a concentrate whose fractions would sum above 1), with its message; those stay at
    their linearisation feed. With them, the sensitivities at each feed kept (see
    :class:`ScheduledFeeds`)."""
    track = tracked(fs)
    if not track:
        return ScheduledFeeds({}, {}, {})
    flows, grade_flows = solution.by_key("flow"), solution.by_key("grade_flow")
    into: dict[tuple[str, str], list[str]] = {}
    for s in fs.instance.streams:
        into.setdefault((s.to, s.material), []).append(s.name)
    out, refused, slopes = {}, {}, {}
    periods = range(fs.instance.horizon.periods)
    for u in fs.units:
        eu, materials = fs.units[u], tracked_inputs(fs, u)
        fed = {
            m: [sum(flows.get((n, t), 0.0) for n in into.get((u, m), [])) for t in periods]
            for m in materials
        }
        noise = {m: round_off(fed[m]) for m in materials}
        for t in periods if materials else ():
            feeds = dict(eu.feeds)
            for m in materials:
                names = into.get((u, m), [])
                tonnes = fed[m][t]
                if tonnes <= noise[m]:
                    break
                grade = {
                    e: max(0.0, sum(grade_flows.get((n, e, t), 0.0) for n in names) / tonnes)
                    for e in track[m]
                }
                feeds.update(
                    {p: {**eu.feeds[p], **grade} for p, mat in eu.inputs.items() if mat == m}
                )
            else:
                try:
                    found = sensitivities(fs.relinearised({}, {(u, t): feeds}), u, t)
                    eu.model.modes(feeds)
                except ValueError as exc:
                    refused[u, t] = str(exc)
                    continue
                out[u, t], slopes[u, t] = feeds, found
    return ScheduledFeeds(out, refused, slopes)


def twin_modes(
    fs: Flowsheet,
    loads: Mapping[tuple[str, int], float],
    feeds: Mapping[tuple[str, int], Mapping[str, Composition]] | None = None,
) -> dict[tuple[str, int], list[Mode]]:
    """The unit models evaluated at the scheduled loads and feeds, as per-period modes: a
    single-mode unit's coefficients at its load (rates kept at the full-load ones at its
    feed so the optimisation may still choose any throughput); a load-curve unit's modes
    around its steady load scaled to the twin (module docstring); every other unit with a
    scheduled feed (`feeds`: (unit, period) -> port -> composition, of
    :func:`scheduled_feeds`) its modes at that feed."""
    feeds = feeds or {}
    out = {}
    for (u, t), load in loads.items():
        eu = fs.units[u]
        feed = feeds.get((u, t), eu.feeds)
        if check_kind(fs, u) == "curve":
            modes = _curve_override(fs, u, load, feed)
            if modes is not None:
                out[u, t] = modes
            continue
        nominal = eu.modes[0] if feed is eu.feeds else eu.model.first_mode(feed)
        point = eu.model.operating_point(feed, load)
        out[u, t] = [
            replace(
                point,
                name=nominal.name,
                max_rate_t_per_h=nominal.max_rate_t_per_h,
                min_rate_t_per_h=nominal.min_rate_t_per_h,
                load_index=nominal.load_index,
            )
        ]
    for (u, t), feed in feeds.items():
        if (u, t) not in out:
            out[u, t] = fs.units[u].model.modes(feed)
    return out


def _quantities(fs: Flowsheet, mode: Mode, tonnes: float) -> dict[str, float]:
    q = {
        "output_t": tonnes * sum(mode.outputs_t.values()),
        "power_kwh": tonnes * mode.power_kwh,
        "energy_kgce": tonnes
        * (sum(mode.fuel_kgce.values()) + mode.power_kwh * fs.instance.electricity_kgce_per_kwh),
    }
    q.update({f"{s}_t": tonnes * e for s, e in mode.emissions_t.items()})
    return q


def _add(total: dict[str, float], part: Mapping[str, float]) -> None:
    for name, v in part.items():
        total[name] = total.get(name, 0.0) + v


def _grade_terms(fs: Flowsheet, terms: Mapping[tuple, float]) -> dict[str, float]:
    """A blending unit's first-order grade terms in a period (twin.grades.grade_corrections)
    as the compared quantities: the tonnes it makes, its kWh (and their kgce) and what it
    releases of each species."""
    out: dict[str, float] = {}
    for q, v in terms.items():
        if q[0] == "out":
            _add(out, {"output_t": v})
        elif q == ("power_kwh",):
            _add(out, {"power_kwh": v, "energy_kgce": v * fs.instance.electricity_kgce_per_kwh})
        elif q[0] == "emission":
            _add(out, {f"{q[1]}_t": v})
    return out


def compare(
    fs: Flowsheet,
    x: Throughputs,
    twin: Mapping[tuple[str, int], list[Mode]],
    feeds: Mapping[tuple[str, int], Mapping[str, Composition]] | None = None,
    corrections: Corrections | None = None,
) -> pd.DataFrame:
    """Per unit (every unit), period and quantity: the LP's value, the twin's, and the
    relative difference |twin - lp| / max(|twin|, |lp|); a period whose throughput is the
    solver's round-off (at most ROUND_OFF_SHARE of the unit's largest period, or RUN_T) is not
    compared, its relative differences being noise. `twin` holds the single-mode
    units' re-evaluated modes and the blending units' modes at their scheduled `feeds`
    (:func:`twin_modes`); load-curve units are evaluated at their steady load and feed,
    and recipe units at their mode points here. The LP's value of a blending unit adds its
    first-order grade terms in the schedule (`corrections`, twin.grades.grade_corrections),
    as the model's rows do."""
    feeds, corrections = feeds or {}, corrections or {}
    rows = []
    recipes = {u: fs.units[u].model.modes(fs.units[u].feeds) for u in fs.units}
    periods = range(fs.instance.horizon.periods)
    for u, eu in fs.units.items():
        kind = check_kind(fs, u)
        run = [[x.get((u, k, t), 0.0) for k in range(len(eu.modes))] for t in periods]
        noise = round_off(map(sum, run))
        for t, tonnes in zip(periods, run, strict=True):
            if sum(tonnes) <= noise:
                continue
            lp: dict[str, float] = {}
            tw: dict[str, float] = {}
            for k, q in enumerate(tonnes):
                _add(lp, _quantities(fs, fs.mode(u, k, t), q))
            _add(lp, _grade_terms(fs, corrections.get((u, t), {})))
            if kind == "single":
                if (u, t) not in twin:
                    continue
                _add(tw, _quantities(fs, twin[u, t][0], tonnes[0]))
            elif kind == "curve":
                load = steady_load(fs, u, t, x)
                assert load is not None
                point = eu.model.operating_point(feeds.get((u, t), eu.feeds), load)
                _add(tw, _quantities(fs, point, sum(tonnes)))
            else:
                modes = twin[u, t] if (u, t) in feeds else recipes[u]
                for k, q in enumerate(tonnes):
                    _add(tw, _quantities(fs, modes[k], q))
            for name in sorted(lp.keys() | tw.keys()):
                a, b = lp.get(name, 0.0), tw.get(name, 0.0)
                scale = max(abs(a), abs(b))
                rows.append(
                    {
                        "unit": u,
                        "period": t,
                        "check": kind,
                        "quantity": name,
                        "lp": a,
                        "twin": b,
                        "rel_diff": abs(b - a) / scale if scale > 0 else 0.0,
                    }
                )
    columns = ["unit", "period", "check", "quantity", "lp", "twin", "rel_diff"]
    return pd.DataFrame(rows, columns=columns)


def schedule_balance_problems(
    fs: Flowsheet, tables: Mapping[str, pd.DataFrame], rtol: float = 1e-6
) -> list[str]:
    """Where a schedule's flows break a unit's element balance, as sentences (empty when
    every balance closes): for every unit, period and element the unit conserves, what
    enters on its streams must equal what leaves on its streams plus what its modes emit
    (S in SO2, C in CO2, heavy metals; a blending unit's with their first-order grade
    terms, twin.grades), within `rtol` relative (and 1e-9 t absolute).

    A stream's element tonnes are its flow times its material's composition, or for a
    tracked element of a grade-tracked material the stream's component flow. At a unit
    that takes or makes a grade-tracked material, an element is checked only where every
    material at its ports tracks it: the compositions of the others are fixed at the
    linearisation feed while their tonnes follow the feed grade, so they balance only to
    first order (docs/MODELLING.md, "Grade-tracked flows"; tests/test_grades.py checks
    the tracked elements through a blend)."""
    flows = tables["stream_flows"]
    track = {m.id: set(m.track) for m in fs.instance.materials if m.track}
    carried = tables.get("component_flows")
    component = (
        {}
        if carried is None or carried.empty
        else carried.set_index(["stream", "period", "component"]).t.to_dict()
    )
    loads = tables["unit_loads"]
    terms = grade_corrections(
        fs,
        flows.set_index(["stream", "period"]).flow_t.to_dict(),
        {(n, c, t): v for (n, t, c), v in component.items()},
    )
    problems = []
    for uid, eu in fs.units.items():
        names = {m.name: k for k, m in enumerate(eu.modes)}
        here = loads[loads.unit == uid]
        materials = {*eu.inputs.values(), *eu.outputs.values()}
        for t in range(fs.instance.horizon.periods):
            emitted: dict[str, float] = {}
            released = [
                (species, row.throughput_t * per_t)
                for row in here[here.period == t].itertuples()
                for species, per_t in fs.mode(uid, names[row.mode], t).emissions_t.items()
            ]
            released += [
                (q[1], v) for q, v in terms.get((uid, t), {}).items() if q[0] == "emission"
            ]
            for species, tonnes in released:
                for element, share in EMISSION_ELEMENTS.get(species, {}).items():
                    emitted[element] = emitted.get(element, 0.0) + tonnes * share
            now = flows[flows.period == t]
            for element in eu.model.conserved_elements:
                if materials & set(track) and any(
                    element not in track.get(m, ()) for m in materials
                ):
                    continue
                into = _element_t(now[now["to"] == uid], element, fs, track, component)
                out = _element_t(now[now["from"] == uid], element, fs, track, component)
                out += emitted.get(element, 0.0)
                if abs(out - into) > max(rtol * max(abs(into), abs(out)), 1e-9):
                    problems.append(
                        f"unit {uid}, period {t}, {element}: in {into:.9g} t, out {out:.9g} t"
                    )
    return problems


def _element_t(
    flows: pd.DataFrame,
    element: str,
    fs: Flowsheet,
    track: Mapping[str, set[str]],
    component: Mapping[tuple, float],
) -> float:
    """t of `element` on the streams of `flows` (rows of one period)."""
    return sum(
        component.get((row.stream, row.period, element), 0.0)
        if element in track.get(row.material, ())
        else row.flow_t * fs.compositions[row.material].get(element, 0.0)
        for row in flows.itertuples()
    )
