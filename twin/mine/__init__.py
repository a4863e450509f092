"""Mine planning data: MineLib and CSV block models, slope precedence, ultimate and
nested pits by minimum cut, ore loss and dilution, block schedules and their verifier.
Scheduling algorithms live in `twin.solvers` (`twin.solvers.mine_schedule`), their LPs in
`twin.models` (`twin.models.mine_lp`).

    >>> from twin.mine import load_instance, ultimate_pit
    >>> inst = load_instance("newman1", "upit")          # doctest: +SKIP
    >>> ultimate_pit(inst.problem, inst.prec).value       # doctest: +SKIP
"""

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
