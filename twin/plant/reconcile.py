"""Data reconciliation and gross-error detection on the flowsheet's balances.

Measured flows, assays and stock levels (twin.plant.measurements) never close the
balances (twin.plant.balances) exactly. Reconciliation finds the values x nearest the
measurements m in the metric of their errors,

    minimise (x - m)^T V^-1 (x - m)  subject to  g(x, u) = 0,

V = diag(sigma^2), u the quantities not measured. Linear balances (flows and levels) are
solved in closed form after projecting the unmeasured quantities out (Crowe, Garcia Campos
and Hrymak 1983, AIChE J. 29(6) 881): with g = A x + B u and P a basis of the left null
space of B (P B = 0), the reduced rows A_r = P A give

    x = m - V A_r^T (A_r V A_r^T)^+ A_r m,   u = the least-squares solution of B u = -A x.

Bilinear balances (an element's flow F x w) are linearised at the current estimate and the
closed form repeated until the step vanishes (successive linearisation, Knepper and Gorman
1980, AIChE J. 26(2) 260; Narasimhan and Jordache, *Data Reconciliation and Gross Error
Detection*, Gulf 2000, section 5.3): a linear set converges in one step.

Gross errors (Narasimhan and Jordache 2000, chapter 7): the adjustments a = m - x have
covariance cov(a) = V A_r^T (A_r V A_r^T)^+ A_r V. The **measurement test** compares each
|a_i| / sqrt(cov(a)_ii) with the normal quantile z_(1 - beta/2), beta = 1 - (1 - alpha)^(1/n)
the Sidak-corrected level for n tests (a measurement with cov(a)_ii = 0 is not redundant and
cannot be tested); the **global test** compares r^T (A_r V A_r^T)^+ r (r = A_r m - b, the
balance residuals of the measurements) with the chi-square quantile at 1 - alpha on
rank(A_r) degrees of freedom. **Serial elimination**: while the largest measurement-test
statistic exceeds its critical value, that measurement is flagged, treated as not measured,
and the set reconciled again; its gross error is estimated as its measured less its
reconciled value.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import linalg, stats

from twin.errors import InstanceError, OptionError
from twin.flowsheet import Flowsheet
from twin.plant.balances import Balances, Key, balances
from twin.plant.measurements import Measurement
from twin.plant.state import PlantState

#: Steps of successive linearisation before giving up (bilinear sets take a handful).
MAX_ITERATIONS = 100
#: Converged when no quantity moves by more than this, relative to max(1, |value|).
STEP_RTOL = 1e-12
#: Relative size below which a singular value or an adjustment variance counts as zero.
RANK_RTOL = 1e-10


@dataclass
class Reconciliation:
    """The reconciled period. `rows`: one per measurement (kind, id, element, measured,
    sigma, reconciled, adjustment, statistic (None: not redundant, untestable), flagged);
    `estimates`: every quantity of the balances, measured or not (None: not observable);
    `global_test`: statistic, dof, critical value, passed (before and after removing the
    flagged measurements); `critical`: the measurement test's critical value."""

    rows: list[dict]
    estimates: dict[Key, float | None]
    flagged: list[Key]
    global_test: dict
    critical: float
    alpha: float
    iterations: int
    max_residual: float
    unbalanced_units: list[str]

    def summary(self) -> dict:
        """The reconciliation as plain values (JSON)."""
        return {
            "alpha": self.alpha,
            "critical": self.critical,
            "global_test": self.global_test,
            "flagged": ["/".join(k) for k in self.flagged],
            "iterations": self.iterations,
            "max_residual": self.max_residual,
            "unbalanced_units": self.unbalanced_units,
            "measurements": self.rows,
        }


@dataclass
class _Fit:
    z: np.ndarray
    reduced: np.ndarray  # A_r at the solution
    residual: np.ndarray  # r = A_r m - b
    observable: np.ndarray  # per unmeasured quantity
    iterations: int


def _left_null(b: np.ndarray) -> np.ndarray:
    """Rows spanning {p : p B = 0} (the identity when B has no columns)."""
    if b.shape[1] == 0:
        return np.eye(b.shape[0])
    norms = np.linalg.norm(b, axis=0)
    scaled = b / np.where(norms > 0, norms, 1.0)
    return linalg.null_space(scaled.T, rcond=RANK_RTOL).T


def _fit(
    bal: Balances, measured: np.ndarray, m: np.ndarray, var: np.ndarray, z: np.ndarray
) -> _Fit:
    """Reconcile the quantities `measured` (indices) with values m and variances var,
    starting from z (module docstring)."""
    free = np.setdiff1d(np.arange(len(bal.keys)), measured)
    for it in range(1, MAX_ITERATIONS + 1):
        jac, g = bal.jacobian(z), bal.residuals(z)
        a, b = jac[:, measured], jac[:, free]
        p = _left_null(b)
        reduced = p @ a
        rhs = p @ (a @ z[measured] - g)
        w = reduced @ (var[:, None] * reduced.T)
        residual = reduced @ m - rhs
        x = m - var * (reduced.T @ np.linalg.pinv(w, rcond=RANK_RTOL, hermitian=True) @ residual)
        left = -(g + a @ (x - z[measured]))
        du = np.linalg.lstsq(b, left, rcond=None)[0] if len(free) else np.zeros(0)
        new = z.copy()
        new[measured] = x
        new[free] = z[free] + du
        step = np.max(np.abs(new - z) / np.maximum(1.0, np.abs(z)), initial=0.0)
        z = new
        if step <= STEP_RTOL and it > 1 or not bal.rows:
            break
    nb = linalg.null_space(b, rcond=RANK_RTOL) if len(free) else np.zeros((0, 0))
    observable = np.linalg.norm(nb, axis=1) <= 1e-8 if nb.size else np.ones(len(free), dtype=bool)
    return _Fit(z, reduced, residual, observable, it)


def _tests(fit: _Fit, m: np.ndarray, x: np.ndarray, var: np.ndarray, alpha: float) -> tuple:
    """(statistic per measurement or NaN, its Sidak critical value, global test)."""
    reduced = fit.reduced
    w = reduced @ (var[:, None] * reduced.T)
    w_inv = np.linalg.pinv(w, rcond=RANK_RTOL, hermitian=True)
    cov_a = np.einsum("ij,jk,ik->i", var[:, None] * reduced.T, w_inv, var[:, None] * reduced.T)
    testable = cov_a > RANK_RTOL * var
    stat = np.full(len(m), np.nan)
    stat[testable] = np.abs(m - x)[testable] / np.sqrt(cov_a[testable])
    n = max(int(testable.sum()), 1)
    beta = 1.0 - (1.0 - alpha) ** (1.0 / n)
    critical = float(stats.norm.ppf(1.0 - beta / 2.0))
    dof = int(np.linalg.matrix_rank(w, tol=RANK_RTOL * max(np.abs(w).max(initial=0.0), 1e-300)))
    gamma = float(fit.residual @ w_inv @ fit.residual)
    chi2 = float(stats.chi2.ppf(1.0 - alpha, dof)) if dof else 0.0
    test = {"statistic": gamma, "dof": dof, "critical": chi2, "passed": gamma <= chi2}
    return stat, critical, test


def _check(bal: Balances, measurements: Sequence[Measurement], fs: Flowsheet) -> None:
    streams = {s.name for s in fs.instance.streams}
    stocks = {k.id for k in fs.instance.stocks}
    problems = []
    for i, meas in enumerate(measurements):
        known, what = (streams, "stream") if meas.kind in ("flow", "assay") else (stocks, "stock")
        if meas.id not in known:
            problems.append(
                f"measurements[{i}].id: unknown {what} '{meas.id}' (known: {sorted(known)})"
            )
        elif meas.key not in bal.keys:  # in no balance: kept as measured, untestable
            bal.keys.append(meas.key)
    if problems:
        raise InstanceError(problems, "measurements")


def _start(bal: Balances, fs: Flowsheet, values: dict[Key, float]) -> np.ndarray:
    """Measured values; the twin's composition for an assay not measured; 0 otherwise."""
    streams = {s.name: s for s in fs.instance.streams}
    z = np.zeros(len(bal.keys))
    for i, key in enumerate(bal.keys):
        if key in values:
            z[i] = values[key]
        elif key[0] == "assay":
            z[i] = fs.compositions.get(streams[key[1]].material, {}).get(key[2], 0.0)
    return z


def reconcile(
    fs: Flowsheet, measurements: Sequence[Measurement], alpha: float = 0.05
) -> Reconciliation:
    """Reconcile one period's `measurements` on the balances of `fs`, flagging gross
    errors at significance `alpha` (module docstring). InstanceError naming
    ``measurements[i]`` for a measurement of an unknown stream or stock."""
    bal = balances(
        fs,
        assays=[(m.id, m.element) for m in measurements if m.kind == "assay" and m.element],
        levels=[m.id for m in measurements if m.kind in ("level", "opening")],
    )
    _check(bal, measurements, fs)
    values = {m.key: m.value for m in measurements}
    return reconcile_balances(
        bal, values, {m.key: m.sigma for m in measurements}, alpha, _start(bal, fs, values)
    )


def reconcile_balances(
    bal: Balances,
    values: Mapping[Key, float],
    sigmas: Mapping[Key, float],
    alpha: float = 0.05,
    start: np.ndarray | None = None,
) -> Reconciliation:
    """Reconcile the measured `values` (key -> value, with standard deviations `sigmas`)
    on the balances `bal`, flagging gross errors at significance `alpha` by serial
    elimination (module docstring); `start`: a first estimate of every quantity (default:
    the measured values, 0 for the rest)."""
    if not (isinstance(alpha, float | int) and 0.0 < alpha < 0.5):
        raise OptionError(f"--alpha / alpha: {alpha!r} must be a significance level in (0, 0.5)")
    index = {k: i for i, k in enumerate(bal.keys)}
    if start is None:
        start = np.zeros(len(bal.keys))
        for k, v in values.items():
            start[index[k]] = v
    z = start.copy()
    active = list(values)
    flagged: list[Key] = []
    at_flagging: dict[Key, float] = {}
    first_test: dict | None = None
    while True:
        measured = np.array([index[k] for k in active], dtype=int)
        m = np.array([values[k] for k in active])
        var = np.array([sigmas[k] ** 2 for k in active])
        fit = _fit(bal, measured, m, var, z)
        z = fit.z
        stat, critical, test = _tests(fit, m, z[measured], var, alpha)
        first_test = first_test or test
        if not len(active) or np.all(np.isnan(stat)) or np.nanmax(stat) <= critical:
            break
        worst = active[int(np.nanargmax(stat))]
        at_flagging[worst] = float(np.nanmax(stat))
        flagged.append(worst)
        active.remove(worst)
    statistic = {**dict(zip(active, stat, strict=True)), **at_flagging}
    free = np.setdiff1d(np.arange(len(bal.keys)), measured)
    hidden = {int(free[j]) for j in np.flatnonzero(~fit.observable)}
    estimates = {k: None if i in hidden else float(z[i]) for i, k in enumerate(bal.keys)}
    rows = []
    for key, value in values.items():
        x = estimates[key]
        s = statistic[key]
        rows.append(
            {
                "kind": key[0],
                "id": key[1],
                "element": key[2] if len(key) > 2 else None,
                "measured": value,
                "sigma": sigmas[key],
                "reconciled": x,
                "adjustment": None if x is None else x - value,
                "statistic": None if math.isnan(s) else float(s),
                "flagged": key in flagged,
            }
        )
    return Reconciliation(
        rows=rows,
        estimates=estimates,
        flagged=flagged,
        global_test={"before": first_test, "after": test},
        critical=critical,
        alpha=float(alpha),
        iterations=fit.iterations,
        max_residual=float(np.max(np.abs(bal.residuals(z)), initial=0.0)),
        unbalanced_units=bal.unbalanced_units,
    )


def reconciled_state(fs: Flowsheet, rec: Reconciliation) -> PlantState:
    """The reconciled values as a PlantState: each stock's closing level (where it is
    observable) and, for a material bought from a market (listed in ``materials``), its
    composition with the reconciled assays of a stream carrying it. Levels within 1e-9 t
    below zero (rounding) are read as 0."""
    streams = {s.name: s for s in fs.instance.streams}
    bought = {m.id: dict(m.composition) for m in fs.instance.materials}
    stocks: dict[str, float] = {}
    assays: dict[str, dict[str, float]] = {}
    for key, value in rec.estimates.items():
        if value is None:
            continue
        if key[0] == "level":
            stocks[key[1]] = 0.0 if -1e-9 < value < 0.0 else value
        elif key[0] == "assay" and streams[key[1]].material in bought:
            material = streams[key[1]].material
            assays.setdefault(material, dict(bought[material]))[key[2]] = value
    return PlantState(stocks_t=stocks, assays=assays)
