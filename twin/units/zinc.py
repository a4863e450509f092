"""Zinc roast-leach-electrowin (RLE): roaster (kind ``zinc_roaster``), leaching with
iron removal and purification (``zinc_leach_purification``) and electrowinning
(``zinc_electrowinning``).

Energy calibration: with the defaults and :data:`TYPICAL_ZN_CONCENTRATE`, roast + leach
+ electrowinning come to 884.9 kgce per t cathode zinc (fuel kgce + kWh x 0.1229), the
plan's 2015 figure for electrolytic zinc being 885 kgce/t (Nonferrous Metals Industry
Development Plan 2016-2020, section 1; TARGETS.md); see
:func:`zinc_comprehensive_kgce_per_t`. Cited: cell voltage and current efficiency.
Calibrated: the leach's fuel, which carries everything the three units do not model
(the plan's figure is a plant average that includes residue treatment such as
coke-fired Waelz kilns, steam and utilities). Placeholders: the other power and fuel
figures. The sulphuric-acid plant that takes the roaster gas is outside the figure.
"""
from __future__ import annotations

from typing import Literal, Mapping

import numpy as np
from pydantic import Field

from twin.constants import KGCE_PER_KWH_EQUIVALENT, MOLAR_MASS, molar_mass
from twin.ext.copper import faraday_kwh_per_t
from twin.ext.lead_zinc import zn_leach, zn_roast
from twin.units.base import (Composition, Fraction, FuelName, Mode, UnitModel, UnitParams,
                             feed_grades, register)
from twin.units.copper import S_IN_H2SO4
from twin.units.lead import (S_IN_SO2, VolatilisedFractions, compound_mass_t, fractions_of,
                             split_heavy_metals)

#: Ammonium jarosite NH4Fe3(SO4)2(OH)6 and goethite FeOOH.
JAROSITE = {"N": 1, "H": 10, "Fe": 3, "S": 2, "O": 14}
GOETHITE = {"Fe": 1, "O": 2, "H": 1}
IRON_RESIDUES = {"jarosite": JAROSITE, "goethite": GOETHITE}


def iron_residue_t_per_t_fe(residue: str) -> tuple[float, float]:
    """(t residue, t S in it) per t Fe precipitated, from the formula: jarosite
    479.7/(3 x 55.845) = 2.863 t and 2 x 32.06/(3 x 55.845) = 0.383 t S; goethite
    88.85/55.845 = 1.591 t, no S."""
    formula = IRON_RESIDUES[residue]
    fe_t = formula["Fe"] * MOLAR_MASS["Fe"]
    return molar_mass(formula) / fe_t, formula.get("S", 0) * MOLAR_MASS["S"] / fe_t


#: Zinc concentrate for the calibration (assumed, unverified: Zn 50 %, S 32 % inside the
#: 30-33 % of PROCESS-DATA section 8, Fe 8 %, minor Pb, Cd, As, Hg).
TYPICAL_ZN_CONCENTRATE = {"Zn": 0.50, "S": 0.32, "Fe": 0.08, "Si": 0.01, "Pb": 0.015,
                          "Cd": 0.002, "As": 0.002, "Hg": 0.00005}
#: Sulphuric acid (H2SO4, 100 % basis) as the acid plant makes it.
SULPHURIC_ACID = {"S": S_IN_H2SO4}


class ZincRoasterParams(UnitParams):
    """Parameters of a fluid-bed zinc roaster, per t concentrate."""

    s_to_calcine: Fraction = Field(
        default=0.06,
        description="Fraction of the concentrate S kept in the calcine as sulphate "
                    "(placeholder, unverified: about 2 % S in calcine).")
    volatilised: VolatilisedFractions = Field(
        default={"Pb": 0.05, "As": 0.2, "Cd": 0.1, "Hg": 0.95},
        description="Fraction of each heavy metal fed that reports to the off-gas "
                    "(placeholders, unverified).")
    gas_abatement_efficiency: Fraction = Field(
        default=0.999,
        description="Fraction of the volatilised heavy metals captured by boiler, cyclones "
                    "and ESP and returned to the calcine (placeholder, unverified).")
    fugitive_so2_fraction: float = Field(
        default=0.005, ge=0.0, lt=1.0,
        description="SO2 escaping capture, released to air (assumed, unverified).")
    power_kwh_per_t: float = Field(
        default=40.0, ge=0.0,
        description="Blowers, feeders and gas handling, kWh/t concentrate (placeholder, "
                    "unverified).")
    fuel_kgce_per_t: float = Field(
        default=3.0, ge=0.0,
        description="Fuel, kgce/t concentrate: roasting ZnS is exothermic and runs "
                    "autogenously, fuel only for start-up and drying (placeholder).")
    fuel_carrier: FuelName = "natural_gas"
    variable_cost_cny_per_t: float = Field(
        default=40.0, ge=0.0,
        description="Maintenance and labour share, CNY/t concentrate (placeholder).")


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
    params: ZincRoasterParams

    def _balance(self, feeds: Mapping[str, Composition]) -> tuple[dict[str, float], float,
                                                                  float, dict[str, float]]:
        """(calcine elements, calcine t, SO2 t, heavy metals emitted) per t concentrate."""
        p = self.params
        conc = feed_grades(self.uid, feeds, "concentrate", ("Zn", "S"))
        split = split_heavy_metals(conc, p.volatilised, p.gas_abatement_efficiency)
        calcine = {e: x - split.emitted_t.get(e, 0.0) for e, x in conc.items()}
        calcine["S"] = p.s_to_calcine * conc["S"]
        calcine_major_t, so2_t = (float(a[0]) for a in zn_roast(
            *(np.array([conc.get(e, 0.0)]) for e in ("Zn", "Fe", "S")), p.s_to_calcine))
        others = {e: t for e, t in calcine.items() if e not in ("Zn", "Fe", "S")}
        return calcine, calcine_major_t + compound_mass_t(others), so2_t, split.emitted_t

    def products(self, feeds: Mapping[str, Composition]) -> dict[str, Composition]:
        """Calcine and offgas (SO2) compositions."""
        calcine, calcine_t, _, _ = self._balance(feeds)
        return {"calcine": fractions_of(calcine, calcine_t), "offgas": {"S": S_IN_SO2}}

    def operating_point(self, feeds: Mapping[str, Composition], load: float = 1.0) -> Mode:
        """Per t concentrate at `load`; the coefficients do not depend on load."""
        p = self.params
        _, calcine_t, so2_t, emitted = self._balance(feeds)
        min_rate, max_rate = self.rate_limits(load)
        return Mode(
            name="nominal", inputs_t={"concentrate": 1.0},
            outputs_t={"calcine": calcine_t,
                       "offgas": (1.0 - p.fugitive_so2_fraction) * so2_t},
            max_rate_t_per_h=max_rate, min_rate_t_per_h=min_rate,
            power_kwh=p.power_kwh_per_t, fuel_kgce={p.fuel_carrier: p.fuel_kgce_per_t},
            emissions_t={**emitted, "SO2": p.fugitive_so2_fraction * so2_t},
            variable_cost_cny=p.variable_cost_cny_per_t, load_index=load,
            kpi_t={"so2_generated_t": so2_t})


class ZincLeachParams(UnitParams):
    """Parameters of leaching, iron removal and purification, per t Zn in solution."""

    iron_residue: Literal["jarosite", "goethite"] = Field(
        default="jarosite",
        description="Iron precipitate: ammonium jarosite NH4Fe3(SO4)2(OH)6 (2.863 t/t Fe, "
                    "takes 0.383 t S/t Fe) or goethite FeOOH (1.591 t/t Fe), by "
                    "stoichiometry.")
    zn_recovery: float = Field(
        default=0.96, gt=0.0, le=1.0,
        description="Zn to purified solution: 85-90 % with neutral and weak-acid leaching "
                    "only, the ferrite residue keeping 17-20 % Zn; hot-acid leaching with "
                    "jarosite precipitation (industrial from 1965) raises it (patent text on "
                    "hydrometallurgical zinc recovery, trea.com, value not given). 0.96 "
                    "assumed for hot-acid practice (unverified).")
    power_kwh_per_t: float = Field(
        default=200.0, ge=0.0,
        description="Agitation, pumping, thickening, filtration and purification, kWh/t "
                    "Zn (placeholder, unverified).")
    fuel_kgce_per_t: float = Field(
        default=421.0, ge=0.0,
        description="Fuel, kgce/t Zn: steam for hot-acid leaching and everything else "
                    "the plan's 885 kgce/t covers but these units do not model (residue "
                    "treatment, e.g. coke-fired Waelz kilns, utilities). Calibrated, see "
                    "the module docstring.")
    fuel_carrier: FuelName = "coal"
    variable_cost_cny_per_t: float = Field(
        default=600.0, ge=0.0,
        description="Zinc dust, ammonia, flocculants, filter cloth, labour share, CNY/t Zn, "
                    "energy excluded (placeholder).")


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
    params: ZincLeachParams

    def _balance(self, feeds: Mapping[str, Composition]) -> tuple[float, float, float,
                                                                  dict[str, float]]:
        """(calcine t, acid t, residue t, residue elements t) per t Zn in solution."""
        p = self.params
        calcine = feed_grades(self.uid, feeds, "calcine", ("Zn",))
        acid = feed_grades(self.uid, feeds, "acid", ("S",))
        if set(acid) != {"S"}:
            raise ValueError(f"unit '{self.uid}': acid carries {sorted(set(acid) - {'S'})}; "
                             "only S is modelled in the acid")
        try:
            calcine_t, residue_major_t, residue_s_t, acid_s_t = (float(a[0]) for a in zn_leach(
                *(np.array([calcine.get(e, 0.0)]) for e in ("Zn", "Fe", "Pb", "S")),
                p.zn_recovery, *iron_residue_t_per_t_fe(p.iron_residue)))
        except ValueError as exc:
            raise ValueError(f"unit '{self.uid}': {exc}") from None
        residue = {e: calcine_t * x for e, x in calcine.items()}
        residue["Zn"] = calcine_t * calcine["Zn"] * (1.0 - p.zn_recovery)
        residue["S"] = residue_s_t
        others = {e: t for e, t in residue.items() if e not in ("Zn", "Fe", "Pb", "S")}
        return (calcine_t, acid_s_t / acid["S"], residue_major_t + compound_mass_t(others),
                residue)

    def products(self, feeds: Mapping[str, Composition]) -> dict[str, Composition]:
        """Solution ({"Zn": 1.0}, t Zn) and residue compositions."""
        _, _, residue_t, residue = self._balance(feeds)
        return {"solution": {"Zn": 1.0}, "residue": fractions_of(residue, residue_t)}

    def operating_point(self, feeds: Mapping[str, Composition], load: float = 1.0) -> Mode:
        """Per t Zn in solution at `load`; the coefficients do not depend on load."""
        p = self.params
        calcine_t, acid_t, residue_t, _ = self._balance(feeds)
        min_rate, max_rate = self.rate_limits(load)
        return Mode(
            name="nominal", inputs_t={"calcine": calcine_t, "acid": acid_t},
            outputs_t={"solution": 1.0, "residue": residue_t},
            max_rate_t_per_h=max_rate, min_rate_t_per_h=min_rate,
            power_kwh=p.power_kwh_per_t, fuel_kgce={p.fuel_carrier: p.fuel_kgce_per_t},
            variable_cost_cny=p.variable_cost_cny_per_t, load_index=load)


class ZincElectrowinningParams(UnitParams):
    """Parameters of a zinc tankhouse, per t cathode."""

    cell_voltage_v: float = Field(
        default=3.4, gt=0.0,
        description="Cell voltage, V: 3.3-3.5 industrial (review of Zn electrowinning "
                    "anodes, ProQuest docview 2602139832); midpoint.")
    current_efficiency: float = Field(
        default=0.90, gt=0.0, le=1.0,
        description="Current efficiency: 89-92 % (same review).")
    rectifier_efficiency: float = Field(
        default=0.97, gt=0.0, le=1.0,
        description="AC-to-DC conversion efficiency (assumed, unverified).")
    auxiliary_power_kwh_per_t: float = Field(
        default=250.0, ge=0.0,
        description="Electrolyte cooling and circulation, cathode stripping, melting and "
                    "casting, kWh/t (placeholder, unverified).")
    cathode_zn: float = Field(
        default=0.99995, gt=0.0, le=1.0,
        description="Zn fraction of the cathode: 99.995 %, special high grade (LME SHG "
                    "minimum; not checked against the contract text, unverified).")
    variable_cost_cny_per_t: float = Field(
        default=400.0, ge=0.0,
        description="Anodes, cathode blanks, additives, labour share, CNY/t, energy "
                    "excluded (placeholder).")


@register
class ZincElectrowinning(UnitModel):
    """Zinc electrowinning ZnSO4 + H2O -> Zn + H2SO4 + 1/2 O2, per t cathode.

    Solution in = Zn in the cathode (the spent electrolyte returns to leaching, an
    internal loop). DC energy by Faraday's law, n = 2, M = 65.38 g/mol: with the
    defaults 2 x 96485.33 x 3.4 / (3.6 x 65.38 x 0.90) = 3097 kWh/t Zn, inside the
    industrial 3.25-3.4 kWh/kg (Minerals Engineering 16(6) 2003, 559-562) with the
    rectifier loss; AC = DC / rectifier efficiency + auxiliaries. Cathode impurities are
    not tracked.
    """

    kind = "zinc_electrowinning"
    Params = ZincElectrowinningParams
    input_ports = {"solution": "zn_sulphate_solution"}
    output_ports = {"cathode": "zinc_cathode"}
    basis_port = "cathode"
    conserved_elements = ("Zn",)
    params: ZincElectrowinningParams

    def products(self, feeds: Mapping[str, Composition]) -> dict[str, Composition]:
        """Cathode composition."""
        feed_grades(self.uid, feeds, "solution", ("Zn",))
        return {"cathode": {"Zn": self.params.cathode_zn}}

    def dc_kwh_per_t(self) -> float:
        """DC energy, kWh per t cathode (Faraday's law for the Zn it holds)."""
        p = self.params
        per_t_zn = faraday_kwh_per_t(np.array([p.cell_voltage_v]),
                                     np.array([p.current_efficiency]), 2.0, MOLAR_MASS["Zn"])
        return float(per_t_zn[0]) * p.cathode_zn

    def operating_point(self, feeds: Mapping[str, Composition], load: float = 1.0) -> Mode:
        """Per t cathode at `load`; the coefficients do not depend on load."""
        p = self.params
        solution = feed_grades(self.uid, feeds, "solution", ("Zn",))
        if set(solution) != {"Zn"}:
            raise ValueError(f"unit '{self.uid}': solution carries "
                             f"{sorted(set(solution) - {'Zn'})}; it must be purified Zn")
        min_rate, max_rate = self.rate_limits(load)
        return Mode(
            name="nominal", inputs_t={"solution": p.cathode_zn / solution["Zn"]},
            outputs_t={"cathode": 1.0}, max_rate_t_per_h=max_rate, min_rate_t_per_h=min_rate,
            power_kwh=self.dc_kwh_per_t() / p.rectifier_efficiency
            + p.auxiliary_power_kwh_per_t,
            variable_cost_cny=p.variable_cost_cny_per_t, load_index=load)


def zinc_comprehensive_kgce_per_t(
        concentrate: Composition = TYPICAL_ZN_CONCENTRATE,
        roaster: ZincRoasterParams = ZincRoasterParams(),
        leach: ZincLeachParams = ZincLeachParams(),
        electrowinning: ZincElectrowinningParams = ZincElectrowinningParams()) -> float:
    """Comprehensive energy of roast + leach + electrowinning, kgce per t cathode zinc:
    fuel kgce + kWh x 0.1229, the three units chained (calcine -> solution -> cathode).

    With the defaults: 884.9 (the plan's 2015 figure: 885). Plant changes lower it:
    cell voltage 3.3 V instead of 3.4 -> 873.4; current efficiency 0.92 instead of 0.90
    -> 876.4; both -> 865.1 kgce/t.
    """
    r = ZincRoaster("roaster", roaster)
    lp = ZincLeachPurification("leach", leach)
    ew = ZincElectrowinning("ew", electrowinning)
    calcine = r.products({"concentrate": concentrate})["calcine"]
    leach_feeds = {"calcine": calcine, "acid": SULPHURIC_ACID}
    ew_mode = ew.operating_point({"solution": lp.products(leach_feeds)["solution"]})
    leach_mode = lp.operating_point(leach_feeds)
    roast_mode = r.operating_point({"concentrate": concentrate})
    solution_t = ew_mode.inputs_t["solution"]
    calcine_t = solution_t * leach_mode.inputs_t["calcine"]
    concentrate_t = calcine_t / roast_mode.outputs_t["calcine"]
    return sum(t * (m.power_kwh * KGCE_PER_KWH_EQUIVALENT + sum(m.fuel_kgce.values()))
               for t, m in ((concentrate_t, roast_mode), (solution_t, leach_mode),
                            (1.0, ew_mode)))
