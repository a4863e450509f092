"""The Cython aluminium kernels against their NumPy references."""

from __future__ import annotations

from types import ModuleType

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from twin.ext import aluminium, aluminium_ref

IMPLS = [aluminium, aluminium_ref]

bayer_point = st.tuples(
    st.floats(0.30, 0.60),  # available Al2O3
    st.floats(0.0, 0.12),  # reactive SiO2
    st.floats(0.70, 1.0),  # extraction
    st.floats(0.05, 0.30),  # loss on ignition
    st.floats(0.0, 150.0),  # mechanical soda loss, kg NaOH/t
)


@settings(deadline=None)
@given(st.lists(bayer_point, min_size=1, max_size=20))
def test_bayer_balance_matches_reference(points: list[tuple[float, ...]]) -> None:
    columns = [np.ascontiguousarray(c, dtype=np.float64) for c in zip(*points, strict=True)]
    got = aluminium.bayer_balance(*columns)
    want = aluminium_ref.bayer_balance(*columns)
    for g, w in zip(got, want, strict=True):
        np.testing.assert_allclose(g, w, rtol=1e-12)


@settings(deadline=None)
@given(
    fractions=st.lists(st.floats(0.5, 1.5), min_size=1, max_size=20),
    nominal_voltage=st.floats(3.8, 4.6),
    back_emf=st.floats(1.4, 1.8),
    ce=st.floats(0.85, 1.0),
    curvature=st.floats(0.0, 2.0),
    rectifier=st.floats(0.9, 1.0),
)
def test_potline_point_matches_reference(
    fractions: list[float],
    nominal_voltage: float,
    back_emf: float,
    ce: float,
    curvature: float,
    rectifier: float,
) -> None:
    i = np.array(fractions)
    got = aluminium.potline_point(i, nominal_voltage, back_emf, ce, curvature, rectifier)
    want = aluminium_ref.potline_point(i, nominal_voltage, back_emf, ce, curvature, rectifier)
    for g, w in zip(got, want, strict=True):
        np.testing.assert_allclose(g, w, rtol=1e-12)


@pytest.mark.parametrize("impl", IMPLS)
def test_bayer_balance_rejects_unequal_lengths(impl: ModuleType) -> None:
    one, two = np.array([0.5]), np.array([0.05, 0.05])
    with pytest.raises(ValueError, match="differ in length"):
        impl.bayer_balance(one, two, one, one, one)


@pytest.mark.parametrize("impl", IMPLS)
def test_bayer_balance_rejects_bauxite_without_recoverable_alumina(impl: ModuleType) -> None:
    a = np.array([0.5, 0.04])
    s = np.array([0.05, 0.05])  # DSP locks 0.85 x 0.05 = 0.042 > 0.04 in the second point
    with pytest.raises(ValueError, match="recovers no alumina"):
        impl.bayer_balance(a, s, np.ones(2), np.full(2, 0.15), np.zeros(2))


@pytest.mark.parametrize("impl", IMPLS)
def test_potline_point_rejects_non_positive_current_efficiency(impl: ModuleType) -> None:
    with pytest.raises(ValueError, match="current efficiency"):
        impl.potline_point(np.array([1.0, 3.0]), 4.02, 1.65, 0.925, 0.5, 0.97)


@pytest.mark.parametrize("impl", IMPLS)
def test_potline_point_rejects_zero_rectifier_efficiency(impl: ModuleType) -> None:
    with pytest.raises(ValueError, match="rectifier_efficiency"):
        impl.potline_point(np.array([1.0]), 4.02, 1.65, 0.925, 0.5, 0.0)


@settings(deadline=None)
@given(
    fractions=st.lists(st.floats(0.7, 1.3), min_size=1, max_size=8),
    ce=st.floats(0.88, 0.97),
    curvature=st.floats(0.0, 1.0),
    enthalpy=st.floats(5.5, 7.0),
    flexibility=st.floats(0.0, 1.0),
    v_per_cm=st.floats(0.25, 0.5),
)
def test_potline_modulated_matches_reference(
    fractions: list[float],
    ce: float,
    curvature: float,
    enthalpy: float,
    flexibility: float,
    v_per_cm: float,
) -> None:
    args = (np.array(fractions), 4.02, 1.65, ce, curvature, 0.97, enthalpy, flexibility,
            v_per_cm, 4.5, 4.0, 6.0)  # fmt: skip
    got = aluminium.potline_modulated(*args)
    want = aluminium_ref.potline_modulated(*args)
    for g, w in zip(got, want, strict=True):
        np.testing.assert_allclose(g, w, rtol=1e-12)


@pytest.mark.parametrize("impl", IMPLS)
def test_potline_modulated_holds_the_heat_balance(impl: ModuleType) -> None:
    """Inside the ACD limits the heat I (U - U_H(CE)) is the nominal one (phi = 0):
    at a = 0.95, a (U - 6.34 CE / 2.9796) = 4.02 - 6.34 x 0.925 / 2.9796 = 2.0519 V."""
    u, ce, _, acd = impl.potline_modulated(
        np.array([0.95, 1.0]), 4.02, 1.65, 0.925, 0.5, 0.97, 6.34, 0.0, 0.36, 4.5, 4.0, 6.0
    )
    per_volt = 3 * 96485.33212 / (3.6 * 26.982) / 1000.0
    heat = [a * (v - 6.34 * e / per_volt) for a, v, e in zip([0.95, 1.0], u, ce, strict=True)]
    assert heat[0] == pytest.approx(heat[1], rel=1e-12)
    assert heat[1] == pytest.approx(4.02 - 6.34 * 0.925 / per_volt, rel=1e-12)
    assert 4.5 < acd[0] < 6.0 and acd[1] == pytest.approx(4.5)


@pytest.mark.parametrize("impl", IMPLS)
def test_potline_modulated_rejects_bad_points(impl: ModuleType) -> None:
    with pytest.raises(ValueError, match="no positive current efficiency"):
        impl.potline_modulated(
            np.array([1.0, 0.05]), 4.02, 1.65, 0.925, 0.5, 0.97, 6.34, 0.0, 0.36, 4.5, 4.0, 6.0
        )
    with pytest.raises(ValueError, match="bath_v_per_cm"):
        impl.potline_modulated(
            np.array([1.0]), 4.02, 1.65, 0.925, 0.5, 0.97, 6.34, 0.0, 0.0, 4.5, 4.0, 6.0
        )
