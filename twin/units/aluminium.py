"""Aluminium metal units: the Hall-Heroult potline (kind ``potline``) and secondary
aluminium remelting (kind ``aluminium_remelt``), per t metal."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from pydantic import Field, model_validator

from twin.constants import C_IN_CO2, EMISSION_ELEMENTS
from twin.ext import kernel_columns
from twin.units import electrolysis, fields
from twin.units.base import (
    RECYCLED_METAL_T,
    UnitModel,
    UnitParams,
    element_fraction,
    register,
)
from twin.units.pfc import AnodeEffects, Technology, anode_effects, pfc_kg_per_t_al
from twin.units.ramping import AE_METAL_LOST_T, AmperageChangeParams, amperage_change

if TYPE_CHECKING:
    from twin.units.base import Composition, Mode


class PotlineParams(AmperageChangeParams):
    """Potline parameters. The defaults of voltage, current efficiency and rectifier
    efficiency give 13351 kWh/t AC, the plan's 2015 liquid-aluminium figure of 13350
    (TARGETS.md column 3)."""

    cells: int = Field(
        default=300,
        gt=0,
        description="Cells in series, a count. 300: older lines ~200 (PROCESS-DATA, secondary), "
        "Chalco Qinghai's 600 kA SY600 line 312 cells for 500 kt/a (chinacarbon-al.com, "
        "information/enterprise/12463, July 2025).",
    )
    line_current_ka: float = Field(
        default=400.0,
        gt=0.0,
        description="Line current at nominal amperage, kA. 400, inside China's 320 kA (Pingguo, "
        "1999: Guangming Daily, 12 Dec 2000) to 600 kA (Chalco Qinghai, at cells); 400 kA cells "
        "modelled: Qiu, Zhang, Xu, Wang, Nonferrous Metals (Extractive Metall.) 2015(3) 23-29.",
    )
    nominal_voltage_v: float = electrolysis.voltage_field(
        4.02,
        "Cell voltage at nominal amperage",
        "Range 4.0-4.5 V (PROCESS-DATA section 6, secondary source); chosen with the CE and "
        "rectifier efficiency so the defaults meet the plan's 13350 kWh/t.",
    )
    back_emf_v: float = Field(
        default=1.65,
        ge=0.0,
        description="Intercept E0 of U(I) = E0 + R I, V: the decomposition voltage, 1.50-1.85 V "
        "extrapolated from current-voltage curves of 75 kA cells (Thonstad, Solbu & Larsen, J. "
        "Appl. Electrochem. 1 (1971) 261, abstract). E0 = E_rev + eta: E_rev = -dG/12F = 1.192 V "
        "at 960 C, unit activities (twin.thermochemistry, NASA TM-4513); eta 0.458 V, the "
        "overvoltages extrapolated to zero current, is the remainder, not measured here.",
    )
    current_efficiency: float = electrolysis.current_efficiency_field(
        0.925, "At nominal amperage; 92.57 % modelled for a 400 kA cell (Qiu: line_current_ka)."
    )
    ce_curvature: float = Field(
        default=0.5,
        ge=0.0,
        description="k in CE(a) = 1 - (1 - CE_nom)/a - k (a - 1)^2, a = amperage fraction, per "
        "(amperage fraction)^2: the efficiency lost away from the nominal heat balance (ledge and "
        "bath chemistry out of trim). A stated simplification, uncalibrated. The first term holds "
        "the metal-loss rate per unit area fixed (Grjotheim & Kvande 1993, current-efficiency "
        "chapter: loss by dissolved metal re-oxidised at a mass-transfer-limited rate).",
    )
    reaction_enthalpy_kwh_per_kg: float = Field(
        default=6.34,
        gt=0.0,
        description="Enthalpy of 2 Al2O3 + 3 C -> 4 Al + 3 CO2, reactants fed at 25 C, Al(l) and "
        "CO2 leaving at 960 C, kWh/kg Al at 100 % CE; x CE / 2.980 it is the voltage U_H that "
        "does not become heat. 6.340 from the NASA TM-4513 polynomials (twin.thermochemistry."
        "potline_reaction_enthalpy_kwh_per_kg).",
    )
    bath_v_per_cm: float = Field(
        default=0.36,
        gt=0.0,
        description="Bath voltage drop per cm of ACD at nominal current, V/cm; i/kappa at 0.8 "
        "A/cm2 and 960 C, before gas, brackets it: kappa = 7.22 exp(-1204.3/T) - 2.53 x_Al2O3 - "
        "0.76 x_CaF2 - 1.80 x_Al2O3 x_CaF2 S/cm (Hives et al., Electrochim. Acta 38 (1993) 2165, "
        "abstract) 2.48 at 3 wt % Al2O3, 5 % CaF2 (x 0.055, 0.120): 0.32; exp(2.496 - 2068.4/T - "
        "2.07 w_Al2O3) of Lundby et al.'s simulator (github.com/erlendlundby/Costa-aluminum, "
        "simulator.py) 2.16 at 2.3 % Al2O3: 0.37. 0.8 A/cm2 is inside 0.53 (that code's 140 kA "
        "cell) to 0.85 (acd_min_cm's case).",
    )
    acd_nominal_cm: float = Field(
        default=4.5,
        gt=0.0,
        description="Anode-cathode distance at nominal amperage, cm. "
        "4-5 cm typical (AlPrg example 4.8 cm at 4.2 V, peter-entner.com).",
    )
    acd_min_cm: float = Field(
        default=4.0,
        gt=0.0,
        description="Smallest ACD the cells hold (metal-pad stability; CE falls below it), cm. "
        "4.0 'at lowest limit' in a 175 kA teaching case (Reykjavik U. T863 2021, github.com/"
        "Davey-Gravy/notes); 2.9 in 126 kA examples of github.com/gustavo-alejandro/CellModel.",
    )
    acd_max_cm: float = Field(
        default=6.0,
        gt=0.0,
        description="Largest ACD the beam travel and bath level allow, cm. Assumed, unverified; "
        "no limit found (Costa-aluminum's simulator steps ACD 4.3-5.7 cm, inside 4.0-6.0).",
    )
    heat_loss_flexibility: float = Field(
        default=0.0,
        ge=0.0,
        le=1.0,
        description="phi in Q(a) = Q_nom (1 + phi (a - 1)): how far the shell heat loss "
        "follows the amperage, fraction. 0 for conventional cells (a fixed loss, so "
        "the ACD alone holds the balance); shell heat exchangers turn the loss down "
        "and up (EnPot, up to +-30 % energy: The Chemical Engineer, 'Siemens and EnPot "
        "join forces'; Lavoie et al., Light Metals 2011, 317-322).",
    )
    rectifier_efficiency: float = electrolysis.rectifier_field(
        0.97,
        "AC to DC including busbar losses. 0.97 as in a Chinese potroom exercise (2.98 V/CE, "
        "dushuang.com/detail/626245.html); fitted with the voltage to the plan's 13350 kWh/t.",
    )
    net_carbon_t_per_t_al: float = Field(
        default=0.43,
        gt=0.0,
        description="Net anode carbon consumed, t C/t Al. Best practice 0.42-0.43, most "
        "cells 0.45-0.6, theory 0.334 (calsmelt.com 'Energy & Environmental').",
    )
    anode_effect_frequency_per_cell_day: float = Field(
        default=0.05,
        ge=0.0,
        description="Anode effects per cell-day at nominal amperage, AE/cell-day. 0.05 for a "
        "modern point-fed line, assumed, unverified (none found: twin.units.pfc); older Chinese "
        "practice 0.3 of 5 min (mxjj.net.cn/news/557). Times the duration: the PFC slope's AEM.",
    )
    anode_effect_duration_min: float = Field(
        default=1.0,
        ge=0.0,
        description="Mean duration of an anode effect at nominal amperage, min/AE. 1.0 "
        "assumed for automated AE termination, unverified (none found: twin.units.pfc).",
    )
    anode_effect_frequency_slope: float = Field(
        default=10.0,
        ge=0.0,
        description="s_f in f(a) = f_nom (1 + s_f |a - 1|), per (amperage fraction): how much more "
        "often anode effects come off nominal amperage, where the point feeders' alumina demand "
        "(proportional to current, Faraday) and the resistance tracking tuned at nominal drift "
        "apart. 10 (x2 at +-10 %), unverified, at the low end of Dupuis (TMS 2002): x3-5 after "
        "current was restored, step not given (s_f 10-40 for 0.1-0.2); the teaching case at "
        "acd_min_cm: 0.2 -> 0.45 AE/pot-day at +5.7 % amperage, s_f ~ 22, not plant data.",
    )
    anode_effect_duration_slope: float = Field(
        default=5.0,
        ge=0.0,
        description="s_d in d(a) = d_nom (1 + s_d |a - 1|), per (amperage fraction): longer "
        "anode effects off nominal (bath out of its trimmed chemistry and superheat). "
        "5 (+50 % at +-10 %) assumed, unverified (none found: twin.units.pfc).",
    )
    anode_effect_voltage_v: float = Field(
        default=25.0,
        ge=0.0,
        description="Cell voltage above the working voltage on anode effect, V. 25 above ~4 V: "
        "CellModel (acd_min_cm) sets its AE anode overvoltage to 26.6 V ('~30 V'), not measured.",
    )
    anode_effect_ce_loss: float = Field(
        default=0.004,
        ge=0.0,
        lt=1.0,
        description="Current efficiency lost per AE-minute per cell-day above nominal, fraction "
        "per (min/cell-day). An AE-minute's 25 V x 400 kA x 60 s = 600 MJ into 12 t of bath "
        "(unverified), 1.884 kJ/(kg K) (Na3AlF6(L), JANAF J12/79, Cantera nasa_condensed.yaml, at "
        "1285 K): +26.5 K superheat (AE: 940-955 -> 980-990 C, mxjj.net.cn/news/557) for ~2 h "
        "(assumed). log10(% CE loss) = 0.0095 superheat + c (Met. Trans. B, doi 10.1007/BF02652482)"
        " at CE 0.925: +7.5 % x (10^0.252 - 1) = +5.9 %, linear +4.4 %; x 2/24 = 0.0036-0.0049.",
    )
    cell_technology: Technology = Field(
        default="PFPB_M",
        description="Cell technology of the PFC slope, a name: PFPB_M (modern point-fed "
        "prebake, automated AE intervention), PFPB_L (legacy point-fed), CWPB "
        "(centre-worked bar-broken) or SWPB (side-worked). Regulation (EU) 2023/1773 "
        "Annex II B.7.1 Table 2 (IPCC 2019 Refinement); twin.units.pfc.",
    )
    modulation_band: float = Field(
        default=0.10,
        ge=0.0,
        lt=1.0,
        description="Half-width of the amperage modes, fraction of nominal: modes at 1 +- band x "
        "j/steps. Conventional cells tolerate about +-5 % (Dorreen, quoted in Energia Potior "
        "2016); TRIMET's shell heat exchangers +-25 % (TRIMET press release, 16 May 2019).",
    )
    modulation_steps: int = Field(
        default=1,
        ge=0,
        description="Modes on each side of nominal, a count. With modulation_band 0.10, 1 "
        "gives amperage fractions 0.90, 1.00, 1.10.",
    )
    variable_cost_cny_per_t: float = fields.cost(
        1200.0, "Cathodes, AlF3, labour share (raw materials excluded)", "Al"
    )

    @model_validator(mode="after")
    def _consistent(self) -> PotlineParams:
        if self.back_emf_v >= self.nominal_voltage_v:
            raise ValueError("back_emf_v must be below nominal_voltage_v")
        if not self.acd_min_cm <= self.acd_nominal_cm <= self.acd_max_cm:
            raise ValueError("acd_nominal_cm: must lie in [acd_min_cm, acd_max_cm]")
        low = 1.0 - self.modulation_band
        if 1.0 - (1.0 - self.current_efficiency) / low - self.ce_curvature * (low - 1.0) ** 2 <= 0:
            raise ValueError(
                "current efficiency at the modulation band's edge must be > 0 "
                "(lower ce_curvature or modulation_band)"
            )
        return self


def _points(params: PotlineParams, fractions: Sequence[float]) -> list[list[float]]:
    """[voltage_v, current_efficiency, ac_kwh_per_t, acd_cm] at the given amperage
    fractions, the ACD reset to hold the heat balance (``potline_modulated`` kernel)."""
    return kernel_columns(
        "aluminium",
        "potline_modulated",
        (fractions,),
        params.nominal_voltage_v,
        params.back_emf_v,
        params.current_efficiency,
        params.ce_curvature,
        params.rectifier_efficiency,
        params.reaction_enthalpy_kwh_per_kg,
        params.heat_loss_flexibility,
        params.bath_v_per_cm,
        params.acd_nominal_cm,
        params.acd_min_cm,
        params.acd_max_cm,
    )


def potline_curve(params: PotlineParams, fractions: Sequence[float]) -> list[dict[str, float]]:
    """The potline at each amperage fraction: {amperage_fraction, voltage_v,
    current_efficiency, ac_kwh_per_t, acd_cm}."""
    columns = _points(params, fractions)
    names = ("voltage_v", "current_efficiency", "ac_kwh_per_t", "acd_cm")
    return [
        {"amperage_fraction": a, **{n: c[i] for n, c in zip(names, columns, strict=True)}}
        for i, a in enumerate(fractions)
    ]


def potline_ac_kwh_per_t(params: PotlineParams) -> float:
    """AC electricity at nominal amperage, kWh/t Al (Faraday: 2980 U / CE / rectifier eff.)."""
    return _points(params, [1.0])[2][0]


def potline_anode_effects(params: PotlineParams, amperage_fraction: float) -> AnodeEffects:
    """The potline's anode effects at `amperage_fraction` (twin.units.pfc.anode_effects)."""
    return anode_effects(
        amperage_fraction,
        params.anode_effect_frequency_per_cell_day,
        params.anode_effect_duration_min,
        params.anode_effect_frequency_slope,
        params.anode_effect_duration_slope,
        params.anode_effect_voltage_v,
        params.anode_effect_ce_loss,
    )


@register
class Potline(UnitModel):
    """Hall-Heroult potline: 2 Al2O3 + 3 C -> 4 Al + 3 CO2, per t Al.

    Energy: DC kWh/t = 3 F U / (3.6 M_Al CE) = 2980 U/CE (Faraday's law); AC = DC /
    rectifier efficiency. Rate: DC power / DC energy per t = cells x U x I / DC kWh/t,
    i.e. cells x I x CE x M_Al / (3 F) (Faraday). The rate is fixed by the line current,
    so each mode has min rate = max rate and the instance gives no capacity.
    Alumina: 1 / (Al fraction of the alumina feed) t/t, 1.889 for pure Al2O3 (101.96/53.96):
    stoichiometric, so the Al balance closes; real plants use ~1.92 t/t including dust
    and handling losses (not modelled). Carbon: net anode carbon per t Al leaves as CF4
    and C2F6 (anode effects, twin.units.pfc) and the rest as CO2 (about net C x
    44.01/12.011 = 1.58 t CO2/t Al with defaults); CO and the anode's non-carbon content
    are left out. Metal is pure Al; impurities in the alumina are not
    tracked. Modulation (``potline_modulated`` kernel): the shell loses a fixed heat
    (conventional cells), so at amperage fraction a the ACD is reset until
    I U - I U_H(CE) equals it: at a = 0.9 the ACD rises from 4.5 to 5.85 cm, U = 4.22 V,
    CE = 0.912 and AC 14219 kWh/t (+6.5 %); at a = 1.1 the ACD would fall to 3.4 cm but
    stops at 4.0 cm, U = 4.06 V, 13454 kWh/t (+0.8 %) and the cells run warm (the daily
    heat-balance window evens it out).
    Anode effects (twin.units.pfc.anode_effects): off nominal amperage they come more often
    and last longer, f(a) = f_nom (1 + s_f |a - 1|), d(a) = d_nom (1 + s_d |a - 1|); the
    nominal ones are inside the calibrated U_nom and CE_nom, so the excess AE-minutes
    dAEM add anode_effect_voltage_v x dAEM / 1440 V to the mean cell voltage and cost
    anode_effect_ce_loss x dAEM of CE; PFC by the Tier 2 slope on the whole AEM(a). Worked
    at a = 0.9 (conventional cells, defaults): f = 0.05 x 2 = 0.10 AE/cell-day, d = 1.5
    min, AEM 0.15, dAEM 0.10; U = 4.2196 + 25 x 0.10/1440 = 4.2214 V, CE = 0.911667 -
    0.0004 = 0.911267, AC = 14219.1 x (4.2214/4.2196) x (0.911667/0.911267) = 14231.2
    kWh/t (+12.1 for the anode effects); CF4 = 0.104 x 0.15 = 0.0156 kg/t, C2F6 = 0.057 x
    CF4 = 0.00089 kg/t (PFPB_M): 0.126 t CO2e/t against 0.042 at nominal. How often the
    line changes amperage: :meth:`ramp_mode` (twin.units.ramping, models/ramps.py).
    """

    kind = "potline"
    Params = PotlineParams
    input_ports = {"alumina": "alumina", "anode": "carbon_anode"}
    output_ports = {"metal": "aluminium"}
    basis_port = "metal"
    conserved_elements = ("Al", "C")
    needs_capacity = False
    basis_description = "t of Al metal tapped"
    capacity_description = (
        "none: the rate follows from cells, line current and current "
        "efficiency (Faraday), so each mode's min rate = max rate"
    )
    modes_description = (
        "one fixed-rate mode per amperage fraction 1 +- modulation_band x "
        "j/modulation_steps, j = 0..modulation_steps"
    )
    load_curve = True
    params: PotlineParams

    def amperage_fractions(self) -> list[float]:
        """Amperage fractions of the modes: 1 +- band x j/steps."""
        p = self.params
        if p.modulation_steps == 0 or p.modulation_band == 0.0:
            return [1.0]
        return [
            1.0 + p.modulation_band * j / p.modulation_steps
            for j in range(-p.modulation_steps, p.modulation_steps + 1)
        ]

    def products(self, feeds: Mapping[str, Composition]) -> dict[str, Composition]:
        """Pure aluminium metal."""
        element_fraction(self.uid, feeds, "alumina", "Al")
        element_fraction(self.uid, feeds, "anode", "C")
        return {"metal": {"Al": 1.0}}

    def _modes(self, feeds: Mapping[str, Composition], fractions: Sequence[float]) -> list[Mode]:
        """One fixed-rate Mode per amperage fraction: the heat-balance point of the
        kernel, then the anode effects off nominal (class docstring)."""
        p = self.params
        alumina_t = 1.0 / element_fraction(self.uid, feeds, "alumina", "Al")
        anode_t = p.net_carbon_t_per_t_al / element_fraction(self.uid, feeds, "anode", "C")
        try:
            voltage_v, current_efficiency, ac_kwh_per_t, _ = _points(p, fractions)
        except ValueError as exc:
            raise ValueError(f"{self.uid}: {exc}") from None
        modes = []
        for i, u, ce, ac in zip(
            fractions, voltage_v, current_efficiency, ac_kwh_per_t, strict=True
        ):
            ae = potline_anode_effects(p, i)
            ce_ae = ce - ae.current_efficiency_loss
            if not ce_ae > 0.0:
                raise ValueError(f"{self.uid}: amperage fraction {i} leaves no current efficiency")
            u_ae = u + ae.excess_voltage_v
            ac_ae = ac * (u_ae / u) * (ce / ce_ae)
            rate_t_per_h = p.cells * u_ae * p.line_current_ka * i / (ac_ae * p.rectifier_efficiency)
            cf4_kg, c2f6_kg = pfc_kg_per_t_al(ae.minutes_per_cell_day, p.cell_technology)
            pfc_t = {"CF4": cf4_kg / 1000.0, "C2F6": c2f6_kg / 1000.0}
            pfc_carbon_t = sum(t * EMISSION_ELEMENTS[s]["C"] for s, t in pfc_t.items())
            modes.append(
                self.mode(
                    i,
                    {"alumina": alumina_t, "anode": anode_t},
                    {"metal": 1.0},
                    name=f"amp_{i:.3f}",
                    rates_t_per_h=(rate_t_per_h, rate_t_per_h),
                    power_kwh=ac_ae,
                    emissions_t={
                        "CO2": (p.net_carbon_t_per_t_al - pfc_carbon_t) / C_IN_CO2,
                        **pfc_t,
                    },
                    variable_cost_cny=p.variable_cost_cny_per_t,
                )
            )
        return modes

    def modes(self, feeds: Mapping[str, Composition]) -> list[Mode]:
        """One mode per amperage fraction of :meth:`amperage_fractions`."""
        return self._modes(feeds, self.amperage_fractions())

    def state(self, feeds: Mapping[str, Composition], load: float = 1.0) -> dict[str, float]:
        """Line current, cell voltage, current efficiency (anode effects included), ACD and
        the anode effects at amperage `load`."""
        point = potline_curve(self.params, [load])[0]
        ae = potline_anode_effects(self.params, load)
        return {
            "line_current_ka": load * self.params.line_current_ka,
            "cell_voltage_v": point["voltage_v"] + ae.excess_voltage_v,
            "current_efficiency": point["current_efficiency"] - ae.current_efficiency_loss,
            "acd_cm": point["acd_cm"],
            "anode_effects_per_cell_day": ae.frequency_per_cell_day,
            "anode_effect_duration_min": ae.duration_min,
            "anode_effect_minutes_per_cell_day": ae.minutes_per_cell_day,
        }

    def ramp_mode(self, feeds: Mapping[str, Composition]) -> Mode | None:
        """What a unit change of the mean amperage fraction between periods costs the line
        (twin.units.ramping) as a Mode's fields per unit |dA|: AC kWh, metal and alumina not
        made (negative), CF4, C2F6 (their C out of the CO2); None without the parameter."""
        p = self.params
        if p.amperage_change_retune_h is None:
            return None
        ch = amperage_change(p, p.amperage_change_retune_h)
        pfc_t = {"CF4": ch.cf4_t, "C2F6": ch.c2f6_t}
        carbon_t = sum(t * EMISSION_ELEMENTS[s]["C"] for s, t in pfc_t.items())
        alumina_t = ch.metal_lost_t / element_fraction(self.uid, feeds, "alumina", "Al")
        return self.mode(
            0.0,
            {"alumina": -alumina_t},
            {"metal": -ch.metal_lost_t},
            name="amperage_change",
            rates_t_per_h=(0.0, 0.0),
            power_kwh=ch.ac_kwh,
            emissions_t={"CO2": -carbon_t / C_IN_CO2, **pfc_t},
            kpi_t={AE_METAL_LOST_T: ch.metal_lost_t},
        )

    def operating_point(self, feeds: Mapping[str, Composition], load: float = 1.0) -> Mode:
        """The potline at amperage fraction `load` of nominal."""
        if not load > 0.0:
            raise ValueError(f"{self.uid}: amperage fraction must be > 0, got {load}")
        return self._modes(feeds, [load])[0]


class RemeltParams(UnitParams):
    """Secondary aluminium remelting parameters, per t metal."""

    metal_yield: float = Field(
        default=0.95,
        gt=0.0,
        lt=1.0,
        description="Share of the scrap's Al recovered to metal, fraction. Placeholder, unverified "
        "(no numeric melt loss found, also not on Chinese melt-loss pages): see Capuzzi & "
        "Timelli, 'Preparation and melting of scrap in aluminum recycling', Metals 8 (2018) 249.",
    )
    fuel_kgce_per_t: float = fields.fuel(
        92.0,
        "Melting fuel",
        "metal",
        "~5 % of the energy of primary aluminium (Britannica 'Aluminum processing - "
        "Recycling', Staley) x 54 GJ/t (midpoint of 52-56 GJ/t, Norgate et al. 2007) = "
        "2.7 GJ/t / 29.3076 MJ/kgce.",
    )
    fuel_carrier: fields.FuelName = fields.carrier("natural_gas")
    power_kwh_per_t: float = fields.power(
        80.0, "Electricity for stirring, fans and holding", "metal", fields.PLACEHOLDER
    )
    variable_cost_cny_per_t: float = fields.cost(
        400.0, "Fluxes, refractories, labour share", "metal"
    )


@register
class AluminiumRemelt(UnitModel):
    """Scrap remelting to recycled aluminium, per t metal.

    Scrap per t metal = 1 / (metal_yield x scrap Al fraction); dross = scrap - metal and
    takes the unrecovered Al and every non-Al element, so Al and total mass close.
    Simplifications: the metal is pure Al (alloying elements are sent to the dross, not
    kept in the melt); dross reprocessing is left to the flowsheet.
    """

    kind = "aluminium_remelt"
    Params = RemeltParams
    input_ports = {"scrap": "al_scrap"}
    output_ports = {"metal": "recycled_aluminium", "dross": "dross"}
    basis_port = "metal"
    conserved_elements = ("Al",)
    basis_description = "t of recycled Al metal"
    params: RemeltParams

    def _scrap_t(self, feeds: Mapping[str, Composition]) -> float:
        """t scrap per t metal."""
        p = self.params
        return 1.0 / (p.metal_yield * element_fraction(self.uid, feeds, "scrap", "Al"))

    def products(self, feeds: Mapping[str, Composition]) -> dict[str, Composition]:
        """Pure Al metal; dross with the rest of the scrap."""
        scrap_t = self._scrap_t(feeds)
        dross = {
            e: (scrap_t * x - (1.0 if e == "Al" else 0.0)) / (scrap_t - 1.0)
            for e, x in feeds["scrap"].items()
        }
        return {"metal": {"Al": 1.0}, "dross": dross}

    def operating_point(self, feeds: Mapping[str, Composition], load: float = 1.0) -> Mode:
        """Per t metal; coefficients do not depend on load, the rate limits do."""
        p = self.params
        scrap_t = self._scrap_t(feeds)
        return self.mode(
            load,
            {"scrap": scrap_t},
            {"metal": 1.0, "dross": scrap_t - 1.0},
            power_kwh=p.power_kwh_per_t,
            fuel_kgce={p.fuel_carrier: p.fuel_kgce_per_t},
            variable_cost_cny=p.variable_cost_cny_per_t,
            kpi_t={RECYCLED_METAL_T: 1.0},
        )
