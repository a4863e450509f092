"""Cython kernels of the mining and copper chains against their NumPy references and
hand-computed answers."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from twin.constants import KGCE_MJ, MOLAR_MASS
from twin.ext import copper, copper_ref, mining, mining_ref

N = st.integers(min_value=1, max_value=8)


def column(lo: float, hi: float, n: int) -> st.SearchStrategy[np.ndarray]:
    """n floats in [lo, hi] as a float64 array."""
    return st.lists(st.floats(lo, hi), min_size=n, max_size=n).map(np.array)


def assert_same(kernel_out: object, ref_out: object) -> None:
    kernel_arrays = kernel_out if isinstance(kernel_out, tuple) else (kernel_out,)
    ref_arrays = ref_out if isinstance(ref_out, tuple) else (ref_out,)
    assert len(kernel_arrays) == len(ref_arrays)
    for k, r in zip(kernel_arrays, ref_arrays, strict=True):
        assert isinstance(k, np.ndarray) and k.dtype == np.float64
        np.testing.assert_allclose(k, r, rtol=1e-12, atol=0.0)


@st.composite
def delivery_inputs(draw: st.DrawFn) -> tuple[np.ndarray, ...]:
    n = draw(N)
    return (
        draw(column(1.0, 1e6, n)),
        draw(column(1e-4, 0.05, n)),
        draw(column(0.0, 0.3, n)),
        draw(column(0.0, 0.3, n)),
        draw(column(0.0, 0.005, n)),
    )


@given(delivery_inputs())
def test_mine_delivery_matches_reference(args: tuple[np.ndarray, ...]) -> None:
    assert_same(mining.mine_delivery(*args), mining_ref.mine_delivery(*args))


@given(delivery_inputs())
def test_mine_delivery_conserves_metal(args: tuple[np.ndarray, ...]) -> None:
    """Delivered + lost element mass = in-situ + diluent element mass; tonnes likewise."""
    insitu, grade, _, _, diluent_grade = args
    delivered, delivered_grade, lost, diluent = mining.mine_delivery(*args)
    np.testing.assert_allclose(delivered + lost, insitu + diluent, rtol=1e-12)
    np.testing.assert_allclose(
        delivered * delivered_grade + lost * grade,
        insitu * grade + diluent * diluent_grade,
        rtol=1e-12,
    )


def test_mine_delivery_known_answer() -> None:
    # 100 t at 1 % Cu, 5 % loss, 8 % dilution at 0.1 % Cu.
    delivered, grade, lost, diluent = mining.mine_delivery(
        np.array([100.0]), np.array([0.01]), np.array([0.05]), np.array([0.08]), np.array([0.001])
    )
    assert delivered[0] == pytest.approx(95.0 / 0.92, rel=1e-15)
    assert lost[0] == pytest.approx(5.0, rel=1e-15)
    assert diluent[0] == pytest.approx(0.08 * 95.0 / 0.92, rel=1e-15)
    assert grade[0] == pytest.approx((95.0 * 0.01 + diluent[0] * 0.001) / delivered[0], rel=1e-15)


@st.composite
def haul_inputs(draw: st.DrawFn) -> tuple[object, ...]:
    n = draw(N)
    return (
        draw(column(0.0, 800.0, n)),
        draw(column(0.1, 15.0, n)),
        draw(column(0.0, 0.05, n)),
        draw(st.floats(0.15, 0.45)),
        draw(st.floats(0.0, 1.2)),
    )


@given(haul_inputs())
def test_haul_fuel_matches_reference(args: tuple[object, ...]) -> None:
    assert_same(mining.haul_fuel_kgce_per_t(*args), mining_ref.haul_fuel_kgce_per_t(*args))


@pytest.mark.parametrize("impl", [mining, mining_ref])
def test_haul_fuel_known_answers(impl: object) -> None:
    g = 9.80665
    # Deep pit, short haul: 0.03 x 2 km = 60 m of rolling resistance < 100 m lift, so the
    # empty downhill return needs no traction.
    deep = impl.haul_fuel_kgce_per_t(
        np.array([100.0]), np.array([2.0]), np.array([0.03]), 0.3, 0.75
    )
    assert deep[0] == pytest.approx(g * 1000 * 1.75 * (100 + 60) / 1e6 / 0.3 / KGCE_MJ, rel=1e-14)
    # Shallow pit, long haul: 150 m of rolling resistance; the empty return pushes the
    # 0.75 t of tare against 150 - 20 = 130 m.
    flat = impl.haul_fuel_kgce_per_t(np.array([20.0]), np.array([5.0]), np.array([0.03]), 0.3, 0.75)
    expected = g * 1000 * (1.75 * (20 + 150) + 0.75 * 130) / 1e6 / 0.3 / KGCE_MJ
    assert flat[0] == pytest.approx(expected, rel=1e-14)


@st.composite
def bond_inputs(draw: st.DrawFn) -> tuple[np.ndarray, ...]:
    n = draw(N)
    return (
        draw(column(5.0, 25.0, n)),
        draw(column(2000.0, 200_000.0, n)),
        draw(column(20.0, 500.0, n)),
    )


@given(bond_inputs())
def test_bond_matches_reference(args: tuple[np.ndarray, ...]) -> None:
    assert_same(mining.bond_kwh_per_t(*args), mining_ref.bond_kwh_per_t(*args))


@pytest.mark.parametrize("impl", [mining, mining_ref])
def test_bond_worked_example(impl: object) -> None:
    # PROCESS-DATA section 2: Wi = 14, F80 = 10 000 um, P80 = 150 um -> about 10.0 kWh/t.
    w = impl.bond_kwh_per_t(np.array([14.0]), np.array([10_000.0]), np.array([150.0]))
    assert w[0] == pytest.approx(10 * 14 * (1 / math.sqrt(150) - 1 / math.sqrt(10_000)), rel=1e-14)
    assert w[0] == pytest.approx(10.03, abs=0.005)


@st.composite
def two_product_inputs(draw: st.DrawFn) -> tuple[np.ndarray, ...]:
    n = draw(N)
    tail = draw(column(1e-4, 2e-3, n))
    feed = tail + draw(column(1e-4, 0.03, n))
    conc = feed + draw(column(0.05, 0.4, n))
    return feed, conc, tail


@given(two_product_inputs())
def test_two_product_matches_reference(args: tuple[np.ndarray, ...]) -> None:
    assert_same(mining.two_product(*args), mining_ref.two_product(*args))


@pytest.mark.parametrize("impl", [mining, mining_ref])
def test_two_product_known_answer(impl: object) -> None:
    # f = 0.5, c = 30, t = 0.05 (% Cu): R = 30 x 0.45 / (0.5 x 29.95) = 13.5/14.975.
    mass_yield, recovery = impl.two_product(np.array([0.5]), np.array([30.0]), np.array([0.05]))
    assert mass_yield[0] == pytest.approx(0.45 / 29.95, rel=1e-14)
    assert recovery[0] == pytest.approx(13.5 / 14.975, rel=1e-14)
    assert recovery[0] == pytest.approx(0.9015, abs=5e-5)


@st.composite
def smelt_inputs(draw: st.DrawFn) -> tuple[object, ...]:
    n = draw(N)
    arrays = (
        draw(column(0.15, 0.3, n)),
        draw(column(0.2, 0.32, n)),
        draw(column(0.25, 0.34, n)),
        draw(column(0.0, 0.1, n)),
    )
    scalars = (
        draw(st.floats(0.0, 0.03)),
        draw(st.floats(0.99, 1.0)),
        draw(st.floats(0.5, 1.0)),
        draw(st.floats(0.7, 1.0)),
    )
    return arrays + scalars


@given(smelt_inputs())
def test_cu_smelt_matches_reference(args: tuple[object, ...]) -> None:
    assert_same(copper.cu_smelt(*args), copper_ref.cu_smelt(*args))


@pytest.mark.parametrize("impl", [copper, copper_ref])
def test_cu_smelt_known_answer(impl: object) -> None:
    """25 % Cu, 29 % Fe, 31 % S, 1 % Si concentrate, 1 % Cu discard slag, written out by
    stoichiometry."""
    m = MOLAR_MASS
    anode, slag, so2, flux = (
        float(a[0])
        for a in impl.cu_smelt(
            np.array([0.25]), np.array([0.29]), np.array([0.31]), np.array([0.01]),
            0.01, 0.995, 0.8, 0.9,
        )
    )  # fmt: skip
    sio2_conc = 0.01 * (m["Si"] + 2 * m["O"]) / m["Si"]
    flux_expected = (0.8 * 0.29 - sio2_conc) / 0.9
    bare = 0.29 * (m["Fe"] + m["O"]) / m["Fe"] + sio2_conc + flux_expected
    cu_slag = bare * 0.01 / 0.99  # Cu is 1 % of bare slag + Cu
    assert cu_slag / (bare + cu_slag) == pytest.approx(0.01, rel=1e-14)
    assert anode == pytest.approx((0.25 - cu_slag) / 0.995, rel=1e-14)
    assert so2 == pytest.approx(0.31 * (m["S"] + 2 * m["O"]) / m["S"], rel=1e-14)
    assert flux == pytest.approx(flux_expected, rel=1e-14)
    assert slag == pytest.approx(bare + cu_slag, rel=1e-14)


def test_cu_smelt_needs_no_flux_for_siliceous_concentrate() -> None:
    flux = copper.cu_smelt(
        np.array([0.25]), np.array([0.1]), np.array([0.3]), np.array([0.2]), 0.01, 0.995, 0.8, 0.9
    )[3]
    assert flux[0] == 0.0


@st.composite
def heat_inputs(draw: st.DrawFn) -> tuple[object, ...]:
    n = draw(N)
    arrays = (
        draw(column(0.15, 0.3, n)),
        draw(column(0.25, 0.35, n)),
        draw(column(0.28, 0.36, n)),
        draw(column(0.0, 0.05, n)),
        draw(column(0.0, 0.3, n)),
    )
    scalars = (
        draw(st.floats(0.5, 0.7)),
        draw(st.floats(0.0, 0.03)),
        draw(st.floats(0.21, 1.0)),
        draw(st.floats(500.0, 1200.0)),
        draw(st.floats(1000.0, 2000.0)),
    )
    return arrays + scalars


@given(heat_inputs())
def test_cu_flash_heat_matches_reference(args: tuple[object, ...]) -> None:
    assert_same(copper.cu_flash_heat(*args), copper_ref.cu_flash_heat(*args))


@pytest.mark.parametrize("impl", [copper, copper_ref])
def test_cu_flash_heat_worked_by_hand(impl: object) -> None:
    """25 % Cu, 29 % Fe, 31 % S concentrate, 0.2 t SiO2 flux, 60 % matte, no Cu in slag,
    50 % O2 blast, matte 900 and slag 1500 MJ/t; kmol per t concentrate:

    Feed: Cu 250/63.546 = 3.93416, Fe 290/55.845 = 5.19294, S 310/32.06 = 9.66937.
    CuFeS2 3.93416; S left 9.66937 - 7.86832 = 1.80105 -> FeS2 0.90053; Fe left as FeO
    gangue 5.19294 - 3.93416 - 0.90053 = 0.35826. Matte 0.25/0.6 = 0.41667 t: Cu2S
    0.25/0.79856 = 0.31306 t (1.96708), FeS 0.10360 t (1.17857). Slag FeO 5.19294 -
    1.17857 = 4.01438; SO2 9.66937 - 1.96708 - 1.17857 = 6.52372; SiO2 200/60.083 =
    3.32873; fayalite min(4.01438/2, 3.32873) = 2.00719 at -1478.17 + 2 x 272.04 + 910.86
    = -23.23 kJ/mol.
    Formation enthalpies (kJ/mol, twin.thermochemistry): in 3.93416 x -194.93 + 0.90053 x
    -171.64 + 0.35826 x -272.04 = -1018.91 MJ; out 1.96708 x -80.21 + 1.17857 x -102.59 +
    4.01438 x -272.04 + 6.52372 x -296.84 + 2.00719 x -23.23 = -3353.89 MJ; released
    2334.98 MJ/t.
    O2 6.52372 + (4.01438 - 0.35826)/2 = 8.35178 kmol = 0.26724 t; N2 as much (50 %) =
    0.23397 t. Matte 0.41667 x 900 = 375.0 MJ; slag (4.01438 x 71.844/1000 + 0.2) x 1500
    = 732.61 MJ; gas 6.52372 x 66.585 + 8.35178 x 40.962 = 776.49 MJ (NIST Shomate
    equations at 1573.15 K). Surplus 2334.98 - 375.0 - 732.61 - 776.49 = 450.88 MJ/t.
    """
    released, matte_mj, slag_mj, gas_mj, o2_t, n2_t, matte_t, cu_slag = (
        float(a[0])
        for a in impl.cu_flash_heat(
            np.array([0.25]), np.array([0.29]), np.array([0.31]), np.array([0.0]),
            np.array([0.2]), 0.6, 0.0, 0.5, 900.0, 1500.0,
        )
    )  # fmt: skip
    assert released == pytest.approx(2334.98, abs=0.01)
    assert matte_mj == pytest.approx(375.0, rel=1e-12)
    assert slag_mj == pytest.approx(732.61, abs=0.01)
    assert gas_mj == pytest.approx(776.49, abs=0.01)
    assert released - matte_mj - slag_mj - gas_mj == pytest.approx(450.88, abs=0.01)
    assert o2_t == pytest.approx(0.26724, abs=1e-5)
    assert n2_t == pytest.approx(0.23397, abs=1e-5)
    assert matte_t == pytest.approx(0.25 / 0.6, rel=1e-14)
    assert cu_slag == 0.0


@pytest.mark.parametrize("impl", [copper, copper_ref])
def test_cu_flash_heat_slag_cu_is_the_stated_fraction(impl: object) -> None:
    """The Cu the kernel puts in the furnace slag makes exactly furnace_slag_cu of it."""
    args = [np.array([x]) for x in (0.25, 0.29, 0.31, 0.01, 0.2)]
    out = impl.cu_flash_heat(*args, 0.65, 0.02, 0.5, 900.0, 1000.0)
    slag_t = out[2][0] / 1000.0  # slag MJ at 1000 MJ/t
    assert out[7][0] / slag_t == pytest.approx(0.02, rel=1e-12)
    assert out[6][0] == pytest.approx((0.25 - out[7][0]) / 0.65, rel=1e-14)


ONE, TWO = np.ones(1), np.ones(2)
MISMATCHED = [
    ("mine_delivery", (ONE, ONE, ONE, TWO * 0.1, ONE * 0.0)),
    ("haul_fuel_kgce_per_t", (ONE, TWO, ONE, 0.3, 0.75)),
    ("bond_kwh_per_t", (ONE, ONE, TWO)),
    ("two_product", (TWO, ONE, ONE)),
]


@pytest.mark.parametrize("impl", [mining, mining_ref])
@pytest.mark.parametrize("name, args", MISMATCHED)
def test_mining_kernels_reject_mismatched_lengths(
    impl: object, name: str, args: tuple[object, ...]
) -> None:
    with pytest.raises(ValueError, match="differ in length"):
        getattr(impl, name)(*args)


@pytest.mark.parametrize("impl", [copper, copper_ref])
def test_copper_kernels_reject_mismatched_lengths(impl: object) -> None:
    with pytest.raises(ValueError, match="differ in length"):
        impl.cu_smelt(ONE, ONE, TWO, ONE, 0.01, 0.995, 0.8, 0.9)
    with pytest.raises(ValueError, match="differ in length"):
        impl.cu_flash_heat(ONE, ONE, ONE, ONE, TWO, 0.6, 0.01, 0.5, 900.0, 1500.0)
