"""The smelter's cited Bi deportment (twin.units.copper_flash.DEFAULT_DEPORTMENT), rebuilt
from the published splits it is derived from, and followed through deport() by hand."""

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
