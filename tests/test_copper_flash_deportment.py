"""The smelter's cited deportments (twin.units.copper_flash.DEFAULT_DEPORTMENT) and gas
cleaning, rebuilt from the published figures they are derived from, and followed through
deport() by hand."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from twin.units.copper import CopperSmelterParams
from twin.units.copper_flash import DEFAULT_DEPORTMENT, deport

#: Guixi flash furnace, Bi to gas / slag / matte (the 2019 review's table 1 text:
#: 75.64 % to matte, 9.60 % to slag, the rest to gas).
FURNACE_BI = (1.0 - 0.7564 - 0.0960, 0.0960, 0.7564)
#: Peirce-Smith converting, Bi to blister / converter slag / off-gas from 54 % and 70 %
#: Cu matte, % (Davenport et al. 4th ed., Vogt et al. 1979, Mendoza & Luraschi 1993).
CONVERTING_BI = ((13.0, 17.0, 67.0), (55.0, 23.0, 22.0))


def test_bismuth_row_is_the_furnace_then_converter_split() -> None:
    """Converting at 60 % matte, weight (60 - 54) / (70 - 54) = 0.375: 13 + 0.375 x 42 =
    28.75, 17 + 0.375 x 6 = 19.25, 67 - 0.375 x 45 = 50.125, sum 98.125, so b = 0.29299,
    c = 0.19618, v = 0.51083. With the converter slag back to the furnace the pass sends
    (0.1476 + 0.7564 x 0.51083) / (1 - 0.19618 x 0.7564) = 0.53399 / 0.85161 = 0.62704
    to gas, 0.096 / 0.85161 = 0.11273 to slag and 0.7564 x 0.29299 / 0.85161 = 0.26024 to
    the anode; the table rounds them to 0.627 / 0.113 / 0.260."""
    w = (0.60 - 0.54) / (0.70 - 0.54)
    low, high = CONVERTING_BI
    mix = [a + w * (b_ - a) for a, b_ in zip(low, high, strict=True)]
    blister, conv_slag, offgas = (x / sum(mix) for x in mix)
    assert (blister, conv_slag, offgas) == pytest.approx((0.29299, 0.19618, 0.51083), abs=5e-6)
    gas, slag, matte = FURNACE_BI
    kept = 1.0 - conv_slag * matte
    derived = ((gas + matte * offgas) / kept, slag / kept, matte * blister / kept)
    assert derived == pytest.approx((0.62704, 0.11273, 0.26024), abs=5e-6)
    bi = DEFAULT_DEPORTMENT["Bi"]
    assert (bi.gas, bi.slag, bi.anode) == pytest.approx(derived, abs=5e-4)


def test_bismuth_through_the_dust_loop_by_hand() -> None:
    """Per t Bi fed at 60 % matte (gas 0.627, slag 0.113, anode 0.260; Bi is no heavy
    metal, so all its fume is caught; bleed 0.2): the furnace sees I = 1 / (1 - 0.8 x
    0.627) = 2.006421 t, fumes 0.627 I = 1.258026, bleeds 0.2 x 0.627 I = 0.251605,
    slags 0.113 I = 0.226726 and sends 0.260 I = 0.521669 to the anode (sum 1), nothing
    to air. At 70 % matte the slag weight is 0.113 x 0.7 / 0.6 = 0.131833, so the pass's
    slag share is 0.373 x 0.131833 / (0.131833 + 0.260) = 0.125497, anode 0.247503."""
    p = CopperSmelterParams()
    out = deport("fsf", {"Bi": 1.0}, p, 0.60)
    assert out.gas_t["Bi"] == pytest.approx(1.258026, abs=1e-6)
    assert out.bled_t["Bi"] == pytest.approx(0.251605, abs=1e-6)
    assert out.slag_t["Bi"] == pytest.approx(0.226726, abs=1e-6)
    assert out.anode_t["Bi"] == pytest.approx(0.521669, abs=1e-6)
    assert "Bi" not in out.emitted_t
    rich = deport("fsf", {"Bi": 1.0}, p, 0.70)
    circulating = 1.0 / (1.0 - 0.8 * 0.627)
    assert rich.slag_t["Bi"] == pytest.approx(0.125497 * circulating, abs=1e-6)
    assert rich.anode_t["Bi"] == pytest.approx(0.247503 * circulating, abs=1e-6)


#: Li et al., Process Saf. Environ. Prot. 2023 (abstract): % of the concentrate's As and Pb
#: to the flue gas, and % of its heavy metals to air.
FLUE_GAS_AS_PB = (65.02, 66.21)
TO_AIR_PCT = 0.03


def test_arsenic_and_lead_rows_from_the_published_flue_gas_shares() -> None:
    """Gas shares rounded from 65.02 % and 66.21 %; the rest split slag : anode 3 : 1 (As,
    0.35 -> 0.2625 + 0.0875) and 10 : 1 (Pb, 0.34 -> 0.30909 + 0.03091, tabled 0.309 +
    0.031)."""
    arsenic, lead = DEFAULT_DEPORTMENT["As"], DEFAULT_DEPORTMENT["Pb"]
    assert arsenic.gas == pytest.approx(FLUE_GAS_AS_PB[0] / 100, abs=5e-3)
    assert lead.gas == pytest.approx(FLUE_GAS_AS_PB[1] / 100, abs=5e-3)
    assert (arsenic.slag, arsenic.anode) == pytest.approx((0.2625, 0.0875), abs=1e-12)
    assert (lead.slag, lead.anode) == pytest.approx((0.30909, 0.03091), abs=5e-4)


def test_particulate_abatement_from_the_published_flows() -> None:
    """The plant's 0.03 % of the heavy metals to air, with a fume share v per pass (the mean
    of 65.02 and 66.21 %, 0.65615) and 80 % of the caught dust recycled: a = v (1 - c) /
    (1 - 0.8 c v), so c = (v - a) / (v (1 - 0.8 a)) = 0.65585 / (0.65615 x 0.99976) =
    0.65585 / 0.655993 = 0.999783, tabled 0.99978."""
    v, a = sum(FLUE_GAS_AS_PB) / 200, TO_AIR_PCT / 100
    caught = (v - a) / (v * (1 - 0.8 * a))
    assert caught == pytest.approx(0.999783, abs=5e-7)
    assert v * (1 - caught) / (1 - 0.8 * caught * v) == pytest.approx(a, rel=1e-12)
    assert CopperSmelterParams().gas_abatement_efficiency == pytest.approx(caught, abs=1e-4)


def test_mercury_and_particulates_are_caught_at_their_own_rates() -> None:
    """Per t Cd fed (v 0.8, no anode share, abatement 0.99978, bleed 0.2): to air 0.8 x
    0.00022 / (1 - 0.8 x 0.99978 x 0.8) = 0.000176 / 0.360141 = 0.00048870; Hg (v 1, 0.998):
    0.002 / 0.2016 = 0.0099206. Raising the Hg abatement leaves the Cd unchanged."""
    p = CopperSmelterParams()
    out = deport("fsf", {"Cd": 1.0, "Hg": 1.0}, p, 0.60)
    assert out.emitted_t["Cd"] == pytest.approx(0.00048870, abs=5e-8)
    assert out.emitted_t["Hg"] == pytest.approx(0.0099206, abs=5e-7)
    tighter = deport(
        "fsf",
        {"Cd": 1.0, "Hg": 1.0},
        p.model_copy(update={"mercury_abatement_efficiency": 0.999}),
        0.60,
    )
    assert tighter.emitted_t["Cd"] == out.emitted_t["Cd"]
    assert tighter.emitted_t["Hg"] == pytest.approx(0.001 / (1 - 0.8 * 0.999), rel=1e-12)


def test_precious_metals_inside_the_published_recoveries() -> None:
    """Au to the anode inside the flash smelting to Peirce-Smith route's 98.8-99.5 % first-pass
    recovery (Processes 12 (2024) 2795); Ag inside the modelled 97.8-98.9 % (Processes 12
    (2024) 2820); neither fumes."""
    gold, silver = DEFAULT_DEPORTMENT["Au"], DEFAULT_DEPORTMENT["Ag"]
    assert 0.988 <= gold.anode <= 0.995 and gold.gas == 0.0
    assert 0.978 <= silver.anode <= 0.989 and silver.gas == 0.0


@given(
    fed=st.floats(min_value=1e-9, max_value=0.05),
    grade=st.floats(min_value=0.3, max_value=0.79),
    bleed=st.floats(min_value=0.01, max_value=1.0),
)
def test_every_default_element_leaves_exactly_once(fed: float, grade: float, bleed: float) -> None:
    """Whatever the matte grade and bleed, each tabled element fed leaves as slag, anode,
    bled dust or emission, and those add up to what was fed (to 1e-12 relative)."""
    p = CopperSmelterParams(dust_bleed_fraction=bleed)
    out = deport("fsf", dict.fromkeys(DEFAULT_DEPORTMENT, fed), p, grade)
    for e in DEFAULT_DEPORTMENT:
        left = (
            out.slag_t.get(e, 0.0)
            + out.anode_t.get(e, 0.0)
            + out.bled_t.get(e, 0.0)
            + out.emitted_t.get(e, 0.0)
        )
        assert left == pytest.approx(fed, rel=1e-12), e
