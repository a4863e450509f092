"""The flowsheet's balances as equations in measured quantities, for data reconciliation.

The quantities (:class:`Quantity`) are a period's stream flows (t over the period), stream
assays (element mass fractions) and stock levels at the period's start (``opening``) and
end (``level``), t. The balances (:class:`Balance`, each ``g(z) = 0``) come from the twin:

* **yield rows** around a unit: its unit model gives each port's tonnes per t of basis
  (``Flowsheet.material_coefficients``), so the flows of two of its materials m, r keep
  ``c_r S_m - c_m S_r = 0`` (S: the summed flows of the unit's streams of that material,
  c: t per t basis; the row is divided by max(c_r, c_m)). A unit whose modes differ in
  their yields (a mine's selectivity modes) gets the total-mass row ``sum in - sum out =
  0`` instead when every mode conserves mass, and no row otherwise;
* **element rows** around a unit, for an element some stream at the unit has an assay of:
  ``sum_in F w - sum_out F w - e S_r / c_r = 0``, e the element leaving per t basis in
  the unit's emissions (SO2's sulphur, twin.constants.EMISSION_ELEMENTS), so a smelter's
  sulphur to air is part of the balance. Bilinear in flows F and assays w;
* **stock rows** (when a level of the stock is measured): ``opening + in - out - level =
  0``. Markets are the flowsheet's boundary and have no row.

An assay that is not measured is an unknown of the reconciliation when the twin's
composition of the stream's material has the element, and is 0 (fixed) when it has not;
a flow or level that is not measured is an unknown.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from twin.constants import EMISSION_ELEMENTS
from twin.flowsheet import Flowsheet
from twin.units import Mode

#: Relative tolerance within which two modes' yields (t per t basis) count as the same.
YIELD_RTOL = 1e-9

#: A quantity's key: ("flow", stream), ("assay", stream, element), ("level", stock) or
#: ("opening", stock).
Key = tuple[str, ...]


@dataclass
class Balance:
    """One equation g(z) = sum_i a_i z_i + sum_(i,j) b_ij z_i z_j = 0 over the quantities
    (indices into :attr:`Balances.keys`); `name` says where it holds, for people."""

    name: str
    linear: dict[int, float] = field(default_factory=dict)
    bilinear: list[tuple[int, int, float]] = field(default_factory=list)


@dataclass
class Balances:
    """The quantities (keys) and the balances among them."""

    keys: list[Key]
    rows: list[Balance]
    #: Units with no balance (modes with different yields that do not conserve mass).
    unbalanced_units: list[str]

    def residuals(self, z: np.ndarray) -> np.ndarray:
        """g(z) of every balance (t over the period, or t / t basis for scaled yields)."""
        return np.array(
            [
                sum(a * z[i] for i, a in row.linear.items())
                + sum(b * z[i] * z[j] for i, j, b in row.bilinear)
                for row in self.rows
            ]
        )

    def jacobian(self, z: np.ndarray) -> np.ndarray:
        """dg/dz at z, one row per balance."""
        jac = np.zeros((len(self.rows), len(self.keys)))
        for r, row in enumerate(self.rows):
            for i, a in row.linear.items():
                jac[r, i] += a
            for i, j, b in row.bilinear:
                jac[r, i] += b * z[j]
                jac[r, j] += b * z[i]
        return jac


def _same_yields(a: tuple[dict, dict], b: tuple[dict, dict]) -> bool:
    return all(
        set(x) == set(y) and all(abs(x[k] - y[k]) <= YIELD_RTOL * max(1.0, abs(y[k])) for k in y)
        for x, y in zip(a, b, strict=True)
    )


def _emitted(mode: Mode, element: str) -> float:
    """t of `element` released to air per t basis of `mode`."""
    return sum(
        t * EMISSION_ELEMENTS.get(s, {}).get(element, 0.0) for s, t in mode.emissions_t.items()
    )


class _Builder:
    def __init__(self, fs: Flowsheet, assays: Iterable[tuple[str, str]], levels: set[str]):
        self.fs = fs
        self.streams = {s.name: s for s in fs.instance.streams}
        self.keys: list[Key] = [("flow", name) for name in self.streams]
        self.index: dict[Key, int] = {k: i for i, k in enumerate(self.keys)}
        self.measured_assays = set(assays)
        self.rows: list[Balance] = []
        self.unbalanced: list[str] = []
        self.levels = levels

    def var(self, key: Key) -> int:
        if key not in self.index:
            self.index[key] = len(self.keys)
            self.keys.append(key)
        return self.index[key]

    def streams_at(self, node: str, side: str, material: str) -> list[str]:
        """Names of the streams of `material` into (side "in") or out of `node`."""
        end = "to" if side == "in" else "from_"
        return [
            n for n, s in self.streams.items() if getattr(s, end) == node and s.material == material
        ]

    def unit_rows(self, uid: str) -> None:
        fs = self.fs
        coefs = [fs.material_coefficients(uid, k) for k in range(len(fs.units[uid].modes))]
        flows = {
            (side, m): self.streams_at(uid, side, m)
            for side, table in zip(("in", "out"), coefs[0], strict=True)
            for m in table
        }
        if all(_same_yields(c, coefs[0]) for c in coefs):
            per_t = {(side, m): coefs[0][side == "out"][m] for side, m in flows}
            self.yield_rows(uid, flows, per_t)
            self.element_rows(uid, flows, per_t)
        elif all(
            abs(sum(i.values()) - sum(o.values())) <= YIELD_RTOL * sum(i.values()) for i, o in coefs
        ):
            row = Balance(f"{uid}: total mass")
            for (side, _), names in flows.items():
                for n in names:
                    row.linear[self.var(("flow", n))] = 1.0 if side == "in" else -1.0
            self.rows.append(row)
            self.element_rows(uid, flows, None)
        else:
            self.unbalanced.append(uid)

    def yield_rows(self, uid: str, flows: dict, per_t: dict) -> None:
        connected = [k for k, names in flows.items() if names and per_t[k] > 0]
        if len(connected) < 2:
            return
        ref = max(connected, key=lambda k: per_t[k])
        for key in connected:
            if key == ref:
                continue
            scale = max(per_t[ref], per_t[key])
            row = Balance(f"{uid}: {key[1]} per t {ref[1]}")
            for n in flows[key]:
                row.linear[self.var(("flow", n))] = per_t[ref] / scale
            for n in flows[ref]:
                row.linear[self.var(("flow", n))] = -per_t[key] / scale
            self.rows.append(row)

    def element_rows(self, uid: str, flows: dict, per_t: dict | None) -> None:
        names = {n: side for (side, _), ns in flows.items() for n in ns}
        elements = sorted({e for n, e in self.measured_assays if n in names})
        modes = self.fs.units[uid].modes
        for e in elements:
            emitted = _emitted(modes[0], e)
            if per_t is None and any(_emitted(m, e) > 0 for m in modes):
                continue  # emissions need a basis the unit's yields do not give
            row = Balance(f"{uid}: {e} balance")
            for n, side in names.items():
                if (n, e) in self.measured_assays or self.fs.compositions.get(
                    self.streams[n].material, {}
                ).get(e, 0.0) > 0:
                    sign = 1.0 if side == "in" else -1.0
                    row.bilinear.append((self.var(("flow", n)), self.var(("assay", n, e)), sign))
            if emitted > 0 and per_t is not None:
                ref = max(
                    (k for k, ns in flows.items() if ns and per_t[k] > 0), key=lambda k: per_t[k]
                )
                for n in flows[ref]:
                    row.linear[self.var(("flow", n))] = -emitted / per_t[ref]
            self.rows.append(row)

    def stock_rows(self) -> None:
        for stock in self.fs.instance.stocks:
            if stock.id not in self.levels:
                continue
            row = Balance(f"{stock.id}: stock balance")
            row.linear[self.var(("opening", stock.id))] = 1.0
            row.linear[self.var(("level", stock.id))] = -1.0
            for side, sign in (("in", 1.0), ("out", -1.0)):
                for n in self.streams_at(stock.id, side, stock.material):
                    row.linear[self.var(("flow", n))] = sign
            self.rows.append(row)


def balances(
    fs: Flowsheet, assays: Iterable[tuple[str, str]] = (), levels: Iterable[str] = ()
) -> Balances:
    """The balances of `fs` (module docstring) given the (stream, element) pairs whose
    assays are measured and the stocks whose levels are."""
    builder = _Builder(fs, assays, set(levels))
    for uid in fs.units:
        builder.unit_rows(uid)
    builder.stock_rows()
    return Balances(builder.keys, builder.rows, builder.unbalanced)
