"""Nickel sulphide smelting and refining: DON-type flash smelter (kind
``nickel_flash_smelter``) and matte refinery by leaching + electrowinning
(``nickel_refinery``). The refinery's total energy is fitted to China's energy-limit
standard (GB 25323-2023); the smelter's energy figures are placeholders (PROCESS-DATA
section 12 has none).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated

from pydantic import AfterValidator, Field, model_validator

from twin.constants import HEAVY_METALS, S_IN_SO2
from twin.ext import kernel_point
from twin.units import electrolysis, fields, smelting
from twin.units.base import Fraction, UnitModel, UnitParams, element_fraction, feed_grades, register
from twin.units.energy_limits import GB_25323

if TYPE_CHECKING:
    from twin.units.base import Composition, Mode


def _matte_metals(recoveries: dict[str, float]) -> dict[str, float]:
    banned = sorted(set(recoveries) & ({"Fe", "S"} | set(HEAVY_METALS)))
    if banned:
        raise ValueError(
            f"{banned} cannot be given: Fe and S follow from the matte "
            "composition, heavy metals from volatilised"
        )
    if "Ni" not in recoveries:
        raise ValueError("Ni must be given")
    return recoveries


#: China's energy-limit standard for heavy non-ferrous metals, nickel rows (table 7).
GB_25323_NICKEL = f"{GB_25323}, table 7 (nickel)"

#: What was searched for the smelter's energy figures.
SMELTER_SEARCHED = (
    f"{fields.PLACEHOLDER} Not found: {GB_25323_NICKEL} gives 540 / 1160 / 1400 kgce/t for "
    "nickel concentrate to high-grade matte, but whether per t matte or per t Ni was not "
    "read (GB 21251-2014's text is stored to its scope only), so it is not used; the "
    "defaults give 250 x 0.1229 + 30 = 60.7 kgce/t concentrate (452 kgce/t Ni in the "
    "matte of a 14 % Ni concentrate)."
)

#: What was searched for the refinery's cell figures.
CELL_SEARCHED = (
    f"{fields.PLACEHOLDER} Not found for an industrial tankhouse (pages on nickel "
    "electrowinning give laboratory cells only: 3470 kWh/t at 98.5 % current efficiency in "
    "an anion-membrane cell, drds.library.net.cn; 2.06 kWh/lb Ni = 4540 kWh/t in a "
    "non-diaphragm cell, Mussler & Siemens, US Bureau of Mines RI 8604, NIOSHTIC-2 record). "
    "The defaults give 3365 kWh/t DC."
)


class NickelFlashSmelterParams(UnitParams):
    """Parameters of the lumped DON flash smelter, per t concentrate."""

    matte_recoveries: Annotated[dict[str, Fraction], AfterValidator(_matte_metals)] = Field(
        default={"Ni": 0.96, "Cu": 0.96, "Co": 0.96},
        description="Recovery of each matte metal to the matte (flash furnace plus "
        "slag-cleaning furnace), {metal: fraction}, Ni required. Overall metal "
        "recovery > 95 % ('20 Years of DON process', CIM 2014); 0.96 taken for "
        "all (Co really lower, unverified; not found: the DON papers stored give "
        "abstracts without per-metal recoveries, Makinen's TMS 2006 abstract included; "
        "Elliot, 'The distribution of cobalt in the Kalgoorlie nickel smelter', AusIMM "
        "1989, abstract without a figure; 2026-11-30 also Chinese 钴回收率 pages and Jones "
        "& Deneys, JOM 50(10) 1998, on recovering Co from slags, not its split).",
    )
    matte_fe: float = Field(
        default=0.04,
        ge=0.0,
        lt=0.10,
        description="Fe in the matte, mass fraction. Low-Fe matte, < 10 wt % Fe (Taskinen "
        "et al., Extraction 2018, doi 10.1007/978-3-319-95022-8_25). 4 %: a low-iron "
        "Bessemer matte of about 75 % Cu+Ni+Co and 21-22 % S (see matte_s) leaves 100 - 75 "
        "- 21..22 = 3-4 % for Fe and the rest; the top of that taken, all of it as Fe.",
    )
    matte_s: float = Field(
        default=0.22,
        gt=0.0,
        lt=1.0,
        description="S in the matte, mass fraction. 22 %: Bessemer (converter) matte holds "
        "the Ni, Cu, Co and precious metals with about 22 % S (McGraw-Hill Dictionary of "
        "Scientific and Technical Terms, entry 'Bessemer matte', "
        "encyclopedia2.thefreedictionary.com/Bessemer+matte), and a Sudbury smelter's "
        "converters made low-iron Bessemer matte of about 75 % Cu+Ni+Co with 21-22 % S "
        "(trade-press passage quoted on the same page). The DON flash furnace makes this "
        "low-Fe, high-grade matte directly, without converting (Makinen, TMS 2006 abstract); "
        "Ni3S2 itself holds 26.7 % S.",
    )
    flux_sio2_per_fe: float = smelting.flux_ratio_field()
    volatilised: smelting.VolatilisedFractions = smelting.volatilised_field(
        {"Pb": 0.5, "As": 0.5, "Cd": 0.8, "Hg": 1.0}
    )
    gas_abatement_efficiency: float = smelting.abatement_field(
        0.999, "gas cleaning (the flue dust is recycled and leaves with the slag)"
    )
    fugitive_so2_fraction: float = smelting.fugitive_so2_field(0.015)
    power_kwh_per_t: float = fields.power(
        250.0,
        "Oxygen plant, electric slag-cleaning furnace, dryer and auxiliaries",
        "concentrate",
        SMELTER_SEARCHED,
    )
    fuel_kgce_per_t: float = fields.fuel(
        30.0,
        "Drying and burner fuel (flash smelting is largely autogenous)",
        "concentrate",
        SMELTER_SEARCHED,
    )
    fuel_carrier: fields.FuelName = fields.carrier("natural_gas")
    variable_cost_cny_per_t: float = fields.cost(
        400.0, "Refractories, electrodes, consumables and labour share", "concentrate"
    )

    @model_validator(mode="after")
    def _matte_fits(self) -> NickelFlashSmelterParams:
        if self.matte_fe + self.matte_s >= 1.0:
            raise ValueError("matte_s: matte_fe + matte_s must be below 1")
        return self


@dataclass(frozen=True)
class _SmelterBalance:
    """The flash smelter's balance per t concentrate."""

    to_matte_t: dict[str, float]  # matte metals
    matte_t: float
    slag_elements_t: dict[str, float]
    slag_t: float
    so2_t: float  # SO2 generated
    flux_t: float
    emitted_t: dict[str, float]  # heavy metals to air


@register
class NickelFlashSmelter(UnitModel):
    """Direct Outokumpu Nickel (DON) flash smelting, per t concentrate.

    The flash furnace makes a low-Fe matte directly, without converters; its slag is
    cleaned in an electric furnace whose Fe-bearing matte joins the refinery feed
    (Taskinen et al. 2018; Mäkinen, TMS 2006); both furnaces are lumped here and the two
    mattes are one ``matte`` stream. ``ni_flash_smelt`` kernel: the matte takes the
    recovered metals and holds matte_fe Fe and matte_s S; Fe not in matte goes to slag
    as FeO, fluxed with SiO2; S not in matte leaves as SO2 (fugitive fraction to air,
    the rest to the acid plant on ``offgas``). Heavy metals: volatilised x (1 -
    abatement) to air, the rest (captured dust is recycled) to slag. Every other element
    reports to slag, counted as its oxide; unrecovered metals as metal. The flux may
    carry no S and no matte metal.
    """

    kind = "nickel_flash_smelter"
    Params = NickelFlashSmelterParams
    input_ports = {"concentrate": "ni_concentrate", "flux": "silica_flux"}
    output_ports = {"matte": "ni_matte", "slag": "ni_slag", "offgas": "so2_gas_ni"}
    basis_port = "concentrate"
    conserved_elements = ("Ni", "Cu", "Co", "Fe", "S", "Si")
    basis_description = "t of concentrate fed"
    params: NickelFlashSmelterParams

    def _balance(self, feeds: Mapping[str, Composition]) -> _SmelterBalance:
        """Kernel results and element splits per t concentrate, after checking feeds."""
        p = self.params
        conc = feed_grades(self.uid, feeds, "concentrate", ("Ni", "Fe", "S"))
        flux_sio2 = smelting.flux_sio2_content(self.uid, feeds, ("S", *p.matte_recoveries))
        flux = feeds["flux"]
        to_matte = {e: r * conc.get(e, 0.0) for e, r in p.matte_recoveries.items()}
        try:
            matte_t, slag_major_t, so2_t, flux_t = kernel_point(
                "lead_zinc",
                "ni_flash_smelt",
                (sum(to_matte.values()), *(conc.get(e, 0.0) for e in ("Fe", "S", "Si"))),
                p.matte_fe,
                p.matte_s,
                p.flux_sio2_per_fe,
                flux_sio2,
            )
        except ValueError as exc:
            raise ValueError(f"unit '{self.uid}': {exc}; lower matte_fe or matte_s") from None
        split = smelting.split_heavy_metals(conc, p.volatilised, p.gas_abatement_efficiency)
        slag = {
            e: x - to_matte.get(e, 0.0) - split.emitted_t.get(e, 0.0)
            for e, x in conc.items()
            if e != "S"
        }
        slag["Fe"] = conc["Fe"] - p.matte_fe * matte_t
        others = {e: t for e, t in slag.items() if e not in ("Fe", "Si")}
        for e, x in flux.items():
            slag[e] = slag.get(e, 0.0) + flux_t * x
        slag_t = slag_major_t + smelting.compound_mass_t(others)
        return _SmelterBalance(to_matte, matte_t, slag, slag_t, so2_t, flux_t, split.emitted_t)

    def products(self, feeds: Mapping[str, Composition]) -> dict[str, Composition]:
        """Matte, slag and offgas (SO2) compositions."""
        p = self.params
        b = self._balance(feeds)
        matte = smelting.fractions_of(b.to_matte_t, b.matte_t)
        matte.update({"Fe": p.matte_fe, "S": p.matte_s})
        return {
            "matte": matte,
            "slag": smelting.fractions_of(b.slag_elements_t, b.slag_t),
            "offgas": {"S": S_IN_SO2},
        }

    def operating_point(self, feeds: Mapping[str, Composition], load: float = 1.0) -> Mode:
        """Per t concentrate at `load`; the coefficients do not depend on load."""
        p = self.params
        b = self._balance(feeds)
        return self.mode(
            load,
            {"concentrate": 1.0, "flux": b.flux_t},
            {
                "matte": b.matte_t,
                "slag": b.slag_t,
                "offgas": (1.0 - p.fugitive_so2_fraction) * b.so2_t,
            },
            power_kwh=p.power_kwh_per_t,
            fuel_kgce={p.fuel_carrier: p.fuel_kgce_per_t},
            emissions_t={**b.emitted_t, "SO2": p.fugitive_so2_fraction * b.so2_t},
            variable_cost_cny=p.variable_cost_cny_per_t,
            kpi_t={"so2_generated_t": b.so2_t},
        )


class NickelRefineryParams(UnitParams):
    """Parameters of a matte leaching + nickel electrowinning refinery, per t cathode."""

    ni_recovery: float = Field(
        default=0.98,
        gt=0.0,
        le=1.0,
        description="Matte Ni won as cathode, fraction. Nornickel Harjavalta's sulphuric "
        "acid leach extracts over 98 % (Y. Yang, 'Nornickel to expand nickel production in "
        "Finland', metalbulletin.com, 2021-04-15); 0.98 taken for leach and tankhouse together.",
    )
    cathode_ni: float = Field(
        default=0.9996,
        gt=0.0,
        le=1.0,
        description="Ni in the cathode, mass fraction. Grade Ni9996 of GB/T 6516-2010 (the "
        "grade is named in Jinchuan's 2024 revision note on the standard, renrendoc.com "
        "paper 352562380); 0.9996 is read from the grade's designation, its table of "
        "limits not read.",
    )
    cell_voltage_v: float = electrolysis.voltage_field(
        3.5, "Cell voltage of sulphate electrowinning", CELL_SEARCHED
    )
    current_efficiency: float = electrolysis.current_efficiency_field(0.95, CELL_SEARCHED)
    rectifier_efficiency: float = electrolysis.rectifier_field()
    auxiliary_power_kwh_per_t: float = fields.power(
        1000.0,
        "Leaching, solution purification, pumping and cathode handling",
        "cathode",
        f"{fields.PLACEHOLDER} Not found: GB 25323-2023 table 7 gives the refinery's total only.",
    )
    steam_fuel_kgce_per_t: float = fields.fuel(
        751.0,
        "Boiler fuel for leach and electrolyte heating, and everything else the standard's "
        "total covers (a fitted remainder)",
        "cathode",
        f"Fitted: {GB_25323_NICKEL} gives 1300 / 1380 / 2000 kgce/t for high-grade matte to "
        "electrolytic nickel; at grade 1, less the default AC power at 0.1229 kgce/kWh "
        "(DC 3365 x 0.9996 / 0.97 + 1000 auxiliary = 4467 kWh/t, itself from placeholders): "
        "1300 - 4467 x 0.1229 = 751 kgce/t. The standard's table also lists an anode-nickel "
        "electrolysis step, China's electrorefining route, not this leach-electrowinning one.",
    )
    steam_fuel_carrier: fields.FuelName = fields.carrier(
        "natural_gas", "Fuel carrier of the boiler"
    )
    variable_cost_cny_per_t: float = fields.cost(
        3000.0, "Reagents, anodes, labour share", "cathode"
    )


@register
class NickelRefinery(UnitModel):
    """Matte leaching and nickel electrowinning, per t cathode.

    ni_recovery of the matte Ni is won as cathode; everything else (Cu, Co, Fe, S,
    precious metals, the unrecovered Ni) leaves in ``residue``, whose tonnes count the
    element mass only (reagents, O and H untracked). DC energy by Faraday's law, n = 2,
    M = 58.693 g/mol: defaults 2 x 96485.33 x 3.5 / (3.6 x 58.693 x 0.95) = 3365 kWh/t
    Ni; AC = DC / rectifier efficiency + auxiliaries. Simplifications: Cu and Co
    by-products (really separate products) are lumped into the residue; cathode
    impurities are not tracked.
    """

    kind = "nickel_refinery"
    Params = NickelRefineryParams
    input_ports = {"matte": "ni_matte"}
    output_ports = {"cathode": "nickel_cathode", "residue": "ni_refinery_residue"}
    basis_port = "cathode"
    conserved_elements = ("Ni", "Cu", "Co", "Fe", "S")
    basis_description = "t of cathode nickel"
    params: NickelRefineryParams

    def _residue(self, feeds: Mapping[str, Composition]) -> tuple[float, dict[str, float]]:
        """(matte t, residue elements t) per t cathode."""
        p = self.params
        matte_t = p.cathode_ni / (p.ni_recovery * element_fraction(self.uid, feeds, "matte", "Ni"))
        matte = feeds["matte"]
        residue = {e: matte_t * x for e, x in matte.items()}
        residue["Ni"] *= 1.0 - p.ni_recovery
        return matte_t, residue

    def products(self, feeds: Mapping[str, Composition]) -> dict[str, Composition]:
        """Cathode and residue compositions."""
        _, residue = self._residue(feeds)
        return {
            "cathode": {"Ni": self.params.cathode_ni},
            "residue": smelting.fractions_of(residue, sum(residue.values())),
        }

    def dc_kwh_per_t(self) -> float:
        """DC energy, kWh per t cathode (Faraday's law for the Ni it holds)."""
        p = self.params
        per_t_ni = electrolysis.faraday_kwh_per_t(p.cell_voltage_v, p.current_efficiency, "Ni")
        return per_t_ni * p.cathode_ni

    def operating_point(self, feeds: Mapping[str, Composition], load: float = 1.0) -> Mode:
        """Per t cathode at `load`; the coefficients do not depend on load."""
        p = self.params
        matte_t, residue = self._residue(feeds)
        return self.mode(
            load,
            {"matte": matte_t},
            {"cathode": 1.0, "residue": sum(residue.values())},
            power_kwh=electrolysis.ac_kwh_per_t(
                self.dc_kwh_per_t(), p.rectifier_efficiency, p.auxiliary_power_kwh_per_t
            ),
            fuel_kgce={p.steam_fuel_carrier: p.steam_fuel_kgce_per_t},
            variable_cost_cny=p.variable_cost_cny_per_t,
        )
