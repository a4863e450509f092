"""Zinc roast-leach-electrowin (RLE): roaster (kind ``zinc_roaster``), leaching with
iron removal and purification (``zinc_leach_purification``) and electrowinning
(``zinc_electrowinning``).

Energy calibration: with the defaults and twin.units.materials.TYPICAL_ZN_CONCENTRATE, roast
+ acid plant + leach + electrowinning come to 885.01 kgce per t cathode zinc (fuel kgce + kWh
x 0.1229), the plan's 2015 figure for electrolytic zinc being 885 kgce/t (Nonferrous Metals
Industry Development Plan 2016-2020, section 1; TARGETS.md): the zinc row of
twin.calibration (``twin calibration``). The sulphuric-acid plant that takes the roaster gas
(twin.units.copper.AcidPlant) is inside the boundary, as in the copper row: the plan's
figure runs from concentrate to cathode (twin.energy_boundary). Cited: cell voltage,
current efficiency and the leach's Zn recovery. Fitted: the leach's fuel, which carries
everything the four units do not model (the plan's figure is a plant average that includes
residue treatment such as coke-fired Waelz kilns, steam and utilities). The fit: the four
units at their defaults, the leach's fuel at the earlier 421 (fitted without the acid
plant), gave 900.47 kgce/t; the leach's fuel counts once per t Zn in solution, 0.99995 t
per t cathode, so 421 - (900.47 - 885)/0.99995 = 405.53, taken as 405.5 (884.97 kgce/t).
Refitted when zn_recovery went from an assumed 0.96 to the cited 0.968: the roaster and
acid plant then treat 0.96/0.968 as much concentrate per t cathode, 884.71 kgce/t, so
405.5 + (885 - 884.71)/0.99995 = 405.79, taken as 405.8 (885.01 kgce/t).

Placeholders: the other power and fuel figures (roaster power and fuel, leach power, part
of the tankhouse auxiliaries). Searched without finding per-unit figures: the per-process
tables of GB 21249-2014 and of a Chinese smelter energy-saving design code (the stored
copies hold their front matter, not the values), TERI's 'Energy use in the production of
primary zinc' (1988; contents only), Outotec roasting pages, Hindustan Zinc's reports,
Chinese pages on melting cathode zinc in induction furnaces (熔铸 吨锌电耗). A
check of their sum only: US electrolytic zinc plants drew about 780 kWh per ton in process
steps other than electrolysis (GTI, 'Energy Use: Metal Casting - Zinc',
gta.gastechnology.org/primary_metals/pm_dm_e5); here the roaster, acid plant, leach,
tankhouse auxiliaries and rectifier loss come to about 755 kWh/t. A check of the total: GB
25323-2023 table 3 (read in the transcription twin.units.energy_limits names) caps
electrolytic zinc from concentrate at 1010 / 1040 / 1260 kgce/t (grades 1 / 2 / 3) with
residue treatment and 550 / 660 / 820 without; the plan's 885 lies between the two lines
(over the limit without residue treatment, under grade 1 with it). The acid plant's 100
kWh/t SO2 (65.5 kWh/t acid) is below GB 29141-2012's 110 / 120 / 130 kWh/t acid from zinc
smelter gas (same transcription); the acid plant is the copper chain's too, which cannot
take more (twin.units.copper).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Literal

from pydantic import Field, model_validator

from twin.constants import MOLAR_MASS, S_IN_SO2, molar_mass
from twin.ext import kernel_point
from twin.units import electrolysis, fields, smelting
from twin.units.base import UnitModel, UnitParams, feed_grades, register

if TYPE_CHECKING:
    from twin.units.base import Composition, Mode

#: Source of the roaster and leach energy placeholders.
NOT_FOUND = f"{fields.PLACEHOLDER} Not found: see the module docstring for what was searched."
#: Ammonium jarosite NH4Fe3(SO4)2(OH)6 and goethite FeOOH.
JAROSITE = {"N": 1, "H": 10, "Fe": 3, "S": 2, "O": 14}
GOETHITE = {"Fe": 1, "O": 2, "H": 1}
IRON_RESIDUES = {"jarosite": JAROSITE, "goethite": GOETHITE}
#: Standard reversible voltage of Zn electrowinning, V: E0(O2/H2O) - E0(Zn2+/Zn).
ZN_REVERSIBLE_V = 1.229 + 0.763


def iron_residue_t_per_t_fe(residue: str) -> tuple[float, float]:
    """(t residue, t S in it) per t Fe precipitated, from the formula: jarosite
    479.7/(3 x 55.845) = 2.863 t and 2 x 32.06/(3 x 55.845) = 0.383 t S; goethite
    88.85/55.845 = 1.591 t, no S."""
    formula = IRON_RESIDUES[residue]
    fe_t = formula["Fe"] * MOLAR_MASS["Fe"]
    return molar_mass(formula) / fe_t, formula.get("S", 0) * MOLAR_MASS["S"] / fe_t


def sulphate_s_share(concentrate: Composition, zn_as_sulphate: float) -> float:
    """Share of a concentrate's S a roaster keeps in its calcine as ZnSO4, fraction: the
    S bound by `zn_as_sulphate` of the Zn (32.06/65.38 t S per t Zn), all the S at most.
    50 % Zn, 32 % S and 0.06 give 0.06 x 0.50 x 0.49036/0.32 = 0.04597."""
    s = concentrate["S"]
    bound = zn_as_sulphate * concentrate["Zn"] * MOLAR_MASS["S"] / MOLAR_MASS["Zn"]
    return min(1.0, bound / s) if s > 0.0 else 0.0


class ZincRoasterParams(UnitParams):
    """Parameters of a fluid-bed zinc roaster, per t concentrate."""

    zn_as_sulphate: float = Field(
        default=0.06,
        ge=0.0,
        le=1.0,
        description="Share of the calcine's Zn held as ZnSO4, fraction; the S it binds "
        "(32.06/65.38 t per t Zn as sulphate) stays in the calcine, converted per feed "
        "(all of the concentrate's S at most). The calcine's Zn is about 80 % oxide, 13 % "
        "ferrite and 6 % sulphate, with a small amount of sulphide left (plant training "
        "slides 'The Roasting Process', powershow.com; low authority). On the typical "
        "concentrate (50 % Zn, 32 % S) 0.06 x 0.50 x 32.06/65.38 = 0.0147 t S per t, 0.046 "
        "of its S. Britannica ('zinc processing') says fluid-bed roasting brings the "
        "sulphur below 0.5 %, read here as the sulphide sulphur.",
    )
    volatilised: smelting.VolatilisedFractions = smelting.volatilised_field(
        {"Pb": 0.05, "As": 0.2, "Cd": 0.1, "Hg": 0.95}
    )
    gas_abatement_efficiency: float = smelting.abatement_field(
        0.999, "boiler, cyclones and ESP and returned to the calcine"
    )
    fugitive_so2_fraction: float = smelting.fugitive_so2_field(0.005)
    power_kwh_per_t: float = fields.power(
        40.0,
        "Blowers, feeders and gas handling",
        "concentrate",
        NOT_FOUND,
    )
    fuel_kgce_per_t: float = fields.fuel(
        3.0,
        "Fuel for start-up and drying only: roasting ZnS is exothermic and runs autogenously",
        "concentrate",
        NOT_FOUND,
    )
    fuel_carrier: fields.FuelName = fields.carrier("natural_gas")
    variable_cost_cny_per_t: float = fields.cost(
        40.0, "Maintenance and labour share", "concentrate"
    )


@register
class ZincRoaster(UnitModel):
    """Fluid-bed roasting ZnS + 1.5 O2 -> ZnO + SO2, per t concentrate (``zn_roast``).

    The calcine holds Zn as ZnO, Fe as Fe2O3 (zinc ferrite), the kept S as sulphate
    (SO3) and every other element as its oxide; the S not kept leaves as SO2, the
    fugitive fraction to air and the rest to the acid plant on ``offgas`` (t of SO2).
    Heavy metals: volatilised x (1 - abatement) to air; the captured part is boiler,
    cyclone and ESP dust, which joins the calcine as in RLE practice. Simplification:
    the Hg caught in gas cleaning (really a calomel product) is sent to the calcine too.
    """

    kind = "zinc_roaster"
    Params = ZincRoasterParams
    input_ports = {"concentrate": "zn_concentrate"}
    output_ports = {"calcine": "zn_calcine", "offgas": "so2_gas_zn"}
    basis_port = "concentrate"
    conserved_elements = ("Zn", "S", "Fe", "Pb", "Cd", "As", "Hg")
    basis_description = "t of concentrate fed"
    params: ZincRoasterParams

    def _balance(
        self, feeds: Mapping[str, Composition]
    ) -> tuple[dict[str, float], float, float, dict[str, float]]:
        """(calcine elements, calcine t, SO2 t, heavy metals emitted) per t concentrate."""
        p = self.params
        conc = feed_grades(self.uid, feeds, "concentrate", ("Zn", "S"))
        split = smelting.split_heavy_metals(conc, p.volatilised, p.gas_abatement_efficiency)
        calcine = {e: x - split.emitted_t.get(e, 0.0) for e, x in conc.items()}
        s_kept = sulphate_s_share(conc, p.zn_as_sulphate)
        calcine["S"] = s_kept * conc["S"]
        calcine_major_t, so2_t = kernel_point(
            "lead_zinc", "zn_roast", (conc.get(e, 0.0) for e in ("Zn", "Fe", "S")), s_kept
        )
        others = {e: t for e, t in calcine.items() if e not in ("Zn", "Fe", "S")}
        return calcine, calcine_major_t + smelting.compound_mass_t(others), so2_t, split.emitted_t

    def products(self, feeds: Mapping[str, Composition]) -> dict[str, Composition]:
        """Calcine and offgas (SO2) compositions."""
        calcine, calcine_t, _, _ = self._balance(feeds)
        return {"calcine": smelting.fractions_of(calcine, calcine_t), "offgas": {"S": S_IN_SO2}}

    def operating_point(self, feeds: Mapping[str, Composition], load: float = 1.0) -> Mode:
        """Per t concentrate at `load`; the coefficients do not depend on load."""
        p = self.params
        _, calcine_t, so2_t, emitted = self._balance(feeds)
        return self.mode(
            load,
            {"concentrate": 1.0},
            {"calcine": calcine_t, "offgas": (1.0 - p.fugitive_so2_fraction) * so2_t},
            power_kwh=p.power_kwh_per_t,
            fuel_kgce={p.fuel_carrier: p.fuel_kgce_per_t},
            emissions_t={**emitted, "SO2": p.fugitive_so2_fraction * so2_t},
            variable_cost_cny=p.variable_cost_cny_per_t,
            kpi_t={"so2_generated_t": so2_t},
        )


class ZincLeachParams(UnitParams):
    """Parameters of leaching, iron removal and purification, per t Zn in solution."""

    iron_residue: Literal["jarosite", "goethite"] = Field(
        default="jarosite",
        description="Iron precipitate, a name (jarosite or goethite). Ammonium jarosite "
        "NH4Fe3(SO4)2(OH)6 makes 2.863 t/t Fe and takes 0.383 t S/t Fe, goethite "
        "FeOOH 1.591 t/t Fe, by stoichiometry.",
    )
    zn_recovery: float = Field(
        default=0.968,
        gt=0.0,
        le=1.0,
        description="Zn to purified solution, fraction. 85-90 % with neutral and weak-acid "
        "leaching only, the ferrite residue keeping 17-20 % Zn; hot-acid "
        "leaching with jarosite precipitation (industrial from 1965) raises it "
        "(patent text on hydrometallurgical zinc recovery, trea.com, value not "
        "given). 0.968: Hindustan Zinc's Chanderiya Hydro-II, a roast-leach plant with "
        "jarosite precipitation, recovers 96.8 % of the zinc in concentrate (97.5 % "
        "expected with a fumer on its residue; CEO Sunil Duggal to PTI, Business "
        "Standard, 2017-03-09, business-standard.com 'Hindustan Zinc to set up zinc "
        "fumer plant'). Plant-wide, read as the leach's: here the roaster and tankhouse "
        "lose no Zn.",
    )
    power_kwh_per_t: float = fields.power(
        200.0,
        "Agitation, pumping, thickening, filtration and purification",
        "Zn",
        NOT_FOUND,
    )
    fuel_kgce_per_t: float = fields.fuel(
        405.8,
        "Steam for hot-acid leaching and everything else the plan's 885 kgce/t "
        "covers but the roaster, acid plant, leach and tankhouse do not model (residue "
        "treatment, e.g. coke-fired Waelz kilns, utilities)",
        "Zn",
        "Calibrated with the acid plant inside the boundary, see the module docstring.",
    )
    fuel_carrier: fields.FuelName = fields.carrier("coal")
    variable_cost_cny_per_t: float = fields.cost(
        600.0, "Zinc dust, ammonia, flocculants, filter cloth, labour share", "Zn"
    )


@register
class ZincLeachPurification(UnitModel):
    """Calcine leaching, iron removal and solution purification, per t Zn in solution.

    Convention: the ``solution`` port counts tonnes of Zn in solution (composition
    {"Zn": 1.0}); water and sulphate are not tracked, the spent electrolyte returned from
    electrowinning is an internal loop. ``zn_leach`` kernel: calcine = 1/(Zn x
    zn_recovery) t; all Fe precipitates as jarosite or goethite, Pb stays as PbSO4,
    unleached Zn reports as ZnO, all to the ``residue``. The residue's S (jarosite
    sulphate, PbSO4) comes first from the calcine's sulphate, the shortfall from the
    ``acid`` port (t H2SO4, e.g. from the acid plant); calcine S beyond the need stays in
    the residue. Every other element (Cd, Cu and Co from the purification cakes, As, Hg,
    Ag, Si...) goes to the residue as its oxide. Simplifications: the cementation cakes
    and the residue are one stream; zinc dust used in purification is an internal loop.
    """

    kind = "zinc_leach_purification"
    Params = ZincLeachParams
    input_ports = {"calcine": "zn_calcine", "acid": "sulphuric_acid"}
    output_ports = {"solution": "zn_sulphate_solution", "residue": "zn_leach_residue"}
    basis_port = "solution"
    conserved_elements = ("Zn", "Fe", "S", "Pb", "Cd", "As", "Hg")
    basis_description = "t of Zn in the purified solution"
    params: ZincLeachParams

    def _balance(
        self, feeds: Mapping[str, Composition]
    ) -> tuple[float, float, float, dict[str, float]]:
        """(calcine t, acid t, residue t, residue elements t) per t Zn in solution."""
        p = self.params
        calcine = feed_grades(self.uid, feeds, "calcine", ("Zn",))
        acid = feed_grades(self.uid, feeds, "acid", ("S",))
        if set(acid) != {"S"}:
            raise ValueError(
                f"unit '{self.uid}': acid carries {sorted(set(acid) - {'S'})}; "
                "only S is modelled in the acid"
            )
        try:
            calcine_t, residue_major_t, residue_s_t, acid_s_t = kernel_point(
                "lead_zinc",
                "zn_leach",
                (calcine.get(e, 0.0) for e in ("Zn", "Fe", "Pb", "S")),
                p.zn_recovery,
                *iron_residue_t_per_t_fe(p.iron_residue),
            )
        except ValueError as exc:
            raise ValueError(f"unit '{self.uid}': {exc}") from None
        residue = {e: calcine_t * x for e, x in calcine.items()}
        residue["Zn"] = calcine_t * calcine["Zn"] * (1.0 - p.zn_recovery)
        residue["S"] = residue_s_t
        others = {e: t for e, t in residue.items() if e not in ("Zn", "Fe", "Pb", "S")}
        return (
            calcine_t,
            acid_s_t / acid["S"],
            residue_major_t + smelting.compound_mass_t(others),
            residue,
        )

    def products(self, feeds: Mapping[str, Composition]) -> dict[str, Composition]:
        """Solution ({"Zn": 1.0}, t Zn) and residue compositions."""
        _, _, residue_t, residue = self._balance(feeds)
        return {"solution": {"Zn": 1.0}, "residue": smelting.fractions_of(residue, residue_t)}

    def operating_point(self, feeds: Mapping[str, Composition], load: float = 1.0) -> Mode:
        """Per t Zn in solution at `load`; the coefficients do not depend on load."""
        p = self.params
        calcine_t, acid_t, residue_t, _ = self._balance(feeds)
        return self.mode(
            load,
            {"calcine": calcine_t, "acid": acid_t},
            {"solution": 1.0, "residue": residue_t},
            power_kwh=p.power_kwh_per_t,
            fuel_kgce={p.fuel_carrier: p.fuel_kgce_per_t},
            variable_cost_cny=p.variable_cost_cny_per_t,
        )


class ZincElectrowinningParams(UnitParams):
    """Parameters of a zinc tankhouse, per t cathode. The nominal point (voltage, CE,
    current density) is cited; the load curve splits the nominal voltage into reversible
    voltage, activation overpotential (Tafel) and ohmic drop (twin.units.electrolysis)."""

    cell_voltage_v: float = electrolysis.voltage_field(
        3.4,
        "Cell voltage at nominal current density",
        "3.3-3.5 V industrial (review of Zn electrowinning anodes, "
        "ProQuest docview 2602139832); midpoint.",
    )
    current_efficiency: float = electrolysis.current_efficiency_field(
        0.90,
        "At nominal current density; 89-92 % (review of Zn electrowinning anodes, ProQuest "
        "docview 2602139832).",
    )
    current_density_a_per_m2: float = electrolysis.current_density_field(
        500.0, "400-600 A/m2 industrial (same review); midpoint."
    )
    max_current_density_a_per_m2: float = electrolysis.max_current_density_field(
        600.0, "Top of the industrial 400-600 A/m2 (same review)."
    )
    reversible_voltage_v: float = electrolysis.reversible_field(
        ZN_REVERSIBLE_V,
        "E0(O2/H2O) 1.229 V - E0(Zn2+/Zn) -0.763 V = 1.992 V, standard potentials (CRC "
        "Handbook); activities of the industrial electrolyte neglected (stated "
        "simplification). The review puts the anode's share above 1.9 V.",
    )
    ohmic_drop_v: float = electrolysis.ohmic_field(
        0.45,
        "Electrolyte about 0.3 V (500 A/m2 x ~30 mm gap / ~50 S/m, O2 bubbles) plus "
        "contacts and busbars about 0.15 V; the usual breakdown of a 3.3-3.5 V Zn cell "
        "(Sinclair, The Extractive Metallurgy of Zinc, 2005, electrowinning chapter; "
        "from recollection, unverified; not found: the book is not among the stored "
        "pages, only Sinclair's lead volume; an article listing the five parts of a Zn "
        "cell's voltage, '降低电积锌直流电耗分析' (360docs.net/doc/16420936.html), has its "
        "table's values missing from the stored copy; the Zn-cell models of Mahon's UBC "
        "thesis, Dynamic Process Simulation of Zinc Electrowinning, 2016, and Scott, "
        "Pitblado & Barton, APCOM 1987, were read only in their opening pages; 2026-11-30 "
        "also English cell-voltage-breakdown and Chinese 槽电压组成 pages). "
        f"{electrolysis.CONDUCTIVITY_SEARCHED}.",
    )
    tafel_slope_v_per_decade: float = electrolysis.tafel_field(
        round(2 * electrolysis.tafel_slope_v_per_decade(38.0, 0.5), 4),
        "O2 evolution on Pb-Ag and Zn deposition, each ln(10) R T / (0.5 F) at 38 C "
        "(30-40 C, same review) = 0.1234 V/decade (transfer coefficient 0.5, Bard & "
        "Faulkner 2001 ch. 3).",
    )
    fixed_loss_share: float = electrolysis.fixed_loss_field(0.5, fields.ASSUMED)
    load_segments: list[electrolysis.SegmentLoad] = electrolysis.segments_field(
        [0.6, 0.7, 0.8, 0.9, 1.0]
    )
    rectifier_efficiency: float = electrolysis.rectifier_field()
    auxiliary_power_kwh_per_t: float = fields.power(
        250.0,
        "Electrolyte cooling and circulation, cathode stripping, melting and casting",
        "cathode",
        "Partly cited: the tankhouse's own AC drives (acid circulation pumps, cooling-tower "
        "fans, cell-cleaning vacuum pumps) are 3-4 % of its energy ('降低电积锌直流电耗分析', "
        "360docs.net/doc/16420936.html), 0.035/0.965 x 3193 kWh/t AC for the cells = 116 "
        "kWh/t; the remaining 134 kWh/t for stripping, melting and casting is a "
        "placeholder, unverified (not found: see the module docstring).",
    )
    cathode_zn: float = Field(
        default=0.99995,
        gt=0.0,
        le=1.0,
        description="Zn in the cathode, mass fraction. 99.995 %: 'Special High Grade zinc "
        "of minimum 99.995 % purity, conforming to LME specifications and relevant "
        "standards: BS EN 1179:2003, ISO 752:2004 - ZN-1 grade, ASTM B6-12 - LME grade or "
        "GB/T 470-2008' (Fastmarkets/Metal Bulletin pricing notice on the SHG zinc premium "
        "assessments, 2018-09-25, fastmarkets.com).",
    )
    variable_cost_cny_per_t: float = fields.cost(
        400.0, "Anodes, cathode blanks, additives, labour share", "cathode"
    )

    @model_validator(mode="after")
    def _curve(self) -> ZincElectrowinningParams:
        electrolysis.check_curve(self)
        return self


@register
class ZincElectrowinning(UnitModel):
    """Zinc electrowinning ZnSO4 + H2O -> Zn + H2SO4 + 1/2 O2, per t cathode.

    Solution in = Zn in the cathode (the spent electrolyte returns to leaching, an
    internal loop). DC energy by Faraday's law, n = 2, M = 65.38 g/mol: at nominal
    2 x 96485.33 x 3.4 / (3.6 x 65.38 x 0.90) = 3097 kWh/t Zn, inside the industrial
    3.25-3.4 kWh/kg (Minerals Engineering 16(6) 2003, 559-562) with the rectifier loss;
    AC = DC / rectifier efficiency + auxiliaries. Load curve (current density i = L x
    500 A/m2): U = 1.992 + 0.958 + 0.2468 log10 L + 0.45 L V, CE = 1 - 0.1 (0.5/L +
    0.5 L), so kWh/t rises with load above L ~ 0.7; one mode per load segment, its rate
    capacity x L x CE(L)/CE_nom (the cathode area is fixed). Cathode impurities are not
    tracked.
    """

    kind = "zinc_electrowinning"
    Params = ZincElectrowinningParams
    input_ports = {"solution": "zn_sulphate_solution"}
    output_ports = {"cathode": "zinc_cathode"}
    basis_port = "cathode"
    conserved_elements = ("Zn",)
    basis_description = "t of cathode zinc"
    capacity_description = electrolysis.TANKHOUSE_CAPACITY
    modes_description = electrolysis.TANKHOUSE_MODES
    load_curve = True
    params: ZincElectrowinningParams

    def products(self, feeds: Mapping[str, Composition]) -> dict[str, Composition]:
        """Cathode composition."""
        feed_grades(self.uid, feeds, "solution", ("Zn",))
        return {"cathode": {"Zn": self.params.cathode_zn}}

    def dc_kwh_per_t(self, load: float = 1.0) -> float:
        """DC energy, kWh per t cathode at current-density fraction `load` (Faraday's law
        for the Zn it holds)."""
        p = self.params
        return electrolysis.curve(p, "Zn", [load])[0].dc_kwh_per_t_metal * p.cathode_zn

    def operating_point(self, feeds: Mapping[str, Composition], load: float = 1.0) -> Mode:
        """Per t cathode at current density `load` x nominal."""
        p = self.params
        solution = feed_grades(self.uid, feeds, "solution", ("Zn",))
        if set(solution) != {"Zn"}:
            raise ValueError(
                f"unit '{self.uid}': solution carries "
                f"{sorted(set(solution) - {'Zn'})}; it must be purified Zn"
            )
        ac, rates, _ = electrolysis.tankhouse_point(self, p, "Zn", load, p.cathode_zn)
        return self.mode(
            load,
            {"solution": p.cathode_zn / solution["Zn"]},
            {"cathode": 1.0},
            name=f"cd_{load:g}",
            rates_t_per_h=rates,
            power_kwh=ac,
            variable_cost_cny=p.variable_cost_cny_per_t,
        )

    def modes(self, feeds: Mapping[str, Composition]) -> list[Mode]:
        """One mode per load segment."""
        return [self.operating_point(feeds, x) for x in self.params.load_segments]

    def state(self, feeds: Mapping[str, Composition], load: float = 1.0) -> dict[str, float]:
        """Current density, cell voltage, current efficiency, DC kWh/t and cathode area."""
        return electrolysis.state(self, self.params, "Zn", load, self.params.cathode_zn)
