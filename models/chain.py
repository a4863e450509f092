"""The flowsheet as index arrays for the formulation: units and their modes, streams,
stocks and markets numbered once, and every per-tonne coefficient of a mode as one
(unit-mode x period) array, patched in the periods where successive linearisation
re-linearised a unit (``Flowsheet.mode(u, k, t)``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from twin.flowsheet import Flowsheet
from twin.units.base import Mode


class Chain:
    """Index arrays of one flowsheet (see module docstring). Attributes: T periods of
    length_h hours; units; UK (unit, mode) pairs with their unit index uk_unit and rate
    (t/h, the nominal modes'); availability (units x T); discrete, must_run, min_load per
    unit; streams with flows into / out of each (node, material)."""

    def __init__(self, fs: Flowsheet) -> None:
        inst = fs.instance
        self.fs = fs
        self.instance = inst
        self.T = inst.horizon.periods
        self.length_h = inst.horizon.period_length_h
        self.tt = np.arange(self.T)
        self.units = list(fs.units)
        self.unit_index = {u: i for i, u in enumerate(self.units)}
        self.UK = [(u, k) for u in self.units for k in range(len(fs.units[u].modes))]
        self.uk_index = {uk: j for j, uk in enumerate(self.UK)}
        self.uk_unit = np.array([self.unit_index[u] for u, _ in self.UK], dtype=np.int64)
        self.rate = np.array([fs.units[u].modes[k].max_rate_t_per_h for u, k in self.UK])
        specs = [fs.units[u].spec for u in self.units]
        self.availability = np.array(
            [inst.series(s.availability) for s in specs], dtype=float
        ).reshape(len(specs), self.T)
        self.discrete = np.array([s.discrete for s in specs], dtype=bool)
        self.must_run = np.array([s.must_run for s in specs], dtype=bool)
        self.min_load = np.array([s.min_load for s in specs], dtype=float)
        self.streams = list(inst.streams)
        self.stream_index = {s.name: i for i, s in enumerate(self.streams)}
        self.into: dict[tuple[str, str], list[str]] = {}
        self.out_of: dict[tuple[str, str], list[str]] = {}
        for s in self.streams:
            self.into.setdefault((s.to, s.material), []).append(s.name)
            self.out_of.setdefault((s.from_, s.material), []).append(s.name)
        #: UK position -> (periods, modes) where the flowsheet overrides that unit-mode.
        self._patches: dict[int, tuple[np.ndarray, list[Mode]]] = {}
        grouped: dict[int, tuple[list[int], list[Mode]]] = {}
        for (u, t), modes in fs.overrides.items():
            for k, mode in enumerate(modes):
                periods, patched = grouped.setdefault(self.uk_index[u, k], ([], []))
                periods.append(t)
                patched.append(mode)
        for j, (periods, patched) in grouped.items():
            self._patches[j] = (np.array(periods, dtype=np.int64), patched)

    def modes_of(self, unit: str) -> np.ndarray:
        """Indices into UK of `unit`'s modes."""
        return np.flatnonzero(self.uk_unit == self.unit_index[unit])

    def coef(
        self, f: Callable[[str, Mode], Any], js: Any = None, dtype: type = float
    ) -> np.ndarray:
        """f(unit, mode) for every unit-mode (or those in `js`) and period: (n, T), the mode
        in period t being Flowsheet.mode(unit, k, t). f is called once per unit-mode and
        once per period in which that unit-mode is overridden, so a call costs what it reads."""
        js = np.arange(len(self.UK)) if js is None else np.asarray(js, dtype=np.int64)
        modes = self.fs.units
        base: np.ndarray = np.array(
            [f(self.UK[j][0], modes[self.UK[j][0]].modes[self.UK[j][1]]) for j in js], dtype=dtype
        ).reshape(len(js))
        patched = [(i, j) for i, j in enumerate(js.tolist()) if j in self._patches]
        if not patched:
            return np.broadcast_to(base[:, None], (len(js), self.T))
        out = np.repeat(base[:, None], self.T, axis=1)
        for i, j in patched:
            periods, overriding = self._patches[j]
            u = self.UK[j][0]
            out[i, periods] = [f(u, mode) for mode in overriding]
        return out
