"""Mass balance of every unit and period of the shipped instances' solutions: for each
element a unit conserves, what enters on its streams equals what leaves on its streams
plus what it emits (S in SO2, C in CO2), to 1e-6 relative; and the check itself catches
a broken balance."""

from __future__ import annotations

import pytest

import twin
from twin.flowsheet import Flowsheet
from twin.verify import schedule_balance_problems


@pytest.mark.slow
def test_element_balance_closes_every_unit_and_period(shipped_name, solved, instances_dir):
    schedule = solved(shipped_name)
    fs = Flowsheet(twin.load(instances_dir / shipped_name))
    assert schedule.unit_loads.size and not schedule_balance_problems(fs, schedule.tables)


def test_balance_check_sees_a_missing_tonne(solved, instances_dir):
    schedule = solved("tiny_chain.yaml")
    fs = Flowsheet(twin.load(instances_dir / "tiny_chain.yaml"))
    tables = dict(schedule.tables)
    flows = tables["stream_flows"].copy()
    metal = (flows.to == "metal_bin") & (flows.period == 0)
    flows.loc[metal, "flow_t"] -= 1.0
    tables["stream_flows"] = flows
    assert schedule_balance_problems(fs, tables) == [
        "unit remelt, period 0, Al: in 12.6315789 t, out 11.6315789 t"
    ]
