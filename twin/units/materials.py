"""Standard material compositions (element mass fractions) that more than one unit kind,
the calibration or the tests use: what two producers of one material must agree on, and
typical purchased feeds. Each is stoichiometric or cited.
"""

from __future__ import annotations

from twin.constants import AL2O3, CAMG_CO3_2, MGCL2, NAOH, S_IN_H2SO4, TIO2, mass_fraction

#: Cu fraction of fire-refined anodes: > 99 % (royal-spice page, secondary); 99.5 %
#: assumed. The copper smelter and the scrap refinery both default to it, so both make
#: ``anode_copper`` of one composition and can feed one electrorefinery.
ANODE_CU = 0.995
#: Sulphuric acid (H2SO4, 100 % basis) as the acid plant makes it: S 0.3269.
SULPHURIC_ACID = {"S": S_IN_H2SO4}
#: Primary magnesium as both producers (Pidgeon, electrolysis) make it and Kroll takes it.
MAGNESIUM = {"Mg": 1.0}
#: Chlorine gas, as MgCl2 electrolysis makes it and Kroll takes it.
CHLORINE = {"Cl": 1.0}
#: Raw dolomite CaMg(CO3)2 from stoichiometry: Mg 0.1318, Ca 0.2173, C 0.1303.
DOLOMITE = {e: mass_fraction(e, CAMG_CO3_2) for e in ("Mg", "Ca", "C")}
#: 75 % ferrosilicon (FeSi75), the Pidgeon reductant.
FESI75 = {"Si": 0.75, "Fe": 0.25}
#: Anhydrous magnesium chloride: Mg 0.2553, Cl 0.7447.
MAGNESIUM_CHLORIDE = {e: mass_fraction(e, MGCL2) for e in MGCL2}
#: Pure TiO2 (Ti 0.5993); natural rutile and Ti slag carry less Ti and some Fe, Si.
RUTILE = {"Ti": mass_fraction("Ti", TIO2)}
#: Zinc concentrate for the calibration: Zn 50 %, S 32 %, Fe 8 %, minor Pb, Cd, As, Hg.
#: Published: "approx. 55 % zinc, 6.5 % iron and 32 % sulphur", with 3-5 % PbS and
#: 0.35-0.41 % CdS (Wikipedia, 'Zinc concentrate', older revision copied at
#: the-uncensored-wiki.com); Zn 50-60 %, S 30-35 % (Global Summit, 'Zinc Concentrate: The
#: Essential Guide', a trader's page). Zn and S lie inside those; Fe 8 % is above the 6.5 %
#: and is kept because the zinc unit's worked calibration (twin.units.zinc) rests on this
#: feed. China's zinc concentrate quality table (nine grades, quoted at xuantongshebei.cn,
#: 'zinc concentrate beneficiation quality standards', table 2-3) allows its grade 5 (Zn >=
#: 50 %) at most Fe 8 %, Pb 1.5 % and As 0.4 %: Fe and Pb sit at those limits, and As 0.2 %
#: is a placeholder for the plant's own assay inside its limit. Hg unverified (the
#: import-limit table for Hg named at customs.cn was not in the text read). A plant
#: replaces all of it with its own assays (``twin unit --feed``).
TYPICAL_ZN_CONCENTRATE = {
    "Zn": 0.50,
    "S": 0.32,
    "Fe": 0.08,
    "Si": 0.01,
    "Pb": 0.015,
    "Cd": 0.002,
    "As": 0.002,
    "Hg": 0.00005,
}
#: Bauxite for the calibration: 55 % Al2O3, 7 % SiO2, 20 % Fe2O3 (assumed, unverified;
#: illustrative, a refinery replaces it with its own assay). Searched (pages: Chinese
#: diasporic bauxite composition): one deposit report (Al2O3 68.07 %, SiO2 14.52 %, A/S
#: 4.6, on wpsab.com, unattributed) and no Fe2O3; nothing citable for a typical feed
#: (nor for Guangxi's high-iron accumulation-type bauxite, 平果 堆积型铝土矿).
#: Also searched: pages on Henan, Shanxi and northern Guizhou diasporic bauxite assays
#: (English; Chinese 一水硬铝石 化学成分) and code for 铝硅比: Al2O3 and SiO2 without Fe2O3,
#: or no figures.
BAUXITE = {"Al": 0.2911, "Si": 0.0327, "Fe": 0.1399}
#: Silica flux, 90 % SiO2 (assumed).
SILICA_FLUX = {"Si": 0.4207}
#: Caustic soda, NaOH (100 % basis).
CAUSTIC = {"Na": mass_fraction("Na", NAOH)}
#: Smelter-grade alumina, Al2O3: Al 0.5293.
ALUMINA = {"Al": mass_fraction("Al", AL2O3)}
#: Carbon (prebaked anodes, petroleum coke) as pure C.
CARBON = {"C": 1.0}

#: Purchased feeds by material id: the typical compositions ``twin unit`` feeds a unit with.
PURCHASED = {
    "zn_concentrate": TYPICAL_ZN_CONCENTRATE,
    "sulphuric_acid": SULPHURIC_ACID,
    "bauxite": BAUXITE,
    "silica_flux": SILICA_FLUX,
    "caustic_soda": CAUSTIC,
    "alumina": ALUMINA,
    "carbon_anode": CARBON,
    "petroleum_coke": CARBON,
    "dolomite": DOLOMITE,
    "ferrosilicon_75": FESI75,
    "magnesium_chloride": MAGNESIUM_CHLORIDE,
    "magnesium": MAGNESIUM,
    "chlorine": CHLORINE,
    "rutile": RUTILE,
}
