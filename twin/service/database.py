"""The job store's tables and its connection: SQLAlchemy Core tables, and an engine that
makes SQLite durable and serial.

``jobs``: one row per job, with the body as sent (the instance, JSON or YAML), its
options (JSON; a job kind keeps its own parameters there, so a new kind needs no new
column), its owner (the SHA-256 of its token), status, progress, the schedule's summary
or the error, and the claim and lease of the run in progress. ``artifacts``: the files a
finished job produced (tables as CSV and Parquet, summary.json, schedule.xml, a cached
report), keyed by job and name. ``plants``: a plant registered by a token
(twin.service.plants): its instance as sent and its current state (PlantState JSON).

SQLite: WAL journal, ``synchronous=FULL`` (a commit is on disk before the service
answers), and every transaction ``BEGIN IMMEDIATE`` (one writer at a time, so a claim or
a per-token count cannot race); a kill at any moment leaves the file consistent
(SQLite's atomic commit).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Column,
    Engine,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    event,
)
from sqlalchemy.engine import Connection

metadata = MetaData()
jobs = Table(
    "jobs",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("owner", String(64), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("status", String(16), nullable=False),
    Column("idempotency_key", String(255)),
    Column("request_sha256", String(64), nullable=False),
    Column("body", Text, nullable=False),
    Column("body_format", String(8), nullable=False),
    Column("options", Text, nullable=False),
    Column("instance_name", String(255), nullable=False),
    Column("created_s", Float, nullable=False),
    Column("started_s", Float),
    Column("finished_s", Float),
    Column("attempts", Integer, nullable=False),
    Column("claim", String(32)),
    Column("lease_expires_s", Float),
    Column("progress", Text),
    Column("summary", Text),
    Column("error_status", String(32)),
    Column("error", Text),
    UniqueConstraint("owner", "idempotency_key", name="jobs_owner_key"),
    Index("jobs_owner_status", "owner", "status"),
    Index("jobs_queue", "status", "created_s"),
)
artifacts = Table(
    "artifacts",
    metadata,
    Column("job_id", String(32), ForeignKey("jobs.id"), primary_key=True),
    Column("name", String(64), primary_key=True),
    Column("content", LargeBinary, nullable=False),
)

plants = Table(
    "plants",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("owner", String(64), nullable=False),
    Column("body", Text, nullable=False),
    Column("body_format", String(8), nullable=False),
    Column("instance_name", String(255), nullable=False),
    Column("state", Text, nullable=False),
    Column("updated_s", Float, nullable=False),
)


def connect(url: str) -> Engine:
    """An engine for `url`; for SQLite, WAL, full sync, and BEGIN IMMEDIATE transactions
    (pysqlite's own transaction handling is switched off so that SQLAlchemy's BEGIN is
    the one that runs)."""
    engine = create_engine(url, pool_pre_ping=True)
    if engine.dialect.name != "sqlite":
        return engine

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _connection_record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in (
            "journal_mode=WAL",
            "synchronous=FULL",
            "busy_timeout=30000",
            "foreign_keys=ON",
        ):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine
