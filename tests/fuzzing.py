"""Mutating instances and judging what `twin` makes of them: shared by tests/test_fuzz.py
(a bounded run in CI) and bench/fuzz.py (long runs by hand).

A mutation edits the raw YAML data of a shipped instance at random places: drops a key
or list item, retypes a value, negates, NaN-s, inf-s or oversizes a number, duplicates a
list item, renames an id or a reference. A run's outcome is one of:

* ``clean_error``: the project's own error (InstanceError, OptionError, SolveError) whose
  message is non-empty and, for an instance error, lists 'path: message' problems;
* ``accepted``: a schedule whose every number is finite and whose element balances close;
* ``bad_error`` (a TwinError without a usable message), ``nonfinite``, ``unbalanced`` or
  ``traceback`` (any other exception): defects.
"""

from __future__ import annotations

import copy
import math
import random
import traceback
from pathlib import Path
from typing import Any

import numpy as np

import twin
from twin.errors import InstanceError, TwinError
from twin.flowsheet import Flowsheet
from twin.solvers.options import SolveOptions
from twin.verify import schedule_balance_problems

#: Values a mutation may put in place of another.
JUNK: tuple[Any, ...] = (
    float("nan"),
    float("inf"),
    float("-inf"),
    1e308,
    -1e308,
    0,
    -1,
    10**12,
    1e-300,
    "x",
    "",
    None,
    True,
    [],
    {},
    [1, 2],
    {"a": 1},
)
OUTCOMES = ("clean_error", "accepted", "bad_error", "nonfinite", "unbalanced", "traceback")


def _places(node: Any, path: tuple = ()) -> list[tuple]:
    """Every path into `node` (keys and list positions), the root excluded."""
    found = []
    items = (
        node.items()
        if isinstance(node, dict)
        else enumerate(node)
        if isinstance(node, list)
        else ()
    )
    for key, value in items:
        found.append((*path, key))
        found += _places(value, (*path, key))
    return found


def _ids(data: dict) -> list[str]:
    """The ids the (possibly mutated) data still holds, to swap references with."""
    sections = (data.get(s) for s in ("units", "stocks", "markets", "materials"))
    return [
        x["id"]
        for items in sections
        if isinstance(items, list)
        for x in items
        if isinstance(x, dict) and isinstance(x.get("id"), str)
    ]


def mutate(data: dict, rng: random.Random, edits: int = 2) -> dict:
    """A copy of `data` with `edits` random mutations (see module docstring)."""
    data = copy.deepcopy(data)
    for _ in range(edits):
        places = _places(data)
        if not places:
            break
        path = rng.choice(places)
        parent = data
        for key in path[:-1]:
            parent = parent[key]
        key = path[-1]
        old = parent[key]
        action = rng.choice(("drop", "junk", "scale", "negate", "duplicate", "rename"))
        if action == "drop":
            del parent[key]
        elif action == "scale" and isinstance(old, (int, float)) and not isinstance(old, bool):
            parent[key] = old * rng.choice((1e6, 1e-6, 1e12, -3.0))
        elif action == "negate" and isinstance(old, (int, float)) and not isinstance(old, bool):
            parent[key] = -old if old else -1
        elif action == "duplicate" and isinstance(parent, list):
            parent.append(copy.deepcopy(old))
        elif action == "rename" and isinstance(old, str):
            parent[key] = rng.choice([*_ids(data), old + "x", old.upper()])
        else:
            parent[key] = copy.deepcopy(rng.choice(JUNK))
    return data


def _finite(schedule: twin.Schedule) -> bool:
    for frame in schedule.tables.values():
        numbers = frame.select_dtypes("number").to_numpy(dtype=float)
        if not np.isfinite(numbers).all():
            return False
    objective = schedule.objective_cny
    return objective is not None and math.isfinite(objective)


def judge(data: Any, base_dir: Path, time_limit_s: float = 5.0) -> tuple[str, str]:
    """(outcome, detail) of validating and solving `data` (series relative to
    `base_dir`) within `time_limit_s`."""
    try:
        instance = twin.parse(data, base_dir)
        schedule = twin.solve(instance, SolveOptions(time_limit_s=time_limit_s))
        fs = Flowsheet(instance)
    except InstanceError as err:
        ok = bool(err.problems) and all(": " in p for p in err.problems)
        return ("clean_error" if ok else "bad_error"), str(err)
    except TwinError as err:
        return ("clean_error" if str(err).strip() else "bad_error"), str(err)
    except Exception:  # noqa: BLE001 (any other exception is the defect being counted)
        return "traceback", traceback.format_exc()
    if not _finite(schedule):
        return "nonfinite", f"objective {schedule.objective_cny}"
    unbalanced = schedule_balance_problems(fs, schedule.tables)
    if unbalanced:
        return "unbalanced", "; ".join(unbalanced[:3])
    return "accepted", schedule.solution.status
