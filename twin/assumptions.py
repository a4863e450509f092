"""Which figures without a published source move the calibration (``twin calibration
--assumptions``).

Every unit parameter documents its source (twin.units.fields). Those whose description says
the figure is unverified, a placeholder or recalled are *assumed*; those worded as
the plant's own figure (fields.site_specific: a haul distance, a cost) are *site*. For each
calibration row (twin.calibration.ROWS), each numeric assumed or site parameter of the
row's units, other than the ones the row fits, is set to 0.9 and 1.1 times its default
with everything else at default, and the row is evaluated again:

- the **row change**: the relative change of the row's figure (kWh/t or kgce/t) at nominal
  load. A figure that moves its row much is one the calibration leans on; the row's fitted
  parameter would absorb the change if the figure were corrected and the row refitted.
- the **turn-down premium**: the row's figure with every unit at 90 % of nominal load over
  its figure at nominal, less 1, and how many percentage points it moves. This is the
  load curve the optimiser trades (moving load into cheap hours), which a figure can move
  without changing the nominal figure (a potline's anode-effect slopes, for instance).

A side whose evaluation fails (the parameter's own range refuses the value, such as a
fraction pushed past 1, or a unit cannot run there) is left out (None); a parameter whose
every side fails is listed as failed. Not varied: parameters that are zero or not a float
(tables such as a deportment, lists such as load segments, names, counts), and assumed
figures that are module constants rather than parameters (a calibration feed's assay, a
mineralogy table); the tool says which parameters it left out. This is a one-at-a-time,
local sensitivity: it says which assumptions matter at the defaults, not how they
interact.
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
    """What moving one parameter to (1 - STEP) and (1 + STEP) times its default does to
    one row (see module docstring); a side is None where the evaluation fails (the
    parameter's range refuses the value, or a unit cannot run there)."""

    row: str
    parameter: str  # "kind.name"
    basis: str  # "assumed" or "site"
    default: float
    row_change: tuple[float | None, ...]  # relative change of the row's figure, per side
    premium_change: tuple[float | None, ...]  # change of the premium, fraction, per side

    @property
    def size(self) -> float | None:
        """The largest relative move, of the figure or of the premium (the sort key);
        None when every side failed."""
        moves = [abs(v) for v in (*self.row_change, *self.premium_change) if v is not None]
        return max(moves) if moves else None


def _figure(row: Row, changes: dict[int, dict], load: float = 1.0) -> float | None:
    """The row's figure with `changes` at `load`, or None where the evaluation fails."""
    try:
        return evaluate(row, changes, load)
    except (TwinError, ValueError):
        return None


def _premium(nominal: float | None, turned_down: float | None) -> float | None:
    """The turn-down premium, figure at TURN_DOWN over figure at nominal less 1."""
    return None if nominal is None or turned_down is None else turned_down / nominal - 1.0


def row_premium(row: Row) -> float | None:
    """The row's turn-down premium at its defaults (None where turning down fails)."""
    return _premium(_figure(row, {}), _figure(row, {}, TURN_DOWN))


def _sides(
    row: Row, changes: list[dict[int, dict]], base: float, premium: float | None
) -> tuple[tuple[float | None, ...], tuple[float | None, ...]]:
    """For each of `changes`: the row figure's relative change from `base`, and its
    premium's change from `premium` (None where an evaluation fails)."""
    row_change, premium_change = [], []
    for change in changes:
        nominal = _figure(row, change)
        moved = _premium(nominal, _figure(row, change, TURN_DOWN))
        row_change.append(None if nominal is None else nominal / base - 1.0)
        premium_change.append(None if moved is None or premium is None else moved - premium)
    return tuple(row_change), tuple(premium_change)


def row_effects(row: Row, step: float = STEP) -> tuple[list[Effect], list[str]]:
    """The effects of the row's assumed and site parameters whose value is a non-zero
    float, largest first (those whose every side failed last), and the assumed or site
    parameters not varied (not a float, or zero)."""
    names = {
        f"{kind}.{name}" for kind, _ in row.kinds for name in UNIT_KINDS[kind].Params.model_fields
    }
    if unknown := set(row.fitted) - names:
        raise ValueError(
            f"calibration row {row.name!r} fits {sorted(unknown)}: not its units' parameters"
        )
    base = _figure(row, {})
    if base is None:
        raise ValueError(f"calibration row {row.name!r} does not evaluate at its defaults")
    premium = _premium(base, _figure(row, {}, TURN_DOWN))
    effects, skipped = [], []
    for index, (kind, params) in enumerate(row.kinds):
        for name, spec in UNIT_KINDS[kind].Params.model_fields.items():
            label, source = f"{kind}.{name}", basis(spec.description)
            if source is None or label in row.fitted:
                continue
            value = params.get(name, spec.default)
            if not isinstance(value, float) or value == 0.0:
                skipped.append(label)
                continue
            moved = [{index: {name: value * factor}} for factor in (1.0 - step, 1.0 + step)]
            row_change, premium_change = _sides(row, moved, base, premium)
            effects.append(Effect(row.name, label, source, value, row_change, premium_change))
    return sorted(effects, key=lambda e: (e.size is None, -(e.size or 0.0))), skipped


def table(step: float = STEP) -> list[dict]:
    """Every calibration row: its turn-down premium, the effects that move it (as plain
    values), the parameters varied that move nothing (below NO_EFFECT), those whose every
    side failed, and those not varied."""
    out = []
    for row in ROWS:
        effects, skipped = row_effects(row, step)
        out.append(
            {
                "indicator": row.name,
                "unit": row.unit,
                "step": step,
                "turn_down_load": TURN_DOWN,
                "premium": row_premium(row),
                "effects": [
                    asdict(e) for e in effects if e.size is not None and e.size >= NO_EFFECT
                ],
                "no_effect": [
                    e.parameter for e in effects if e.size is not None and e.size < NO_EFFECT
                ],
                "failed": [e.parameter for e in effects if e.size is None],
                "not_varied": skipped,
            }
        )
    return out
