"""The HiGHS driver and solution strategies, one module per strategy.

Installed as ``twin.solvers``; importing it under its bare folder name is refused, so one
file never loads as two modules (their classes would differ)."""

if __name__ != "twin.solvers":
    raise ImportError(
        f"import twin.solvers, not {__name__}: the folder solvers/ is installed "
        "as twin.solvers (pip install -e .)"
    )
