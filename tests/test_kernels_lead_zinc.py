"""Cython kernels of the lead, zinc and nickel chains against their NumPy references and
hand-computed answers."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from twin.ext import lead_zinc, lead_zinc_ref

IMPLS = [lead_zinc, lead_zinc_ref]
N = st.integers(min_value=1, max_value=8)
M = {"Pb": 207.2, "S": 32.06, "O": 15.999, "Fe": 55.845, "Zn": 65.38, "Si": 28.085}


def real(lo: float, hi: float) -> st.SearchStrategy[float]:
    """Floats in [lo, hi] without subnormals (their relative rounding exceeds 1e-12)."""
    return st.floats(lo, hi, allow_subnormal=False)


def column(lo: float, hi: float, n: int) -> st.SearchStrategy[np.ndarray]:
    """n floats in [lo, hi] as a float64 array."""
    return st.lists(real(lo, hi), min_size=n, max_size=n).map(np.array)


def assert_same(kernel_out: tuple[np.ndarray, ...], ref_out: tuple[np.ndarray, ...]) -> None:
    assert len(kernel_out) == len(ref_out)
    for k, r in zip(kernel_out, ref_out, strict=True):
        assert isinstance(k, np.ndarray) and k.dtype == np.float64
        np.testing.assert_allclose(k, r, rtol=1e-12, atol=0.0)


@st.composite
def volatilise_inputs(draw: st.DrawFn) -> tuple[object, ...]:
    n = draw(N)
    return draw(column(0.0, 0.7, n)), draw(column(0.0, 1.0, n)), draw(real(0.0, 1.0))


@given(volatilise_inputs())
def test_volatilise_matches_reference_and_conserves(args: tuple[object, ...]) -> None:
    out = lead_zinc.volatilise(*args)
    assert_same(out, lead_zinc_ref.volatilise(*args))
    np.testing.assert_allclose(sum(out), args[0], rtol=1e-12, atol=1e-300)


@pytest.mark.parametrize("impl", IMPLS)
def test_volatilise_known_answer(impl: object) -> None:
    emitted, captured, retained = impl.volatilise(np.array([0.01]), np.array([0.8]), 0.99)
    assert emitted[0] == pytest.approx(0.01 * 0.8 * 0.01, rel=1e-14)
    assert captured[0] == pytest.approx(0.01 * 0.8 * 0.99, rel=1e-14)
    assert retained[0] == pytest.approx(0.002, rel=1e-14)


@st.composite
def pb_smelt_inputs(draw: st.DrawFn) -> tuple[object, ...]:
    n = draw(N)
    arrays = (
        draw(column(0.4, 0.75, n)),
        draw(column(0.08, 0.2, n)),
        draw(column(0.0, 0.5, n)),
        draw(column(0.5, 0.8, n)),
        draw(column(0.0, 0.02, n)),
        draw(column(0.0, 1.0, n)),
    )
    return arrays + (draw(real(0.999, 1.0)), draw(real(0.0, 0.05)), draw(real(0.0, 0.01)))


@given(pb_smelt_inputs())
def test_pb_smelt_matches_reference(args: tuple[object, ...]) -> None:
    assert_same(lead_zinc.pb_smelt(*args), lead_zinc_ref.pb_smelt(*args))


@pytest.mark.parametrize("impl", IMPLS)
def test_pb_smelt_known_answer(impl: object) -> None:
    """Half the Pb from paste; 0.2 t slag base/t concentrate at 2 % Pb; 0.1 % Pb escapes."""
    conc, paste, slag, so2, emitted = (
        float(a[0])
        for a in impl.pb_smelt(
            *(np.array([x]) for x in (0.6, 0.15, 0.2, 0.7, 0.005, 0.5)), 0.9999, 0.02, 0.001
        )
    )
    slag_pb = 0.2 * 0.02 / 0.98
    assert conc == pytest.approx(0.5 * 0.9999 / (0.6 - slag_pb - 0.0006), rel=1e-14)
    assert paste == pytest.approx(0.5 * 0.9999 / (0.7 * 0.999), rel=1e-14)
    assert slag == pytest.approx(conc * (0.2 + slag_pb), rel=1e-14)
    so2_per_s = (M["S"] + 2 * M["O"]) / M["S"]
    assert so2 == pytest.approx(so2_per_s * (0.15 * conc + 0.005 * paste), rel=1e-14)
    assert emitted == pytest.approx(0.001 * (0.6 * conc + 0.7 * paste), rel=1e-14)
    # Pb: in = metal + slag + emitted.
    assert 0.6 * conc + 0.7 * paste == pytest.approx(0.9999 + slag_pb * conc + emitted, rel=1e-14)


@pytest.mark.parametrize("impl", IMPLS)
def test_pb_smelt_pure_feeds_need_no_other(impl: object) -> None:
    """At share 0 no paste is charged (even a Pb-free one), at share 1 no concentrate."""
    conc, paste, *_ = impl.pb_smelt(
        np.array([0.6, 0.0]),
        np.array([0.15, 0.0]),
        np.array([0.2, 0.2]),
        np.array([0.0, 0.7]),
        np.zeros(2),
        np.array([0.0, 1.0]),
        1.0,
        0.02,
        0.0,
    )
    assert paste[0] == 0.0 and conc[1] == 0.0
    with pytest.raises(ValueError, match="no Pb"):
        impl.pb_smelt(*(np.array([x]) for x in (0.01, 0.1, 0.9, 0.7, 0.0, 0.5)), 1.0, 0.05, 0.0)


@st.composite
def roast_inputs(draw: st.DrawFn) -> tuple[object, ...]:
    n = draw(N)
    return (
        draw(column(0.4, 0.6, n)),
        draw(column(0.0, 0.15, n)),
        draw(column(0.25, 0.34, n)),
        draw(real(0.0, 0.2)),
    )


@given(roast_inputs())
def test_zn_roast_matches_reference(args: tuple[object, ...]) -> None:
    assert_same(lead_zinc.zn_roast(*args), lead_zinc_ref.zn_roast(*args))


@pytest.mark.parametrize("impl", IMPLS)
def test_zn_roast_known_answer(impl: object) -> None:
    # ZnS + 1.5 O2 -> ZnO + SO2: 50 % Zn, 8 % Fe, 32 % S, 6 % of S kept as sulphate.
    calcine, so2 = (
        float(a[0])
        for a in impl.zn_roast(np.array([0.5]), np.array([0.08]), np.array([0.32]), 0.06)
    )
    zno = 0.5 * (M["Zn"] + M["O"]) / M["Zn"]
    fe2o3 = 0.08 * (2 * M["Fe"] + 3 * M["O"]) / (2 * M["Fe"])
    so3 = 0.06 * 0.32 * (M["S"] + 3 * M["O"]) / M["S"]
    assert calcine == pytest.approx(zno + fe2o3 + so3, rel=1e-14)
    assert so2 == pytest.approx(0.94 * 0.32 * 64.058 / 32.06, rel=1e-14)


@st.composite
def leach_inputs(draw: st.DrawFn) -> tuple[object, ...]:
    n = draw(N)
    arrays = (
        draw(column(0.45, 0.65, n)),
        draw(column(0.0, 0.15, n)),
        draw(column(0.0, 0.03, n)),
        draw(column(0.0, 0.05, n)),
    )
    residue = draw(st.sampled_from([(2.8634, 0.3827), (1.5910, 0.0)]))
    return arrays + (draw(real(0.8, 0.99)),) + residue


@given(leach_inputs())
def test_zn_leach_matches_reference(args: tuple[object, ...]) -> None:
    assert_same(lead_zinc.zn_leach(*args), lead_zinc_ref.zn_leach(*args))


@pytest.mark.parametrize("impl", IMPLS)
def test_zn_leach_known_answer(impl: object) -> None:
    """60 % Zn, 10 % Fe, 2 % Pb, 1 % S calcine, 95 % recovery, jarosite 2.8634 t and
    0.3827 t S per t Fe: the calcine S falls short, acid brings the rest."""
    calcine, residue, residue_s, acid_s = (
        float(a[0])
        for a in impl.zn_leach(
            np.array([0.6]),
            np.array([0.1]),
            np.array([0.02]),
            np.array([0.01]),
            0.95,
            2.8634,
            0.3827,
        )
    )
    c = 1 / (0.6 * 0.95)
    need = c * (0.1 * 0.3827 + 0.02 * M["S"] / M["Pb"])
    assert calcine == pytest.approx(c, rel=1e-14)
    assert residue_s == pytest.approx(need, rel=1e-14)
    assert acid_s == pytest.approx(need - c * 0.01, rel=1e-13)
    pbso4 = (M["Pb"] + M["S"] + 4 * M["O"]) / M["Pb"]
    zno = (M["Zn"] + M["O"]) / M["Zn"]
    assert residue == pytest.approx(c * (0.1 * 2.8634 + 0.02 * pbso4 + 0.6 * 0.05 * zno), rel=1e-13)
    # Goethite holds no S: the calcine's 1 % S is more than PbSO4 needs, the rest stays.
    _, residue, residue_s, acid_s = (
        float(a[0])
        for a in impl.zn_leach(
            np.array([0.6]), np.array([0.1]), np.array([0.02]), np.array([0.01]), 0.95, 1.5910, 0.0
        )
    )
    assert acid_s == 0.0 and residue_s == pytest.approx(c * 0.01, rel=1e-14)
    assert residue == pytest.approx(
        c * (0.1 * 1.5910 + 0.02 * pbso4 + 0.6 * 0.05 * zno + 0.01 - 0.02 * M["S"] / M["Pb"]),
        rel=1e-13,
    )


@st.composite
def ni_inputs(draw: st.DrawFn) -> tuple[object, ...]:
    n = draw(N)
    arrays = (
        draw(column(0.05, 0.2, n)),
        draw(column(0.25, 0.4, n)),
        draw(column(0.25, 0.35, n)),
        draw(column(0.0, 0.1, n)),
    )
    return arrays + (
        draw(real(0.0, 0.09)),
        draw(real(0.1, 0.3)),
        draw(real(0.5, 1.0)),
        draw(real(0.7, 1.0)),
    )


@given(ni_inputs())
def test_ni_flash_smelt_matches_reference(args: tuple[object, ...]) -> None:
    assert_same(lead_zinc.ni_flash_smelt(*args), lead_zinc_ref.ni_flash_smelt(*args))


@pytest.mark.parametrize("impl", IMPLS)
def test_ni_flash_smelt_known_answer(impl: object) -> None:
    """0.16 t metals to a matte of 4 % Fe, 22 % S; 35 % Fe, 30 % S, 2 % Si concentrate."""
    matte, slag, so2, flux = (
        float(a[0])
        for a in impl.ni_flash_smelt(
            np.array([0.16]),
            np.array([0.35]),
            np.array([0.30]),
            np.array([0.02]),
            0.04,
            0.22,
            0.8,
            0.9,
        )
    )
    matte_expected = 0.16 / 0.74
    slag_fe = 0.35 - 0.04 * matte_expected
    sio2 = 0.02 * (M["Si"] + 2 * M["O"]) / M["Si"]
    flux_expected = (0.8 * slag_fe - sio2) / 0.9
    assert matte == pytest.approx(matte_expected, rel=1e-14)
    assert so2 == pytest.approx((0.30 - 0.22 * matte_expected) * 64.058 / 32.06, rel=1e-14)
    assert flux == pytest.approx(flux_expected, rel=1e-14)
    assert slag == pytest.approx(
        slag_fe * (M["Fe"] + M["O"]) / M["Fe"] + sio2 + flux_expected, rel=1e-14
    )
    with pytest.raises(ValueError, match="lacks the Fe or S"):
        impl.ni_flash_smelt(
            np.array([0.5]),
            np.array([0.35]),
            np.array([0.05]),
            np.array([0.02]),
            0.04,
            0.22,
            0.8,
            0.9,
        )


def test_kernels_accept_read_only_arrays() -> None:
    a = np.array([0.5])
    a.setflags(write=False)
    assert lead_zinc.zn_roast(a, a, a, 0.0)[1][0] > 0.0


ONE, TWO = np.ones(1) * 0.5, np.ones(2) * 0.5
MISMATCHED = [
    ("volatilise", (ONE, TWO, 0.9)),
    ("pb_smelt", (ONE, ONE, ONE, ONE, ONE, TWO, 1.0, 0.02, 0.0)),
    ("zn_roast", (ONE, TWO, ONE, 0.05)),
    ("zn_leach", (ONE, ONE, ONE, TWO, 0.95, 2.86, 0.38)),
    ("ni_flash_smelt", (TWO, ONE, ONE, ONE, 0.04, 0.22, 0.8, 0.9)),
]


@pytest.mark.parametrize("impl", IMPLS)
@pytest.mark.parametrize("name, args", MISMATCHED)
def test_kernels_reject_mismatched_lengths(
    impl: object, name: str, args: tuple[object, ...]
) -> None:
    with pytest.raises(ValueError, match=f"{name}: input arrays differ in length"):
        getattr(impl, name)(*args)


@pytest.mark.parametrize("impl", IMPLS)
def test_zn_leach_rejects_zinc_free_calcine(impl: object) -> None:
    with pytest.raises(ValueError, match="no Zn"):
        impl.zn_leach(np.zeros(1), ONE, ONE, ONE, 0.95, 2.86, 0.38)
