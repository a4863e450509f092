"""twin: mine-to-metal digital-twin optimisation engine.

    >>> import twin
    >>> schedule = twin.solve("instances/tiny_chain.yaml")
    >>> schedule.summary()["status"]
    'optimal'

The public names are loaded on first use (PEP 562), so ``import twin`` and importing a
unit model or kernel stay cheap: neither loads Pyomo, highspy nor pandas.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

#: Public name -> the module that defines it.
_PUBLIC = {
    "solve": "twin.engine",
    "Instance": "twin.instance",
    "json_schema": "twin.instance",
    "load": "twin.loader",
    "parse": "twin.loader",
    "Schedule": "twin.schedule",
    "SolveOptions": "twin.solvers.options",
    "TwinError": "twin.errors",
    "InstanceError": "twin.errors",
    "SolveError": "twin.errors",
}

__all__ = [
    "Instance",
    "InstanceError",
    "Schedule",
    "SolveError",
    "SolveOptions",
    "TwinError",
    "__version__",
    "json_schema",
    "load",
    "parse",
    "solve",
]

if TYPE_CHECKING:
    from twin.engine import solve
    from twin.errors import InstanceError, SolveError, TwinError
    from twin.instance import Instance, json_schema
    from twin.loader import load, parse
    from twin.schedule import Schedule
    from twin.solvers.options import SolveOptions


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from importlib.metadata import version

        return version("twin")
    if name in _PUBLIC:
        value = getattr(import_module(_PUBLIC[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'twin' has no attribute {name!r}")


def __dir__() -> list[str]:
    return __all__
