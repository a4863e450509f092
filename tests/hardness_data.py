"""A pit whose block model carries Cu and a Bond work index, feeding one mill that sells
its concentrate (tests/test_ore_hardness.py, tests/test_verify_trust_region.py,
tests/test_grade_energy_terms.py)."""

from __future__ import annotations

from pathlib import Path

from twin.flowsheet import Flowsheet

WI = "bwi_kwh_t"
#: A soft block (0.6 % Cu, Wi 12 kWh/t) and a hard one (1.0 % Cu, Wi 20), 1000 t each.
SOFT_AND_HARD = "x,y,z,tonnes,cu_pct,bwi_kwh_t\n5,5,5,1000,0.6,12\n15,5,5,1000,1.0,20\n"


def at_work_index(fs: Flowsheet, wi: float) -> Flowsheet:
    """`fs` with the mill linearised, in period 0, at a blend of Bond work index `wi`."""
    eu = fs.units["mill"]
    feed = {**eu.feeds, "ore": {**eu.feeds["ore"], WI: wi}}
    return fs.relinearised({("mill", 0): eu.model.modes(feed)}, {("mill", 0): feed})


def hardness_instance(
    folder: Path, blocks_csv: str, insitu_cu: float, bin_edges: list[float], periods: int = 1
) -> dict:
    """The instance's data, to parse with `folder`, where `blocks_csv` (columns x, y, z,
    tonnes, cu_pct, bwi_kwh_t) is written as blocks.csv; 10 h periods."""
    (folder / "blocks.csv").write_text(blocks_csv)
    return {
        "name": "hard_and_soft",
        "horizon": {"periods": periods, "period_length_h": 10},
        "materials": [{"id": "cu_ore", "track": ["Cu", "bwi_kwh_t"]}],
        "units": [
            {
                "id": "pit",
                "kind": "open_pit_mine",
                "capacity_t_per_h": 1000,
                "params": {
                    "insitu_composition": {"Cu": insitu_cu},
                    "mining_cost_cny_per_t_moved": 10,
                    "power_kwh_per_t_moved": 0,
                    "block_model": {
                        "file": {"file": "blocks.csv"},
                        "components": {"Cu": "cu_pct", "bwi_kwh_t": "bwi_kwh_t"},
                        "price_cny_per_t_metal": 68000,
                        "recovery": 0.88,
                        "processing_cost_cny_per_t": 35,
                        "revenue_factors": [1.0],
                        "bin_on": "Cu",
                        "bin_edges": bin_edges,
                        "cutoff": 0.005,
                    },
                },
            },
            {
                "id": "mill",
                "kind": "concentrator",
                "capacity_t_per_h": 100,
                "params": {
                    "work_index_kwh_per_t": 12,
                    "design_work_index_kwh_per_t": 12,
                    "feed_size_correction": False,
                },
            },
        ],
        "streams": [
            {"from": "pit", "to": "mill", "material": "cu_ore"},
            {"from": "pit", "to": "waste_dump", "material": "waste_rock"},
            {"from": "mill", "to": "buyer", "material": "cu_concentrate"},
            {"from": "mill", "to": "tailings_dam", "material": "cu_tailings"},
        ],
        "markets": [
            {"id": "buyer", "material": "cu_concentrate", "side": "sell", "price_cny_per_t": 20000},
            {"id": "waste_dump", "material": "waste_rock", "side": "sell", "price_cny_per_t": 0},
            {"id": "tailings_dam", "material": "cu_tailings", "side": "sell", "price_cny_per_t": 0},
        ],
        "power": {"grid": {"tou_price_cny_per_kwh": 0.5}},
        "fuels": {"diesel": {"price_cny_per_kgce": 0}},
    }
