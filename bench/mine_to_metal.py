"""Benchmark: mine to metal in one schedule against the sequential practice, stockpile
models, and the effect of mining-cut aggregation, on instances/copper_mine_to_metal.yaml.

* **Joint**: the instance as shipped; the cut sequence, each parcel's destination, the
  mill, smelter (As feed cap), refinery and power in one LP.
* **Sequential** (what a mine planner does first): the pit scheduled on its own, each
  parcel worth its copper at a fixed price and the concentrator's recovery (the
  concentrate sold at its copper's cathode price, no smelter, no As or SO2 cap); then its cut
  sequence (`cut_done`) and its waste (each parcel's tonnes it sent to waste) are fixed
  and the chain schedules the rest: where the planner's ore goes (mill, stockpile, or
  waste after all), the plant and power. Both are priced by the joint
  model's objective (CNY, cost - revenue).
* **Stockpiles**: binned piles (linear; each bin reclaimed at its mean grade over the pit)
  vs one mixing pile solved by successive linearisation (solvers/pile_slp.py).
* **Aggregation**: benches per cut 1, 2, 3 and 6; fewer, coarser grade bins.

Run: ``python bench/mine_to_metal.py``. Prints a table per part.
"""

from __future__ import annotations

import copy
import time
from pathlib import Path

import numpy as np
import yaml

import twin
from twin.flowsheet import Flowsheet
from twin.models.build import build_model
from twin.schedule import Schedule
from twin.solvers.highs import solve
from twin.solvers.options import SolveOptions

INSTANCE = Path(__file__).resolve().parents[1] / "instances" / "copper_mine_to_metal.yaml"
RAW = yaml.safe_load(INSTANCE.read_text())
OPTIONS = SolveOptions(backend="direct")
CONCENTRATE_CU = 0.25  # the mill's concentrate grade in the instance
CATHODE_PRICE = 68000.0


def _parse(data: dict) -> twin.Instance:
    return twin.parse(data, INSTANCE.parent)


def _outcome(name: str, schedule: Schedule, seconds: float) -> dict:
    flows = schedule.stream_flows
    cathode = flows[flows.material == "copper_cathode"].flow_t.sum()
    piles = schedule.tables.get("piles")
    return {
        "case": name,
        "objective_mcny": schedule.objective_cny / 1e6,
        "cathode_kt": cathode / 1e3,
        "mined_mt": schedule.tables["cut_schedule"].mined_t.sum() / 1e6,
        "reclaim_mt": 0.0 if piles is None else piles.reclaim_t.sum() / 1e6,
        "seconds": seconds,
    }


def _as_shadow(schedule: Schedule) -> float:
    """Mean marginal value of the smelter's As cap over the periods, CNY per t of
    concentrate-As-fraction x feed (the blend rows' duals, summed per period)."""
    duals = schedule.solution.duals or {}
    keys = schedule.solution.index.constraints["blend"]
    values = duals.get("blend", np.zeros(len(keys)))
    return float(sum(v for k, v in zip(keys, values, strict=True) if k[0] == "smelter_as_cap"))


def joint(data: dict, name: str = "joint") -> tuple[Schedule, dict]:
    """Solve `data` as given."""
    t0 = time.perf_counter()
    schedule = twin.solve(_parse(data), OPTIONS)
    return schedule, _outcome(name, schedule, time.perf_counter() - t0)


def _mine_planner_view(data: dict) -> dict:
    """The instance a mine planner schedules: pit and mill, concentrate sold at its
    copper's cathode price, no smelter, no caps."""
    view = copy.deepcopy(data)
    view["units"] = [u for u in view["units"] if u["id"] in ("pit", "mill")]
    view["streams"] = [
        s for s in view["streams"] if s["from"] in ("pit", "mill") and s["to"] != "smelter"
    ]
    view["streams"].append({"from": "mill", "to": "conc_buyer", "material": "cu_concentrate"})
    view["markets"] = [m for m in view["markets"] if m["id"] in ("waste_dump", "tailings_dam")]
    view["markets"].append(
        {"id": "conc_buyer", "material": "cu_concentrate", "side": "sell",
         "price_cny_per_t": CONCENTRATE_CU * CATHODE_PRICE}
    )  # fmt: skip
    view["blending"] = []
    view["targets"] = []
    return view


def sequential(data: dict) -> tuple[Schedule, dict]:
    """The mine planner's cut sequence, then the chain with that sequence fixed."""
    t0 = time.perf_counter()
    plan = twin.solve(_parse(_mine_planner_view(data)), OPTIONS)
    done = plan.solution.values["cut_done"]
    fs = Flowsheet(_parse(data))
    built = build_model(fs)
    lm = built.linear
    span = lm.blocks["cut_done"]
    lm.fix(np.arange(span.start, span.stop), done)
    # What the planner sent to waste stays waste (its cutoff decision); ore parcels may
    # still go to the mill, the stockpile or waste.
    planned = plan.solution.by_key("parcel_to")
    for key, position in lm.key_position("parcel_to").items():
        if key[3] == "waste":
            lm.col_lower[position] = planned[key]
    solution = solve(built, OPTIONS)
    schedule = Schedule.from_solution(fs, solution)
    return schedule, _outcome("sequential", schedule, time.perf_counter() - t0)


def _print(rows: list[dict]) -> None:
    keys = list(rows[0])
    print("  ".join(f"{k:>15}" for k in keys))
    for r in rows:
        print("  ".join(f"{v:>15.3f}" if isinstance(v, float) else f"{v:>15}" for v in r.values()))


def _with(**changes: object) -> dict:
    data = copy.deepcopy(RAW)
    supply = data["units"][0]["params"]["block_model"]
    for key, value in changes.items():
        if key == "mixing":
            supply["stockpile"]["mixing"] = value
        else:
            supply[key] = value
    return data


def main() -> None:
    base, row = joint(RAW)
    seq, seq_row = sequential(RAW)
    row["as_cap_dual"] = _as_shadow(base)
    seq_row["as_cap_dual"] = _as_shadow(seq)
    print("Joint vs sequential (objective: cost - revenue, million CNY)")
    _print([row, seq_row])
    gain = seq_row["objective_mcny"] - row["objective_mcny"]
    share = 100 * gain / abs(seq_row["objective_mcny"])
    print(f"joint better by {gain:.1f} million CNY ({share:.2f} %)")
    for name, sched in (("joint", base), ("sequential", seq)):
        mill = sched.grades.query("node == 'mill'").pivot(
            index="period", columns="component", values="grade"
        )
        heads = (f"{100 * c:.3f}/{1e6 * a:.0f}" for c, a in zip(mill.Cu, mill.As, strict=True))
        print(f"{name}: mill head grade by period (Cu %, As ppm):", " ".join(heads))

    print("\nThe joint schedule checked by the twin (--verify: each period's feed re-linearised)")
    t0 = time.perf_counter()
    checked = twin.solve(_parse(RAW), OPTIONS, verify=True)
    _print([_outcome("joint --verify", checked, time.perf_counter() - t0)])
    trace = checked.verification.trace if checked.verification else []
    worst = trace[-1]["max_rel_diff"] if trace else float("nan")
    print(f"{len(trace)} solves, largest LP-twin difference {worst:.2e}")
    mill = checked.grades.query("node == 'mill' and component == 'bwi_kwh_t'")
    print("mill feed Bond Wi by period (kWh/t):", " ".join(f"{w:.2f}" for w in mill.grade))

    print("\nStockpile models")
    piles = [joint(_with(mixing=False), "binned")[1]]
    t0 = time.perf_counter()
    mixed = twin.solve(_parse(_with(mixing=True)), OPTIONS)
    piles.append(_outcome("mixing (SLP)", mixed, time.perf_counter() - t0))
    _print(piles)
    print("mixing iterations:", len(mixed.pile_iterations.get("move", [])),
          "last move", mixed.pile_iterations.get("move", [None])[-1])  # fmt: skip

    print("\nCut aggregation (binned piles)")
    cases = [joint(_with(benches_per_cut=k), f"benches/cut {k}")[1] for k in (1, 2, 3, 6)]
    cases.append(joint(_with(bin_edges=[0.003, 0.006]), "3 bins")[1])
    _print(cases)


if __name__ == "__main__":
    main()
