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
- Read 2026-11-30 for the Bi deportment and the gas-cleaning checks (details at
  DEFAULT_DEPORTMENT and the fields): the Guixi flash furnace's As, Sb, Bi split (review in
  有色金属科学与工程 2019 issue 1, html.rhhz.net), the SKS As split (Metals 7 (2017) 302,
  abstract), Zhang et al., Environ. Pollut. 171 (2012) 109-117 (Hg at six Chinese
  smelters, abstract) and Zhou et al., Environ. Pollut. (2021), doi
  10.1016/j.envpol.2020.116203 (As recycled in a flash smelting system, abstract).
- Read 2026-11-30 for the As, Pb, Au, Ag rows and the gas cleaning (abstracts and one
  results table, details at DEFAULT_DEPORTMENT and the fields): Li et al., Process Saf.
  Environ. Prot. 2023, 214-222 (heavy-metal flows at a Chinese copper smelter;
  discovery.researcher.life copy, bibliographic data from ouci.dntb.gov.ua); Processes 12
  (2024) 2795 and 2820 (mdpi.com: gold first-pass recovery by route; a custom smelter's
  modelled Ag and Au recoveries); Wu et al., Atmos. Chem. Phys. 12 (2012) 11153 (Hg
  removal in Chinese copper smelters).
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


#: Default deportment at 60 % matte, per pass through furnace + converters (the converter
#: slag returns to the furnace: with furnace shares g, s, m to gas, slag, matte and
#: converter shares b, c, v of the matte to blister, converter slag, off-gas, the pass
#: sends (g + m v) / (1 - c m) to gas, s / (1 - c m) to slag and m b / (1 - c m) to the
#: anode; the anode furnace's fume is not counted).
#: - Converting (b, c, v): Davenport et al. 4th ed. 2002, table 'Distribution of impurity
#:   elements during Peirce-Smith converting of low and high grade mattes' (Vogt et al.
#:   1979; Mendoza & Luraschi 1993), read in the tailieuchung.com copy (episode 5): to
#:   blister / converter slag / off-gas from 54 % and 70 % Cu matte, As 28/13/58 and
#:   50/32/18, Bi 13/17/67 and 55/23/22 %; interpolated to the 60 % matte the converters
#:   get (weight 6/16) and scaled to sum 1: As 0.3648/0.2025/0.4327, Bi 0.2930/0.1962/0.5108.
#: - Flash furnace (g, s, m): Guixi smelter's flash furnace, table 1 of the review
#:   '砷、锑、铋在铜冶炼过程中的分布及其在冶炼副产物中的回收综述' (authors not
#:   read), 有色金属科学与工程 (Nonferrous Metals Science and Engineering) 2019 issue 1
#:   (per its address, html.rhhz.net/YSJSYKXGC/html/201901003.htm), text above the
#:   table: about 40.00 % of the As to matte, the rest to slag and gas; 75.64 % of the
#:   Bi to matte and 9.60 % to slag (14.76 % to gas by difference). The As slag : gas
#:   split is not in the passage read; it is taken from a bottom-blown bath smelter (SKS,
#:   a different furnace): matte 6 %, slag 12 %, gas 82 % ('Reaction mechanism and
#:   distribution behavior of arsenic in the bottom blown copper smelting process',
#:   Central South University and University of Queensland, Metals 7 (2017) 302, doi
#:   10.3390/met7080302, abstract), so s = 0.60 x 12/94 = 0.0766, g = 0.5234. The Guixi
#:   matte grade is not stated in the passage read; taken as the 60 % reference.
#: - Results: Bi (0.1476 + 0.7564 x 0.5108) / 0.8516 = 0.627 gas, 0.096 / 0.8516 = 0.113
#:   slag, 0.7564 x 0.2930 / 0.8516 = 0.260 anode (adopted). As (0.5234 + 0.40 x 0.4327) /
#:   (1 - 0.2025 x 0.40) = 0.758 gas, 0.0766 / 0.9190 = 0.083 slag, 0.40 x 0.3648 / 0.9190
#:   = 0.159 anode: not adopted, because with deport()'s dust recycle it sends 40 % of the
#:   As fed to the anode, and copper_mine_to_metal's 0.3 % As concentrate then makes an
#:   anode with 1.06 % minor elements, over its 0.5 % non-Cu part (the published splits
#:   may already be net of the plant's dust recycle; the passages read do not say). A
#:   richer matte, blown for less time, fumes less As and Bi in the converters (same
#:   table), which the fixed gas share leaves out.
#: - As and Pb, gas: 0.65 and 0.66, the 65.02 % of the As and 66.21 % of the Pb of the
#:   concentrate that left with the flue gas (to the dust) over smelting, converting and
#:   refining at one Chinese copper smelter (Li, Wang, Cai, Wang, Yuan & Ning,
#:   'Investigation of heavy metal flows in a copper pyrometallurgical process of a typical
#:   smelter', Process Saf. Environ. Prot. 2023, 214-222, abstract; its furnace is not
#:   named there), read as the per-pass fume (the abstract does not say whether recycled
#:   dust is counted). The rest is split slag : anode as before, As 3 : 1 and Pb 10 : 1
#:   (unverified, from recollection of Davenport et al. ch. 5): As 0.35 x 3/4 = 0.2625 and
#:   0.0875, Pb 0.34 x 10/11 = 0.309 and 0.031. The Guixi-derived As split above
#:   (slag : anode 0.083 : 0.159) would send two thirds of the remainder to the anode.
#: - Hg: all to gas. At six Chinese Zn, Pb and Cu smelters the Hg left through the gas
#:   train: 70-97 % to the scrubbers' waste water, 1-17 % to the acid, 0.3-13.5 % to air
#:   (Zhang et al., Environ. Pollut. 171 (2012) 109-117, abstract).
#: - Au: 0.99 to the anode, inside the 98.8-99.5 % first-pass gold recovery of the flash
#:   smelting to Peirce-Smith converting route (Moosavi-Khoonsari & Tripathi, 'Gold
#:   recovery from smelting copper sulfide concentrate', Processes 12 (2024) 2795, doi
#:   10.3390/pr12122795, abstract); the 0.01 lost goes to slag.
#: - Ag: 0.98 to the anode, inside the 97.8-98.9 % Ag recovery that a thermodynamic model
#:   of two Chinese custom-smelter flowsheets gives (University of Queensland and Rio Tinto
#:   authors, 'Thermodynamic modeling and research for processing complex concentrate
#:   blends in custom copper smelters for maximum revenue', Processes 12 (2024) 2820, doi
#:   10.3390/pr12122820, results table; furnace not named in the passage read).
#: - Sb, Zn, Cd: rounded from Davenport et al. 4th ed. ch. 5 and Steinhauser et al. 1984
#:   from recollection, unverified (Sb 35.28 % to the Guixi furnace slag, 'mostly matte
#:   and slag', same review; its matte share was not in the passage read). Searched, not
#:   found: the flash-smelting table of the 4th ed. (stored copies, 2026-11-29); Chinese
#:   pages on impurity distribution in flash smelting (闪速熔炼 杂质元素 分配; 贵溪 闪速炉 砷
#:   走向; Pb, Zn, Cd 冰铜 炉渣 烟尘 分配) and the code corpus (2026-11-30); Chilean smelter
#:   reviews (Perez et al., JMR&T 15 (2021) 213; Barros et al., Minerals 12 (2022) 250:
#:   opening pages only) and the EU BREF copper chapter (opening only), 2026-11-30; again
#:   2026-11-30: the Australian NPI emission estimation manual for copper (scribd copy:
#:   contents pages only), the UNEP mercury toolkit (studylib and docsbay copies: opening
#:   only), EPA's inorganic-arsenic documents on nepis and USGS OFR 2004-1395 (Goonan,
#:   copper smelting flows: opening only), Chinese material-flow pages (铜冶炼 重金属
#:   物质流分析; 铜冶炼过程 镉 锌 迁移 分布), Cd/Zn deportment and Harjavalta impurity
#:   distribution abstracts. Partial only: Wang, Guo, Tian, Jiang, Chen &
#:   Zhao, 'Effects of matte grade on the distribution of minor elements (Pb, Zn, As, Sb,
#:   and Bi) in the bottom blown copper smelting process', Metals 2017 (abstract): at about
#:   70 % matte some 82 % of the As and 70 % of the Bi to gas, 70 % of the Sb and 64 % of
#:   the Zn to slag, 55 % of the Pb to matte; one phase per element, for the bath furnace
#:   alone (no converting), so no row.
DEFAULT_DEPORTMENT = {
    "As": _d(0.65, 0.2625, 0.0875),
    "Sb": _d(0.30, 0.60, 0.10),
    "Bi": _d(0.627, 0.113, 0.260),
    "Pb": _d(0.66, 0.309, 0.031),
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
        "to plant data but state no value in their opening; again 2026-11-30: flash "
        "furnace heat balances with wall and cooling-water losses as a share of heat "
        "input, in English pages, none with a figure; nor, again 2026-11-30, Chinese and "
        "Russian flash-furnace heat balances and cooling-water loads (闪速炉 冷却水 带走热量, "
        "热平衡测试; взвешенная плавка тепловой баланс), nor code or simulator examples).",
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
        "(Zivkovic et al., J. Min. Metall. 45B (2009) 23-34); 1.2 % Cu, mostly dissolved, "
        "in the quenched slag of an industrial flash furnace (Xie, Yuan, Liu & Zhao, "
        "'Control of copper content in flash smelting slag...', Metals 13 (2023) 153, "
        "abstract; its matte grade not stated there). 1.2 % at 60 % taken.",
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
        "the code corpus; 2026-11-30: the studylib copy of Zivkovic et al. 2009 and Savic "
        "et al., Pol. J. Chem. Tech. 17(3) 2015 62-69, give regressions of slag Cu on "
        "matte Cu but no coefficient in the passages stored).",
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
        "(less matte, more to slag). Defaults: module DEFAULT_DEPORTMENT (sources and "
        "derivations there): Bi from the Guixi flash furnace's split and Davenport et al.'s "
        "Peirce-Smith converting table; the As and Pb gas shares from a Chinese smelter's "
        "heavy-metal flows (Li et al. 2023); Hg all to gas (Zhang et al. 2012); Au and Ag "
        "to the anode inside published recoveries (Processes 12 (2024) 2795 and 2820); the "
        "As and Pb slag/anode splits and the Sb, Zn and Cd rows rounded from Davenport et "
        "al. 4th ed. ch. 5 and Steinhauser et al. 1984, unverified (searches listed there).",
    )
    gas_abatement_efficiency: float = Field(
        default=0.99978,
        ge=0.0,
        le=1.0,
        description="Share of the particulate heavy metals (Pb, As, Cd, Cr) in the off-gas "
        "caught by the boiler, electrostatic precipitators and the acid plant's gas "
        "cleaning, fraction; the rest goes to air (Hg: mercury_abatement_efficiency; other "
        "elements in the gas are all caught). Derived from Li, Wang, Cai, Wang, Yuan & "
        "Ning, 'Investigation of heavy metal flows in a copper pyrometallurgical process of "
        "a typical smelter', Process Saf. Environ. Prot. 2023, 214-222 (abstract): of the "
        "heavy metals in the concentrate, mostly Pb and As, about 0.03 % reached the air "
        "while 65.02 % of the As and 66.21 % of the Pb left with the flue gas to the dust. "
        "Read as the plant's whole figure, with the fume share v per pass and the dust "
        "recycle of this model (dust_bleed_fraction b 0.2): air a = v (1 - c) / (1 - (1 - b) "
        "c v), so c = (v - a) / (v (1 - (1 - b) a)) = (0.65615 - 0.0003) / (0.65615 x "
        "0.99976) = 0.99978 at the mean v of As and Pb; the As fed then goes 0.030 % to "
        "air. 0.998 before (assumed).",
    )
    mercury_abatement_efficiency: float = Field(
        default=0.998,
        ge=0.0,
        le=1.0,
        description="Share of the Hg in the off-gas caught by the gas cleaning and the acid "
        "plant (to waste water, acid and dust), fraction; the rest goes to air. Hg is "
        "mostly vapour and passes particulate collectors, hence a figure of its own. Zhang "
        "et al., 'Were mercury emission factors for Chinese non-ferrous metal smelters "
        "overestimated?', Environ. Pollut. 171 (2012) 109-117 (abstract): acid plants with "
        "double conversion-double absorption removed over 99 % of the Hg, and 0.3-13.5 % "
        "of the Hg in the concentrate reached the air at six smelters; with this default "
        "and dust_bleed_fraction 0.2, 0.002 / (1 - 0.8 x 0.998) = 0.99 % of the Hg fed "
        "goes to air, inside that range. Other published figures span more: 91.8 % average "
        "removal in China's copper smelters in 2010 (Wu et al., Atmos. Chem. Phys. 12 "
        "(2012) 11153, abstract), 50 % of the Hg to air at the smelter of Li et al. 2023.",
    )
    dust_bleed_fraction: float = Field(
        default=0.2,
        ge=0.0,
        le=1.0,
        description="Share of the captured dust bled from the circuit (to arsenic or "
        "dust-leach treatment), the rest recycled to the flash furnace, fraction. "
        "The bled dust leaves on the slag port (the smelter has no dust port) and is "
        "shown as KPI dust_bled_t. Assumed, unverified (searched 2026-11-30: dust bleed "
        "and As open-circuiting at flash smelters; again: the share of copper smelter "
        "flue dust returned to the furnace vs open-circuited, in English abstracts; Li et "
        "al. 2023's abstract, see gas_abatement_efficiency, sends As and Pb to the dust "
        "but does not say how much of it is returned). A check, not a source: Zhou et al., "
        "'Strategies for arsenic pollution control from copper pyrometallurgy...', "
        "Environ. Pollut. (2021), doi 10.1016/j.envpol.2020.116203 (abstract), found 69 % "
        "of the As output of a flash smelting system recycled (dust and slag concentrate "
        "together) and 22 % eliminated in off-gas and tailings; here 0.8 x 0.99978 x 0.65 = "
        "0.52 of the As entering the furnace comes back as dust, below that 69 %.",
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


def _caught(p: FlashSmelterPhysics, element: str) -> float:
    """Share of `element`'s fume the gas cleaning catches, fraction."""
    if element == "Hg":
        return p.mercury_abatement_efficiency
    return p.gas_abatement_efficiency if element in HEAVY_METALS else 1.0


def deport(
    uid: str, conc: Mapping[str, float], p: FlashSmelterPhysics, matte_grade: float
) -> Deported:
    """Split each minor element of `conc` (mass fractions) at `matte_grade`.

    Per pass an element goes v to gas, s to slag and a to the anode, with the slag/anode
    ratio s0 g / (a0 g_ref) (constant distribution coefficient, matte mass ~ 1/g). Of the
    gas, c (mercury_abatement_efficiency for Hg, gas_abatement_efficiency for the other
    heavy metals, 1 for other elements) is caught as dust, a
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
        caught = _caught(p, element)
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
