"""Rolling re-plans: a horizon solved in overlapping windows, state carried between them.

Windows of ``window_h`` hours start every ``step_h`` hours (twin.plant.windows); each is
the instance cut to its periods, solved, and its first ``step_h`` hours committed. What a
window carries from the committed periods before it, and the choices made:

* **stocks** start at the level the committed periods left (twin.plant.state.apply_state).
  A window's end is not the horizon's end, so a stock's ``final_min_t`` (default: its
  initial level) holds only in the last window; in the others the level at the window's
  end must reach the straight line from the level now to the plan's final minimum, at
  the window's share of the periods left (``level + (final - level) x W / R``, W periods
  in the window, R left in the horizon). Without it a window would empty every stock at
  its end (what is left at the end of a window earns nothing in that window's model);
  with it the stock is drawn down or rebuilt at the pace the whole plan needs.
* **horizon targets** (emission caps over the horizon, intensity, rate and share
  targets) are carried as the remaining budget, pro-rated: a window's target row gets
  the budget left after the committed periods (``bound - activity so far``) times W / R,
  and the last window all that is left. Because a window never uses more than its share
  in all its periods, what is left never goes negative; the last window closes the
  horizon's target exactly. Per-period caps are per period already and are not touched.
* **warm start**: a MIP window is given the previous window's solution, shifted by the
  step (the periods past its end repeat its last period), as HiGHS's first incumbent
  (``Highs.setSolution``, twin.solvers.highs.give_start); HiGHS keeps it only if it is
  feasible. An LP window starts cold: ``setSolution`` seeds a MIP's incumbent and is not
  used by the simplex solvers, and the previous window's basis belongs to a model whose
  rows have moved by the step.
* **one model, changed in place**: windows of one length have one structure, so the
  model of a window is the previous window's changed in place (twin.solvers.persistent:
  only the coefficients, bounds and costs that differ, such as prices, availabilities
  and the carried state, are written into the arrays, the Pyomo model of record and the
  Highs object), and built afresh when the structure changes (a shorter last window).
* a modulated unit's **heat-balance position** (twin.heat_balance) is carried: the
  hours of its ``mean_load_window_h`` window the committed periods have run and the
  load-index-hours in them, read off the full-horizon model's ``load_window`` row of that
  window (plus the instance's own deviation in the horizon's first window). The next
  window's first heat-balance window covers the hours left and takes the deviation
  back, so its heat-balance windows are the full horizon's whatever the step, and the
  committed plan holds every one of them. A window's last heat-balance window, cut by
  the window's end, balances on its own, as the full horizon's last one does.
* each discrete unit's **status** (models/commitment.py): whether it runs at the end of
  the committed periods and for how many hours it has (counted back to its last switch;
  to the instance's own ``initial_status`` when it has not switched, long enough without
  one) become the next window's ``initial_status``, so its minimum up and down times
  hold across window boundaries: a unit stopped just before a window's start stays off
  its ``min_down_h`` in that window.
* an open-pit mine's **position**, the in-situ ore left in its phase
  (``phase_reserve_t``, models/reserves.py), is carried: the reserve less the in-situ
  ore the committed periods mined (the full-horizon model's ``phase_reserve`` row over
  them) is the next window's ``remaining_t``, so the committed plan never mines more
  than the phase holds, however the windows cut the horizon.
* a potline's **amperage** in the last committed period (twin.amperage, from the
  committed mode columns) is the next window's ``initial_amperage_fraction``, so with
  ``amperage_change_retune_h`` the change at a window's start is counted as the full
  horizon counts it.

The committed plan is then **re-priced over the whole horizon**: the full-horizon model
with every per-period column fixed at its committed value, solved for what is left (soft
targets' violations, tariff tiers); its objective is the rolling plan's, comparable with
the full-horizon optimum, and the row check says the plan is feasible for the horizon.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from twin.accounting import target_rows
from twin.amperage import amperage_at
from twin.engine import solve as solve_full
from twin.errors import SolveError
from twin.flowsheet import Flowsheet
from twin.heat_balance import MAX_POSITION_H, elapsed_periods, window_periods
from twin.instance import Instance
from twin.loader import load
from twin.models.build import VARIABLES, BuiltModel, build_model
from twin.plant.state import PlantState, UnitState, apply_state
from twin.plant.windows import Window, cut, plan_windows
from twin.schedule import Schedule
from twin.solution import Solution
from twin.solvers.highs import solve as solve_model
from twin.solvers.options import SolveOptions
from twin.solvers.persistent import PersistentModel
from twin.solvers.persistent import solve as solve_window
from twin.targets import EmissionCapTarget

#: Largest row residual (in the row's own units, t or kWh) a committed plan may show
#: over the whole horizon: the LP's own feasibility tolerance is 1e-7 per window.
FEASIBILITY_TOLERANCE = 1e-5


@dataclass
class WindowResult:
    """One window: the periods it covered [first, last) and committed [first, commit),
    its own objective (CNY, over all its periods), status and seconds, and whether it
    was given a warm start."""

    first: int
    last: int
    commit: int
    objective_cny: float
    status: str
    seconds: float
    warm_started: bool


@dataclass
class RollResult:
    """A rolling plan against the full horizon: the committed plan's objective re-priced
    over the whole horizon, the full-horizon optimum (CNY), their relative gap
    ``(rolling - full) / |full|``, the windows, seconds of each, the largest row residual
    of the committed plan over the horizon (t, kWh), and the committed plan's schedule."""

    instance: str
    window_h: float
    step_h: float
    objective_cny: float
    full_objective_cny: float
    gap: float
    windows: list[WindowResult]
    rolling_s: float
    full_s: float
    max_row_residual: float
    schedule: Schedule = field(repr=False)

    def to_dict(self) -> dict[str, Any]:
        """The result as plain JSON values (the schedule left out)."""
        out = {k: v for k, v in vars(self).items() if k not in ("schedule", "windows")}
        out["windows"] = [vars(w) for w in self.windows]
        return out


def _periodic(built: BuiltModel) -> list[str]:
    """The column blocks with one column per label and period."""
    return [n for n in VARIABLES if built.linear.blocks[n].keys.periods is not None]


def _block_grid(built: BuiltModel, name: str, values: np.ndarray) -> np.ndarray:
    keys = built.linear.blocks[name].keys
    return values.reshape(len(keys.labels), keys.periods or 1)


class _Plan:
    """The committed plan on the full-horizon model's columns (NaN: not yet committed)."""

    def __init__(self, full: BuiltModel) -> None:
        self.full = full
        self.T = full.chain.T
        self.values = np.full(full.linear.n_cols, np.nan)
        self.blocks = _periodic(full)

    def commit(self, built: BuiltModel, solution: Solution, w: Window) -> None:
        n = w.commit - w.first
        for name in self.blocks:
            span = self.full.linear.blocks[name]
            grid = _block_grid(built, name, solution.values[name])
            labels = np.arange(len(span.keys.labels))
            cols = span.grid(labels)[:, w.first : w.commit]
            self.values[cols] = grid[:, :n]

    def state(self, w: Window) -> PlantState:
        """The plant at the end of the committed periods: stock levels (t, within each
        stock's bounds: a solver's last digits may stray by 1e-9 t), each modulated
        unit's heat-balance position and each mine's reserve left (module docstring)."""
        span = self.full.linear.blocks["level"]
        stocks = self.full.chain.instance.stocks
        last = self.values[span.grid(np.arange(len(stocks)))[:, w.commit - 1]]
        levels = {
            k.id: float(np.clip(v, k.min_t, k.max_t)) for k, v in zip(stocks, last, strict=True)
        }
        units = self._positions(w)
        for u, left in self._reserves_left().items():
            units[u] = units.get(u, UnitState()).model_copy(update={"remaining_t": left})
        for u, amperage in self._amperages(w).items():
            units[u] = units.get(u, UnitState()).model_copy(update={"amperage_fraction": amperage})
        for u, (running, hours) in self._statuses(w).items():
            units[u] = units.get(u, UnitState()).model_copy(
                update={"running": running, "hours_in_state": hours}
            )
        return PlantState(stocks_t=levels, units=units)

    def _statuses(self, w: Window) -> dict[str, tuple[bool, float]]:
        """Each discrete unit's status at the end of the committed periods and the hours
        it has been in it, h (module docstring)."""
        chain, on = self.full.chain, self.full.linear.blocks["on"]
        labels = list(on.keys.labels)
        out = {}
        for u in chain.units:
            spec = chain.fs.units[u].spec
            if not spec.discrete:
                continue
            cols = on.grid([i for i, uk in enumerate(labels) if uk[0] == u])
            running = self.values[cols[:, : w.commit]].sum(axis=0) > 0.5
            now = bool(running[-1])
            changed = np.flatnonzero(running != now)
            periods = w.commit - 1 - int(changed[-1]) if len(changed) else w.commit
            hours = periods * chain.length_h
            own = spec.initial_status
            if periods == w.commit and (own is None or own.on == now):
                hours += MAX_POSITION_H if own is None else own.hours
            out[u] = (now, min(hours, MAX_POSITION_H))
        return out

    def _amperages(self, w: Window) -> dict[str, float]:
        """Each potline's mean amperage fraction in the last committed period, for those
        that price their amperage changes (twin.amperage)."""
        chain, x = self.full.chain, self.full.linear.blocks["x"]
        t = w.commit - 1
        out = {}
        for u in chain.fs.ramp_modes:
            js = chain.modes_of(u)
            committed = self.values[x.grid(js)[:, t]]
            throughputs = {
                (u, chain.UK[j][1], t): float(v) for j, v in zip(js, committed, strict=True)
            }
            out[u] = amperage_at(chain.fs, u, throughputs, t)
        return out

    def _reserves_left(self) -> dict[str, float]:
        """Each mine's phase reserve less the in-situ ore committed so far, t (at least 0:
        a solver's last digits may overdraw it by 1e-9 t)."""
        lm = self.full.linear
        rows = lm.families["phase_reserve"]
        mined = lm.A[rows.start : rows.stop] @ np.nan_to_num(self.values)
        reserve = lm.row_upper[rows.start : rows.stop]
        return {
            u: float(max(r - m, 0.0)) for u, r, m in zip(rows.keys, reserve, mined, strict=True)
        }

    def _positions(self, w: Window) -> dict[str, UnitState]:
        lm, chain = self.full.linear, self.full.chain
        rows = lm.families["load_window"]
        activity = lm.A[rows.start : rows.stop] @ np.nan_to_num(self.values)
        position = lm.key_position("load_window")
        out = {}
        for u in dict.fromkeys(label[0] for label in rows.keys):
            spec = chain.fs.units[u].spec
            own = spec.heat_balance_position
            n = window_periods(spec.mean_load_window_h or chain.length_h, chain.length_h)
            elapsed = (elapsed_periods(own, chain.length_h) + w.commit) % n
            start = w.commit - elapsed
            deviation = 0.0
            if elapsed:
                deviation = float(activity[position[u, max(start, 0)] - rows.start])
            if start < 0 and own is not None:
                deviation += own.deviation_h
            out[u] = UnitState(
                window_elapsed_h=elapsed * chain.length_h, window_deviation_h=deviation
            )
        return out


def _window_instance(inst: Instance, w: Window, state: PlantState | None) -> Instance:
    """The instance of window `w`: cut, planned from `state` (stock levels, heat-balance
    positions, mines' reserves left; none: as the instance says) with the final minimum
    of the module docstring."""
    sub = cut(inst, w)
    if state is not None:
        sub = apply_state(sub, state)
    share = w.periods / (inst.horizon.periods - w.first)
    stocks = []
    for k, plan in zip(sub.stocks, inst.stocks, strict=True):
        final = plan.initial_t if plan.final_min_t is None else plan.final_min_t
        if w.last < inst.horizon.periods:
            final = k.initial_t + (final - k.initial_t) * share
        stocks.append(k.model_copy(update={"final_min_t": min(max(final, k.min_t), k.max_t)}))
    return sub.model_copy(update={"stocks": stocks})


def _carry_targets(built: BuiltModel, plan: _Plan, w: Window) -> None:
    """Give each horizon target row of the window the budget left, pro-rated (module
    docstring)."""
    inst = plan.full.chain.instance
    full_lm, lm = plan.full.linear, built.linear
    full_pos = full_lm.key_position("target")
    # a horizon target has one row in each model; per-period caps give the two models
    # different row numbers, so the rows are matched by target, not by number
    full_row = {row.j: full_pos[r] for r, row in enumerate(target_rows(inst))}
    window_rows = target_rows(built.chain.instance)
    activity = full_lm.A @ np.nan_to_num(plan.values)
    share = 1.0 if w.last == plan.T else w.periods / (plan.T - w.first)
    for r, position in lm.key_position("target").items():
        j = window_rows[r].j
        target = inst.targets[j]
        if isinstance(target, EmissionCapTarget) and target.per == "period":
            continue
        row = full_row[j]
        lm.row_upper[position] = (full_lm.row_upper[row] - activity[row]) * share


def _warm_start(
    built: BuiltModel, previous: tuple[BuiltModel, Solution, Window], w: Window
) -> np.ndarray:
    """The previous window's solution on `built`'s columns, shifted to window `w`."""
    prev_built, prev_solution, prev_w = previous
    start = np.zeros(built.linear.n_cols)
    for name, values in prev_solution.values.items():
        span = built.linear.blocks[name]
        grid = _block_grid(prev_built, name, values)
        if span.keys.periods is None:
            start[span.start : span.stop] = grid[:, 0]
            continue
        periods = np.minimum(np.arange(w.first, w.last) - prev_w.first, grid.shape[1] - 1)
        start[span.start : span.stop] = grid[:, periods].ravel()
    return start


def _vector(built: BuiltModel, solution: Solution) -> np.ndarray:
    """`solution`'s values as one vector on `built`'s columns."""
    out = np.zeros(built.linear.n_cols)
    for name, values in solution.values.items():
        span = built.linear.blocks[name]
        out[span.start : span.stop] = values
    return out


def _residual(built: BuiltModel, values: np.ndarray) -> tuple[float, str]:
    """The largest row residual of `values` in `built` and the row family it is in."""
    lm = built.linear
    activity = lm.A @ values
    gap = np.maximum(np.maximum(lm.row_lower - activity, activity - lm.row_upper), 0.0)
    if not len(gap):
        return 0.0, ""
    worst = int(np.argmax(gap))
    family = next(n for n, s in lm.families.items() if s.start <= worst < s.stop)
    return float(gap[worst]), family


def _reprice(plan: _Plan, options: SolveOptions, deadline: float | None) -> Solution:
    """The committed plan over the whole horizon (module docstring)."""
    full = plan.full
    spans = [full.linear.blocks[n] for n in plan.blocks]
    fixed = np.concatenate([np.arange(span.start, span.stop) for span in spans])
    full.linear.fix(fixed, plan.values[fixed])
    solution = solve_model(full, options, deadline)
    if not solution.has_solution:
        residual, family = _residual(full, np.nan_to_num(plan.values))
        raise SolveError(
            "infeasible",
            f"the committed rolling plan is not feasible over the whole horizon "
            f"(HiGHS: {solution.status}; largest residual {residual:.3g} in {family})",
        )
    return solution


def _left(options: SolveOptions, deadline: float | None) -> SolveOptions:
    if deadline is None:
        return options
    return replace(options, time_limit_s=max(deadline - time.monotonic(), 1e-3))


def roll(
    instance: Instance | Path | str,
    window_h: float,
    step_h: float,
    options: SolveOptions | None = None,
) -> RollResult:
    """Solve `instance` in windows of `window_h` hours advanced by `step_h` hours (module
    docstring), re-price the committed plan over the whole horizon and compare it with
    the full-horizon optimum (twin.solve). `options.time_limit_s` bounds the whole call.
    OptionError for a window or step that is not a whole number of periods; SolveError
    naming the window that has no schedule."""
    options = options or SolveOptions()
    deadline = None if options.time_limit_s is None else time.monotonic() + options.time_limit_s
    inst = instance if isinstance(instance, Instance) else load(instance)
    windows = plan_windows(inst, window_h, step_h)
    t0 = time.perf_counter()
    full_objective = float(solve_full(inst, _left(options, deadline)).objective_cny or 0.0)
    t1 = time.perf_counter()
    plan = _Plan(build_model(Flowsheet(inst)))
    results = []
    previous: tuple[BuiltModel, Solution, Window] | None = None
    state: PlantState | None = None
    model: PersistentModel | None = None
    for i, w in enumerate(windows):
        tw = time.perf_counter()
        built = build_model(Flowsheet(_window_instance(inst, w, state)))
        _carry_targets(built, plan, w)
        warm = previous is not None and bool(built.linear.integer.any())
        start = _warm_start(built, previous, w) if warm and previous else None
        if model is None:
            model = PersistentModel(built, options.backend)
        else:
            model.update(built)  # in place, or rebuilt by it for another structure
        solution = solve_window(model, options, deadline, start)
        if not solution.has_solution:
            raise SolveError(
                solution.status,
                f"window {i + 1} of {len(windows)} (periods {w.first}-{w.last - 1}): no "
                f"schedule (HiGHS: {solution.status}); a shorter step or a longer window "
                "leaves more room",
            )
        plan.commit(built, solution, w)
        state = plan.state(w)
        previous = (built, solution, w)
        results.append(
            WindowResult(
                w.first,
                w.last,
                w.commit,
                float(solution.objective or 0.0),
                solution.status,
                time.perf_counter() - tw,
                warm,
            )
        )
    solution = _reprice(plan, _left(options, deadline), deadline)
    schedule = Schedule.from_solution(plan.full.chain.fs, solution)
    objective = float(solution.objective or 0.0)
    residual, _ = _residual(plan.full, _vector(plan.full, solution))
    return RollResult(
        instance=inst.name,
        window_h=window_h,
        step_h=step_h,
        objective_cny=objective,
        full_objective_cny=full_objective,
        gap=(objective - full_objective) / max(abs(full_objective), 1.0),
        windows=results,
        rolling_s=time.perf_counter() - t1,
        full_s=t1 - t0,
        max_row_residual=residual,
        schedule=schedule,
    )
