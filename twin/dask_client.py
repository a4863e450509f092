"""The Dask client the parallel verbs share (``twin scenarios``, ``twin mine schedule``).

Without an address, a ``dask.distributed.LocalCluster`` of `workers` processes with one
thread each is started and closed again (a HiGHS solve or a NumPy block per worker, no
GIL contention); with one (``tcp://host:port``) the running scheduler's workers do the
work (they need twin installed, at the same version). Importing this module loads no
Dask: the client is built when asked for.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from twin.errors import OptionError

#: Most local workers.
MAX_WORKERS = 256
#: Seconds to wait for a scheduler to answer.
CONNECT_TIMEOUT_S = 10


def check_workers(workers: object) -> int:
    """`workers`, a whole number in [1, MAX_WORKERS] (OptionError naming --workers)."""
    if not (isinstance(workers, int) and 1 <= workers <= MAX_WORKERS):
        raise OptionError(f"--workers: {workers!r} must be a whole number in [1, {MAX_WORKERS}]")
    return workers


@contextmanager
def client(scheduler: str | None = None, workers: int = 2) -> Iterator[Any]:
    """A dask.distributed Client: of a new LocalCluster of `workers` processes (one
    thread each), or of the scheduler at `scheduler`; OptionError when it cannot be
    reached or `workers` is out of range."""
    from distributed import Client, LocalCluster

    if scheduler is not None:
        try:
            c = Client(scheduler, timeout=CONNECT_TIMEOUT_S)
        except (OSError, TimeoutError, ValueError) as exc:
            raise OptionError(f"--scheduler {scheduler}: cannot connect ({exc})") from None
        with c:
            yield c
        return
    check_workers(workers)
    with (
        LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address="127.0.0.1:0",  # a free local port: clusters side by side
            # do not collide, and the dashboard is not served beyond this machine
            silence_logs=logging.ERROR,
        ) as cluster,
        Client(cluster) as c,
    ):
        yield c
