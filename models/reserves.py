"""The mine's position: the ore left in the phase (pushback) being mined.

Row ``phase_reserve[u]`` (one per open-pit mine with a ``phase_reserve_t``; none
without): the horizon's in-situ ore mined by the unit, ``sum_k,t insitu_k,t x[u, k, t]``
with ``insitu`` the in-situ t per t of ore delivered of each selectivity mode
(``Mode.kpi_t[INSITU_ORE_T]`` = (1 - dilution) / (1 - loss), twin.units.mining), is at
most ``phase_reserve_t`` (t). A mine plan advances pushback by pushback (Hustrulid,
Kuchta & Martin, Open Pit Mine Planning and Design, 3rd ed., 2013, ch. 6), so what the
current one holds caps what a horizon can take from it. The row's dual is the value of
one more t of in-situ ore in the phase (twin.shadow).
"""

from __future__ import annotations

import numpy as np

from twin.models.chain import Chain
from twin.models.linear import INF, LinearModel, Span
from twin.units.base import INSITU_ORE_T
from twin.units.mining import phase_reserve_t


def add_reserves(lm: LinearModel, ch: Chain, x: Span) -> Span:
    """The ``phase_reserve`` rows (see module docstring); an empty family without any."""
    found = {u: phase_reserve_t(eu.spec.params) for u, eu in ch.fs.units.items()}
    reserves = {u: r for u, r in found.items() if r is not None}
    rows = lm.rows("phase_reserve", list(reserves), None, -INF, list(reserves.values()))
    for i, u in enumerate(reserves):
        js = ch.modes_of(u)
        insitu = ch.coef(lambda _u, md: md.kpi_t.get(INSITU_ORE_T, 0.0), js)
        lm.entries(np.full(insitu.shape, rows.start + i), x.grid(js), insitu)
    return rows
