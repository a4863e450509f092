"""The copper flash smelter's responses to its feed and its decisions: the autogenous heat
balance (fuel vs concentrate S/Fe, matte grade and O2 enrichment), slag Cu rising with
matte grade, and the deportment of minor elements (As, Sb, Bi, Pb, Zn, Cd, Hg, Au, Ag) to
gas and dust, slag and anode. The parameters are declared on :class:`FlashSmelterPhysics`,
the base of twin.units.copper.CopperSmelterParams.

Sources (page numbers not re-read; marked where a figure is an assumption):
- Davenport, King, Schlesinger & Biswas, Extractive Metallurgy of Copper, 4th ed. 2002
  (Schlesinger et al. 5th ed. 2011), ch. 5 (Outokumpu flash smelting: autogenous with
  O2-enriched blast, hydrocarbon fuel burnt to make up a deficit; slag 1-2 % Cu, rising
  with matte grade; minor-element distribution table) and ch. 11 (Cu losses in slag,
  slag cleaning).
- Steinhauser, Vartiainen & Wuth, "Volatilization and distribution of impurities in
  modern pyrometallurgical copper processing from complex concentrates", JOM 36(1) 1984
  54-61, and Chaubal & Nagamori, Met. Trans. B 1988-1989 (minor-element distribution vs
  matte grade): the trend that more matte grade sends more of an element to slag.
- Živković et al., J. Min. Metall. 45B (2009) 23-34: flash smelting slags up to 2 % Cu,
  needing slag cleaning (flotation or electric furnace).
- Read 2026-11-29 (what each field's description cites): Bacedoni, Moreno-Ventas & Rios,
  Metals 10 (2020) 1229 (Atlantic Copper: 60-65 % Cu matte, ~1 % Cu slag, 1250-1350 C),
  introduction; JOM 68(9) (2016) 2323-2331 abstract (0.7-2.3 % Cu in industrial slags);
  USBM RI 8305 (1978) abstract (Cu2S transitions and fusion); Benisek, Kroll & Dachs,
  Am. Mineral. 97 (2012) 657-660 (fayalite Cp), as transcribed in a public data note.
- Read 2026-11-30: the NASA Glenn coefficients (McBride, Zehe & Gordon, NASA/TP-2002-211556)
  in github.com/uqngibbo/equilibrium-c source/thermo.inp (Cu2S, FeS; the fuel's available
  heat is computed from Cantera's copy of the same tables, twin.thermochemistry);
  Holland & Powell 2011 ds-62 in github.com/geodynamics/burnman (fa, faL); Atlantic
  Copper's slag-cleaning page (electric furnace, 1.5 % -> below 1 % Cu).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field, model_validator

from twin.constants import HEAVY_METALS, KGCE_MJ, MOLAR_MASS, O2, molar_mass
from twin.thermochemistry import O2_IN_AIR, methane_available_heat
from twin.units.base import UnitParams

#: Elements the lumped smelter's main balance handles itself (not deported).
MAJOR = ("Cu", "Fe", "S", "Si")


#: Upper bound of the furnace slag's Cu, mass fraction: a numerical cap on the exponential
#: curve (published slags hold 1-2 %, Davenport et al. 4th ed. ch. 5), assumed.
SLAG_CU_MAX = 0.2


class Deportment(BaseModel):
    """Where a minor element fed reports, per pass through the smelter (flash furnace +
    converters + anode furnace), at the reference matte grade: fractions summing to 1."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    gas: float = Field(ge=0.0, le=1.0, description="To the off-gas (fume and dust), fraction.")
    slag: float = Field(ge=0.0, le=1.0, description="To the discard slag, fraction.")
    anode: float = Field(ge=0.0, le=1.0, description="To the anode copper, fraction.")

    @model_validator(mode="after")
    def _sums_to_one(self) -> Deportment:
        total = self.gas + self.slag + self.anode
        if abs(total - 1.0) > 1e-9:
            raise ValueError(f"gas + slag + anode must be 1, got {total:.6g}")
        return self


def _d(gas: float, slag: float, anode: float) -> Deportment:
    return Deportment(gas=gas, slag=slag, anode=anode)


#: Default deportment at 60 % matte. Rounded from the flash smelting + converting
#: distributions of Davenport et al. 4th ed. ch. 5 (table of minor-element distribution
#: in Outokumpu flash smelting) and Steinhauser et al. 1984, read from recollection and
#: rounded (unverified): As and Bi mostly volatilised, Sb and Pb split gas/slag, Zn to
#: slag, Cd and Hg to the gas; Au and Ag collect in the matte and so the anode.
#: Searched 2026-11-29: the flash-smelting table was not found in the stored copies; the
#: converting table of the same book was ('Distribution of impurity elements during
#: Peirce-Smith converting of low and high grade mattes', Vogt et al. 1979, Mendoza &
#: Luraschi 1993; tailieuchung.com copy of the 4th ed., episode 5): to blister copper /
#: converter slag / off-gas from 54 % and 70 % Cu matte, As 28/13/58 and 50/32/18, Bi
#: 13/17/67 and 55/23/22, Pb 4/48/46 and 5/49/46, Sb 29/7/64 and 59/26/15, Zn 11/86/3
#: and 8/79/13 %. The converter slag returns to the furnace, so these are not the lumped
#: smelter's splits and are not adopted; they do show that a richer matte, blown for
#: less time, fumes less As, Bi and Sb in the converters, which this table's fixed gas
#: share at every matte grade leaves out (matte_grade_options price it as fixed).
#: Searched 2026-11-30, not found: Chinese pages on impurity distribution in flash smelting
#: (闪速熔炼 杂质元素 分配) and the stored ch. 5 passages of the 4th ed.; then open-source
#: smelter models and data files in the code corpus ('Nagamori', 'minor element
#: distribution': no split table) and Chinese pages on As/Bi/Sb routes in the Guixi flash
#: furnace (贵溪 闪速炉 砷 走向).
DEFAULT_DEPORTMENT = {
    "As": _d(0.80, 0.15, 0.05),
    "Sb": _d(0.30, 0.60, 0.10),
    "Bi": _d(0.80, 0.10, 0.10),
    "Pb": _d(0.45, 0.50, 0.05),
    "Zn": _d(0.10, 0.90, 0.00),
    "Cd": _d(0.80, 0.20, 0.00),
    "Hg": _d(1.00, 0.00, 0.00),
    "Au": _d(0.00, 0.01, 0.99),
    "Ag": _d(0.00, 0.02, 0.98),
}


def _minor_elements_only(table: dict[str, Deportment]) -> dict[str, Deportment]:
    majors = sorted(set(table) & set(MAJOR))
    if majors:
        raise ValueError(f"{majors} follow the main balance and cannot be deported")
    return table


class FlashSmelterPhysics(UnitParams):
    """Heat-balance, slag-Cu and deportment parameters of the copper smelter."""

    oxygen_enrichment: float = Field(
        default=0.40,
        ge=O2_IN_AIR,
        le=1.0,
        description="O2 in the flash furnace's process gas, volume fraction (O2_IN_AIR for air, "
        "1 pure O2); the N2 it leaves carries heat away in the off-gas. Outokumpu: the "
        "process-air O2 'may vary from 21 % to 100 %', and 'a reasonably high degree of "
        "oxygen enrichment (35-80 %) is the best alternative in practice' (Andersson, "
        "Hanniala & Harkki, 'Use of oxygen in the Outokumpu flash smelting process', CIM "
        "Bulletin 75(845) 1982, abstract); 0.40 taken, inside that range.",
    )
    matte_heat_mj_per_t: float = Field(
        default=881.0,
        gt=0.0,
        description="Sensible heat of the matte tapped at ~1220 C from 25 C, MJ/t. Derived "
        "from the NASA Glenn coefficients (McBride, Zehe & Gordon, NASA/TP-2002-211556, "
        "2002; Cu2S from Pankratz 1987, FeS from Pankratz 1987 and JANAF, Chase 1998), "
        "copy read: source/thermo.inp of github.com/uqngibbo/equilibrium-c: H(liquid, 1493 "
        "K) - H(solid, 298 K) including transitions and fusion is 120.21 kJ/mol Cu2S = "
        "0.7553 MJ/kg and 110.80 kJ/mol FeS = 1.2604 MJ/kg; a 60 % Cu matte (Cu2S-FeS, "
        "0.7514 Cu2S) holds 0.7514 x 755.3 + 0.2486 x 1260.4 = 881 MJ/t, mixing heat "
        "neglected. The same file's Cu2S fusion (12.84 kJ/mol at 1400 K) matches USBM RI "
        "8305 (1978, onemine.org abstract: 3.070 kcal/mol).",
    )
    slag_heat_mj_per_t: float = Field(
        default=1537.0,
        gt=0.0,
        description="Sensible heat of the slag tapped at ~1250 C from 25 C, MJ/t, taken as "
        "liquid fayalite Fe2SiO4. Derived from Holland & Powell's dataset ds-62 (J. "
        "Metamorph. Geol. 29 (2011) 333-383) as transcribed in BurnMan "
        "(github.com/geodynamics/burnman, burnman/minerals/HP_2011_ds62.py): liquid 'faL' "
        "H(298) -1463.02 kJ/mol with Cp 243.7 J/(mol K), solid 'fa' H(298) -1477.72 "
        "kJ/mol, so H(liquid, 1523 K) - H(fa, 298 K) = 14.70 + 243.7 x 1225 / 1000 = "
        "313.23 kJ/mol = 1537 MJ/t (203.77 g/mol); the same data give a fusion of 90.7 "
        "kJ/mol at 1490 K (89 had been assumed) and the solid's H(1500 K) - H(298 K) = "
        "216.5 kJ/mol, against 219.7 from Benisek, Kroll & Dachs's Cp (Am. Mineral. 97 "
        "(2012) 657-660). A real slag's excess SiO2, Fe3O4 and Cu are not counted.",
    )
    shell_loss_mj_per_t: float = Field(
        default=370.0,
        ge=0.0,
        description="Heat lost through the shell, water jackets and reaction-shaft cooling "
        "at nominal feed rate, MJ/t concentrate; fixed per hour, so per t it rises as "
        "1/load. Assumed ~15 % of the reaction heat of a typical concentrate, "
        "unverified (not found: Bacedoni et al., Metals 10 (2020) 1229, and "
        "Partelpoeg's McGill thesis 1980 were read only in their opening pages; "
        "searched 2026-11-30: Chinese flash-furnace heat-balance pages (闪速炉 热平衡 "
        "炉体散热) and passages of the thesis's scribd copies; Atlantic Copper's page says "
        "only that a small amount of fuel makes up the furnace's heat loss; Chamveha et "
        "al., Ind. Eng. Chem. Res. 48 (2009) 1120-1125, fit a smelting reactor's heat loss "
        "to plant data but state no value in their opening).",
    )
    fuel_available_heat: float | None = Field(
        default=None,
        gt=0.0,
        le=1.0,
        description="Share of the fuel's heating value left in the furnace after its own "
        "combustion gas leaves at the off-gas temperature, fraction; None (the default): "
        "computed at oxygen_enrichment e by twin.thermochemistry.methane_available_heat, for "
        "natural gas (CH4) burnt with the reaction-shaft process gas and leaving at 1300 C, "
        "the middle of Atlantic Copper's 1250-1350 C (Bacedoni et al., Metals 10 (2020) "
        "1229): 1 - (dH(CO2) + 2 dH(H2O) + n dH(N2), each heated from 298 to 1573 K) / LHV, "
        "n = 2 (1 - e)/e mol N2 per mol CH4, LHV 802.56 kJ/mol; CO2, H2O, CH4 and O2 from "
        "the NASA Glenn polynomials in Cantera's data/nasa_gas.yaml, N2 from its NIST "
        "Shomate fit (sources in twin.thermochemistry). At e = 0.40: 1 - 292.2 / 802.6 = "
        "0.636; on air (e = 0.2095) 0.404. Set a number to override it, e.g. for fuel "
        "burnt in air by settler burners while the shaft runs enriched.",
    )
    slag_cu_reference: float = Field(
        default=0.012,
        gt=0.0,
        lt=SLAG_CU_MAX,
        description="Cu in the flash furnace slag (dissolved + entrained, before cleaning) "
        "at slag_cu_matte_grade_reference, mass fraction. 'Molten matte (60-65 % Cu)' "
        "with 'molten iron-silicate slag (~1 % Cu)' at Atlantic Copper's flash furnace "
        "(Bacedoni, Moreno-Ventas & Rios, 'Copper flash smelting process balance "
        "modeling', Metals 10 (2020) 1229, doi 10.3390/met10091229, introduction); "
        "0.7-2.3 wt % lost to industrial matte-smelting slags and 0.88 % in Eti "
        "Copper's flash furnace slag (JOM 68(9) 2016 2323-2331, abstract); up to 2 % "
        "(Zivkovic et al., J. Min. Metall. 45B (2009) 23-34). 1.2 % at 60 % taken, "
        "inside those.",
    )
    slag_cu_matte_grade_reference: float = Field(
        default=0.60,
        gt=0.0,
        lt=0.8,
        description="Matte grade of slag_cu_reference and of the deportment table, "
        "fraction. The grade those figures are quoted at (module docstring).",
    )
    slag_cu_growth_per_grade: float = Field(
        default=8.0,
        ge=0.0,
        description="Slag Cu grows as exp(this x (matte grade - reference)), per unit "
        "matte grade: 8 doubles it from 60 to 69 % matte, the rise towards white metal "
        "of the industrial slag-Cu vs matte-grade plot (Davenport et al. 4th ed. ch. "
        "5/11, read from recollection); unverified (not found: the stored copy of ch. 4 "
        "stops before its plot; Zivkovic et al. 2009 fit slag Cu to matte Cu for a "
        "reverberatory furnace, abstract only; nor Chinese pages on 渣含铜 vs 冰铜品位, nor "
        "the code corpus).",
    )
    slag_cleaning_recovery: float = Field(
        default=0.34,
        ge=0.0,
        lt=1.0,
        description="Share of the furnace slag's Cu that slag cleaning (electric furnace "
        "or slag flotation) returns to the converters, fraction. Atlantic Copper's "
        "electric furnace takes the flash furnace slag at 1.5 % Cu (and the converter "
        "slag at 5 %) and leaves the final slag below 1 % Cu (process page "
        "atlantic-copper.es/templates/copper/ajax/item07_en.php): on the flash slag "
        "alone that is at least 1 - 1/1.5 = 0.333 of its Cu (slag mass change "
        "neglected), 0.34 taken (1.5 -> 0.99 %; 1.2 -> 0.79 % at the default 60 % "
        "matte). The SMS group slag-cleaning furnace "
        "page gives only 0.1-0.4 % more recovery for its rectangular design.",
    )
    deportment: dict[str, Deportment] = Field(
        default=DEFAULT_DEPORTMENT,
        description="Minor elements' split per pass at the reference matte grade, "
        "{element: {gas, slag, anode}} fractions summing to 1; an element fed but not "
        "listed goes to slag. The slag/anode split follows a constant distribution "
        "coefficient, so at matte grade g the slag share is scaled by g / reference "
        "(less matte, more to slag). Defaults: module DEFAULT_DEPORTMENT (Davenport et "
        "al. 4th ed. ch. 5; Steinhauser et al. 1984; rounded, unverified; searches listed "
        "at DEFAULT_DEPORTMENT).",
    )
    gas_abatement_efficiency: float = Field(
        default=0.998,
        ge=0.0,
        le=1.0,
        description="Share of the heavy metals (Pb, As, Cd, Hg, Cr) in the off-gas caught "
        "by the boiler, electrostatic precipitators and the acid plant's gas cleaning, "
        "fraction; the rest goes to air. Other elements in the gas are all caught. "
        "Assumed, unverified (searched 2026-11-30: ESP and gas-cleaning capture of As and "
        "Pb at copper smelters; a stored abstract of a flue-gas study at a Chinese copper "
        "smelter gives 99.2-99.9 % removal of particulates and heavy metals, consistent, but "
        "it came without authors or address, so it is not cited).",
    )
    dust_bleed_fraction: float = Field(
        default=0.2,
        ge=0.0,
        le=1.0,
        description="Share of the captured dust bled from the circuit (to arsenic or "
        "dust-leach treatment), the rest recycled to the flash furnace, fraction. "
        "The bled dust leaves on the slag port (the smelter has no dust port) and is "
        "shown as KPI dust_bled_t. Assumed, unverified.",
    )

    @model_validator(mode="after")
    def _deportment_keys(self) -> FlashSmelterPhysics:
        _minor_elements_only(self.deportment)
        return self


def furnace_slag_cu(p: FlashSmelterPhysics, matte_grade: float) -> float:
    """Cu mass fraction of the flash furnace slag at `matte_grade`:
    slag_cu_reference exp(growth (g - g_ref)), capped at `SLAG_CU_MAX`."""
    growth = p.slag_cu_growth_per_grade * (matte_grade - p.slag_cu_matte_grade_reference)
    return min(p.slag_cu_reference * math.exp(growth), SLAG_CU_MAX)


def discard_slag_cu(p: FlashSmelterPhysics, matte_grade: float) -> float:
    """Cu mass fraction of the discard slag (after slag cleaning) at `matte_grade`."""
    return furnace_slag_cu(p, matte_grade) * (1.0 - p.slag_cleaning_recovery)


@dataclass(frozen=True)
class Deported:
    """Minor elements fed, t per t concentrate, by where they leave."""

    slag_t: dict[str, float]
    anode_t: dict[str, float]
    emitted_t: dict[str, float]  # heavy metals to air
    bled_t: dict[str, float]  # dust bled from the circuit
    gas_t: dict[str, float]  # fumed per t concentrate, recycled dust included


def deport(
    uid: str, conc: Mapping[str, float], p: FlashSmelterPhysics, matte_grade: float
) -> Deported:
    """Split each minor element of `conc` (mass fractions) at `matte_grade`.

    Per pass an element goes v to gas, s to slag and a to the anode, with the slag/anode
    ratio s0 g / (a0 g_ref) (constant distribution coefficient, matte mass ~ 1/g). Of the
    gas, c (gas_abatement_efficiency for heavy metals, 1 for others) is caught as dust, a
    bleed share b of it leaves, the rest returns to the furnace. At steady state the
    furnace sees I = F / (1 - (1 - b) c v) per F fed: emitted v (1 - c) I, bled b c v I,
    slag s I, anode a I (they add up to F). An element not in the table goes to slag.
    """
    out = Deported({}, {}, {}, {}, {})
    g_ref = p.slag_cu_matte_grade_reference
    for element, fed in conc.items():
        if element in MAJOR or fed <= 0.0:
            continue
        d = p.deportment.get(element)
        if d is None:
            out.slag_t[element] = fed
            continue
        w = d.slag * matte_grade / g_ref
        slag_share = (1.0 - d.gas) * w / (w + d.anode) if w + d.anode > 0.0 else 0.0
        caught = p.gas_abatement_efficiency if element in HEAVY_METALS else 1.0
        recycled = (1.0 - p.dust_bleed_fraction) * caught * d.gas
        if recycled >= 1.0:
            raise ValueError(
                f"unit '{uid}': all the {element} fumed is caught and recycled, so it "
                "never leaves; raise dust_bleed_fraction above 0"
            )
        circulating = fed / (1.0 - recycled)
        out.gas_t[element] = d.gas * circulating
        out.slag_t[element] = slag_share * circulating
        out.anode_t[element] = (1.0 - d.gas - slag_share) * circulating
        out.bled_t[element] = p.dust_bleed_fraction * caught * d.gas * circulating
        if element in HEAVY_METALS:
            out.emitted_t[element] = d.gas * (1.0 - caught) * circulating
    return out


def available_heat(p: FlashSmelterPhysics) -> float:
    """Share of the fuel's heating value left in the furnace, fraction: fuel_available_heat,
    or computed for CH4 at oxygen_enrichment when that is None."""
    if p.fuel_available_heat is not None:
        return p.fuel_available_heat
    return methane_available_heat(p.oxygen_enrichment)


def fuel_kgce(released_mj: float, needed_mj: float, p: FlashSmelterPhysics) -> float:
    """Flash furnace fuel, kgce per t concentrate: the heat deficit (needed - released,
    MJ, when positive) / (29.3076 MJ/kgce x available_heat(p))."""
    return max(0.0, needed_mj - released_mj) / (KGCE_MJ * available_heat(p))


def tonnage_oxygen_t(o2_t: float, n2_t: float) -> float:
    """t of O2 from the oxygen plant (pure O2 assumed) in a blast of `o2_t` O2 and `n2_t`
    N2, the N2 coming with air (O2 fraction O2_IN_AIR)."""
    air_o2_kmol = n2_t * 1e3 / (2 * MOLAR_MASS["N"]) * O2_IN_AIR / (1.0 - O2_IN_AIR)
    return o2_t - air_o2_kmol * molar_mass(O2) / 1e3
