"""``/metrics`` in the Prometheus text exposition format (version 0.0.4), written by hand:
the figures are read from the job store at each scrape (so they survive restarts and
agree between services sharing a store) plus this service's workers, which a few lines
of text say as well as a client library would.

- ``twin_jobs{status}``: jobs in the store by status (gauge);
- ``twin_job_solve_seconds``: wall-clock seconds of finished runs, start to finish
  (histogram);
- ``twin_workers{state}``: this service's worker processes: starting, idle, busy (gauge);
- ``twin_worker_restarts_total``: workers replaced after a crash, a wall-clock stop or a
  cancellation since this service started (counter).
"""

from __future__ import annotations

#: Upper bounds of the run-time histogram's buckets, s.
BUCKETS_S = (0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0)
#: The Content-Type of the text format.
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def render(
    jobs: dict[str, int],
    runs: tuple[list[int], float, int],
    workers: dict[str, int],
    restarts: int,
) -> str:
    """The exposition text. `jobs`: count by status; `runs`: the cumulative counts at
    BUCKETS_S, the sum of seconds and the count of finished runs; `workers`: count by
    state; `restarts`: workers replaced."""
    below, total_s, count = runs
    lines = _family("twin_jobs", "gauge", "Jobs in the store by status.")
    lines += [f'twin_jobs{{status="{status}"}} {n}' for status, n in jobs.items()]
    lines += _family(
        "twin_job_solve_seconds",
        "histogram",
        "Wall-clock seconds of finished solves (a job's last run, start to finish).",
    )
    lines += [
        f'twin_job_solve_seconds_bucket{{le="{bound:g}"}} {n}'
        for bound, n in zip(BUCKETS_S, below, strict=True)
    ]
    lines += [
        f'twin_job_solve_seconds_bucket{{le="+Inf"}} {count}',
        f"twin_job_solve_seconds_sum {total_s!r}",
        f"twin_job_solve_seconds_count {count}",
    ]
    lines += _family("twin_workers", "gauge", "Worker processes of this service by state.")
    lines += [f'twin_workers{{state="{state}"}} {n}' for state, n in workers.items()]
    lines += _family(
        "twin_worker_restarts_total", "counter", "Worker processes replaced since start."
    )
    lines.append(f"twin_worker_restarts_total {restarts}")
    return "\n".join(lines) + "\n"


def _family(name: str, kind: str, help_text: str) -> list[str]:
    return [f"# HELP {name} {help_text}", f"# TYPE {name} {kind}"]
