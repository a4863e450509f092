"""The electrolysis kernel (Faraday's law) against its NumPy reference and the Faraday
yields of PROCESS-DATA (summary table: kWh/kg per volt at 100 % CE)."""

from __future__ import annotations

from types import ModuleType

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from twin.constants import FARADAY_C_PER_MOL, MOLAR_MASS
from twin.ext import aluminium, electrolysis, electrolysis_ref

IMPLS = [electrolysis, electrolysis_ref]
N = st.integers(min_value=1, max_value=8)


def column(lo: float, hi: float, n: int) -> st.SearchStrategy[np.ndarray]:
    """n floats in [lo, hi] as a float64 array."""
    return st.lists(st.floats(lo, hi), min_size=n, max_size=n).map(np.array)


@st.composite
def faraday_inputs(draw: st.DrawFn) -> tuple[object, ...]:
    n = draw(N)
    return (
        draw(column(0.1, 5.0, n)),
        draw(column(0.8, 1.0, n)),
        draw(st.sampled_from([1.0, 2.0, 3.0])),
        draw(st.floats(20.0, 210.0)),
    )


@given(faraday_inputs())
def test_faraday_matches_reference(args: tuple[object, ...]) -> None:
    got = electrolysis.faraday_kwh_per_t(*args)
    assert isinstance(got, np.ndarray) and got.dtype == np.float64
    np.testing.assert_allclose(got, electrolysis_ref.faraday_kwh_per_t(*args), rtol=1e-12, atol=0.0)


def test_compiled_faraday_constant_is_twin_constants() -> None:
    """electrolysis.pxd states F for the compiled kernels; it must be CODATA's, as here."""
    # n = 1, M = 1 g/mol, U = 3.6 V, CE = 1: E = F x 3.6 / 3.6 kWh/t.
    e = electrolysis.faraday_kwh_per_t(np.array([3.6]), np.array([1.0]), 1.0, 1.0)
    assert e[0] == pytest.approx(FARADAY_C_PER_MOL, rel=1e-15)


@pytest.mark.parametrize("impl", IMPLS)
def test_faraday_copper_known_answer(impl: ModuleType) -> None:
    # PROCESS-DATA section 4: 0.30 V at 95 % CE -> about 266 kWh/t cathode.
    e = impl.faraday_kwh_per_t(np.array([0.30]), np.array([0.95]), 2.0, 63.546)
    assert e[0] == pytest.approx(2 * 96485.33212 * 0.30 / (3.6 * 63.546 * 0.95), rel=1e-14)
    assert e[0] == pytest.approx(266.4, abs=0.05)


@pytest.mark.parametrize("impl", IMPLS)
@pytest.mark.parametrize(
    "metal, electrons, kwh_per_kg_per_volt",
    [
        ("Cu", 2, 0.8435),
        ("Zn", 2, 0.8199),
        ("Al", 3, 2.980),
        ("Mg", 2, 2.205),
        ("Ni", 2, 0.9133),
        ("Pb", 2, 0.2587),
    ],
)
def test_faraday_yields_of_process_data(
    impl: ModuleType, metal: str, electrons: int, kwh_per_kg_per_volt: float
) -> None:
    per_volt = impl.faraday_kwh_per_t(
        np.array([1.0]), np.array([1.0]), float(electrons), MOLAR_MASS[metal]
    )
    assert per_volt[0] == pytest.approx(
        electrons * FARADAY_C_PER_MOL / (3.6 * MOLAR_MASS[metal]), rel=1e-14
    )
    assert per_volt[0] / 1000.0 == pytest.approx(kwh_per_kg_per_volt, abs=5e-4)


def test_potline_uses_the_same_faraday_law() -> None:
    """The potline kernel cimports electrolysis.pxd: its AC energy at nominal amperage is
    Faraday's (n = 3) / rectifier efficiency, bit for bit."""
    _, _, ac = aluminium.potline_point(np.array([1.0]), 4.02, 1.65, 0.925, 0.5, 0.97)
    dc = electrolysis.faraday_kwh_per_t(np.array([4.02]), np.array([0.925]), 3.0, MOLAR_MASS["Al"])
    assert ac[0] == dc[0] / 0.97


def test_kernel_accepts_read_only_arrays() -> None:
    a = np.array([0.3])
    a.setflags(write=False)
    assert electrolysis.faraday_kwh_per_t(a, a, 2.0, 63.546)[0] > 0.0


@pytest.mark.parametrize("impl", IMPLS)
def test_rejects_mismatched_lengths(impl: ModuleType) -> None:
    with pytest.raises(ValueError, match="differ in length"):
        impl.faraday_kwh_per_t(np.ones(1), np.ones(2), 2.0, 63.546)


@given(
    st.lists(st.floats(0.5, 1.5), min_size=1, max_size=8),
    st.floats(0.0, 0.3),
    st.floats(0.0, 1.0),
)
def test_cell_curve_matches_reference(loads: list[float], tafel: float, share: float) -> None:
    args = (np.array(loads), 3.4, 1.992, 0.45, tafel, 0.9, share, 2.0, 65.38)
    for got, want in zip(
        electrolysis.cell_curve(*args), electrolysis_ref.cell_curve(*args), strict=True
    ):
        np.testing.assert_allclose(got, want, rtol=1e-12)


@pytest.mark.parametrize("impl", IMPLS)
def test_cell_curve_zinc_by_hand(impl: ModuleType) -> None:
    """At L = 1.2: U = 1.992 + (3.4 - 1.992 - 0.45) + 0.247 log10 1.2 + 0.45 x 1.2 =
    3.50956 V; CE = 1 - 0.1 (0.5/1.2 + 0.5 x 1.2) = 0.898333; DC = 2 F U / (3.6 x 65.38
    x CE) = 3203.01 kWh/t. At L = 1 the nominal point comes back exactly."""
    u, ce, dc = impl.cell_curve(np.array([1.2, 1.0]), 3.4, 1.992, 0.45, 0.247, 0.9, 0.5, 2, 65.38)
    assert u[0] == pytest.approx(3.50956, abs=5e-6)
    assert ce[0] == pytest.approx(0.898333, abs=5e-7)
    assert dc[0] == pytest.approx(3203.01, abs=0.005)
    assert (u[1], ce[1]) == (pytest.approx(3.4, rel=1e-15), pytest.approx(0.9, rel=1e-15))


@pytest.mark.parametrize("impl", IMPLS)
def test_cell_curve_rejects_points_off_the_curve(impl: ModuleType) -> None:
    args = (3.4, 1.992, 0.45, 0.247, 0.9, 0.5, 2.0, 65.38)
    with pytest.raises(ValueError, match="must be > 0"):
        impl.cell_curve(np.array([1.0, 0.0]), *args)
    with pytest.raises(ValueError, match="activation overpotential is negative"):
        impl.cell_curve(np.array([1e-5]), *args)
    with pytest.raises(ValueError, match="current efficiency <= 0"):
        impl.cell_curve(np.array([30.0]), 3.4, 1.992, 0.45, 0.0, 0.9, 0.5, 2.0, 65.38)
