"""Mine planning data: MineLib and CSV block models, slope precedence, ultimate and
nested pits by minimum cut, ore loss and dilution, block schedules and their verifier.
Scheduling algorithms live in `twin.solvers` (`twin.solvers.mine_schedule`), their LPs in
`twin.models` (`twin.models.mine_lp`).

    >>> from twin.mine import load_instance, ultimate_pit
    >>> inst = load_instance("newman1", "upit")          # doctest: +SKIP
    >>> ultimate_pit(inst.problem, inst.prec).value       # doctest: +SKIP
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

#: Public name -> the module that defines it, loaded on first use (PEP 562), so that a
#: light module of the package (limits, memory, text) loads no NumPy, pandas or SciPy.
_PUBLIC = {
    **dict.fromkeys(
        ("BlockModel", "MineInstance", "Precedence", "ScheduleProblem", "UpitProblem"),
        "twin.mine.data",
    ),
    **dict.fromkeys(
        ("load_instance", "minelib_dir", "read_blocks", "read_prec", "read_schedule", "read_upit"),
        "twin.mine.minelib",
    ),
    **dict.fromkeys(("PitResult", "is_closed", "nested_pits", "ultimate_pit"), "twin.mine.pit"),
}

if TYPE_CHECKING:
    from twin.mine.data import BlockModel, MineInstance, Precedence, ScheduleProblem, UpitProblem
    from twin.mine.minelib import (
        load_instance,
        minelib_dir,
        read_blocks,
        read_prec,
        read_schedule,
        read_upit,
    )
    from twin.mine.pit import PitResult, is_closed, nested_pits, ultimate_pit

__all__ = [
    "BlockModel",
    "MineInstance",
    "PitResult",
    "Precedence",
    "ScheduleProblem",
    "UpitProblem",
    "is_closed",
    "load_instance",
    "minelib_dir",
    "nested_pits",
    "read_blocks",
    "read_prec",
    "read_schedule",
    "read_upit",
    "ultimate_pit",
]


def __getattr__(name: str) -> Any:
    if name in _PUBLIC:
        value = getattr(import_module(_PUBLIC[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'twin.mine' has no attribute {name!r}")


def __dir__() -> list[str]:
    return __all__
