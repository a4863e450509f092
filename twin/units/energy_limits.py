"""China's energy-limit standards as the unit models cite them: each figure's three grades,
grade 1 the strictest (advanced), grade 3 the limit existing plants must meet, per t of
the product named.

Read as transcribed in a public repository of Chinese energy-limit standards (a script that
turns the standards' PDF tables into draft rules, its values marked there as candidates
awaiting a second review); the standards' own texts were not read.
"""

from __future__ import annotations

#: Where every standard below was read (module docstring).
TRANSCRIBED = "read as transcribed in a public repository of Chinese energy-limit standards"
#: Energy limits for the products of heavy nonferrous metal smelting.
GB_25323 = (
    f"GB 25323-2023 (有色重金属冶炼产品能源消耗限额), {TRANSCRIBED} (three grades, grade 1 "
    "the strictest)"
)
#: The sulphuric-acid energy-limit standard (acid from sulphur, pyrite or smelter gas).
GB_29141 = (
    f"GB 29141-2012 (the sulphuric-acid energy-limit standard), {TRANSCRIBED} (tables 1-3: "
    "existing plants, new plants, advanced)"
)
#: China's energy-limit standard for gold mining, processing and refining.
GB_32032 = (
    "GB 32032-2024 'Norm of energy consumption per unit production for gold mining, mineral "
    "processing, metallurgy and refining of gold' (金矿开采、选冶和金精炼单位产品能源消耗限额; "
    f"in force 2025-05-01), tables 1-3, {TRANSCRIBED} (its three levels, grade 1 the "
    "strictest)"
)

#: GB 25323-2023 table 1: copper electrolysis step, anode copper to cathode, kgce/t cathode.
COPPER_ELECTROLYSIS_KGCE_PER_T = (70.0, 85.0, 110.0)
#: GB 25323-2023 table 2: copper scrap to anode copper, kgce/t anode.
COPPER_SCRAP_ANODE_KGCE_PER_T = (160.0, 190.0, 250.0)
#: GB 25323-2023 table 5: lead smelting, lead concentrate to lead ingot, kgce/t lead.
LEAD_SMELTING_KGCE_PER_T = (300.0, 330.0, 420.0)
#: GB 29141-2012: electricity per t acid made from copper or nickel smelter gas, kWh/t acid
#: (advanced, new plants, existing plants).
SMELTER_GAS_ACID_KWH_PER_T = (100.0, 110.0, 130.0)


def grades(values: tuple[float, float, float]) -> str:
    """The three grades written for a description, e.g. '70 / 85 / 110'."""
    return " / ".join(f"{v:g}" for v in values)
