"""Generate `copper_porphyry_blocks.csv`: a synthetic copper-gold porphyry block model.

Run ``python instances/data/make_porphyry_blocks.py`` (options ``--out PATH``, ``--seed N``);
the output is the same byte for byte for a given seed (numpy only: PCG64 normals, FFTs,
values rounded to 4-6 significant digits before writing). It prints a summary: blocks,
tonnes, mean grades, the grade-tonnage table and the share of tonnes with As > 500 ppm.

Grid: 30 x 30 x 12 blocks of 25 x 25 x 15 m (x east, y north, z the bench's centroid
elevation, m; the surface at 2500 m). ``tonnes = 9375 m3 x density_t_m3`` exactly.

Geology (the modelling choices, each with its source or stated as an assumption):

The shape constants below (centre, strike, radii, zone thresholds and widths, the
high-sulphidation flank's extent, the fields' sigmas, correlations and nugget, the cap's
thickness, the pyrite halo, the Au/Cu ratio's coefficients) are assumed to make a
plausible synthetic deposit, unverified: the sources support the pattern and the ranges,
not these particular values.

* **Zoning.** A porphyry stock whose alteration and metal zones are coaxial around it,
  potassic core -> phyllic (quartz-sericite-pyrite) shell -> propylitic margin, with the
  ore overlapping the potassic and phyllic zones and a pyrite-rich halo outside the ore
  (Lowell & Guilbert 1970, "Lateral and vertical alteration-mineralization zoning in
  porphyry ore deposits", Econ. Geol. 65:373-408; Sillitoe 2010, "Porphyry copper
  systems", Econ. Geol. 105:3-41). The zones are an ellipsoidal distance ``r`` from the
  system's centre (elongated 1.4:1 along a 40 degree strike, centred 240 m below
  surface, so the model cuts the top of the system and grades rise with depth: the
  high-grade core at depth), perturbed by a Gaussian field so their borders are irregular.
* **Grades.** Hypogene Cu trend 0.02 + 0.9 exp(-r^2/2) % (peaks near 0.9 %, the ore
  shell 0.3-1 % Cu typical of porphyry copper deposits: Sillitoe 2010; the world's
  deposits in Singer, Berger & Moring 2002, USGS Open-File Report 02-268). Gold
  follows Cu in the potassic core, where Au-rich porphyries carry their gold with
  magnetite (Sillitoe 1979, "Some thoughts on gold-rich porphyry copper deposits",
  Mineral. Deposita 14:161-174: Au-rich means > 0.4 g/t Au; Sillitoe 2000, "Gold-rich
  porphyry deposits", SEG Reviews 13:315-345): Au/Cu ratio 0.5 + 0.6 exp(-r^2/2) g/t per
  % Cu (about 1.1 in the core, 0.5 at the margin; an assumption in the Au-rich range).
* **Spatial correlation.** Each attribute is trend x a lognormal transform
  ``exp(sigma Y - sigma^2 / 2)`` (mean-preserving) of a stationary standard Gaussian
  random field ``Y`` (Journel & Huijbregts 1978, *Mining Geostatistics*, Academic Press,
  the lognormal model of grades; Chiles & Delfiner 2012, *Geostatistics: Modeling Spatial
  Uncertainty*, 2nd ed., Wiley, ch. 7). ``Y`` is simulated exactly on the grid by
  circulant embedding and FFT (Dietrich & Newsam 1997, SIAM J. Sci. Comput.
  18:1088-1107; Chiles & Delfiner 2012 ch. 7): covariance 0.9 exp(-3h) + 0.1 nugget,
  ``h`` the anisotropic distance scaled by practical ranges of 200 m along strike,
  130 m across it and 75 m vertically (an assumption: a few blocks, so neighbours are
  alike and blocks 10 apart are not). Cu: sigma 0.45 (block coefficient of variation
  0.47); Au: sigma 0.55 on a field correlated 0.7 with Cu's.
* **Leached cap and supergene blanket.** The top ~35 m (thickness varying 15-60 m) is
  leached: 85 % of the Cu and all the sulphides removed (0.15 % S left as sulphate,
  jarosite), Au kept (immobile), 60 % of the sulphides' Fe kept as limonite, 15 %
  porosity; below it a 30 m chalcocite blanket with the hypogene Cu x 1.5
  (Sillitoe 2005, "Supergene oxidized and enriched porphyry copper and related deposits",
  Econ. Geol. 100th Anniv. Vol.:723-768; the factors are assumptions within the
  enrichment and leaching he describes).
* **Arsenic.** A high-sulphidation (enargite, Cu3AsS4) overprint in the upper part of the
  NE flank (Sillitoe 2010: high-sulphidation lithocap mineralization telescoped onto the
  upper flanks of porphyry Cu systems), which adds up to 30 % to the hypogene Cu there
  (assumption): a share of the Cu (up to 85 %) is in enargite,
  so As = that Cu x 0.393 (mass As/Cu in Cu3AsS4) and is correlated with Cu there; a
  background of ~20 ppm As elsewhere (assumption); 40 % of the As is kept in the leached
  cap (scorodite and Fe oxides; assumption).
* **S and Fe.** Stoichiometric from the minerals: chalcopyrite CuFeS2 (S/Cu 1.009,
  Fe/Cu 0.879), enargite (S/Cu 0.673), chalcocite Cu2S (S/Cu 0.252), pyrite FeS2
  (S 53.45 %, Fe 46.55 %), magnetite in the potassic core (up to ~3 wt %, Fe 72.4 %;
  Sillitoe 1979); pyrite 1 wt % in the core and margin rising to ~7 wt % in the phyllic
  shell (the pyrite halo: Lowell & Guilbert 1970), lognormal sigma 0.4, at most 15 wt %;
  host rock Fe ~3 % (average granodiorite: Le Maitre 1976, J. Petrol. 17:589-637,
  Fe2O3 1.5 % + FeO 2.6 %).
* **Density** (t/m3): the mass-weighted harmonic mean of the minerals' densities
  (chalcopyrite 4.19, enargite 4.45, chalcocite 5.65, pyrite 5.01, magnetite 5.18:
  Anthony et al., *Handbook of Mineralogy*; silicate gangue 2.65, quartz and felsic
  intrusions), times (1 - porosity) in the leached cap.
* **Hardness**: Bond ball-mill work index (kWh/t, metric; Bond 1961, "Crushing and
  grinding calculations", Br. Chem. Eng. 6:378-385, 543-548, lists copper ore at
  13.13 kWh/short ton = 14.5 kWh/t). By zone (assumptions around that figure, the order
  from geometallurgical practice: silicified potassic core hardest, sericitic and clay
  alteration softer): potassic 15.5, propylitic 14.0, phyllic 12.5, supergene 11.5,
  advanced argillic (the As zone) 12.0, leached cap 10.0, plus a spatial field of sd 1.0,
  clipped to [7, 24].
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

#: Seed of the shipped CSV.
SEED = 20100105
#: The shipped CSV, next to this script.
CSV = Path(__file__).with_name("copper_porphyry_blocks.csv")
#: Grid: blocks along x, y, z and block size (m).
SHAPE = (30, 30, 12)
BLOCK_M = (25.0, 25.0, 15.0)
#: Surface elevation (m); bench centroids lie 7.5, 22.5, ... m below it.
SURFACE_M = 2500.0
#: Porphyry centre (x, y, depth below surface, m), strike azimuth (degrees from north) and
#: the ellipsoid's radii (along strike, across it, vertical, m).
CENTRE = (390.0, 365.0, 240.0)
STRIKE_DEG = 40.0
RADII_M = (180.0, 125.0, 200.0)
#: Log-sd of the field that makes the zones' borders irregular (multiplies r).
ZONE_JITTER = 0.12
#: Hypogene Cu trend: background + core x exp(-r^2 / 2) (%).
CU_BACKGROUND_PCT, CU_CORE_PCT = 0.02, 0.9
#: Au/Cu ratio (g/t per % Cu): a + b x exp(-r^2 / 2), highest in the potassic core.
AU_CU_RATIO = (0.5, 0.6)
#: High-sulphidation overprint: NE of this distance along strike from the centre, within
#: about this depth (m).
HS_ALONG_M, HS_DEPTH_M = 130.0, 110.0
#: Share of the Cu in enargite at the overprint's centre (before the lognormal factor),
#: its cap, and the overprint's Cu gain (a fraction of the hypogene trend).
ENARGITE_SHARE, ENARGITE_SHARE_MAX, HS_CU_GAIN = 0.55, 0.85, 0.3
#: Arsenic background (ppm), host-rock Fe (%), magnetite at the potassic core's centre (wt %).
AS_BACKGROUND_PPM, FE_HOST_PCT, MAGNETITE_CORE_PCT = 20.0, 3.0, 3.0
#: Lognormal sigma of each attribute's field, and the correlation of Au's field with Cu's.
SIGMA = {"cu": 0.45, "au": 0.55, "pyrite": 0.4, "fe_host": 0.2, "as": 0.5}
AU_CU_CORRELATION = 0.7
#: Leached cap thickness (m): mean + sd x field, clipped; the supergene blanket below it
#: (m thick) and its Cu enrichment factor; what the cap keeps of Cu, the sulphides' Fe and
#: As, and the S it keeps as sulphate (%).
CAP_M = {"mean": 35.0, "sd": 10.0, "min": 15.0, "max": 60.0}
BLANKET_M, BLANKET_CU_FACTOR = 30.0, 1.5
CAP_KEEPS = {"cu": 0.15, "sulphide_fe": 0.6, "as": 0.4}
CAP_S_PCT = 0.15
#: Practical ranges (along strike, across, vertical, m) and nugget share of the fields.
RANGES_M = (200.0, 130.0, 75.0)
NUGGET = 0.1
#: Mineral compositions (mass ratios) and densities (t/m3).
S_PER_CU = {"chalcopyrite": 1.0092, "enargite": 0.6727, "chalcocite": 0.2523}
CU_IN = {"chalcopyrite": 0.3463, "enargite": 0.4842, "chalcocite": 0.7985}
DENSITY = {"chalcopyrite": 4.19, "enargite": 4.45, "chalcocite": 5.65, "pyrite": 5.01}
FE_PER_CU_CPY = 0.8788
AS_PER_CU_ENARGITE = 0.3930
S_IN_PYRITE, FE_IN_PYRITE, FE_IN_MAGNETITE = 0.5345, 0.4655, 0.7236
MAGNETITE_DENSITY, GANGUE_DENSITY, CAP_POROSITY = 5.18, 2.65, 0.15
#: Pyrite (wt %): base + halo x exp(-((r - halo_r) / halo_width)^2), the phyllic pyrite
#: halo; at most `PYRITE_MAX` (the lognormal's far tail clipped; assumption).
PYRITE = {"base": 1.0, "halo": 6.0, "halo_r": 1.3, "halo_width": 0.4}
PYRITE_MAX = 15.0
#: Bond ball-mill work index by zone (kWh/t) and its spatial sd.
BWI = {
    "leached": 10.0,
    "supergene": 11.5,
    "potassic": 15.5,
    "phyllic": 12.5,
    "propylitic": 14.0,
    "argillic": 12.0,
}
BWI_SD = 1.0
BWI_RANGE = (7.0, 24.0)
#: Columns written, with their decimals.
COLUMNS = {
    "x": 1,
    "y": 1,
    "z": 1,
    "tonnes": 3,
    "cu_pct": 4,
    "au_gpt": 3,
    "as_ppm": 1,
    "s_pct": 3,
    "fe_pct": 3,
    "bwi_kwh_t": 2,
    "density_t_m3": 3,
}
CUTOFFS_PCT = (0.2, 0.3, 0.4, 0.5)
#: The summary's arsenic threshold (ppm) and the Cu cutoff (%) of its ore share.
AS_HIGH_PPM, ORE_CUTOFF_PCT = 500.0, 0.3


def _rotate(dx: np.ndarray, dy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """East/north offsets (m) to (along strike, across strike) offsets (m)."""
    a = np.radians(STRIKE_DEG)
    return dx * np.sin(a) + dy * np.cos(a), dx * np.cos(a) - dy * np.sin(a)


def gaussian_field(rng: np.random.Generator, shape: tuple[int, int, int]) -> np.ndarray:
    """A standard Gaussian random field on the grid (unit variance): exponential
    covariance with the anisotropic `RANGES_M` plus a `NUGGET`, simulated by circulant
    embedding on a grid padded to twice the size (Dietrich & Newsam 1997): the
    covariance's FFT gives the eigenvalues (a few tiny negative ones clipped to 0), and
    white noise filtered by their square root has exactly that covariance."""
    pad = tuple(2 * n for n in shape)
    # lags on the torus: index i is the offset i or i - pad, whichever is shorter
    dx, dy, dz = np.meshgrid(
        *[
            np.where(i <= p // 2, i, i - p) * size
            for p, size in zip(pad, BLOCK_M, strict=True)
            for i in [np.arange(p)]
        ],
        indexing="ij",
    )
    along, across = _rotate(dx, dy)
    h = np.sqrt((along / RANGES_M[0]) ** 2 + (across / RANGES_M[1]) ** 2 + (dz / RANGES_M[2]) ** 2)
    eigen = np.clip(np.fft.fftn(np.exp(-3.0 * h)).real, 0.0, None)
    white = rng.standard_normal(pad)
    smooth = np.fft.ifftn(np.sqrt(eigen) * np.fft.fftn(white)).real
    smooth = smooth[: shape[0], : shape[1], : shape[2]]
    nugget = rng.standard_normal(shape)
    return np.sqrt(1.0 - NUGGET) * smooth + np.sqrt(NUGGET) * nugget


def _lognormal(field: np.ndarray, sigma: float) -> np.ndarray:
    """Mean-one lognormal factor exp(sigma Y - sigma^2 / 2) of a standard field Y."""
    return np.exp(sigma * field - 0.5 * sigma**2)


def _zones(r: np.ndarray, cap: np.ndarray, blanket: np.ndarray, hs: np.ndarray) -> np.ndarray:
    """Alteration / weathering zone name per block: leached cap and supergene blanket
    by depth, the advanced argillic (As) overprint where its weight exceeds 0.5, else
    potassic (r < 0.9), phyllic (r < 1.6), propylitic."""
    hypogene = np.where(r < 0.9, "potassic", np.where(r < 1.6, "phyllic", "propylitic"))
    zone = np.where(hs > 0.5, "argillic", hypogene)
    return np.where(cap, "leached", np.where(blanket, "supergene", zone))


def generate(seed: int = SEED) -> dict[str, np.ndarray]:
    """The block model's columns (`COLUMNS`, units in the names), block order x fastest,
    then y, then z from the lowest bench, before rounding."""
    rng = np.random.default_rng(seed)
    y_cu, y_au, y_zone, y_py, y_as, y_fe, y_bwi, y_cap = (
        gaussian_field(rng, SHAPE) for _ in range(8)
    )
    ii, jj, kk = np.meshgrid(*[np.arange(n) for n in SHAPE], indexing="ij")
    x = (ii + 0.5) * BLOCK_M[0]
    y = (jj + 0.5) * BLOCK_M[1]
    depth = (SHAPE[2] - kk - 0.5) * BLOCK_M[2]
    along, across = _rotate(x - CENTRE[0], y - CENTRE[1])
    r = np.sqrt(
        (along / RADII_M[0]) ** 2
        + (across / RADII_M[1]) ** 2
        + ((depth - CENTRE[2]) / RADII_M[2]) ** 2
    )
    r_zone = r * np.exp(ZONE_JITTER * y_zone)
    core = np.exp(-0.5 * r**2)
    # leached cap 15-60 m thick (one field value per column of blocks), blanket 30 m below
    cap_m = np.clip(CAP_M["mean"] + CAP_M["sd"] * y_cap[:, :, -1:], CAP_M["min"], CAP_M["max"])
    cap = depth < cap_m
    blanket = ~cap & (depth < cap_m + BLANKET_M)
    # high-sulphidation overprint: the NE flank (along strike > HS_ALONG_M), shallow
    hs = np.exp(-((depth / HS_DEPTH_M) ** 2)) / (1.0 + np.exp(-(along - HS_ALONG_M) / 40.0))
    zone = _zones(r_zone, cap, blanket, hs)

    cu_trend = CU_BACKGROUND_PCT + CU_CORE_PCT * core
    cu_hyp = cu_trend * (1.0 + HS_CU_GAIN * hs) * _lognormal(y_cu, SIGMA["cu"])
    enargite_share = ENARGITE_SHARE * hs * _lognormal(y_as, SIGMA["as"])
    cu_en = cu_hyp * np.clip(enargite_share, 0.0, ENARGITE_SHARE_MAX)
    cu_cpy = cu_hyp - cu_en
    cu_cc = np.where(blanket, (BLANKET_CU_FACTOR - 1.0) * cu_hyp, 0.0)
    rho = AU_CU_CORRELATION
    y_au_cu = rho * y_cu + np.sqrt(1.0 - rho**2) * y_au
    au = (AU_CU_RATIO[0] + AU_CU_RATIO[1] * core) * cu_trend * _lognormal(y_au_cu, SIGMA["au"])
    halo = np.exp(-(((r_zone - PYRITE["halo_r"]) / PYRITE["halo_width"]) ** 2))
    pyrite = (PYRITE["base"] + PYRITE["halo"] * halo) * _lognormal(y_py, SIGMA["pyrite"])
    pyrite = np.minimum(pyrite, PYRITE_MAX)
    magnetite = np.where(zone == "potassic", MAGNETITE_CORE_PCT * core, 0.0)
    fe_host = FE_HOST_PCT * _lognormal(y_fe, SIGMA["fe_host"])
    as_bg = AS_BACKGROUND_PPM * _lognormal(y_as, SIGMA["as"])

    sulphide_s = (
        S_PER_CU["chalcopyrite"] * cu_cpy
        + S_PER_CU["enargite"] * cu_en
        + S_PER_CU["chalcocite"] * cu_cc
        + S_IN_PYRITE * pyrite
    )
    sulphide_fe = FE_PER_CU_CPY * cu_cpy + FE_IN_PYRITE * pyrite
    as_ppm = as_bg + 1e4 * AS_PER_CU_ENARGITE * cu_en
    cu = np.where(cap, CAP_KEEPS["cu"] * cu_hyp, cu_hyp + cu_cc)
    s = np.where(cap, CAP_S_PCT, sulphide_s)
    fe = fe_host + FE_IN_MAGNETITE * magnetite
    fe = fe + np.where(cap, CAP_KEEPS["sulphide_fe"], 1.0) * sulphide_fe
    as_ppm = np.where(cap, CAP_KEEPS["as"] * as_ppm, as_ppm)

    # density: harmonic mean of mineral densities by mass fraction (wt % / 100)
    minerals = {
        "chalcopyrite": cu_cpy / CU_IN["chalcopyrite"],
        "enargite": cu_en / CU_IN["enargite"],
        "chalcocite": cu_cc / CU_IN["chalcocite"],
        "pyrite": pyrite,
    }
    specific = sum(w / 100.0 / DENSITY[m] for m, w in minerals.items())
    sulphide_wt = sum(minerals.values())
    specific = specific + magnetite / 100.0 / MAGNETITE_DENSITY
    specific = specific + (1.0 - (sulphide_wt + magnetite) / 100.0) / GANGUE_DENSITY
    density = np.where(cap, GANGUE_DENSITY * (1.0 - CAP_POROSITY), 1.0 / specific)
    bwi = np.vectorize(BWI.__getitem__)(zone) + BWI_SD * y_bwi
    density = np.round(density, COLUMNS["density_t_m3"])
    columns = {
        "x": x,
        "y": y,
        "z": SURFACE_M - depth,
        "tonnes": density * float(np.prod(BLOCK_M)),
        "cu_pct": cu,
        "au_gpt": au,
        "as_ppm": as_ppm,
        "s_pct": s,
        "fe_pct": fe,
        "bwi_kwh_t": np.clip(bwi, *BWI_RANGE),
        "density_t_m3": density,
    }
    # x fastest, then y, then z (Fortran order of the (x, y, z) grid)
    return {name: np.ravel(values, order="F") for name, values in columns.items()}


def write_csv(columns: dict[str, np.ndarray], path: Path) -> None:
    """Write the columns with `COLUMNS`' decimals, '\\n' line ends."""
    formats = ",".join(f"{{:.{d}f}}" for d in COLUMNS.values())
    rows = zip(*(columns[name] for name in COLUMNS), strict=True)
    lines = [",".join(COLUMNS)] + [formats.format(*row) for row in rows]
    path.write_text("\n".join(lines) + "\n", newline="\n")


def summary(columns: dict[str, np.ndarray]) -> str:
    """Blocks, tonnes, tonnage-weighted mean grades, the grade-tonnage table at
    `CUTOFFS_PCT` (a Markdown table) and the share of tonnes above `AS_HIGH_PPM` As."""
    t = columns["tonnes"]
    cu, au = columns["cu_pct"], columns["au_gpt"]
    means = ", ".join(
        f"{name} {np.average(columns[name], weights=t):.4g}"
        for name in ("cu_pct", "au_gpt", "as_ppm", "s_pct", "fe_pct", "bwi_kwh_t")
    )
    lines = [
        f"{len(t):,} blocks, {t.sum() / 1e6:.2f} Mt; mean {means}",
        "",
        "| cutoff Cu % | Mt | share of t | Cu % | Au g/t | Cu kt | Au t |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for cutoff in CUTOFFS_PCT:
        ore = cu >= cutoff
        mt = t[ore].sum() / 1e6
        lines.append(
            f"| {cutoff:.1f} | {mt:.2f} | {t[ore].sum() / t.sum():.1%} "
            f"| {np.average(cu[ore], weights=t[ore]):.3f} "
            f"| {np.average(au[ore], weights=t[ore]):.3f} "
            f"| {(t[ore] * cu[ore]).sum() / 1e5:.1f} | {(t[ore] * au[ore]).sum() / 1e6:.2f} |"
        )
    high_as = columns["as_ppm"] > AS_HIGH_PPM
    ore = cu >= ORE_CUTOFF_PCT
    lines += [
        "",
        f"tonnes with As > {AS_HIGH_PPM:g} ppm: {t[high_as].sum() / t.sum():.1%} of all, "
        f"{t[high_as & ore].sum() / t[ore].sum():.1%} of those with Cu >= {ORE_CUTOFF_PCT} %",
    ]
    return "\n".join(lines)


def main(out: Path = CSV, seed: int = SEED) -> str:
    """Generate the model with `seed`, write it to `out` and return its summary (the
    summary is of the rounded values, as written)."""
    columns = generate(seed)
    write_csv(columns, out)
    rounded = {name: np.round(v, COLUMNS[name]) for name, v in columns.items()}
    return summary(rounded)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=CSV, help="CSV to write")
    parser.add_argument("--seed", type=int, default=SEED, help="random seed")
    args = parser.parse_args()
    print(main(args.out, args.seed))
