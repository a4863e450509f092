"""Monte Carlo over a plan's uncertain inputs (``twin scenarios``).

One module per job: :mod:`~twin.scenarios.spec` (the ``--vary`` grammar; stdlib only, so
the instance schema validates its ``uncertainty:`` section with it),
:mod:`~twin.scenarios.sampling` (seeded draws, one generator per sample),
:mod:`~twin.scenarios.perturb` (a sample applied to an instance),
:mod:`~twin.scenarios.plan`, :mod:`~twin.scenarios.evaluate` and
:mod:`~twin.scenarios.stacked` (the fixed plan priced under each sample, its KPIs),
:mod:`~twin.scenarios.reoptimise` (wait-and-see solves),
:mod:`~twin.scenarios.extensive` and :mod:`~twin.scenarios.recourse` (the two-stage
recourse problem: WS, RP, EEV, EVPI, VSS),
:mod:`~twin.scenarios.runner` (samples on Dask) and :mod:`~twin.scenarios.tables`
(tidy tables and the summary). This package file imports nothing, so importing the
grammar stays light.
"""
