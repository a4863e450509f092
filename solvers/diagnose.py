"""Explain an infeasible model: which hard targets had to give, and by how much.

Strategy: rebuild the model with every hard target soft (a violation variable priced
at models.targets.DIAGNOSTIC_PENALTY per unit) and solve again. If that solves, the
targets with a positive violation are the ones the chain cannot meet; if it still
fails, the conflict lies in capacities, market minimums, stock limits or must-run
units, and the message says so.
"""
from __future__ import annotations

import pyomo.environ as pyo

from twin.flowsheet import Flowsheet
from twin.models.build import build_model
from twin.models.targets import target_terms
from twin.solvers.highs import SolveOptions, solve


def _describe(fs: Flowsheet, j: int) -> str:
    tgt = fs.instance.targets[j]
    name = tgt.id or f"targets[{j}]"
    what = {
        "energy_intensity": lambda: f"{getattr(tgt, 'measure', '')} per t of {', '.join(tgt.units)} <= {tgt.max_per_t}",
        "emission_cap": lambda: f"{tgt.species} <= {tgt.max_t} t per {tgt.per}",
        "ore_loss_rate": lambda: f"ore loss rate of {', '.join(tgt.units)} <= {tgt.max}",
        "dilution_rate": lambda: f"dilution rate of {', '.join(tgt.units)} <= {tgt.max}",
        "recycled_share": lambda: f"recycled share of {', '.join(tgt.units)} >= {tgt.min}",
        "utilisation_share": lambda: f"share of {tgt.material} sent to {', '.join(tgt.to)} >= {tgt.min}",
    }[tgt.kind]()
    return f"{name} ({tgt.kind}: {what})"


def explain_infeasibility(fs: Flowsheet, options: SolveOptions) -> str:
    """A message naming the hard targets that cannot be met, with their violations."""
    hard = [j for j, t in enumerate(fs.instance.targets) if t.hard]
    head = f"instance '{fs.instance.name}' is infeasible"
    if not hard:
        return (f"{head}: no hard target is involved; check unit capacities and availability, "
                "market minimum demands, stock limits and must-run units")
    m = build_model(fs, soften_all=True)
    result = solve(m, options)
    if not result.has_solution:
        return (f"{head} even with every hard target relaxed: unit capacities and availability, "
                "market minimum demands, stock limits or must-run units conflict")
    lines = []
    for r in m.TRsoft:
        j, periods = m.target_rows[r]
        viol = pyo.value(m.violation[r])
        if fs.instance.targets[j].hard and viol > 1e-6:
            num, den, bound, sense = target_terms(m, fs, j, periods)
            den_v = pyo.value(den)
            best = pyo.value(num) / den_v if den_v else float("nan")
            when = f" in period {periods[0]}" if len(periods) == 1 else ""
            lines.append(f"{_describe(fs, j)}{when}: best reachable value {best:.6g} "
                         f"against {bound:g} (violation {viol:.6g})")
    if not lines:
        return f"{head}, but relaxing the hard targets did not show which one binds"
    return f"{head}; these hard targets cannot be met:\n  - " + "\n  - ".join(lines)
