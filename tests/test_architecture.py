"""The shape of the house: imports run one way (no cycles; a unit model or kernel loads
neither Pyomo, highspy nor pandas; `import twin` is cheap), packages cannot be imported
under their bare folder names, and no module grows past 500 lines."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

ROOT = Path(__file__).resolve().parent.parent
#: Folder -> the import name it is installed under (setup.py's package_dir).
PACKAGES = {"twin": "twin", "models": "twin.models", "solvers": "twin.solvers", "ext": "twin.ext"}
HEAVY = ("pyomo", "highspy", "pandas")


def _modules() -> dict[str, Path]:
    out = {}
    for folder, name in PACKAGES.items():
        for path in (ROOT / folder).rglob("*.py"):
            parts = path.relative_to(ROOT / folder).with_suffix("").parts
            parts = parts[:-1] if parts[-1] == "__init__" else parts
            out[".".join((name, *parts))] = path
    return out


def _module_level_imports(path: Path, module: str, modules: set[str]) -> set[str]:
    """Modules imported at module level, outside `if TYPE_CHECKING:` blocks. `from
    package import submodule` ties to the submodule alone (a package's `__init__` runs
    before its submodules in any case)."""
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found = set()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue
        for sub in ast.walk(node) if isinstance(node, (ast.If, ast.Try)) else [node]:
            if isinstance(sub, ast.Import):
                found |= {a.name for a in sub.names}
            elif isinstance(sub, ast.ImportFrom):
                base = sub.module or ""
                if sub.level:
                    base = ".".join(
                        package.split(".")[: len(package.split(".")) - sub.level + 1]
                        + ([base] if base else [])
                    )
                names = {f"{base}.{a.name}" for a in sub.names}
                found |= names
                if names - modules:  # names defined in `base` itself, not its submodules
                    found.add(base)
    return found


def test_no_import_cycles():
    modules = _modules()
    graph = nx.DiGraph()
    for module, path in modules.items():
        graph.add_node(module)
        graph.add_edges_from(
            (module, other)
            for other in _module_level_imports(path, module, set(modules))
            if other in modules and other != module
        )
    cycles = list(nx.simple_cycles(graph))
    assert not cycles, cycles[:5]


def test_no_module_is_over_500_lines():
    long = {m: n for m, p in _modules().items() if (n := len(p.read_text().splitlines())) > 500}
    assert not long, long


def _loaded_after(statement: str) -> list[str]:
    code = f"import sys; {statement}; print(' '.join(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT / "tests"
    ).stdout.split()
    return [m for m in HEAVY if m in out]


@pytest.mark.parametrize(
    "statement",
    [
        "import twin",
        "import twin.units.copper",
        "import twin.units",
        "import twin.constants",
        "import twin.instance",
        "import twin.loader",
        "import twin.solution",
        # the command line starts fast: a verb loads its stack when it runs
        "from twin.cli import app",
    ],
)
def test_light_imports_load_no_solver_stack(statement):
    assert _loaded_after(statement) == []


def test_block_model_readers_load_no_solver():
    assert _loaded_after("import twin.mine.minelib, twin.mine.blockmodel") == ["pandas"]


@pytest.mark.parametrize("folder", ["models", "solvers", "ext"])
def test_bare_package_names_are_refused(folder):
    result = subprocess.run(
        [sys.executable, "-c", f"import {folder}"], capture_output=True, text=True, cwd=ROOT
    )
    assert result.returncode != 0
    assert f"import twin.{folder}, not {folder}" in result.stderr


def test_mine_planning_does_not_load_the_chain():
    code = (
        "import sys, twin.solvers.mine_schedule; "
        "print(any(m.startswith(('twin.instance', 'twin.units')) for m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT / "tests"
    ).stdout.strip()
    assert out == "False"


def test_setup_ships_every_package():
    """A package folder left out of setup.py's list works in an editable install and is
    missing from a real one."""
    call = next(
        node
        for node in ast.walk(ast.parse((ROOT / "setup.py").read_text()))
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "setup"
    )
    listed = next(ast.literal_eval(k.value) for k in call.keywords if k.arg == "packages")
    folders = {name for name, path in _modules().items() if path.name == "__init__.py"}
    assert set(listed) == folders
