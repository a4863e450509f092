"""The plan's indicators, measured on a baseline and an optimised schedule's tables.

Each indicator is a formula over a schedule's tables (docs/BENCHMARK.md writes them
out); the same formula measures the baseline (the plant as it runs today, priced by the
twin: twin.baseline) and the optimised schedule. Column 13's intelligent-factory and
digital-mine goals are changes against the baseline (operating cost -30 %, production
efficiency +30 %, ...); Column 3's are bounds (aluminium AC power <= 13200 kWh/t, shares
>= their 2020 figure). An indicator the instance cannot measure (design digitisation, a
share of plants) or whose units the chain lacks is listed with status "not computable"
and a note, never dropped.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import pandas as pd

from twin.instance import Instance
from twin.units.base import (
    DELIVERED_ORE_T,
    DILUENT_T,
    INSITU_ORE_T,
    ORE_LOST_T,
    RECYCLED_METAL_T,
    RED_MUD_USED_T,
)

Tables = Mapping[str, pd.DataFrame]
COLUMNS = [
    "indicator",
    "column",
    "definition",
    "unit",
    "baseline",
    "optimised",
    "change_pct",
    "target",
    "target_pct",
    "met",
    "status",
    "note",
]
#: Kinds whose basis output is a finished metal, by metal (the chain's products).
METAL_KINDS = {
    "copper": ("copper_electrorefinery",),
    "aluminium": ("potline", "aluminium_remelt"),
    "lead": ("lead_smelter",),
    "zinc": ("zinc_electrowinning",),
    "nickel": ("nickel_refinery",),
    "gold": ("gold_refinery",),
    "magnesium": ("pidgeon_magnesium", "electrolytic_magnesium"),
    "titanium": ("kroll_titanium",),
}
RECYCLED_KINDS = {"copper": ("copper_scrap_refining",)}
MINE_KINDS = ("open_pit_mine",)
HEAVY_METALS = ("Pb", "As", "Cd", "Hg", "Cr")


@dataclass(frozen=True)
class Context:
    """What the formulas need of the instance: unit ids by kind, and the hours."""

    units_by_kind: Mapping[str, tuple[str, ...]]
    hours: float

    def units(self, kinds: tuple[str, ...]) -> list[str]:
        return [u for kind in kinds for u in self.units_by_kind.get(kind, ())]


def _sum(frame: pd.DataFrame, column: str, units: list[str] | None = None) -> float:
    rows = frame if units is None else frame[frame.unit.isin(units)]
    return float(rows[column].sum())


def _ratio(num: float, den: float) -> float | None:
    return num / den if den else None


def _products(t: Tables, c: Context) -> float:
    return _sum(t["unit_loads"], "throughput_t", c.units(sum(METAL_KINDS.values(), ())))


def _operating_cost(t: Tables, units: list[str] | None = None) -> float:
    """Variable, fuel and power cost of `units` (all when None): power at each period's
    average price paid."""
    loads = t["unit_loads"] if units is None else t["unit_loads"][t["unit_loads"].unit.isin(units)]
    power = t["power"].groupby("period")[["supply_kwh", "cost_cny"]].sum()
    price = (power.cost_cny / power.supply_kwh.where(power.supply_kwh > 0)).fillna(0.0)
    return float(loads.cost_cny.sum() + (loads.power_kwh * loads.period.map(price)).sum())


def _tonnage(t: Tables, units: list[str], quantity: str) -> float:
    frame = t["tonnages"]
    return float(frame[frame.unit.isin(units) & (frame.quantity == quantity)].t.sum())


def _emitted(t: Tables, species: tuple[str, ...]) -> float:
    emissions = t["emissions"]
    return float(emissions[emissions.species.isin(species)].t.sum())


def _value_added(t: Tables) -> float:
    """Revenue less purchases and operating costs, CNY (the schedule's contribution)."""
    costs = t["costs"]
    return -float(costs[costs.period >= 0].cost_cny.sum())


Formula = Callable[[Tables, "Context"], float | None]


@dataclass(frozen=True)
class Indicator:
    """One plan indicator: `formula` of a schedule's tables (None when undefined there);
    `change_target` (relative change against the baseline, e.g. -0.30) or `bound` with
    `sense` ("max" or "min") for an absolute target; `needs` the unit kinds without which
    it is not computable."""

    name: str
    column: str
    definition: str
    unit: str
    formula: Formula | None
    change_target: float | None = None
    bound: float | None = None
    sense: str = "max"
    needs: tuple[str, ...] = ()
    note: str = ""


def _metal_intensity(
    kinds: tuple[str, ...], column: str
) -> Callable[[Tables, Context], float | None]:
    def formula(t: Tables, c: Context) -> float | None:
        units = c.units(kinds)
        return _ratio(
            _sum(t["unit_loads"], column, units), _sum(t["unit_loads"], "throughput_t", units)
        )

    return formula


def _recycled_share(metal: str) -> Formula:
    def formula(t: Tables, c: Context) -> float | None:
        producers = c.units(METAL_KINDS[metal] + RECYCLED_KINDS.get(metal, ()))
        output = _sum(t["unit_loads"], "throughput_t", c.units(METAL_KINDS[metal]))
        return _ratio(_tonnage(t, producers, RECYCLED_METAL_T), output)

    return formula


def _red_mud_use(t: Tables, c: Context) -> float | None:
    flows = t["stream_flows"]
    made = flows[(flows.material == "red_mud") & flows["from"].isin(c.units(("bayer_refinery",)))]
    used = _tonnage(t, c.units(("red_mud_utilisation",)), RED_MUD_USED_T)
    return _ratio(used, float(made.flow_t.sum()))


def _capacity_use(t: Tables, c: Context) -> float | None:
    loads = t["unit_loads"]
    pots = c.units(("potline",))
    return _ratio(_sum(loads, "hours", pots), c.hours * len(pots)) if pots else None


FACTORY = "13 intelligent factory"
MINE = "13 digital mine"
PLAN = "3 main targets"
MINE_UNITS: Callable[[Context], list[str]] = lambda c: c.units(MINE_KINDS)  # noqa: E731

INDICATORS = (
    Indicator(
        "operating cost per t of metal",
        FACTORY,
        "(sum unit_loads.cost_cny + power_kwh x period's average price) / metal t",
        "CNY/t",
        lambda t, c: _ratio(_operating_cost(t), _products(t, c)),
        change_target=-0.30,
        needs=sum(METAL_KINDS.values(), ()),
    ),
    Indicator(
        "production efficiency",
        FACTORY,
        "metal t (basis output of metal units) / hours",
        "t/h",
        lambda t, c: _ratio(_products(t, c), c.hours),
        change_target=0.30,
        needs=sum(METAL_KINDS.values(), ()),
    ),
    Indicator(
        "energy efficiency",
        FACTORY,
        "metal t / sum unit_loads.energy_kgce",
        "t/kgce",
        lambda t, c: _ratio(_products(t, c), _sum(t["unit_loads"], "energy_kgce")),
        change_target=0.10,
        needs=sum(METAL_KINDS.values(), ()),
    ),
    Indicator(
        "intelligent-factory penetration",
        FACTORY,
        "share of plants",
        "share",
        None,
        bound=0.30,
        sense="min",
        note="a share of a group's plants, not of one schedule",
    ),
    Indicator(
        "ore loss rate",
        MINE,
        "tonnages ore_lost_t / insitu_ore_t of the mines",
        "share",
        lambda t, c: _ratio(
            _tonnage(t, MINE_UNITS(c), ORE_LOST_T), _tonnage(t, MINE_UNITS(c), INSITU_ORE_T)
        ),
        change_target=-0.20,
        needs=MINE_KINDS,
    ),
    Indicator(
        "dilution rate",
        MINE,
        "tonnages waste_diluent_t / delivered_ore_t of the mines",
        "share",
        lambda t, c: _ratio(
            _tonnage(t, MINE_UNITS(c), DILUENT_T), _tonnage(t, MINE_UNITS(c), DELIVERED_ORE_T)
        ),
        change_target=-0.20,
        needs=MINE_KINDS,
    ),
    Indicator(
        "mine production efficiency",
        MINE,
        "delivered ore t / hours",
        "t/h",
        lambda t, c: _ratio(_tonnage(t, MINE_UNITS(c), DELIVERED_ORE_T), c.hours),
        change_target=0.25,
        needs=MINE_KINDS,
    ),
    Indicator(
        "mine operating cost per t ore",
        MINE,
        "mines' (cost_cny + power at the period's average price) / delivered ore t",
        "CNY/t",
        lambda t, c: _ratio(
            _operating_cost(t, MINE_UNITS(c)), _tonnage(t, MINE_UNITS(c), DELIVERED_ORE_T)
        ),
        change_target=-0.30,
        needs=MINE_KINDS,
    ),
    Indicator(
        "mine energy utilisation",
        MINE,
        "delivered ore t / mines' energy_kgce",
        "t/kgce",
        lambda t, c: _ratio(
            _tonnage(t, MINE_UNITS(c), DELIVERED_ORE_T),
            _sum(t["unit_loads"], "energy_kgce", MINE_UNITS(c)),
        ),
        change_target=0.15,
        needs=MINE_KINDS,
    ),
    Indicator(
        "mine design digitisation rate",
        MINE,
        "share of design done digitally",
        "%",
        None,
        change_target=0.50,
        note="a property of the mine's design office",
    ),
    Indicator(
        "automatic data acquisition rate",
        MINE,
        "share of data acquired automatically",
        "share",
        None,
        bound=0.90,
        sense="min",
        note="a property of the plant's systems",
    ),
    Indicator(
        "energy per value added",
        PLAN,
        "sum energy_kgce / (revenue - all costs)",
        "kgce/CNY",
        lambda t, c: _ratio(_sum(t["unit_loads"], "energy_kgce"), _value_added(t)),
        change_target=-0.18,
    ),
    Indicator(
        "SO2 emissions",
        PLAN,
        "sum emissions.t of SO2",
        "t",
        lambda t, c: _emitted(t, ("SO2",)),
        change_target=-0.15,
    ),
    Indicator(
        "class-I heavy metals emitted",
        PLAN,
        "sum emissions.t of Pb, As, Cd, Hg, Cr",
        "t",
        lambda t, c: _emitted(t, HEAVY_METALS),
        change_target=0.0,
    ),
    Indicator(
        "electrolytic Al liquid-metal AC power",
        PLAN,
        "potlines' power_kwh / metal t",
        "kWh/t",
        _metal_intensity(("potline",), "power_kwh"),
        bound=13200.0,
        needs=("potline",),
    ),
    Indicator(
        "electrolytic Al capacity utilisation",
        PLAN,
        "potlines' hours / available hours",
        "share",
        _capacity_use,
        bound=0.80,
        sense="min",
        needs=("potline",),
    ),
    Indicator(
        "sponge titanium power",
        PLAN,
        "Kroll units' power_kwh / sponge t",
        "kWh/t",
        _metal_intensity(("kroll_titanium",), "power_kwh"),
        bound=20000.0,
        needs=("kroll_titanium",),
    ),
    Indicator(
        "Pidgeon magnesium energy",
        PLAN,
        "Pidgeon units' energy_kgce / Mg t",
        "kgce/t",
        _metal_intensity(("pidgeon_magnesium",), "energy_kgce"),
        bound=3500.0,
        needs=("pidgeon_magnesium",),
    ),
    Indicator(
        "electrolytic magnesium power",
        PLAN,
        "electrolytic Mg units' power_kwh / Mg t",
        "kWh/t",
        _metal_intensity(("electrolytic_magnesium",), "power_kwh"),
        bound=16000.0,
        needs=("electrolytic_magnesium",),
    ),
    Indicator(
        "red mud utilisation",
        PLAN,
        "red mud used / red mud from Bayer refineries",
        "share",
        _red_mud_use,
        bound=0.10,
        sense="min",
        needs=("bayer_refinery",),
    ),
    Indicator(
        "recycled copper share",
        PLAN,
        "recycled_metal_t / copper cathode t",
        "share",
        _recycled_share("copper"),
        bound=0.27,
        sense="min",
        needs=METAL_KINDS["copper"],
    ),
    Indicator(
        "recycled aluminium share",
        PLAN,
        "recycled_metal_t / aluminium t",
        "share",
        _recycled_share("aluminium"),
        bound=0.20,
        sense="min",
        needs=METAL_KINDS["aluminium"],
    ),
    Indicator(
        "recycled lead share",
        PLAN,
        "recycled_metal_t / refined lead t",
        "share",
        _recycled_share("lead"),
        bound=0.45,
        sense="min",
        needs=METAL_KINDS["lead"],
    ),
)


def _context(instance: Instance) -> Context:
    by_kind: dict[str, tuple[str, ...]] = {}
    for unit in instance.units:
        by_kind[unit.kind] = (*by_kind.get(unit.kind, ()), unit.id)
    hours = instance.horizon.periods * instance.horizon.period_length_h
    return Context(by_kind, hours)


def _finite(x: float | None) -> float | None:
    return x if x is not None and math.isfinite(x) else None


def _row(ind: Indicator, ctx: Context, baseline: Tables, optimised: Tables) -> dict:
    row: dict[str, object] = {
        "indicator": ind.name,
        "column": ind.column,
        "definition": ind.definition,
        "unit": ind.unit,
        "baseline": None,
        "optimised": None,
        "change_pct": None,
        "target": None,
        "target_pct": None,
        "met": None,
        "status": "computed",
        "note": ind.note,
    }
    if ind.change_target is not None:
        row["target"] = f"{100 * ind.change_target:+.0f} %"
        row["target_pct"] = 100 * ind.change_target
    elif ind.bound is not None:
        bound = f"{100 * ind.bound:g} %" if ind.unit == "share" else f"{ind.bound:g} {ind.unit}"
        row["target"] = f"{'<=' if ind.sense == 'max' else '>='} {bound}"
    if ind.formula is None or (ind.needs and not ctx.units(ind.needs)):
        row["status"] = "not computable"
        row["note"] = ind.note or f"the chain has no {' or '.join(ind.needs)} unit"
        return row
    before, after = _finite(ind.formula(baseline, ctx)), _finite(ind.formula(optimised, ctx))
    row.update(baseline=before, optimised=after)
    change = None
    if before is not None and after is not None and before != 0:
        change = row["change_pct"] = 100 * (after / before - 1)
    if ind.change_target is not None and change is not None:
        sign = 1 if ind.change_target >= 0 else -1
        row["met"] = sign * change >= sign * 100 * ind.change_target - 1e-9
    elif ind.bound is not None and after is not None:
        row["met"] = after <= ind.bound if ind.sense == "max" else after >= ind.bound
    if before is None and after is None:
        row["status"] = "not computable"
        row["note"] = "no basis in either schedule (nothing produced or mined)"
    return row


def benchmark_table(instance: Instance, baseline: Tables, optimised: Tables) -> pd.DataFrame:
    """Every indicator of INDICATORS for the two schedules' tables (see module docstring)."""
    ctx = _context(instance)
    return pd.DataFrame(
        [_row(ind, ctx, baseline, optimised) for ind in INDICATORS], columns=COLUMNS
    )
