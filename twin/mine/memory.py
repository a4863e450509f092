"""Memory of this process, in MiB (2**20 bytes), for the reports of ``twin mine`` and the
benchmarks of large block models.

`peak_rss_mib` is ``getrusage(RUSAGE_SELF).ru_maxrss``: the most resident memory the
process has held since it started (Linux reports KiB, macOS bytes). `rss_mib` and
`phase_peak_mib` read ``/proc/self`` (Linux only; NaN elsewhere): the resident memory now,
and the peak since the last `reset_phase_peak` (``VmHWM``, which writing ``5`` to
``/proc/self/clear_refs`` resets to the current RSS). On Linux that reset lowers
``ru_maxrss`` too (both are the kernel's one high-water mark), so a program that resets
keeps the largest of its phase peaks itself; ``twin mine`` never resets.
"""

from __future__ import annotations

import math
import resource
import sys
from pathlib import Path

_PROC = Path("/proc/self")


def peak_rss_mib() -> float:
    """Peak resident memory of this process since it started, MiB."""
    peak = float(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10


def _status_kib(field: str) -> float:
    try:
        for line in (_PROC / "status").read_text().splitlines():
            if line.startswith(field + ":"):
                return float(line.split()[1])
    except OSError:
        pass
    return math.nan


def rss_mib() -> float:
    """Resident memory of this process now, MiB (NaN where /proc is missing)."""
    return _status_kib("VmRSS") / 2**10


def reset_phase_peak() -> bool:
    """Start a new phase: the peak of `phase_peak_mib` drops to the RSS now. False where
    the system does not allow it (then the peak is the process's since it started)."""
    try:
        (_PROC / "clear_refs").write_text("5")
    except OSError:
        return False
    return True


def phase_peak_mib() -> float:
    """Peak resident memory since the last `reset_phase_peak`, MiB (NaN without /proc)."""
    return _status_kib("VmHWM") / 2**10
