"""Benchmark: the Cython unit-balance kernels (twin.ext.<name>) against their vectorised
NumPy references (twin.ext.<name>_ref) and against pure Python, on realistic operating
points.

Kernels are discovered, not listed: for every ext/<name>_ref.py, twin.ext.<name> and
twin.ext.<name>_ref are imported (a module whose compiled kernel is missing is skipped)
and every public function defined in both is benchmarked, provided this file knows how
to draw operating points for it (SPECS below; the ranges are those of the hypothesis
strategies in tests/test_kernels_*.py). Functions without a spec (the graph kernels
maxflow and precedence, or a new kernel nobody has described here yet) are listed as
skipped.

Per kernel, in one run:
  * Cython: the kernel on all N points (default 1,000,000);
  * NumPy: the vectorised reference on all N points;
    both timed twice: "cold", every call's outputs held until the repeats end so each
    call writes to memory new to it (page faults included, as when a caller keeps its
    results; the goals are judged on these), and "warm", glibc told to keep freed memory
    (mallopt) and outputs dropped at once, so each call reuses the last call's pages;
  * Python: a point-by-point loop over plain Python floats, timed on --python-points
    points (default 20,000) and scaled linearly to N. It is the reference's formula
    restated for Python floats (PURE below; checked against the reference to rtol 1e-12
    on the same points before it is timed). Where no such restatement fits, the
    reference function itself is called per point with Python floats (NumPy turns them
    into 0-d arrays and scalars inside) and the row is flagged "(ref)";
  * ref/pt: the reference function called per point with Python-float arguments, timed
    and scaled the same way, for comparison (its inner arithmetic is NumPy scalars, so
    it is much slower than plain floats).
Every time is the best of --repeat runs (default 3), in process CPU time by default
(--clock wall for wall time). Cython and NumPy outputs must agree to rtol 1e-12 (atol 0)
on all N points before the table is printed; the only allowance is for an output that is
a small difference of large terms (e.g. a flux demand near zero): points there may agree
to 1e-12 of that output's largest value instead, and each such case is printed as a note.

Run: ``python bench/units.py [--points 1000000] [--python-points 20000] [--repeat 3]
[--clock cpu|wall] [--only NAME ...]``.
"""

from __future__ import annotations

import argparse
import ctypes
import importlib
import inspect
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from scipy.constants import g as STANDARD_GRAVITY

from twin.constants import (
    CL2_T_PER_T_TI,
    CO2_T_PER_T_C,
    DSP_AL2O3_T_PER_T_SIO2,
    DSP_NAOH_T_PER_T_SIO2,
    FARADAY_C_PER_MOL,
    FE2O3,
    FEO,
    KGCE_MJ,
    MG_T_PER_T_TI,
    MOLAR_MASS,
    NA2O_T_PER_T_NAOH,
    O2,
    O_T_PER_T_TI,
    PBSO4,
    SI_T_PER_T_MG,
    SIO2,
    SO2,
    SO3,
    ZNO,
    molar_mass,
    per_element,
)

EXT_DIR = Path(__file__).resolve().parents[1] / "ext"
SEED = 20240531
GOAL_VS_PYTHON = 50.0
GOAL_VS_NUMPY = 3.0

Args = tuple[Any, ...]
M = MOLAR_MASS


# ---------------------------------------------------------------------------------------
# Operating points: (module, function) -> draw(rng, n) -> positional arguments.
# Arrays are contiguous float64; scalar parameters are Python floats drawn once per run.
# Ranges from the hypothesis strategies in tests/test_kernels_*.py.
# ---------------------------------------------------------------------------------------


def _u(rng: np.random.Generator, lo: float, hi: float, n: int) -> np.ndarray:
    return rng.uniform(lo, hi, n)


def _s(rng: np.random.Generator, lo: float, hi: float) -> float:
    return float(rng.uniform(lo, hi))


def _delivery(rng, n):
    return (
        _u(rng, 1.0, 1e6, n),
        _u(rng, 1e-4, 0.05, n),
        _u(rng, 0.0, 0.3, n),
        _u(rng, 0.0, 0.3, n),
        _u(rng, 0.0, 0.005, n),
    )


def _haul(rng, n):
    return (
        _u(rng, 0.0, 800.0, n),
        _u(rng, 0.1, 15.0, n),
        _u(rng, 0.0, 0.05, n),
        _s(rng, 0.15, 0.45),
        _s(rng, 0.0, 1.2),
    )


def _bond(rng, n):
    return _u(rng, 5.0, 25.0, n), _u(rng, 2000.0, 200_000.0, n), _u(rng, 20.0, 500.0, n)


def _two_product(rng, n):
    tail = _u(rng, 1e-4, 2e-3, n)
    feed = tail + _u(rng, 1e-4, 0.03, n)
    conc = feed + _u(rng, 0.05, 0.4, n)
    return feed, conc, tail


def _cu_smelt(rng, n):
    return (
        _u(rng, 0.15, 0.3, n),
        _u(rng, 0.2, 0.32, n),
        _u(rng, 0.25, 0.34, n),
        _u(rng, 0.0, 0.1, n),
        _s(rng, 0.5, 0.7),
        _s(rng, 0.0, 0.05),
        _s(rng, 0.99, 1.0),
        _s(rng, 0.5, 1.0),
        _s(rng, 0.7, 1.0),
    )


def _faraday(rng, n):
    return (
        _u(rng, 0.1, 5.0, n),
        _u(rng, 0.8, 1.0, n),
        float(rng.choice([1.0, 2.0, 3.0])),
        _s(rng, 20.0, 210.0),
    )


def _bayer(rng, n):
    return (
        _u(rng, 0.30, 0.60, n),
        _u(rng, 0.0, 0.12, n),
        _u(rng, 0.70, 1.0, n),
        _u(rng, 0.05, 0.30, n),
        _u(rng, 0.0, 150.0, n),
    )


def _potline(rng, n):
    return (
        _u(rng, 0.5, 1.5, n),
        _s(rng, 3.8, 4.6),
        _s(rng, 1.4, 1.8),
        _s(rng, 0.85, 1.0),
        _s(rng, 0.0, 2.0),
        _s(rng, 0.9, 1.0),
    )


def _pidgeon(rng, n):
    return (
        _u(rng, 0.08, 0.14, n),
        _u(rng, 0.0, 0.135, n),
        _u(rng, 0.45, 0.95, n),
        _u(rng, 0.5, 1.0, n),
        _u(rng, 0.0, 1.0, n),
    )


def _mg_electrolysis(rng, n):
    return _u(rng, 0.10, 0.2553, n), _u(rng, 0.30, 0.7447, n), _u(rng, 0.5, 0.999, n)


def _kroll(rng, n):
    return (
        _u(rng, 0.45, 0.5993, n),
        _u(rng, 0.8, 1.0, n),
        _u(rng, 0.9, 1.0, n),
        _u(rng, 0.9, 1.0, n),
        _u(rng, 0.5, 0.999, n),
        _u(rng, 0.251, 0.6, n),
        _u(rng, 0.0, 0.2, n),
        _u(rng, 0.0, 0.2, n),
    )


def _volatilise(rng, n):
    return _u(rng, 0.0, 0.7, n), _u(rng, 0.0, 1.0, n), _s(rng, 0.0, 1.0)


def _pb_smelt(rng, n):
    # Paste share: the test draws [0, 1]; plants run on concentrate only (share 0), on
    # paste only (share 1) or on a mix, so a fifth of the points sit at 0, a twentieth at 1.
    share = _u(rng, 0.0, 1.0, n)
    kind = rng.uniform(size=n)
    share[kind < 0.2] = 0.0
    share[kind > 0.95] = 1.0
    return (
        _u(rng, 0.4, 0.75, n),
        _u(rng, 0.08, 0.2, n),
        _u(rng, 0.0, 0.5, n),
        _u(rng, 0.5, 0.8, n),
        _u(rng, 0.0, 0.02, n),
        share,
        _s(rng, 0.999, 1.0),
        _s(rng, 0.0, 0.05),
        _s(rng, 0.0, 0.01),
    )


def _zn_roast(rng, n):
    return (_u(rng, 0.4, 0.6, n), _u(rng, 0.0, 0.15, n), _u(rng, 0.25, 0.34, n), _s(rng, 0.0, 0.2))


def _zn_leach(rng, n):
    # Jarosite process (2.8634 t residue, 0.3827 t S per t Fe), one of the test's two.
    return (
        _u(rng, 0.45, 0.65, n),
        _u(rng, 0.0, 0.15, n),
        _u(rng, 0.0, 0.03, n),
        _u(rng, 0.0, 0.05, n),
        _s(rng, 0.8, 0.99),
        2.8634,
        0.3827,
    )


def _ni_flash(rng, n):
    return (
        _u(rng, 0.05, 0.2, n),
        _u(rng, 0.25, 0.4, n),
        _u(rng, 0.25, 0.35, n),
        _u(rng, 0.0, 0.1, n),
        _s(rng, 0.0, 0.09),
        _s(rng, 0.1, 0.3),
        _s(rng, 0.5, 1.0),
        _s(rng, 0.7, 1.0),
    )


SPECS: dict[tuple[str, str], Callable[[np.random.Generator, int], Args]] = {
    ("mining", "mine_delivery"): _delivery,
    ("mining", "haul_fuel_kgce_per_t"): _haul,
    ("mining", "bond_kwh_per_t"): _bond,
    ("mining", "two_product"): _two_product,
    ("copper", "cu_smelt"): _cu_smelt,
    ("electrolysis", "faraday_kwh_per_t"): _faraday,
    ("aluminium", "bayer_balance"): _bayer,
    ("aluminium", "potline_point"): _potline,
    ("light_metals", "pidgeon_balance"): _pidgeon,
    ("light_metals", "mg_electrolysis_balance"): _mg_electrolysis,
    ("light_metals", "kroll_balance"): _kroll,
    ("lead_zinc", "volatilise"): _volatilise,
    ("lead_zinc", "pb_smelt"): _pb_smelt,
    ("lead_zinc", "zn_roast"): _zn_roast,
    ("lead_zinc", "zn_leach"): _zn_leach,
    ("lead_zinc", "ni_flash_smelt"): _ni_flash,
}


# ---------------------------------------------------------------------------------------
# Pure Python: the references' formulas, in the references' order, on Python floats, one
# point per call (constants folded once, as anyone writing the loop would). Each is
# checked against the vectorised reference before it is timed; one that does not agree
# (say a kernel changed its signature) falls back to calling the reference per point.
# ---------------------------------------------------------------------------------------

_J_PER_T_M = STANDARD_GRAVITY * 1e3
_SO2_PER_S = per_element(SO2, "S")
_SO3_PER_S = per_element(SO3, "S")
_O2_PER_S = molar_mass(O2) / M["S"]
_SIO2_PER_SI = per_element(SIO2, "Si")
_FEO_PER_FE = per_element(FEO, "Fe")
_O_PER_FE = (molar_mass(FEO) - M["Fe"]) / M["Fe"]
_FE2O3_PER_FE = per_element(FE2O3, "Fe")
_ZNO_PER_ZN = per_element(ZNO, "Zn")
_PBSO4_PER_PB = per_element(PBSO4, "Pb")
_S_PER_PB = M["S"] / M["Pb"]
_AL_KWH = 3 * FARADAY_C_PER_MOL
_AL_DEN = 3.6 * M["Al"]


def py_mine_delivery(ore, g, loss, dil, gw):
    delivered = ore * (1.0 - loss) / (1.0 - dil)
    diluent = dil * delivered
    grade = ((1.0 - loss) * ore * g + diluent * gw) / delivered
    return delivered, grade, loss * ore, diluent


def py_haul_fuel_kgce_per_t(lift, haul, rr, drive_efficiency, tare):
    rolling = rr * haul * 1e3
    back = rolling - lift
    wheel = _J_PER_T_M * ((1.0 + tare) * (lift + rolling) + tare * (back if back > 0.0 else 0.0))
    return wheel * 1e-6 / drive_efficiency / KGCE_MJ


def py_bond_kwh_per_t(wi, f80, p80):
    return 10.0 * wi * (p80**-0.5 - f80**-0.5)


def py_two_product(f, c, t):
    mass_yield = (f - t) / (c - t)
    return mass_yield, c * mass_yield / f


def py_cu_smelt(
    cu, fe, s, si, matte_grade, slag_cu_loss, anode_purity, flux_sio2_per_fe, flux_sio2_content
):
    cu_to_slag = slag_cu_loss * cu
    cu_to_anode = cu - cu_to_slag
    sio2 = si * _SIO2_PER_SI
    short = flux_sio2_per_fe * fe - sio2
    flux = (short if short > 0.0 else 0.0) / flux_sio2_content
    slag = fe * _FEO_PER_FE + sio2 + flux + cu_to_slag
    return (
        cu_to_anode / anode_purity,
        slag,
        s * _SO2_PER_S,
        flux,
        s * _O2_PER_S + fe * _O_PER_FE,
        cu_to_anode / matte_grade,
    )


def py_faraday_kwh_per_t(u, ce, n_electrons, molar_mass_g_per_mol):
    return n_electrons * FARADAY_C_PER_MOL * u / (3.6 * molar_mass_g_per_mol * ce)


def py_bayer_balance(a, s, x, lo, mech):
    recovered = (a - DSP_AL2O3_T_PER_T_SIO2 * s) * x
    if recovered <= 0.0:
        raise ValueError("bayer_balance: a point recovers no alumina")
    bauxite = 1.0 / recovered
    caustic = DSP_NAOH_T_PER_T_SIO2 * s * bauxite + 1e-3 * mech
    red_mud = bauxite * (1.0 - lo) - 1.0 + NA2O_T_PER_T_NAOH * caustic
    if red_mud <= 0.0:
        raise ValueError("bayer_balance: a point leaves no residue")
    return bauxite, caustic, red_mud


def py_potline_point(i, nominal_voltage, back_emf, ce_nominal, ce_curvature, rectifier):
    if rectifier <= 0.0:
        raise ValueError("potline_point: rectifier_efficiency must be > 0")
    u = back_emf + (nominal_voltage - back_emf) * i
    ce = ce_nominal - ce_curvature * (i - 1.0) * (i - 1.0)
    if ce <= 0.0:
        raise ValueError("potline_point: current efficiency <= 0")
    return u, ce, _AL_KWH * u / (_AL_DEN * ce) / rectifier


def py_pidgeon_balance(mg, c, si, y, excess):
    dolomite = 1.0 / (mg * y)
    fesi = SI_T_PER_T_MG * (1.0 + excess) / si
    co2 = CO2_T_PER_T_C * c * dolomite
    slag = dolomite - co2 + fesi - 1.0
    if slag <= 0.0:
        raise ValueError("pidgeon_balance: point leaves no slag")
    return dolomite, fesi, co2, slag


def py_mg_electrolysis_balance(mg, cl, r):
    mgcl2 = 1.0 / (mg * r)
    chlorine = mgcl2 * cl * r
    sludge = mgcl2 - 1.0 - chlorine
    if sludge <= 0.0:
        raise ValueError("mg_electrolysis_balance: point leaves no sludge")
    return mgcl2, chlorine, sludge


def py_kroll_balance(ti, c, mk_mg, mk_cl, rec, carbon, mg_l, cl_l):
    feed = 1.0 / (ti * rec)
    coke = carbon / c
    makeup_mg = MG_T_PER_T_TI * mg_l / mk_mg
    makeup_cl2 = CL2_T_PER_T_TI * cl_l / mk_cl
    residue = feed + coke + makeup_mg + makeup_cl2 - 1.0 - carbon - O_T_PER_T_TI
    if residue <= 0.0:
        raise ValueError("kroll_balance: point leaves no residue")
    return (
        feed,
        coke,
        makeup_mg,
        makeup_cl2,
        CO2_T_PER_T_C * carbon,
        MG_T_PER_T_TI * (1.0 - mg_l),
        residue,
    )


def py_volatilise(feed, v, abatement):
    gas = feed * v
    return gas * (1.0 - abatement), gas * abatement, feed - gas


def py_pb_smelt(pb_c, s_c, base, pb_p, s_p, share, metal_pb, slag_pb_grade, pb_escape):
    slag_pb = base * slag_pb_grade / (1.0 - slag_pb_grade)
    per_conc = pb_c * (1.0 - pb_escape) - slag_pb
    per_paste = pb_p * (1.0 - pb_escape)
    conc = paste = 0.0
    if share < 1.0:
        if per_conc <= 0.0:
            raise ValueError("pb_smelt: a feed gives no Pb to the metal")
        conc = (1.0 - share) * metal_pb / per_conc
    if share > 0.0:
        if per_paste <= 0.0:
            raise ValueError("pb_smelt: a feed gives no Pb to the metal")
        paste = share * metal_pb / per_paste
    return (
        conc,
        paste,
        conc * (base + slag_pb),
        _SO2_PER_S * (conc * s_c + paste * s_p),
        pb_escape * (conc * pb_c + paste * pb_p),
    )


def py_zn_roast(zn, fe, s, s_to_calcine):
    calcine = zn * _ZNO_PER_ZN + fe * _FE2O3_PER_FE + s * s_to_calcine * _SO3_PER_S
    return calcine, s * (1.0 - s_to_calcine) * _SO2_PER_S


def py_zn_leach(zn, fe, pb, s, zn_recovery, residue_t_per_fe, residue_s_per_fe):
    leached = zn * zn_recovery
    if leached <= 0.0:
        raise ValueError("zn_leach: the calcine yields no Zn to solution")
    calcine = 1.0 / leached
    need = calcine * (fe * residue_s_per_fe + pb * _S_PER_PB)
    have = calcine * s
    residue_s = need if need > have else have
    residue = calcine * (
        fe * residue_t_per_fe + pb * _PBSO4_PER_PB + zn * (1.0 - zn_recovery) * _ZNO_PER_ZN
    )
    return calcine, residue + residue_s - need, residue_s, (need - have if need > have else 0.0)


def py_ni_flash_smelt(metals, fe, s, si, matte_fe, matte_s, flux_sio2_per_fe, flux_sio2_content):
    matte = metals / (1.0 - matte_fe - matte_s)
    slag_fe = fe - matte_fe * matte
    gas_s = s - matte_s * matte
    if slag_fe < 0.0 or gas_s < 0.0:
        raise ValueError("ni_flash_smelt: the concentrate lacks the Fe or S the matte holds")
    sio2 = si * _SIO2_PER_SI
    short = flux_sio2_per_fe * slag_fe - sio2
    flux = (short if short > 0.0 else 0.0) / flux_sio2_content
    return matte, slag_fe * _FEO_PER_FE + sio2 + flux, gas_s * _SO2_PER_S, flux


PURE: dict[tuple[str, str], Callable[..., Any]] = {
    (module, name): globals()[f"py_{name}"] for module, name in SPECS
}


# ---------------------------------------------------------------------------------------
# Discovery, checks, timing
# ---------------------------------------------------------------------------------------


def public_functions(module: Any) -> set[str]:
    """Public callables defined in `module` itself (not imported into it)."""
    names, leaf = set(), module.__name__.rsplit(".", 1)[-1]
    for name, obj in vars(module).items():
        if name.startswith("_") or inspect.isclass(obj) or not callable(obj):
            continue
        # A kernel built in place by `cythonize -i ext/x.pyx` says its module is "ext.x".
        if str(getattr(obj, "__module__", "")).rsplit(".", 1)[-1] == leaf:
            names.add(name)
    return names


def discover(only: list[str] | None) -> tuple[list[tuple[str, str, Any, Any]], list[str]]:
    """[(module, function, kernel, reference)] and notes on what was skipped."""
    found, skipped = [], []
    for ref_path in sorted(EXT_DIR.glob("*_ref.py")):
        name = ref_path.stem[: -len("_ref")]
        try:
            compiled = importlib.import_module(f"twin.ext.{name}")
        except ImportError as exc:
            skipped.append(f"{name}: compiled module missing ({exc})")
            continue
        ref = importlib.import_module(f"twin.ext.{name}_ref")
        for fn in sorted(public_functions(compiled) & public_functions(ref)):
            if only and fn not in only and name not in only:
                continue
            if (name, fn) not in SPECS:
                skipped.append(
                    f"{name}.{fn}: no operating-point spec in bench/units.py "
                    "(not a per-point unit balance)"
                )
                continue
            found.append((name, fn, getattr(compiled, fn), getattr(ref, fn)))
    return found, skipped


def as_tuple(out: Any) -> tuple[Any, ...]:
    return out if isinstance(out, tuple) else (out,)


def mismatch(got: Any, want: Any, what: str, notes: list[str]) -> str | None:
    """None when every output array of `got` equals `want`'s to rtol 1e-12 (atol 0).

    Points that miss that only because the output is a small difference of large terms
    (cancellation, e.g. a flux demand near zero) are let through when they agree to 1e-12
    of the largest |value| of that output over all points; each such case is added to
    `notes` with its count and worst relative error. Anything worse is a mismatch.
    """
    got, want = as_tuple(got), as_tuple(want)
    if len(got) != len(want):
        return f"{what}: {len(got)} outputs against {len(want)}"
    for k, (g, w) in enumerate(zip(got, want, strict=True)):
        g, w = np.asarray(g, dtype=np.float64), np.asarray(w, dtype=np.float64)
        if g.shape != w.shape:
            return f"{what}, output {k}: shapes {g.shape} and {w.shape}"
        diff = np.abs(g - w)
        off = ~(diff <= 1e-12 * np.abs(w))
        if not off.any():
            continue
        scale = float(np.max(np.abs(w[np.isfinite(w)]), initial=0.0))
        hard = off & ~(diff <= 1e-12 * scale)
        worst = int(np.argmax(np.where(off, diff / np.maximum(np.abs(w), 1e-300), 0.0)))
        detail = (
            f"point {worst}: {g.flat[worst]!r} against {w.flat[worst]!r}, "
            f"relative {diff.flat[worst] / max(abs(w.flat[worst]), 1e-300):.2e}"
        )
        if hard.any():
            return (
                f"{what}, output {k}: {int(hard.sum())} points differ beyond rtol 1e-12; {detail}"
            )
        notes.append(
            f"{what}, output {k}: {int(off.sum())} of {w.size:,d} points agree only "
            f"to 1e-12 of the output's largest value {scale:.3g} (cancellation), "
            f"worst {detail}"
        )
    return None


#: The clock (set by --clock): CPU time of this process (user + system, so page faults
#: count) or wall time. On a shared machine CPU time leaves out the time spent waiting
#: for a core; every kernel here runs on one thread, NumPy's ufuncs too.
CLOCK: Callable[[], float] = time.process_time


def best_of(repeat: int, call: Callable[[], Any], keep: bool = False) -> float:
    """Best time of `repeat` calls. keep=True holds every call's result until the last
    call is done, so that each call writes its outputs to memory new to it."""
    best, kept = float("inf"), []
    for _ in range(repeat):
        t0 = CLOCK()
        out = call()
        best = min(best, CLOCK() - t0)
        if keep:
            kept.append(out)
        del out
    del kept
    return best


def keep_freed_memory() -> bool:
    """Ask glibc malloc to keep freed memory (no trimming, no mmap for big blocks), so a
    call's outputs reuse the pages of the previous call's. False where not glibc."""
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return False
    m_trim_threshold, m_mmap_threshold = -1, -3
    return bool(
        libc.mallopt(m_mmap_threshold, 1 << 30) and libc.mallopt(m_trim_threshold, 2**31 - 1)
    )


def per_point_rows(args: Args, p: int) -> list[tuple[float, ...]]:
    """The first p points as tuples of Python floats, scalar parameters appended."""
    columns = [a[:p].tolist() if isinstance(a, np.ndarray) else [a] * p for a in args]
    return list(zip(*columns, strict=True))


def stack_points(outs: list[Any]) -> tuple[np.ndarray, ...]:
    """Per-point outputs (tuples of scalars or 0-d arrays) as one array per output."""
    if not isinstance(outs[0], tuple):
        return (np.array([float(o) for o in outs]),)
    return tuple(np.array([float(o[k]) for o in outs]) for k in range(len(outs[0])))


@dataclass
class Case:
    kernel: str
    n: int
    cython: Callable
    ref: Callable
    pure: Callable
    python_kind: str  # "pure" or "ref"
    args: Args
    rows: list[tuple[float, ...]]
    notes: list[str] = field(default_factory=list)
    cython_s: float = float("nan")  # cold: outputs in memory new to each call
    numpy_s: float = float("nan")
    cython_warm_s: float = float("nan")  # warm: outputs reuse the last call's memory
    numpy_warm_s: float = float("nan")
    python_s: float = float("nan")  # scaled to n
    ref_point_s: float = float("nan")  # scaled to n


def prepare(
    module: str,
    fn: str,
    kernel: Callable,
    ref: Callable,
    n: int,
    p: int,
    rng: np.random.Generator,
    errors: list[str],
) -> Case | None:
    """Draw the points and check Cython, NumPy and per-point Python agree on them."""
    label = f"{module}.{fn}"
    args = SPECS[(module, fn)](rng, n)
    try:
        got, want = kernel(*args), ref(*args)
    except (TypeError, ValueError) as exc:
        errors.append(f"{label}: the spec's points do not fit the kernel: {exc}")
        return None
    notes: list[str] = []
    bad = mismatch(got, want, f"{label}: Cython against NumPy on {n:,d} points", notes)
    if bad:
        errors.append(bad)
        return None
    del got, want

    p = min(p, n)
    rows = per_point_rows(args, p)
    sub_want = ref(*(a[:p] if isinstance(a, np.ndarray) else a for a in args))
    pure, kind = PURE.get((module, fn)), "pure"
    if pure is not None:
        try:
            bad = mismatch(
                stack_points([pure(*r) for r in rows]),
                sub_want,
                f"{label}: pure Python against NumPy",
                notes,
            )
        except (TypeError, ValueError) as exc:
            bad = f"{label}: pure Python restatement fails: {exc}"
        if bad:
            notes.append(bad + " -> reference per point used instead")
            pure = None
    if pure is None:
        pure, kind = ref, "ref"
    bad = mismatch(
        stack_points([ref(*r) for r in rows]),
        sub_want,
        f"{label}: reference per point against vectorised",
        notes,
    )
    if bad:
        errors.append(bad)
        return None
    return Case(label, n, kernel, ref, pure, kind, args, rows, notes)


def time_cases(cases: list[Case], repeat: int) -> bool:
    """Fill in the times; False when the warm-memory times could not be taken."""
    for c in cases:  # cold first, while malloc still has its default behaviour
        c.cython_s = best_of(repeat, lambda c=c: c.cython(*c.args), keep=True)
        c.numpy_s = best_of(repeat, lambda c=c: c.ref(*c.args), keep=True)
    warm = keep_freed_memory()
    if warm:
        for c in cases:
            c.cython(*c.args)  # warm-up: leaves the output blocks free for reuse
            c.cython_warm_s = best_of(repeat, lambda c=c: c.cython(*c.args))
            c.ref(*c.args)
            c.numpy_warm_s = best_of(repeat, lambda c=c: c.ref(*c.args))
    for c in cases:
        scale = c.n / len(c.rows)
        c.python_s = best_of(repeat, lambda c=c: [c.pure(*r) for r in c.rows]) * scale
        c.ref_point_s = (
            c.python_s
            if c.python_kind == "ref"
            else best_of(repeat, lambda c=c: [c.ref(*r) for r in c.rows]) * scale
        )
    return warm


def print_table(cases: list[Case], p: int, warm: bool) -> None:
    head = (
        f"{'kernel':<37} {'N':>9} {'Cython s':>8} {'NumPy s':>8} {'Python s*':>9} "
        f"{'Cy/Py x':>7} {'Cy/NumPy x':>10} | {'warm Cy s':>9} {'warm NP s':>9} "
        f"{'Cy/Py x':>7} {'Cy/NP x':>7} | {'ref/pt s*':>9}  goals (cold)"
    )
    print(head)
    print("-" * len(head))
    for c in cases:
        vs_py, vs_np = c.python_s / c.cython_s, c.numpy_s / c.cython_s
        goals = []
        if vs_py < GOAL_VS_PYTHON:
            goals.append(f"<{GOAL_VS_PYTHON:g}x Py")
        if vs_np < GOAL_VS_NUMPY:
            goals.append(f"<{GOAL_VS_NUMPY:g}x NumPy")
        flag = " (ref)" if c.python_kind == "ref" else ""
        print(
            f"{c.kernel:<37} {c.n:>9,d} {c.cython_s:>8.4f} {c.numpy_s:>8.4f} "
            f"{c.python_s:>9.3f} {vs_py:>7.0f} {vs_np:>10.2f} | {c.cython_warm_s:>9.4f} "
            f"{c.numpy_warm_s:>9.4f} {c.python_s / c.cython_warm_s:>7.0f} "
            f"{c.numpy_warm_s / c.cython_warm_s:>7.2f} | "
            f"{c.ref_point_s:>9.2f}  {', '.join(goals) or 'met'}{flag}"
        )
    tot = {
        k: sum(getattr(c, k) for c in cases)
        for k in ("cython_s", "numpy_s", "python_s", "cython_warm_s", "numpy_warm_s", "ref_point_s")
    }
    print("-" * len(head))
    print(
        f"{'total (' + str(len(cases)) + ' kernels)':<37} {'':>9} {tot['cython_s']:>8.4f} "
        f"{tot['numpy_s']:>8.4f} {tot['python_s']:>9.3f} "
        f"{tot['python_s'] / tot['cython_s']:>7.0f} {tot['numpy_s'] / tot['cython_s']:>10.2f} | "
        f"{tot['cython_warm_s']:>9.4f} {tot['numpy_warm_s']:>9.4f} "
        f"{tot['python_s'] / tot['cython_warm_s']:>7.0f} "
        f"{tot['numpy_warm_s'] / tot['cython_warm_s']:>7.2f} | {tot['ref_point_s']:>9.2f}"
    )
    print(f"""
Cython s, NumPy s: one call on all N points, each call's outputs held until the repeats
  end, so every call writes to memory new to it (as when a caller keeps its results);
  page faults on that memory are part of the time. Goals are judged on these columns.
warm: the same calls with glibc told to keep freed memory (mallopt) and outputs dropped at
  once, so each call reuses the previous call's pages: the loop's own cost.{
        "" if warm else " NOT TAKEN (no glibc mallopt)."
    }
* Python s, ref/pt s: timed on {p:,d} points, scaled linearly to N. Python = the
  reference's formula on plain Python floats, one function call per point (checked against
  the reference to rtol 1e-12). ref/pt = the NumPy reference function itself called per
  point with Python-float arguments (it turns them into 0-d arrays: NumPy scalar
  arithmetic). A row marked (ref) has no plain-float restatement and uses ref/pt as Python.""")
    met_py = sum(c.python_s / c.cython_s >= GOAL_VS_PYTHON for c in cases)
    met_np = sum(c.numpy_s / c.cython_s >= GOAL_VS_NUMPY for c in cases)
    met_py_warm = sum(c.python_s / c.cython_warm_s >= GOAL_VS_PYTHON for c in cases)
    met_np_warm = sum(c.numpy_warm_s / c.cython_warm_s >= GOAL_VS_NUMPY for c in cases)
    print(
        f"Goals: Cython >= {GOAL_VS_PYTHON:g}x pure Python: {met_py}/{len(cases)} kernels "
        f"(warm memory: {met_py_warm}/{len(cases)}); Cython >= {GOAL_VS_NUMPY:g}x NumPy: "
        f"{met_np}/{len(cases)} kernels (warm memory: {met_np_warm}/{len(cases)})."
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--python-points", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3, help="best of this many runs")
    parser.add_argument("--only", nargs="*", help="kernel or module names to run")
    parser.add_argument(
        "--clock",
        choices=("cpu", "wall"),
        default="cpu",
        help="process CPU time (default; robust to other jobs) or wall time",
    )
    opts = parser.parse_args(argv)
    global CLOCK
    CLOCK = time.process_time if opts.clock == "cpu" else time.perf_counter

    kernels, skipped = discover(opts.only)
    p = min(opts.python_points, opts.points)
    print(
        f"{len(kernels)} kernels, N = {opts.points:,d} points each (seed {SEED}), "
        f"Python on {p:,d} points scaled to N, best of {opts.repeat} "
        f"({'process CPU' if opts.clock == 'cpu' else 'wall'} time); "
        f"numpy {np.__version__}, Python {sys.version.split()[0]}"
    )
    cases, errors = [], []
    for module, fn, kernel, ref in kernels:
        # One generator per kernel, so a kernel's points do not depend on which others ran.
        rng = np.random.default_rng([SEED, *fn.encode()])
        case = prepare(module, fn, kernel, ref, opts.points, p, rng, errors)
        if case is not None:
            cases.append(case)
    for note in skipped:
        print(f"skipped: {note}")
    for c in cases:
        for note in c.notes:
            print(f"note: {note}")
    if errors:
        print(
            "\nNO TABLE: Cython and NumPy (or the per-point references) disagree or fail:",
            file=sys.stderr,
        )
        for e in errors:
            print(f"  {e}", file=sys.stderr)
        return 1
    if not cases:
        print("nothing to time")
        return 1
    warm = time_cases(cases, opts.repeat)
    print()
    print_table(cases, p, warm)
    return 0


if __name__ == "__main__":
    sys.exit(main())
