"""twin: mine-to-metal digital-twin optimisation engine.

    >>> import twin
    >>> schedule = twin.solve("instances/tiny_chain.yaml")
    >>> schedule.summary()["status"]
    'optimal'
"""
from twin.engine import solve
from twin.errors import InstanceError, SolveError, TwinError
from twin.instance import Instance, json_schema, load
from twin.schedule import Schedule
from twin.solvers.highs import SolveOptions

__all__ = ["Instance", "InstanceError", "Schedule", "SolveError", "SolveOptions", "TwinError",
           "json_schema", "load", "solve"]
__version__ = "0.1.0"
