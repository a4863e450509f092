"""Grade-tracked flows and blending windows (twin.grades states the physics).

Columns: ``grade_flow[s, e, t]``, t of tracked element e carried by stream s in period t,
for every stream of a material that tracks e. Rows:

* ``grade_source[s, e, t]``: on a stream leaving a source (a unit without tracked
  inputs, a buy market) grade_flow = q_e x flow, q_e the source's fixed grade;
* ``grade_balance[u, m, e, t]``: the one stream of tracked product m leaving blending
  unit u carries sum_k x_k g_k(f0) + sum dq/df (F_c - f0 F) t of e: the unit's element
  output per t basis at the linearisation feed f0 of period t (Flowsheet.feeds_at) in
  each mode k, corrected to first
  order in the grades of its tracked feeds (F_c: their component flows, F: their
  tonnes); the same correction is added to the unit's ``port_balance`` rows, so the
  tonnes it makes and takes follow its feed grade too, and, by :func:`add_grade_energy`
  once the rest is built, to ``power_balance`` (its kWh), its ``time_share`` row (its
  hours at full rate) and the emission caps' ``target`` rows (what it releases), for the
  quantities twin.grades gives slopes;
* ``blend[rule, side, t]``: a window of twin.blending on what node n receives of m,
  sum_s grade_flow[s, e] >= min x sum_s flow[s] (or x sum_s grade_flow[s, per] for a
  ratio), and <= max x the same; linear, so exact for any blend;
* ``trust_property[u, m, c, side, t]`` (:data:`PROPERTY_ROWS`), only when build_model is
  given a :class:`PropertyBox`: successive linearisation's box on each ore property c of
  blending unit u's tracked input m (twin.solvers.trust_region states why),
  sum_s grade_flow[s, c] <= (1 + step) g0 sum_s flow[s] ("max") and >= (1 - step) g0
  sum_s flow[s] ("min"), g0 the property of u's linearisation feed of period t
  (Flowsheet.feeds_at); free in a period without a scheduled feed (and all of them when
  the step is None), holding the same coefficients, so that the nonzeros stay the same
  from one iteration to the next (models/update.py changes the model in place).

An instance that tracks nothing gets none of these: its matrix is the same as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

import numpy as np

from twin.grades import component_per_t, is_property, source_grades, tracked, tracked_inputs
from twin.models.chain import Chain
from twin.models.linear import INF, LinearModel, Span
from twin.models.network import Network
from twin.models.targets import emission_cap_rows

if TYPE_CHECKING:
    from twin.flowsheet import Flowsheet
    from twin.units.base import Mode


@dataclass
class Grades:
    """The component-flow columns, the column of each (stream, element) label, and each
    blending unit's grade terms per quantity (:func:`_period_slopes`)."""

    flow: Span
    column: dict[tuple[str, str], int]
    slopes: dict[str, dict[tuple, Terms]]

    def cols(self, ch: Chain, names: list[str], element: str) -> np.ndarray:
        """Columns (len(names), T) of `element`'s flow on the named streams."""
        return self.flow.grid([self.column[n, element] for n in names]).reshape(-1, ch.T)


def _sources(lm: LinearModel, ch: Chain, net: Network, g: Grades, blending: set[str]) -> None:
    streams = {s.name: s for s in ch.streams}
    pits = set(ch.fs.pits)  # their ore's grade follows the cut mix (models/pits.py)
    labels = [lab for lab in g.column if streams[lab[0]].from_ not in blending | pits]
    rows = lm.rows("grade_source", labels, ch.T, 0.0, 0.0)
    grades: dict[tuple[str, str], dict[str, float]] = {}
    for i, (name, element) in enumerate(labels):
        s = streams[name]
        if (s.from_, s.material) not in grades:
            grades[s.from_, s.material] = source_grades(ch.fs, s.from_, s.material)
        lm.entries(rows.grid(i), g.flow.grid(g.column[name, element]), 1.0)
        lm.entries(
            rows.grid(i),
            net.flow.grid(ch.stream_index[name]),
            -grades[s.from_, s.material][element],
        )


#: (tracked input material, element) -> (slope (T,), linearisation grade (T,)) of a quantity.
Terms = dict[tuple[str, str], tuple[np.ndarray, np.ndarray]]


def _period_slopes(fs: Flowsheet, u: str, T: int) -> dict[tuple, Terms]:
    """Quantity -> its grade terms in each period: twin.grades.sensitivities at the unit's
    linearisation feed of that period (the nominal one unless re-linearised there), as
    the flowsheet keeps them (Flowsheet.grade_slopes: each computed once)."""
    by_t = [fs.grade_slopes(u, t) for t in range(T)]
    out: dict[tuple, Terms] = {}
    for t, found in enumerate(by_t):
        for q, terms in found.items():
            for term in terms:
                slope, grade = out.setdefault(q, {}).setdefault(
                    (term.material, term.component), (np.zeros(T), np.zeros(T))
                )
                slope[t], grade[t] = term.slope, term.grade
    return out


def _linearised(
    lm: LinearModel,
    ch: Chain,
    net: Network,
    g: Grades,
    row: Any,
    u: str,
    terms: Terms,
    sign: float = -1.0,
    periods: Any = slice(None),
) -> None:
    """Add sign x dq/df (F_c - f0 F) to `row` (positions (T,), or one position summing
    `periods`) for each of `terms`: sign -1 where the row holds the quantity as - q x, +1
    where it holds + q x."""
    for (material, component), (slope, grade) in terms.items():
        feed = ch.into[u, material]
        lm.entries(row, g.cols(ch, feed, component)[:, periods], sign * slope[periods])
        lm.entries(row, net.flows(ch, feed)[:, periods], -sign * (slope * grade)[periods])


def _element_per_t(fs: Flowsheet, material: str, element: str, u: str, mode: Mode) -> float:
    return component_per_t(fs, u, material, element, mode)


def _element_coefficients(ch: Chain, u: str, material: str, element: str, js: Any) -> np.ndarray:
    """t of `element` in `material` per t basis of each mode `js` of `u` per period (n, T),
    at the period's linearisation feed."""
    fs = ch.fs
    per_t = np.array(ch.coef(partial(_element_per_t, fs, material, element), js))
    for t in range(ch.T):
        if (u, t) in fs.feed_overrides:
            per_t[:, t] = [
                component_per_t(fs, u, material, element, fs.mode(u, k, t), t)
                for k in range(len(js))
            ]
    return per_t


def _blending_units(
    lm: LinearModel, ch: Chain, net: Network, g: Grades, blending: set[str]
) -> None:
    fs, track, slopes = ch.fs, tracked(ch.fs), g.slopes
    labels = [
        (u, m, e)
        for u in fs.units
        if u in blending
        for m in dict.fromkeys(fs.units[u].outputs.values())
        if m in track and ch.out_of.get((u, m))
        for e in track[m]
    ]
    rows = lm.rows("grade_balance", labels, ch.T, 0.0, 0.0)
    for i, (u, m, e) in enumerate(labels):
        js = ch.modes_of(u)
        lm.entries(rows.grid(i), g.cols(ch, ch.out_of[u, m], e), 1.0)
        lm.entries(rows.grid(i), net.x.grid(js), -_element_coefficients(ch, u, m, e, js))
        _linearised(lm, ch, net, g, rows.grid(i), u, slopes[u].get(("element", m, e), {}))
    ports = lm.families["port_balance"]
    for i, (u, mat, side) in enumerate(ports.keys.labels):
        if u in blending:
            _linearised(lm, ch, net, g, ports.grid(i), u, slopes[u].get((side, mat), {}))


def _windows(lm: LinearModel, ch: Chain, net: Network, g: Grades) -> None:
    rules = [
        (rule, side, bound)
        for rule in ch.instance.blending
        for side, bound in (("min", rule.min), ("max", rule.max))
        if bound is not None
    ]
    lower = np.repeat([0.0 if side == "min" else -INF for _, side, _ in rules], ch.T)
    upper = np.repeat([INF if side == "min" else 0.0 for _, side, _ in rules], ch.T)
    rows = lm.rows("blend", [(r.name, side) for r, side, _ in rules], ch.T, lower, upper)
    for i, (rule, _, bound) in enumerate(rules):
        feed = ch.into.get((rule.feed_of, rule.material), [])
        denominator = g.cols(ch, feed, rule.per) if rule.per else net.flows(ch, feed)
        lm.entries(rows.grid(i), g.cols(ch, feed, rule.component), 1.0)
        lm.entries(rows.grid(i), denominator, -bound)


#: The row family of the feed-property box (module docstring).
PROPERTY_ROWS = "trust_property"


@dataclass(frozen=True)
class PropertyBox:
    """Successive linearisation's feed-property box (module docstring): each ore property
    of a blending unit's feed within `step` (relative, a fraction of its value) of the
    unit's linearisation feed's; None: the rows are there but free."""

    step: float | None


def property_labels(fs: Flowsheet) -> list[tuple[str, str, str, str]]:
    """(unit, tracked input, property, "max" | "min") of every blending unit of `fs` fed an
    ore property (twin.grades.is_property): the labels of :data:`PROPERTY_ROWS`."""
    track = tracked(fs)
    return [
        (u, m, c, side)
        for u in fs.units
        for m in tracked_inputs(fs, u)
        for c in track[m]
        if is_property(c)
        for side in ("max", "min")
    ]


def add_property_box(lm: LinearModel, ch: Chain, net: Network, g: Grades, box: PropertyBox) -> None:
    """The feed-property rows :data:`PROPERTY_ROWS` of `box` (module docstring); nothing
    when no blending unit is fed an ore property."""
    fs = ch.fs
    labels = property_labels(fs)
    if not labels:
        return
    periods = range(ch.T)
    bounded = np.array(
        [
            box.step is not None and bool(ch.into.get((u, m))) and (u, t) in fs.feed_overrides
            for u, m, _, _ in labels
            for t in periods
        ]
    )
    sides = np.repeat([side for *_, side in labels], ch.T)
    lower = np.where(bounded & (sides == "min"), 0.0, -INF)
    upper = np.where(bounded & (sides == "max"), 0.0, INF)
    rows = lm.rows(PROPERTY_ROWS, labels, ch.T, lower, upper)
    for i, (u, m, c, side) in enumerate(labels):
        feed = ch.into.get((u, m), [])
        if not feed:  # nothing brings it: a free row without entries
            continue
        port = next(p for p, mat in fs.units[u].inputs.items() if mat == m)
        g0 = np.array([fs.feeds_at(u, t)[port].get(c, 0.0) for t in periods])
        width = 0.0 if box.step is None else (box.step if side == "max" else -box.step)
        lm.entries(rows.grid(i), g.cols(ch, feed, c), 1.0)
        lm.entries(rows.grid(i), net.flows(ch, feed), -(1 + width) * g0)


def add_grades(lm: LinearModel, ch: Chain, net: Network) -> Grades | None:
    """The component flows and their rows (see module docstring); None, adding nothing,
    when no material is grade-tracked."""
    track = tracked(ch.fs)
    if not track:
        return None
    labels = [(s.name, e) for s in ch.streams if s.material in track for e in track[s.material]]
    flow = lm.columns("grade_flow", labels, ch.T, 0.0, INF)
    blending = {u for u in ch.fs.units if tracked_inputs(ch.fs, u)}
    slopes = {u: _period_slopes(ch.fs, u, ch.T) for u in blending}
    g = Grades(flow, {label: i for i, label in enumerate(labels)}, slopes)
    _sources(lm, ch, net, g, blending)
    _blending_units(lm, ch, net, g, blending)
    _windows(lm, ch, net, g)
    return g


def add_grade_energy(lm: LinearModel, ch: Chain, net: Network, g: Grades | None) -> None:
    """Each blending unit's kWh (``power_balance``), hours at full rate (its ``time_share``
    row: a continuous unit's; a committed unit's mode rows, in t, are not corrected),
    and release of each capped species (the caps' ``target`` rows) to first order in its
    feed grades, where twin.grades gives them slopes (kWh and hours in ore properties
    only): after the power balance and targets are built."""
    if g is None:
        return
    balance = lm.families["power_balance"].start + ch.tt
    shares = lm.families["time_share"]
    share_of = {u: i for i, u in enumerate(shares.keys.labels)}
    caps = emission_cap_rows(lm, ch)
    add = partial(_linearised, lm, ch, net, g)
    for u, slopes in g.slopes.items():
        add(balance, u, slopes.get(("power_kwh",), {}))
        if u in share_of:
            add(shares.grid(share_of[u]), u, slopes.get(("hours",), {}), 1.0)
        for position, periods, species in caps:
            add(position, u, slopes.get(("emission", species), {}), 1.0, list(periods))
