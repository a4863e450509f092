"""Which figures without a published source move the calibration (``twin calibration
--assumptions``).

Every unit parameter documents its source (twin.units.fields). Those whose description says
the figure is unverified, a placeholder or recalled are *assumed*; those worded as
the plant's own figure (fields.site_specific: a haul distance, a cost) are *site*. For each
calibration row (twin.calibration.ROWS), each numeric assumed or site parameter of the
row's units, other than the ones the row fits, is set 10 % below and 10 % above its default
with everything else at default, and the row is evaluated again:

- the **row change**: the relative change of the row's figure (kWh/t or kgce/t) at nominal
  load. A figure that moves its row much is one the calibration leans on; the row's fitted
  parameter would absorb the change if the figure were corrected and the row refitted.
- the **turn-down premium**: the row's figure with every unit at 90 % of nominal load over
  its figure at nominal, less 1, and how many percentage points it moves. This is the
  load curve the optimiser trades (moving load into cheap hours), which a figure can move
  without changing the nominal figure (a potline's anode-effect slopes, for instance).

A side whose value the parameter's own range refuses (a fraction pushed past 1) is left
out (None). Not varied: parameters that are zero or not a single number (tables such as a
deportment, lists such as load segments, names), and assumed figures that are module
constants rather than parameters (a calibration feed's assay, a mineralogy table); the
tool says which parameters it left out. This is a one-at-a-time, local sensitivity: it
says which assumptions matter at the defaults, not how they interact.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from twin.calibration import ROWS, Row, evaluate
from twin.errors import TwinError
from twin.units import UNIT_KINDS, fields

#: Relative step each parameter is moved by, both ways.
STEP = 0.10
#: Load of the turn-down premium, fraction of nominal.
TURN_DOWN = 0.9
#: A relative move below this counts as none (the evaluation's round-off is ~1e-15).
NO_EFFECT = 1e-9
#: Words that mark a figure without a published source (twin.units.fields.PLACEHOLDER,
#: ASSUMED, and the free wordings used beside them). "Assumed" alone is not one: cited
#: descriptions use it for a choice inside a published range.
_ASSUMED = re.compile(r"unverified|placeholder|recollection", re.IGNORECASE)
_SITE = fields.site_specific("").split("replace")[0]


def basis(description: str | None) -> str | None:
    """'site' for the plant's own figure, 'assumed' for a figure described as unverified,
    a placeholder or recalled, None for a cited one."""
    text = description or ""
    if _SITE in text:
        return "site"
    return "assumed" if _ASSUMED.search(text) else None


@dataclass(frozen=True)
class Effect:
    """What moving one parameter by -STEP and +STEP does to one row (see module
    docstring); a side is None where the parameter's range refuses the value."""

    row: str
    parameter: str  # "kind.name"
    basis: str  # "assumed" or "site"
    default: float
    row_change: tuple[float | None, float | None]  # relative change of the row's figure
    premium: float  # turn-down premium at the defaults, fraction
    premium_change: tuple[float | None, float | None]  # change of the premium, fraction

    @property
    def size(self) -> float:
        """The largest relative move, of the figure or of the premium: the sort key."""
        moves = [abs(v) for v in (*self.row_change, *self.premium_change) if v is not None]
        return max(moves, default=0.0)


def _figures(row: Row, changes: dict[int, dict]) -> tuple[float, float] | None:
    """The row's figure at nominal load and its turn-down premium, or None where the
    changed parameters are refused."""
    try:
        nominal = evaluate(row, changes)
        return nominal, evaluate(row, changes, TURN_DOWN) / nominal - 1.0
    except (TwinError, ValueError):
        return None


def _change(
    moved: tuple[float, float] | None, base: tuple[float, float], which: int
) -> float | None:
    """The figure's relative change (which=0) or the premium's change (which=1)."""
    if moved is None:
        return None
    return moved[0] / base[0] - 1.0 if which == 0 else moved[1] - base[1]


def row_effects(row: Row, step: float = STEP) -> tuple[list[Effect], list[str]]:
    """The effects of the row's numeric assumed and site parameters, largest first, and
    the assumed or site parameters not varied (not a single number, or zero)."""
    base = _figures(row, {})
    if base is None:
        raise ValueError(f"calibration row {row.name!r} does not evaluate at its defaults")
    effects, skipped = [], []
    for index, (kind, params) in enumerate(row.kinds):
        for name, spec in UNIT_KINDS[kind].Params.model_fields.items():
            label = f"{kind}.{name}"
            kind_of_source = basis(spec.description)
            if kind_of_source is None or label in row.fitted:
                continue
            value = params.get(name, spec.default)
            if isinstance(value, bool) or not isinstance(value, float) or value == 0.0:
                skipped.append(label)
                continue
            low, high = (_figures(row, {index: {name: value * (1 + s)}}) for s in (-step, step))
            effects.append(
                Effect(
                    row.name,
                    label,
                    kind_of_source,
                    value,
                    (_change(low, base, 0), _change(high, base, 0)),
                    base[1],
                    (_change(low, base, 1), _change(high, base, 1)),
                )
            )
    return sorted(effects, key=lambda e: -e.size), skipped


def table(step: float = STEP) -> list[dict]:
    """Every calibration row: the effects that move it (as plain values), the parameters
    varied that move nothing (below NO_EFFECT), and those not varied."""
    out = []
    for row in ROWS:
        effects, skipped = row_effects(row, step)
        out.append(
            {
                "indicator": row.name,
                "unit": row.unit,
                "step": step,
                "turn_down_load": TURN_DOWN,
                "premium": effects[0].premium if effects else None,
                "effects": [asdict(e) for e in effects if e.size >= NO_EFFECT],
                "no_effect": [e.parameter for e in effects if e.size < NO_EFFECT],
                "not_varied": skipped,
            }
        )
    return out
