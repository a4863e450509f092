"""The written energy boundary of each calibration row: which units, auxiliaries, acid
plant and steam a product's figure counts, and how electricity becomes kgce.

The plan's figures are China's "comprehensive energy consumption per unit product"
(单位产品综合能耗), computed by the general rules of GB/T 2589 (2020 edition: clause 5
"boundary division", clause 6 "calculation scope"; codeofchina.com English text and the
duodown.com copy of the Chinese text, read for their table of contents) and, per metal, by
the energy-consumption-limit standards: copper GB 21248-2014 and zinc GB 21249-2014, both
replaced by GB 25323-2023 (stdja.com record of GB 25323-2023, "replaces ... GB 21248-2014
GB 21249-2014"). The convention each row follows, as far as the sources read say it:

- **From the raw material entering the plant to the final product.** The Yunnan trial
  standard for copper smelters (Yunnan Industry and Information Commission, "铜冶炼企业单位
  产品能耗限额及计算方法 (试行)", 2013, clause 3.1, quoting GB/T 2589; wanglu.net copy)
  defines copper-smelting comprehensive energy as the energy "from treating copper
  concentrate to producing qualified cathode copper" per t of that product. The
  non-ferrous design code's note to its zinc table (jianbiaoku.com book 72725, table
  3.3.3-1, note 1) says the same for zinc: the sum of every process step's comprehensive
  energy "from the raw material entering the plant to the final product". So mines and
  concentrators are outside, and the sulphuric-acid plant that treats the smelter's or
  roaster's gas is a process step inside, for copper *and* zinc alike.
- **Net of recovered heat.** National energy statistics count what is consumed once:
  "the output of secondary energy and the recovered and reused waste heat and pressure
  energy shall be deducted" (the NBS principles for energy-consumption statistics, as
  quoted on baidu zhidao / aipaogen.com; low authority, the principle GB/T 2589 puts in its
  clause 4). The unit models' fuel and power figures are purchased (net) energy, so
  waste-heat steam raised and used inside the boundary (roaster and flash-furnace boilers
  feeding leach heating and the acid plant) is already netted; nothing is exported, so no
  steam credit is subtracted. A plant that sold steam or waste-heat power would deduct it
  at its equivalent value.
- **Electricity at the equivalent value**, 3.6 MJ/kWh / 29.3076 MJ/kgce = 0.1229 kgce/kWh,
  the value the plan's statistics use (TARGETS.md). The national limit standards print
  the alternative "equal value" (等价值, the coal burnt to generate it) beside it, e.g.
  0.404 kgce/kWh in GB 21341-2008 (ferroalloys, compiled in "国家发布的79个单位产品能耗限额
  标准汇编", bangwoyixia.com); a figure on that basis is about 3.3x higher in its
  electricity part and is not what the plan reports.

Rows in kWh (potline, electrolytic Mg, sponge Ti) count AC electricity only; their
electricity factor is None.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from twin.constants import KGCE_PER_KWH_EQUIVALENT

#: Why no row subtracts a steam credit (the module docstring has the sources).
NET_STEAM = (
    "none: waste-heat steam is raised and used inside the boundary, so the units' "
    "purchased fuel is already net of it; nothing exported to deduct"
)


@dataclass(frozen=True)
class Boundary:
    """The written boundary of one row's figure.

    standard: the convention or standard the figure follows; product: the t the figure
    is per; units: the process steps counted; auxiliaries: how auxiliary and unmodelled
    consumers are counted; acid_plant: whether the sulphuric-acid plant is counted (None
    where the process makes no SO2); steam_credit: what is credited for steam or
    waste-heat power; electricity_kgce_per_kwh: the factor turning kWh into kgce (None
    for rows in kWh); outside: what is left out."""

    standard: str
    product: str
    units: str
    auxiliaries: str
    acid_plant: bool | None
    steam_credit: str
    electricity_kgce_per_kwh: float | None
    outside: str

    def as_dict(self) -> dict:
        """The boundary as plain values (for --json)."""
        return asdict(self)


COMPREHENSIVE = "comprehensive energy, GB/T 2589, electricity at 0.1229 kgce/kWh"

#: The IAI's definition of smelting power, the same boundary as the plan's liquid-metal AC
#: figure: electrolysis "including rectification from AC to DC" and "normal smelter
#: auxiliaries (including pollution control equipment) up to the point where the liquid
#: aluminium is tapped from the pots"; it "excludes power used in casting and carbon
#: plants" (international-aluminium.org, statistics, "Primary Aluminium Smelting Power
#: Consumption").
POTLINE = Boundary(
    standard="plan column 3: liquid-aluminium AC power (原铝液交流电耗); the IAI's "
    "smelting-power boundary",
    product="t liquid aluminium tapped",
    units="potline: cells, rectifiers and busbars (AC at the rectifier input)",
    auxiliaries="potroom auxiliaries and fume treatment: inside the potline's 0.97 AC-to-DC "
    "factor (not modelled separately)",
    acid_plant=None,
    steam_credit="none (electricity only)",
    electricity_kgce_per_kwh=None,
    outside="casthouse, anode plant, fuel",
)
#: The IAI's alumina boundary agrees: "energy consumed within the plant perimeter by bauxite
#: refining processes (including calcination) and by those auxiliary operations on site
#: which are directly connected with the total production process"
#: (international-aluminium.org, statistics overview).
ALUMINA = Boundary(
    standard=COMPREHENSIVE + "; the IAI's alumina-refining boundary (plant perimeter)",
    product="t calcined alumina",
    units="Bayer refinery: digestion, lime burning, evaporation, calcination",
    auxiliaries="utilities and all other steam inside the refinery's calibrated fuel",
    acid_plant=None,
    steam_credit=NET_STEAM,
    electricity_kgce_per_kwh=KGCE_PER_KWH_EQUIVALENT,
    outside="bauxite mining",
)
COPPER = Boundary(
    standard=COMPREHENSIVE + "; copper concentrate to cathode (GB 21248-2014 scope)",
    product="t cathode copper",
    units="smelter (flash furnace, oxygen plant, converters, anode furnace), acid plant, "
    "electrorefinery",
    auxiliaries="inside the smelter's and refinery's calibrated power and fuel",
    acid_plant=True,
    steam_credit=NET_STEAM,
    electricity_kgce_per_kwh=KGCE_PER_KWH_EQUIVALENT,
    outside="mine and concentrator",
)
ZINC = Boundary(
    standard=COMPREHENSIVE + "; zinc concentrate to cathode (GB 21249-2014 scope)",
    product="t cathode zinc",
    units="roaster, acid plant, leach and purification, electrowinning tankhouse",
    auxiliaries="residue treatment (e.g. Waelz kilns), cathode melting and utilities "
    "inside the leach's calibrated fuel",
    acid_plant=True,
    steam_credit=NET_STEAM,
    electricity_kgce_per_kwh=KGCE_PER_KWH_EQUIVALENT,
    outside="mine and concentrator",
)
PIDGEON = Boundary(
    standard=COMPREHENSIVE,
    product="t magnesium ingot",
    units="dolomite calcination, retort reduction, crown remelting",
    auxiliaries="inside the three lumped energy figures",
    acid_plant=None,
    steam_credit=NET_STEAM,
    electricity_kgce_per_kwh=KGCE_PER_KWH_EQUIVALENT,
    outside="dolomite quarrying, ferrosilicon making (bought)",
)
ELECTROLYTIC_MG = Boundary(
    standard="plan column 3: electrolytic magnesium, kWh/t",
    product="t magnesium",
    units="MgCl2 cells (AC) and auxiliaries",
    auxiliaries="MgCl2 dehydration counted as auxiliary electricity",
    acid_plant=None,
    steam_credit="none (electricity only)",
    electricity_kgce_per_kwh=None,
    outside="MgCl2 making from brine or ore, fuel",
)
SPONGE_TI = Boundary(
    standard="plan column 3: sponge titanium power, kWh/t",
    product="t titanium sponge",
    units="chlorination, reduction, vacuum distillation, MgCl2 cells",
    auxiliaries="inside the unit's lumped power figures",
    acid_plant=None,
    steam_credit="none (electricity only)",
    electricity_kgce_per_kwh=None,
    outside="rutile or slag making, fuel",
)
