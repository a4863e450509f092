"""``twin serve``: the scheduling service an MES calls over HTTP.

One module per job:

- :mod:`twin.service.config`: the service's settings and limits;
- :mod:`twin.service.auth`: bearer tokens, kept as SHA-256 hashes;
- :mod:`twin.service.database`: the store's tables, and an engine that makes SQLite
  durable (WAL, full sync) and serial (``BEGIN IMMEDIATE``);
- :mod:`twin.service.store`: the job store (SQLAlchemy Core; SQLite by default): jobs,
  their claims and leases, their files;
- :mod:`twin.service.intake`: a submitted body -> a checked job request (413, 415, 422);
- :mod:`twin.service.supervisor`: the pool of worker processes, run from the web process
  (claims jobs, enforces wall clocks, replaces crashed workers, renews leases);
- :mod:`twin.service.worker`: a worker process and the job runners it calls;
- :mod:`twin.service.views`: jobs and their tables as JSON, CSV, Parquet;
- :mod:`twin.service.metrics`: the Prometheus text at ``/metrics``;
- :mod:`twin.service.app`: the FastAPI routes.

Solves never run in the web process. docs/howto/run-the-service.md describes the
endpoints, the limits, authentication and what survives a crash.
"""
