"""The Cython light-metal kernels against their NumPy references."""

from __future__ import annotations

from types import ModuleType

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from twin import constants
from twin.ext import light_metals, light_metals_ref

IMPLS = [light_metals, light_metals_ref]


def columns(points: list[tuple[float, ...]]) -> list[np.ndarray]:
    return [np.ascontiguousarray(c, dtype=np.float64) for c in zip(*points, strict=True)]


def assert_same(got: tuple[np.ndarray, ...], want: tuple[np.ndarray, ...]) -> None:
    assert len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        np.testing.assert_allclose(g, w, rtol=1e-12)


pidgeon_point = st.tuples(
    st.floats(0.08, 0.14),  # dolomite Mg fraction
    st.floats(0.0, 0.135),  # dolomite C fraction
    st.floats(0.45, 0.95),  # ferrosilicon Si fraction
    st.floats(0.5, 1.0),  # Mg yield
    st.floats(0.0, 1.0),  # Si excess
)
electrolysis_point = st.tuples(
    st.floats(0.10, 0.2553),  # feed Mg fraction
    st.floats(0.30, 0.7447),  # feed Cl fraction
    st.floats(0.5, 0.999),  # Mg recovery
)
kroll_point = st.tuples(
    st.floats(0.45, 0.5993),  # feed Ti fraction
    st.floats(0.8, 1.0),  # coke C fraction
    st.floats(0.9, 1.0),  # make-up Mg fraction
    st.floats(0.9, 1.0),  # make-up Cl fraction
    st.floats(0.5, 0.999),  # Ti recovery
    st.floats(0.251, 0.6),  # carbon, t/t Ti
    st.floats(0.0, 0.2),  # Mg loss
    st.floats(0.0, 0.2),  # Cl loss
)
bayer_point = st.tuples(
    st.floats(1.5, 4.0),  # t bauxite/t alumina
    st.floats(5.0, 20.0),  # m3 liquor/t alumina
    st.floats(101.0, 300.0),  # digestion temperature, C
    st.floats(0.0, 0.12, allow_subnormal=False),  # lime, t CaO/t bauxite
)
#: return C, heat recovery, boiler efficiency, liquor MJ/(m3 K), solids MJ/(t K), lime GJ/t
BAYER_SCALARS = (100.0, 0.6, 0.85, 4.4, 0.9, 4.5)


@settings(deadline=None)
@given(st.lists(pidgeon_point, min_size=1, max_size=20))
def test_pidgeon_balance_matches_reference(points: list[tuple[float, ...]]) -> None:
    cols = columns(points)
    assert_same(light_metals.pidgeon_balance(*cols), light_metals_ref.pidgeon_balance(*cols))


@settings(deadline=None)
@given(st.lists(electrolysis_point, min_size=1, max_size=20))
def test_mg_electrolysis_balance_matches_reference(points: list[tuple[float, ...]]) -> None:
    cols = columns(points)
    assert_same(
        light_metals.mg_electrolysis_balance(*cols), light_metals_ref.mg_electrolysis_balance(*cols)
    )


@settings(deadline=None)
@given(st.lists(kroll_point, min_size=1, max_size=20))
def test_kroll_balance_matches_reference(points: list[tuple[float, ...]]) -> None:
    cols = columns(points)
    assert_same(light_metals.kroll_balance(*cols), light_metals_ref.kroll_balance(*cols))


@settings(deadline=None)
@given(st.lists(bayer_point, min_size=1, max_size=20))
def test_bayer_digestion_matches_reference(points: list[tuple[float, ...]]) -> None:
    cols = columns(points)
    assert_same(
        light_metals.bayer_digestion(*cols, *BAYER_SCALARS),
        light_metals_ref.bayer_digestion(*cols, *BAYER_SCALARS),
    )


@pytest.mark.parametrize("impl", IMPLS)
def test_bayer_digestion_known_answer(impl: ModuleType) -> None:
    """2 t bauxite, 10 m3 liquor, 250 C, 0.1 t CaO/t bauxite: (10 x 4.4 + 2 x 0.9) x 150 x
    0.4 / 0.85 / 29.3076 = 110.31 kgce; lime 0.2 t x 4500 / 29.3076 = 30.71 kgce and 0.2 x
    44.009/56.077 = 0.15696 t CO2."""
    dig, lime, lime_kgce, co2 = impl.bayer_digestion(
        np.array([2.0]), np.array([10.0]), np.array([250.0]), np.array([0.1]), *BAYER_SCALARS
    )
    assert dig[0] == pytest.approx(45.8 * 150 * 0.4 / 0.85 / 29.3076, rel=1e-12)
    assert lime[0] == pytest.approx(0.2, rel=1e-12)
    assert lime_kgce[0] == pytest.approx(0.2 * 4500 / 29.3076, rel=1e-12)
    assert co2[0] == pytest.approx(0.2 * 44.009 / 56.077, rel=1e-4)
    assert (dig[0], lime_kgce[0]) == pytest.approx((110.31, 30.71), abs=5e-3)


@pytest.mark.parametrize("impl", IMPLS)
def test_bayer_digestion_rejects_bad_points(impl: ModuleType) -> None:
    one, two = np.ones(1), np.ones(2)
    with pytest.raises(ValueError, match="bayer_digestion: input arrays differ in length"):
        impl.bayer_digestion(one, one, two, one, *BAYER_SCALARS)
    with pytest.raises(ValueError, match="bayer_digestion: point 1 digests at or below"):
        impl.bayer_digestion(two, two, np.array([150.0, 100.0]), two, *BAYER_SCALARS)


def test_constants_by_hand() -> None:
    """The stoichiometric ratios both implementations take from twin.constants."""
    assert constants.SI_T_PER_T_MG == pytest.approx(28.085 / (2 * 24.305), rel=1e-12)
    assert constants.CO2_T_PER_T_C == pytest.approx((12.011 + 2 * 15.999) / 12.011, rel=1e-12)
    assert constants.MG_T_PER_T_TI == pytest.approx(2 * 24.305 / 47.867, rel=1e-12)
    assert constants.MGCL2_T_PER_T_TI == pytest.approx(2 * (24.305 + 2 * 35.45) / 47.867, rel=1e-12)
    assert constants.CL2_T_PER_T_TI == pytest.approx(4 * 35.45 / 47.867, rel=1e-12)
    assert constants.O_T_PER_T_TI == pytest.approx(2 * 15.999 / 47.867, rel=1e-12)


@pytest.mark.parametrize("impl", IMPLS)
def test_pidgeon_balance_known_answer(impl: ModuleType) -> None:
    one = np.ones(1)
    dolomite_t, fesi_t, co2_t, slag_t = impl.pidgeon_balance(
        np.array([0.1318]), np.array([0.1303]), np.array([0.75]), one, np.zeros(1)
    )
    assert dolomite_t[0] == pytest.approx(1 / 0.1318, rel=1e-12)
    assert fesi_t[0] == pytest.approx(28.085 / 48.61 / 0.75, rel=1e-12)
    assert co2_t[0] == pytest.approx(0.1303 / 0.1318 * 44.009 / 12.011, rel=1e-12)
    assert slag_t[0] == pytest.approx(dolomite_t[0] - co2_t[0] + fesi_t[0] - 1, rel=1e-12)


@pytest.mark.parametrize("impl", IMPLS)
def test_kernels_reject_unequal_lengths(impl: ModuleType) -> None:
    one, two = np.ones(1), np.ones(2)
    with pytest.raises(ValueError, match="pidgeon_balance: input arrays differ in length"):
        impl.pidgeon_balance(one, one, two, one, one)
    with pytest.raises(ValueError, match="mg_electrolysis_balance: .* differ in length"):
        impl.mg_electrolysis_balance(one, two, one)
    with pytest.raises(ValueError, match="kroll_balance: input arrays differ in length"):
        impl.kroll_balance(one, one, one, one, one, one, one, two)


@pytest.mark.parametrize("impl", IMPLS)
def test_kernels_reject_points_without_a_by_product(impl: ModuleType) -> None:
    with pytest.raises(ValueError, match="pidgeon_balance: point 1 leaves no slag"):
        impl.pidgeon_balance(
            np.array([0.13, 0.13]),
            np.array([0.13, 0.30]),
            np.full(2, 0.75),
            np.full(2, 0.72),
            np.full(2, 0.4),
        )
    with pytest.raises(ValueError, match="mg_electrolysis_balance: point 0 leaves no sludge"):
        impl.mg_electrolysis_balance(np.array([0.5]), np.array([0.6]), np.array([0.99]))
    with pytest.raises(ValueError, match="kroll_balance: point 0 leaves no residue"):
        impl.kroll_balance(
            np.array([0.9]),
            *(np.ones(1) for _ in range(3)),
            np.array([0.99]),
            np.array([0.3]),
            np.zeros(1),
            np.zeros(1),
        )


def test_kernels_accept_read_only_arrays() -> None:
    a = np.array([0.5])
    a.setflags(write=False)
    assert light_metals.mg_electrolysis_balance(a * 0.5, a, a)[0][0] == pytest.approx(8.0)
