"""What the smelting units (copper, lead, zinc roasting, nickel, copper scrap) share: the
heavy-metal split, the mass of the compounds in a slag, dust or residue, the silica
flux, and the declarations of the parameters that go with them.

Heavy metals (Pb, As, Cd, Hg, Cr: the plan's class-I metals, TARGETS.md section 3): a
smelting unit's params ``volatilised`` (fraction of each heavy metal fed that reports to
the off-gas) and ``gas_abatement_efficiency`` (fraction of that captured by gas
cleaning) give emitted = feed x volatilised x (1 - abatement), released to air as the
element; the captured part returns to a dust or residue output so every balance closes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import AfterValidator, Field

from twin.constants import AL2O3, FEO, HEAVY_METALS, MOLAR_MASS, SIO2, ZNO, molar_mass
from twin.ext import kernel_columns
from twin.units import fields
from twin.units.base import Fraction, feed_grades

if TYPE_CHECKING:
    from twin.units.base import Composition

#: The compound an element is counted as when the mass of a slag, dust or residue is
#: summed (usual oxides); an element not listed counts as its own mass (entrained
#: metal or matte: Cu, Ni, Co, Ag, Au; Hg; S).
OXIDES: dict[str, dict[str, int]] = {
    "Fe": FEO,
    "Si": SIO2,
    "Al": AL2O3,
    "Zn": ZNO,
    "Ca": {"Ca": 1, "O": 1},
    "Mg": {"Mg": 1, "O": 1},
    "Pb": {"Pb": 1, "O": 1},
    "Cd": {"Cd": 1, "O": 1},
    "As": {"As": 2, "O": 3},
    "Cr": {"Cr": 2, "O": 3},
}


def compound_mass_t(
    element_t: Mapping[str, float], compounds: Mapping[str, dict[str, int]] = OXIDES
) -> float:
    """t of the compounds holding `element_t` ({element: t}); an element without a
    compound in `compounds` counts as its own mass."""
    return sum(
        t * molar_mass(compounds[e]) / (compounds[e][e] * MOLAR_MASS[e]) if e in compounds else t
        for e, t in element_t.items()
    )


def fractions_of(element_t: Mapping[str, float], mass_t: float) -> dict[str, float]:
    """Composition of a `mass_t` t stream holding `element_t`; {} for an empty stream."""
    if mass_t <= 0.0:
        return {}
    return {e: t / mass_t for e, t in element_t.items() if t > 0.0}


def flux_sio2_content(uid: str, feeds: Mapping[str, Composition], banned: Iterable[str]) -> float:
    """SiO2 fraction of the feed on port ``flux`` (its Si counted as SiO2); ValueError
    naming the unit when the flux carries one of the `banned` elements or its SiO2
    content is outside (0, 1]."""
    flux = feed_grades(uid, feeds, "flux", ("Si",))
    bad = sorted(e for e in set(banned) if flux.get(e, 0.0) > 0.0)
    if bad:
        raise ValueError(
            f"unit '{uid}': flux carries {bad}; only flux free of {sorted(set(banned))} is modelled"
        )
    content = flux["Si"] * molar_mass(SIO2) / MOLAR_MASS["Si"]
    if not 0.0 < content <= 1.0:
        raise ValueError(f"unit '{uid}': flux SiO2 content {content:.4g} is outside (0, 1]")
    return content


def _heavy_metals_only(fractions: dict[str, float]) -> dict[str, float]:
    unknown = sorted(set(fractions) - set(HEAVY_METALS))
    if unknown:
        raise ValueError(f"{unknown} are not heavy metals; keys must be among {list(HEAVY_METALS)}")
    return fractions


#: {heavy metal: fraction of it fed that reports to the off-gas}, keys among HEAVY_METALS.
VolatilisedFractions = Annotated[dict[str, Fraction], AfterValidator(_heavy_metals_only)]


@dataclass(frozen=True)
class HeavyMetalSplit:
    """Where the heavy metals fed go, {element: t} each (same basis as the feed)."""

    emitted_t: dict[str, float]  # to air, after gas cleaning
    captured_t: dict[str, float]  # caught by gas cleaning (dust)
    retained_t: dict[str, float]  # not volatilised: stays with the melt / solids


def split_heavy_metals(
    feed_t: Mapping[str, float], volatilised: Mapping[str, float], abatement: float
) -> HeavyMetalSplit:
    """Split the heavy metals among `feed_t` ({element: t}) with the ``volatilise``
    kernel; other elements are ignored, a metal without a `volatilised` entry stays."""
    metals = [m for m in HEAVY_METALS if feed_t.get(m, 0.0) > 0.0]
    columns = kernel_columns(
        "lead_zinc",
        "volatilise",
        ([feed_t[m] for m in metals], [volatilised.get(m, 0.0) for m in metals]),
        abatement,
    )
    return HeavyMetalSplit(*(dict(zip(metals, c, strict=True)) for c in columns))


def volatilised_field(default: dict[str, float], note: str = "") -> Any:
    """The ``volatilised`` parameter: heavy-metal fractions that report to the off-gas."""
    return Field(
        default=default,
        description="Fraction of each heavy metal fed that reports to the off-gas, "
        "{metal: fraction} for Pb, As, Cd, Hg, Cr (a metal not given "
        f"stays in the solids). Placeholders, unverified{note}.",
    )


def abatement_field(default: float, what: str) -> Any:
    """The ``gas_abatement_efficiency`` parameter; `what` says what catches the fume and
    where it goes."""
    return Field(
        default=default,
        ge=0.0,
        le=1.0,
        description=f"Fraction of the volatilised heavy metals captured by {what}, "
        f"fraction. {fields.PLACEHOLDER}",
    )


def fugitive_so2_field(default: float, source: str = fields.ASSUMED) -> Any:
    """The ``fugitive_so2_fraction`` parameter: SO2 that escapes capture."""
    return Field(
        default=default,
        ge=0.0,
        lt=1.0,
        description=f"SO2 generated that escapes the hoods and gas capture, "
        f"released to air, fraction. {source}",
    )


def flux_ratio_field() -> Any:
    """The ``flux_sio2_per_fe`` parameter of a fayalite slag."""
    return Field(
        default=0.8,
        ge=0.0,
        description="SiO2/Fe mass ratio of the discard fayalite slag, t/t (Chinese practice's "
        "硅铁比; flash-smelting practice quotes its inverse, Fe/SiO2: 1 / 0.8 = 1.25). The "
        "lumped copper smelter puts all the concentrate's Fe into one slag at this ratio: its "
        "converter slag is recycled to the furnace, so the discard slag is the smelting "
        "furnace's (the nickel flash smelter uses it for its furnace slag). 0.8 is the middle "
        "of the 0.7-0.9 at which the ISASMELT smelting slag of Chuxiong Dianzhong Non-ferrous "
        "Metals Co. is run to hold magnetite at 3-7 % (Ren Junxiang & Zhang Lei, Yunnan "
        "Metallurgy 2020 no. 3, 73-77, abstract at 218.28.6.71:81/Qikan/Article/Detail"
        "?id=7102230346): a bath-smelting slag; no flash smelter's own figure was found "
        "(searched 2026-11-30: 铁硅比 of the Guixi, Jinlong and Jinchuan flash slags; flash "
        "slag assays of Atlantic Copper, Kennecott, Sar Cheshmeh). The Inco flash furnace "
        "targets a slag of ~34 % SiO2 at 1250 C (Davenport et al., Extractive Metallurgy of "
        "Copper 4th ed. ch. 6, tailieuxanh.com copy, part 5); Hellsten et al. 2019 (J. "
        "Sustain. Metall. 5, abstract) keep slag SiO2 above ~28 wt %; 0.8 SiO2/Fe gives 38 % "
        "in FeO-SiO2.",
    )
