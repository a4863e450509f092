"""Bayer alumina refinery (kind ``bayer_refinery``).

Bauxite is digested in caustic soda; reactive silica precipitates as desilication product
(DSP), which locks alumina and soda into the red mud (bauxite residue). Coefficients are
per t alumina; the balance itself is the kernel ``twin.ext.aluminium.bayer_balance``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from pydantic import Field, model_validator

from twin.constants import AL_IN_AL2O3, DSP_AL2O3_T_PER_T_SIO2, NA_IN_NAOH, SI_IN_SIO2
from twin.ext import kernel_point
from twin.units import fields
from twin.units.base import UnitModel, UnitParams, element_fraction, register

if TYPE_CHECKING:
    from twin.units.base import Composition, Mode


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
        "Stated assumption, unverified.",
    )
    loss_on_ignition: float = Field(
        default=0.15,
        ge=0.0,
        lt=1.0,
        description="Bound water and volatiles, mass fraction of the bauxite. "
        "Illustrative, unverified.",
    )
    mech_soda_loss_kg_per_t: float = Field(
        default=40.0,
        ge=0.0,
        description="NaOH lost with residue liquor and spills, kg/t alumina. Placeholder, "
        "unverified: no caustic consumption figure was found.",
    )
    fuel_kgce_per_t: float = fields.fuel(
        395.0,
        "Steam and calcination fuel",
        "alumina",
        "Calibrated so that fuel + electricity x 0.1229 kgce/kWh = 426 kgce/t, the plan's "
        "2015 comprehensive energy of alumina (TARGETS.md section 1).",
    )
    power_kwh_per_t: float = fields.power(250.0, "Electricity", "alumina", fields.PLACEHOLDER)
    fuel_carrier: fields.FuelName = fields.carrier(
        "coal", "Fuel carrier burnt for steam and calcination"
    )
    variable_cost_cny_per_t: float = fields.cost(
        300.0, "Operating cost other than caustic", "alumina"
    )

    @model_validator(mode="after")
    def _bauxite_consistent(self) -> BayerParams:
        if self.available_alumina + self.reactive_silica + self.loss_on_ignition >= 1.0:
            raise ValueError("available_alumina + reactive_silica + loss_on_ignition must be < 1")
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
    locking 0.849 t Al2O3 and 0.888 t NaOH per t SiO2. Alumina recovered per t bauxite
    = (A_av - 0.849 S_r) x extraction. Red mud (dry) = bauxite x (1 - LOI) - alumina +
    consumed NaOH as Na2O; it carries all Si, Fe and other bauxite elements, the Al not
    recovered and all Na consumed, so every element balance closes exactly.
    Simplifications: the alumina product is pure Al2O3; soda is consumed only by DSP and
    the stated mechanical loss; lime, flocculant and sand separation are not modelled;
    the caustic port is counted as delivered caustic carrying the NaOH-equivalent Na.
    Red mud lands at 1.07 t/t alumina with defaults (typically 1-1.5 t/t: LME Insight,
    "The neglected areas of aluminium sustainability: mitigating bauxite residue").
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

    def operating_point(self, feeds: Mapping[str, Composition], load: float = 1.0) -> Mode:
        """Per t alumina; coefficients do not depend on load, the rate limits do."""
        p = self.params
        bauxite_t, caustic_t, red_mud_t = self._balance(feeds)
        self._red_mud(feeds, bauxite_t, caustic_t, red_mud_t)  # raises on a misfit bauxite
        return self.mode(
            load,
            {"bauxite": bauxite_t, "caustic": caustic_t},
            {"alumina": 1.0, "red_mud": red_mud_t},
            power_kwh=p.power_kwh_per_t,
            fuel_kgce={p.fuel_carrier: p.fuel_kgce_per_t},
            variable_cost_cny=p.variable_cost_cny_per_t,
        )
