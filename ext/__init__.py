"""Cython kernels (unit balances, electrolysis, block-model operations, max-flow) with
pure-Python or NumPy reference implementations beside them.

Installed as ``twin.ext``; importing it under its bare folder name is refused, so one
file never loads as two modules (their classes would differ)."""

if __name__ != "twin.ext":
    raise ImportError(
        f"import twin.ext, not {__name__}: the folder ext/ is installed "
        "as twin.ext (pip install -e .)"
    )

# Kernel dispatch: unit models call kernels through kernels(), kernel_point() and
# kernel_columns(), never by importing twin.ext.<name>, so TWIN_KERNELS=ref swaps in the
# references and an install without compiled kernels still imports (and says what is
# missing on first use).
import os  # noqa: E402  (below the guard, which must run first)
from array import array  # noqa: E402
from collections.abc import Iterable, Sequence  # noqa: E402
from importlib import import_module  # noqa: E402
from importlib.util import find_spec  # noqa: E402
from types import ModuleType  # noqa: E402

#: Kernel modules: each compiled ``twin.ext.<name>`` has a reference ``twin.ext.<name>_ref``
#: with the same function names and signatures.
KERNELS = (
    "aluminium",
    "copper",
    "electrolysis",
    "lead_zinc",
    "light_metals",
    "maxflow",
    "mining",
    "precedence",
)
#: Environment variable that picks the implementation: "compiled" (default) or "ref".
KERNELS_ENV = "TWIN_KERNELS"


def _findable(module: str) -> bool:
    try:
        return find_spec(module) is not None
    except ImportError:
        return False


def missing_compiled() -> list[str]:
    """Compiled kernel modules that cannot be found (a build without a C compiler)."""
    return [f"twin.ext.{name}" for name in KERNELS if not _findable(f"twin.ext.{name}")]


def kernels(name: str) -> ModuleType:
    """The kernel module `name` (one of :data:`KERNELS`): compiled ``twin.ext.<name>``, or
    its reference ``twin.ext.<name>_ref`` when the environment sets TWIN_KERNELS=ref.

    The choice is read at each call, so a test may switch it. ImportError naming the
    missing compiled modules, and how to get them, when ``twin.ext.<name>`` was not built.
    """
    if name not in KERNELS:
        raise ValueError(f"unknown kernel module {name!r}; known: {list(KERNELS)}")
    choice = os.environ.get(KERNELS_ENV, "compiled")
    if choice == "ref":
        return import_module(f"twin.ext.{name}_ref")
    if choice != "compiled":
        raise ValueError(f"{KERNELS_ENV}={choice!r}: must be 'compiled' or 'ref'")
    try:
        return import_module(f"twin.ext.{name}")
    except ImportError as exc:
        missing = missing_compiled() or [f"twin.ext.{name}"]
        raise ImportError(
            f"compiled kernel module(s) missing: {', '.join(missing)} ({exc}). Build them "
            "with a C compiler installed (pip install -e .), or set TWIN_KERNELS=ref to "
            "run on the pure-Python reference kernels (slower)."
        ) from exc


def kernel_columns(
    module: str, function: str, columns: Iterable[Sequence[float]], *scalars: float
) -> list[list[float]]:
    """Kernel `function` of ``twin.ext.<module>`` (compiled, or its reference under
    TWIN_KERNELS=ref: :func:`kernels`) on len(column) operating points. Each
    column goes in as a float64 buffer (``array("d")``: the kernels take any buffer, so a
    unit model loads no NumPy until it evaluates), then `scalars`; each output comes back
    as a list of floats."""
    out = getattr(kernels(module), function)(*(array("d", c) for c in columns), *scalars)
    return [a.tolist() for a in (out if isinstance(out, tuple) else (out,))]


def kernel_point(
    module: str, function: str, point: Iterable[float], *scalars: float
) -> list[float]:
    """:func:`kernel_columns` on one operating point: a float per column in, per output out."""
    return [c[0] for c in kernel_columns(module, function, ([x] for x in point), *scalars)]
