"""Bayer alumina refinery (kind ``bayer_refinery``).

Bauxite is digested in caustic soda; reactive silica precipitates as desilication product
(DSP), which locks alumina and soda into the red mud (bauxite residue). Coefficients are
per t alumina; the balance itself is the kernel ``twin.ext.aluminium.bayer_balance``, the
digestion heat and lime burning, which follow the bauxite's mineralogy, the kernel
``twin.ext.light_metals.bayer_digestion``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Literal

from pydantic import Field, model_validator

from twin.constants import (
    AL_IN_AL2O3,
    DSP_AL2O3_T_PER_T_SIO2,
    KGCE_PER_KWH_EQUIVALENT,
    NA_IN_NAOH,
    SI_IN_SIO2,
)
from twin.ext import kernel_point
from twin.units import fields
from twin.units.base import UnitModel, UnitParams, element_fraction, register

if TYPE_CHECKING:
    from twin.units.base import Composition, Mode


#: Digestion temperature, C, and lime charged, t CaO per t bauxite, by the bauxite's
#: alumina mineral. Temperatures: gibbsite dissolves at ~145 C, boehmite needs ~245 C and
#: diaspore 260-280 C (Authier-Martin, Forte, Ostap & See 2001, "The mineralogy of bauxite
#: for producing smelter-grade alumina", JOM 53(12) 36-40); 265 C taken for diaspore.
#: Lime: diasporic digestion needs lime (CaO ties up TiO2, which otherwise passivates the
#: diaspore, as perovskite CaTiO3: Rare Metals 35(6) 2016 495-501, doi
#: 10.1007/s12598-016-0710-y, abstract): 0.10 t CaO/t bauxite, the lime addition of 10 %
#: found suitable for a Guizhou diasporic bauxite of A/S 5.48 digested at 270 C (Chen B.,
#: Xiao L. & Tang X. 2014, "Digestion technology of Guizhou diasporic bauxite with low and
#: medium grades by lime Bayer process", J. Central South Univ. (Sci. Technol.) 45(5)
#: 1397-1402, abstract, read at cnnmol.com; the abstract does not state the basis, taken
#: as the usual % of bauxite). Gibbsitic 0 (no TiO2 passivation at 145 C);
#: boehmitic 0.02 assumed, unverified (searched with the diasporic dose, and pages on lime
#: for boehmitic digestion: a translated textbook passage on a vendor page says TiO2
#: hinders boehmite far less than diaspore, with no dose; not found).
MINERALOGY: dict[str, tuple[float, float]] = {
    "gibbsitic": (145.0, 0.0),
    "boehmitic": (245.0, 0.02),
    "diasporic": (265.0, 0.10),
}


class BayerParams(UnitParams):
    """Bayer refinery parameters, per t alumina; fractions are of dry-as-received bauxite
    mass."""

    available_alumina: float = Field(
        default=0.50,
        gt=0.0,
        lt=1.0,
        description="Al2O3 extractable at digestion conditions (gibbsite/boehmite), mass "
        "fraction of the bauxite. 0.50 as in the plan digest's worked example "
        "(PROCESS-DATA section 5: 50 % available Al2O3 -> 2.22 t bauxite/t "
        "alumina at 90 % extraction).",
    )
    reactive_silica: float = Field(
        default=0.05,
        ge=0.0,
        lt=1.0,
        description="SiO2 that dissolves and precipitates as DSP, mass fraction of the "
        "bauxite. 0.05 illustrative; Bayer turns uneconomic above ~10 % silica "
        "(Wikipedia 'Bayer process', secondary).",
    )
    extraction_efficiency: float = Field(
        default=0.95,
        gt=0.0,
        le=1.0,
        description="Share of the alumina left after DSP that reaches product, fraction. "
        "0.95: the relative digestion (alumina extracted over the theoretical, after the "
        "DSP loss) above 95 % reported for a lime-Bayer digestion of diasporic bauxite at "
        "270 C (Chen, Xiao & Tang 2014, J. Central South Univ. (Sci. Technol.) 45(5) "
        "1397-1402, abstract); washing and precipitation losses are not counted apart.",
    )
    loss_on_ignition: float = Field(
        default=0.15,
        ge=0.0,
        lt=1.0,
        description="Bound water and volatiles, mass fraction of the bauxite. "
        f"{fields.site_specific('refinery')} (It is the bauxite's assay.)",
    )
    mech_soda_loss_kg_per_t: float = Field(
        default=40.0,
        ge=0.0,
        description="NaOH lost with residue liquor and spills, kg/t alumina. Placeholder, "
        "unverified. Searched (pages: Bayer caustic consumption per t alumina): the European "
        "Aluminium 'Environmental Profile Report' (April 2013, data 2010) lists caustic per t "
        "alumina, but its table was not in the text read; a blog cost split (US$50-60/t "
        "alumina of caustic in China, bauxite2aluminium.blogspot.com 2013) gives no tonnes; "
        "the same blog's 3-4 kg/t 'unaccounted' soda loss (2011) is one part of the loss only; "
        "Chinese pages on Bayer soda consumption (碱耗) gave no kg/t. Also searched: code for "
        "碱耗, P. Smith's CSIRO review 'Economic Processing of High Silica Bauxites' (Dec "
        "2008, contents only), a 2018 table of Chinese refineries' costs (CNY, no tonnes).",
    )
    mineralogy: Literal["gibbsitic", "boehmitic", "diasporic"] = Field(
        default="diasporic",
        description="The bauxite's alumina mineral, setting the digestion temperature (145, "
        "245, 265 C) and the lime charge (0, 0.02, 0.10 t CaO/t bauxite). Authier-Martin et "
        "al. 2001 (JOM 53(12)), Chen et al. 2014 (J. Central South Univ. 45(5)) and "
        "twin.units.alumina.MINERALOGY; diasporic by default, "
        "China's own bauxite, so that the defaults meet the plan's national figure.",
    )
    liquor_m3_per_t: float = Field(
        default=11.0,
        gt=0.0,
        description="Caustic liquor circulated through digestion, m3/t alumina. 11 m3/t is a "
        "liquor productivity of 1000 / 11 = 90.9 kg Al2O3/m3, the benchmark precipitation "
        "yield of '90+ g/l' (up from 70 g/l over 25 years: 1000 / 70 = 14.3 m3/t) in Den "
        "Hond, Hiralal & Rijkeboer 2007, 'Alumina yield in the Bayer process; past, present "
        "and prospects', Light Metals 2007 (TMS), abstract.",
    )
    return_temperature_c: float = Field(
        default=100.0,
        ge=0.0,
        lt=MINERALOGY["gibbsitic"][0],
        description="Slurry temperature before digestion heating, C, below the lowest "
        "digestion temperature. Pre-desilication runs "
        "near 100 C (Smith 2009, Hydrometallurgy 98:162-176).",
    )
    heat_recovery: float = Field(
        default=0.697,
        ge=0.0,
        lt=1.0,
        description="Share of the digestion heating met by flash-vapour regenerative "
        "heaters (the rest is live steam), fraction. 0.697 = (215 - 100) / (265 - 100): in "
        "China's high-temperature double-stream digestion of diasporic bauxite at 260 C, "
        "flash steam preheats the spent liquor to 230-240 C and the slurry to 150-180 C, "
        "which mix at 210-220 C (215 taken), and live steam or molten salt heats the rest to "
        "260 C (encyclopaedia entry '高溫雙流法溶出技術', the process of the Zhengzhou light-"
        "metals institute's pilot plant, in industry from 2003, https://newton.com.tw/wiki/"
        "高溫雙流法溶出技術); from the slurry's return_temperature_c of 100 C to the model's "
        "265 C, one heat capacity for liquor and slurry. 210 C gives 0.667, 220 C 0.727. "
        "Taken for every mineralogy.",
    )
    boiler_efficiency: float = Field(
        default=0.86,
        gt=0.0,
        le=1.0,
        description="Steam boiler efficiency (fuel to steam), fraction. 0.86: GB 24500-2020 "
        "(minimum allowable values of energy efficiency and efficiency grades of industrial "
        "boilers) table 2, fluidised-bed boilers on class II bituminous coal (net 17.7-21 "
        "MJ/kg, volatiles > 20 %), grades 1/2/3 = 90/89/86 %, grade 3 being the limit: the "
        "least design efficiency a new boiler may have, taken because boilers run below "
        "their design figure. The same coal on a grate above 20 t/h (table 1) 86/83/81, "
        "pulverised (table 4) 92/90/88; read as transcribed in the public repository "
        "adgo07/EquipEffi (src/equipeffi/resources/standards/boiler.json).",
    )
    liquor_heat_capacity_mj_per_m3_k: float = Field(
        default=4.44,
        gt=0.0,
        description="Volumetric heat capacity of the liquor, per m3 at 25 C, MJ/(m3 K): "
        "3.586 kJ/(kg K), the mean over 100-265 C of the Vaudreuil (Alcan) Technical Data "
        "Book correlation, x 1.2394 t/m3, for the Alcan model's default liquor (C 220 g/L, "
        "A/C 0.40, C/S 0.85) as coded in its SysCAD species model (twin.thermochemistry."
        "bayer_liquor_mj_per_m3_k, sources there); the same file's fit to Russian data gives "
        "3.63 kJ/(kg K) for that liquor; neither states its fitted range. Taken for every "
        "mineralogy.",
    )
    solids_heat_capacity_mj_per_t_k: float = Field(
        default=1.03,
        gt=0.0,
        description="Heat capacity of the bauxite solids, MJ/(t K): the mass-weighted mean "
        "over 100-265 C of the default diasporic bauxite as 0.588 diaspore (1.168), 0.107 "
        "kaolinite (1.061) and 0.304 hematite (0.762 kJ/(kg K)), Holland & Powell ds62 "
        "(twin.thermochemistry.solids_mean_cp_mj_per_t_k). Gibbsite and boehmite are not in "
        "the data files read; taken for every mineralogy.",
    )
    lime_kiln_gj_per_t: float = Field(
        default=4.27,
        ge=0.0,
        description="Kiln fuel to burn lime, GJ/t CaO. 4.27, the European lime industry's "
        "average implied by its 2050 roadmap (Ecofys for the European Lime Association, 'A "
        "Competitive and Efficient Lime Industry', 2014, as summarised in World Cement, 18 "
        "Dec 2014, worldcement.com/europe-cis/18122014/a-competitive-and-efficient-lime-"
        "industry-42/): the reaction takes 3.03 GJ/t quicklime and the efficiency potential "
        "is at most 29 %, so kilns burn 3.03 / (1 - 0.29) = 4.27 GJ/t.",
    )
    fuel_kgce_per_t: float = fields.fuel(
        260.2,
        "Calcination, evaporation and other steam (all but digestion heating and lime)",
        "alumina",
        "CALIBRATED so that, with the default diasporic bauxite, the comprehensive energy "
        "(all fuel + electricity x 0.1229 kgce/kWh) is the plan's 2015 426 kgce/t "
        "(TARGETS.md section 1): 426 - 101.58 digestion - 33.52 lime - 30.71 electricity = "
        "260.19.",
    )
    power_kwh_per_t: float = fields.power(
        250.0,
        "Electricity",
        "alumina",
        f"{fields.PLACEHOLDER} Searched (pages: alumina refinery electricity kWh/t): Alumina "
        "Limited's 'approximately 2.5 MWh per tonne of alumina' (aluminalimited.com/energy, "
        "2017) is all energy, not electricity; the ABAL and IAI pages read give totals only. "
        "Also searched: the IAI refining-energy series 1995-2021 (MJ/t, fuel and electricity "
        "together; copy in NREL/PV_ICE), Chinese pages on 吨氧化铝电耗; an energy-system "
        "model's ~150 kWh/t (MacroEnergy.jl docs, aluminaplant.md) states no source; GB "
        "21346-2022 table 2 limits Bayer alumina to 340/390/460 kgce/t comprehensive energy "
        "(process energy 310/360/430) with no electricity figure (as transcribed in "
        "adgo07/ECQuota-Insight); European Aluminium's Environmental Profile Report (2013 "
        "copy) was read only in its contents, and an open-source LCA tool built on its 2018 "
        "edition lacks its data file in the stored copy. Also searched: code for 'kWh/t "
        "alumina' (one uncited constant), Chinese cost tables of refineries (CNY only), the "
        "Aluminium Council of Australia's 2013 data (purchased electricity as CO2 only).",
    )
    fuel_carrier: fields.FuelName = fields.carrier(
        "coal",
        "Fuel carrier burnt for steam and calcination",
        "Coal: 43-44 % of the fuel of the world's alumina refineries in 2023-2024, the "
        "largest carrier, China's among the coal-heavy regions (IAI statistics as reported "
        "by AlCircle, 'Alumina refining fuel consumption hit 1 million TJ in 2024', "
        "https://www.alcircle.com/news/alumina-refining-fuel-consumption-hit-1-million-tj-"
        "in-2024-fuel-mix-transition-weighs-in-115590).",
    )
    variable_cost_cny_per_t: float = fields.cost(
        300.0, "Operating cost other than caustic", "alumina"
    )

    @model_validator(mode="after")
    def _bauxite_consistent(self) -> BayerParams:
        if self.available_alumina + self.reactive_silica + self.loss_on_ignition >= 1.0:
            raise ValueError("available_alumina + reactive_silica + loss_on_ignition must be < 1")
        if self.return_temperature_c >= MINERALOGY[self.mineralogy][0]:
            raise ValueError("return_temperature_c must be below the digestion temperature")
        if self.available_alumina <= DSP_AL2O3_T_PER_T_SIO2 * self.reactive_silica:
            raise ValueError(
                "available_alumina must exceed the alumina locked by reactive "
                f"silica ({DSP_AL2O3_T_PER_T_SIO2:.4f} t Al2O3/t SiO2)"
            )
        return self


@register
class BayerRefinery(UnitModel):
    """Bayer refinery, per t alumina (Al2O3).

    Chemistry: reactive silica forms hydroxysodalite Na8[Al6Si6O24](OH)2 (Smith 2009,
    "The processing of high silica bauxites - review", Hydrometallurgy 98:162-176),
    locking 0.849 t Al2O3 and 0.888 t NaOH per t SiO2: 3 Al2O3 and 4 Na2O per 6 SiO2,
    0.688 t Na2O/t SiO2, the chemical soda loss (0.102 t NaOH/t alumina at the defaults).
    The same 8 Na : 6 Al : 6 Si as the Bayer sodalite 3(Na2O.Al2O3.2SiO2).X, X = Na2CO3
    (or another sodium salt), of the technology note "Red Mud Project" (no author given,
    scribd.com/document/36586945); its aluminosilicate frame alone would lock 0.516 t
    Na2O/t SiO2, the salt the rest. Alumina recovered per t bauxite
    = (A_av - 0.849 S_r) x extraction. Red mud (dry) = bauxite x (1 - LOI) - alumina +
    consumed NaOH as Na2O; it carries all Si, Fe and other bauxite elements, the Al not
    recovered and all Na consumed, so every element balance closes exactly. A lower A/S
    (A_av / S_r) thus costs bauxite, caustic and red mud per t alumina.
    Energy (kernel ``light_metals.bayer_digestion``): live steam heats the slurry from
    the return temperature to the mineral's digestion temperature T_d (MINERALOGY) for
    the share the flash train leaves, (V c_l + B c_s)(T_d - T_ret)(1 - r) / eta_boiler;
    diasporic bauxite is also charged lime (t CaO/t bauxite), burnt at lime_kiln_gj_per_t
    with its CO2 (0.785 t/t CaO, CaCO3 -> CaO + CO2) as a process emission; the rest
    (calcination, evaporation) is fuel_kgce_per_t. Worked, defaults (diasporic, A_av
    0.50, S_r 0.05, B = 2.3005 t/t): (11 x 4.44 + 2.3005 x 1.03)(265 - 100) x 0.303 /
    0.86 / 29.3076 = 101.6 kgce digestion, lime 0.10 x 2.3005 = 0.230 t x 4.27 GJ/t -> 33.5
    kgce and 0.181 t CO2, + 260.2 + 250 kWh x 0.1229 = 426.0 kgce/t (plan 2015: 426). A
    gibbsitic bauxite (145 C, no lime) of A_av 0.48, S_r 0.02 (B = 2.2734): 27.7 + 260.2
    + 30.7 = 318.6 kgce/t (9.34 GJ/t; Brazil's gibbsitic refineries averaged 7.27 GJ/t in
    2015, ABAL: see twin.calibration; +28.4 %); a diasporic one of A/S 6.25 (A_av 0.50, S_r
    0.08): 428.3 kgce/t, 1.34 times as much.
    Simplifications: the alumina product is pure Al2O3; soda is consumed only by DSP and
    the stated mechanical loss (lime's conversion of some DSP to cancrinite or
    hydrogarnet is not modelled); the lime is bought and burnt outside the balance (its
    Ca is not tracked and not in the red mud); digestion temperature follows the
    mineral, not the liquor's caustic strength; flocculant and sand separation are not
    modelled; the caustic port is counted as delivered caustic carrying the
    NaOH-equivalent Na. Red mud lands at 1.07 t/t alumina with the default balance
    (typically 1-1.5 t/t: LME Insight, "The neglected areas of aluminium sustainability:
    mitigating bauxite residue").
    """

    kind = "bayer_refinery"
    Params = BayerParams
    input_ports = {"bauxite": "bauxite", "caustic": "caustic_soda"}
    output_ports = {"alumina": "alumina", "red_mud": "red_mud"}
    basis_port = "alumina"
    conserved_elements = ("Al", "Si", "Na", "Fe")
    basis_description = "t of alumina (Al2O3) produced"
    params: BayerParams

    def _balance(self, feeds: Mapping[str, Composition]) -> tuple[float, float, float]:
        """(bauxite_t, caustic_t, red_mud_t) per t alumina, after checking the feeds."""
        p = self.params
        al = element_fraction(self.uid, feeds, "bauxite", "Al")
        si = feeds["bauxite"].get("Si", 0.0)
        if al < p.available_alumina * AL_IN_AL2O3:
            raise ValueError(
                f"{self.uid}: bauxite Al fraction {al:.4f} is below the "
                f"{p.available_alumina * AL_IN_AL2O3:.4f} that available_alumina "
                f"{p.available_alumina} implies"
            )
        if si < p.reactive_silica * SI_IN_SIO2:
            raise ValueError(
                f"{self.uid}: bauxite Si fraction {si:.4f} is below the "
                f"{p.reactive_silica * SI_IN_SIO2:.4f} that reactive_silica "
                f"{p.reactive_silica} implies"
            )
        na = element_fraction(self.uid, feeds, "caustic", "Na")
        bauxite_t, naoh_t, red_mud_t = kernel_point(
            "aluminium",
            "bayer_balance",
            (
                p.available_alumina,
                p.reactive_silica,
                p.extraction_efficiency,
                p.loss_on_ignition,
                p.mech_soda_loss_kg_per_t,
            ),
        )
        return bauxite_t, naoh_t * NA_IN_NAOH / na, red_mud_t

    def _red_mud(
        self, feeds: Mapping[str, Composition], bauxite_t: float, caustic_t: float, red_mud_t: float
    ) -> dict[str, float]:
        """Red mud composition: all feed elements less the Al in 1 t alumina."""
        elements = set(feeds["bauxite"]) | set(feeds["caustic"])
        mud = {
            e: (
                bauxite_t * feeds["bauxite"].get(e, 0.0)
                + caustic_t * feeds["caustic"].get(e, 0.0)
                - (AL_IN_AL2O3 if e == "Al" else 0.0)
            )
            / red_mud_t
            for e in elements
        }
        if sum(mud.values()) > 1.0 + 1e-9:
            raise ValueError(
                f"{self.uid}: red mud element fractions sum to "
                f"{sum(mud.values()):.4f} > 1; the bauxite composition does "
                "not fit loss_on_ignition"
            )
        return mud

    def products(self, feeds: Mapping[str, Composition]) -> dict[str, Composition]:
        """Alumina (pure Al2O3) and red mud compositions."""
        return {
            "alumina": {"Al": AL_IN_AL2O3},
            "red_mud": self._red_mud(feeds, *self._balance(feeds)),
        }

    def _energy(self, bauxite_t: float) -> tuple[float, float, float, float]:
        """(digestion_kgce, lime_t, lime_kgce, lime_co2_t) per t alumina."""
        p = self.params
        digestion_c, lime_share = MINERALOGY[p.mineralogy]
        digestion_kgce, lime_t, lime_kgce, lime_co2_t = kernel_point(
            "light_metals",
            "bayer_digestion",
            (bauxite_t, p.liquor_m3_per_t, digestion_c, lime_share),
            p.return_temperature_c,
            p.heat_recovery,
            p.boiler_efficiency,
            p.liquor_heat_capacity_mj_per_m3_k,
            p.solids_heat_capacity_mj_per_t_k,
            p.lime_kiln_gj_per_t,
        )
        return digestion_kgce, lime_t, lime_kgce, lime_co2_t

    def operating_point(self, feeds: Mapping[str, Composition], load: float = 1.0) -> Mode:
        """Per t alumina; coefficients do not depend on load, the rate limits do."""
        p = self.params
        bauxite_t, caustic_t, red_mud_t = self._balance(feeds)
        self._red_mud(feeds, bauxite_t, caustic_t, red_mud_t)  # raises on a misfit bauxite
        digestion_kgce, _, lime_kgce, lime_co2_t = self._energy(bauxite_t)
        return self.mode(
            load,
            {"bauxite": bauxite_t, "caustic": caustic_t},
            {"alumina": 1.0, "red_mud": red_mud_t},
            power_kwh=p.power_kwh_per_t,
            fuel_kgce={p.fuel_carrier: p.fuel_kgce_per_t + digestion_kgce + lime_kgce},
            emissions_t={"CO2": lime_co2_t} if lime_co2_t > 0.0 else {},
            variable_cost_cny=p.variable_cost_cny_per_t,
        )

    def state(self, feeds: Mapping[str, Composition], load: float = 1.0) -> dict[str, float]:
        """Digestion temperature (C), digestion and lime energy (kgce/t), lime and caustic
        (t/t alumina) and the A/S ratio (mass ratio; left out without reactive silica)."""
        p = self.params
        bauxite_t, caustic_t, _ = self._balance(feeds)
        digestion_kgce, lime_t, lime_kgce, _ = self._energy(bauxite_t)
        out = {
            "digestion_temperature_c": MINERALOGY[p.mineralogy][0],
            "digestion_kgce_per_t": digestion_kgce,
            "lime_t_per_t": lime_t,
            "lime_kgce_per_t": lime_kgce,
            "caustic_t_per_t": caustic_t,
        }
        if p.reactive_silica > 0.0:
            out["a_s_ratio"] = p.available_alumina / p.reactive_silica
        return out


def bayer_comprehensive_kgce_per_t(params: BayerParams) -> float:
    """Comprehensive energy, kgce/t alumina: fuel + electricity x 0.1229 kgce/kWh, for a
    bauxite that just holds the params' available alumina and reactive silica."""
    feeds = {
        "bauxite": {
            "Al": params.available_alumina * AL_IN_AL2O3,
            "Si": params.reactive_silica * SI_IN_SIO2,
        },
        "caustic": {"Na": NA_IN_NAOH},
    }
    mode = BayerRefinery("bayer", params).operating_point(feeds)
    return sum(mode.fuel_kgce.values()) + mode.power_kwh * KGCE_PER_KWH_EQUIVALENT
