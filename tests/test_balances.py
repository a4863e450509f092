"""Mass balance of every unit and period of the shipped instances' solutions: for each
element a unit conserves, what enters on its streams equals what leaves on its streams
plus what it emits (S in SO2, C in CO2), to 1e-6 relative."""

from __future__ import annotations

import pytest

import twin
from twin.constants import EMISSION_ELEMENTS
from twin.flowsheet import Flowsheet


@pytest.mark.slow
def test_element_balance_closes_every_unit_and_period(shipped_name, solved, instances_dir):
    schedule = solved(shipped_name)
    fs = Flowsheet(twin.load(instances_dir / shipped_name))
    flows = schedule.stream_flows
    checked = 0
    for uid, eu in fs.units.items():
        modes = {m.name: m for m in eu.modes}
        loads = schedule.unit_loads[schedule.unit_loads.unit == uid]
        for t in range(fs.instance.horizon.periods):
            here = loads[loads.period == t]
            inflow = flows[(flows.to == uid) & (flows.period == t)]
            outflow = flows[(flows["from"] == uid) & (flows.period == t)]
            for el in eu.model.conserved_elements:
                into = sum(
                    r.flow_t * fs.compositions[r.material].get(el, 0.0) for r in inflow.itertuples()
                )
                out = sum(
                    r.flow_t * fs.compositions[r.material].get(el, 0.0)
                    for r in outflow.itertuples()
                )
                out += sum(
                    r.throughput_t * t_em * EMISSION_ELEMENTS.get(sp, {}).get(el, 0.0)
                    for r in here.itertuples()
                    for sp, t_em in modes[r.mode].emissions_t.items()
                )
                assert out == pytest.approx(into, rel=1e-6, abs=1e-9), (shipped_name, uid, t, el)
                checked += 1
    assert checked > 0
