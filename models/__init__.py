"""Pyomo model builders, one module per concern (network, power, targets and emissions,
costs, mine-scheduling LPs).

Installed as ``twin.models``; importing it under its bare folder name is refused, so one
file never loads as two modules (their classes would differ)."""

if __name__ != "twin.models":
    raise ImportError(
        f"import twin.models, not {__name__}: the folder models/ is installed "
        "as twin.models (pip install -e .)"
    )
