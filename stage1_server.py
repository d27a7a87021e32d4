"""Stage1 server: REST API over PostgreSQL (aiopg) and QuestDB, plus background job workers.

Run:   python stage1_server.py [--host H] [--port P]   (reads .env next to this file, then the environment)
Env:   every STAGE1_* variable is listed with its default in .env.example and in the README
Tests: make test                                       (real PostgreSQL and QuestDB from scripts/services.sh)

Metadata (datasets, walk-forward runs and folds, simulations and trades, jobs) lives in PostgreSQL; time series
(OHLCV bars, indicators, predictions) live in QuestDB, written over ILP and read over its HTTP API.
The wire contract is ../shared/CONTRACT.md; section numbers in comments (§3.2.4) refer to it.

Sections: constants · configuration · errors · JSON and time · app keys · SQL · PostgreSQL · QuestDB HTTP
          · ILP writer · request parsing · jobs (store, context, handlers, workers) · handlers · middleware
          · cleanup contexts · create_app · main
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import functools
import json
import logging
import math
import os
import random
import re
import signal
import socket
import tempfile
import time
import traceback
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import aiohttp
import aiopg
import psycopg2
import psycopg2.errors
import psycopg2.extras
from aiohttp import web

log = logging.getLogger("stage1")

# --- Constants -----------------------------------------------------------------------------------------------

SCHEMA_VERSION = 1
JOB_STATUSES = ("PENDING", "RUNNING", "COMPLETED", "FAILED", "CANCELLED")
FINAL_STATUSES = frozenset({"COMPLETED", "FAILED", "CANCELLED"})
JOBS_CHANNEL = "stage1_jobs"            # LISTEN/NOTIFY channel that wakes idle workers on enqueue
TIMESTAMP_ALIASES = ("timestamp_unix", "timestamp_ms", "timestamp", "ts")   # precedence of §2.5
MAX_EPOCH_MS = 9_223_372_036_854        # 2262-04-11T23:47:16.854Z: the last instant QuestDB can store
INT64 = (-(2**63), 2**63 - 1)
INT32 = (-(2**31), 2**31 - 1)
UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
MEASUREMENT_RE = re.compile(r"^(?!\.)(?!.*\.\.)[A-Za-z0-9_.\-]{1,127}(?<!\.)$")
FORBIDDEN_COLUMN_CHARS = frozenset("\n\r?.,'\"\\/:)(+-*%~\ufeff")
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


# --- Configuration -------------------------------------------------------------------------------------------

class ConfigError(ValueError):
    """A configuration variable has a value the server cannot use; the message names both."""


@dataclass(frozen=True)
class Config:
    """Every setting of the server. Built from the environment by from_env(); tests pass a plain dict."""

    pg_dsn: str = field(default="postgresql://stage1:stage1@127.0.0.1:5432/stage1", repr=False)  # has a password
    http_host: str = "127.0.0.1"
    http_port: int = 8081
    questdb_http: str = "http://127.0.0.1:9000"
    questdb_ilp_host: str = "127.0.0.1"
    questdb_ilp_port: int = 9009
    questdb_timeout_s: float = 30.0
    max_body_mb: int = 64
    max_upload_mb: int = 2048
    upload_dir: Path = Path(tempfile.gettempdir()) / "stage1_uploads"
    worker_slots: int = 2
    worker_poll_ms: int = 1000
    worker_grace_s: float = 20.0
    job_stale_s: float = 60.0
    job_max_attempts: int = 3
    import_sync_wait_s: float = 30.0
    import_batch_rows: int = 10_000
    query_max_rows: int = 10_000
    dep_check_timeout_ms: int = 2000
    cors_origins: tuple[str, ...] = ()
    node_id: str = socket.gethostname()
    pg_pool_size: int = 10
    log_level: str = "INFO"

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Config:
        """Read STAGE1_* variables; anything absent keeps its default."""
        values: dict[str, Any] = {}
        for f in dataclasses.fields(cls):
            name = "STAGE1_" + f.name.upper()
            raw = env.get(name, "").strip()
            if raw:
                values[f.name] = _convert_setting(name, raw, f.default)
        config = cls(**values)
        config.check()
        return config

    def check(self) -> None:
        """Reject values that would only fail later, far from their cause."""
        positive = ("http_port", "questdb_ilp_port", "questdb_timeout_s", "max_body_mb", "max_upload_mb",
                    "worker_poll_ms", "job_stale_s", "job_max_attempts", "import_batch_rows",
                    "query_max_rows", "dep_check_timeout_ms", "pg_pool_size")
        for name in positive:
            if getattr(self, name) <= 0:
                raise ConfigError(f"STAGE1_{name.upper()} must be positive, got {getattr(self, name)!r}")
        if self.worker_slots < 0 or self.worker_grace_s < 0 or self.import_sync_wait_s < 0:
            raise ConfigError("STAGE1_WORKER_SLOTS, STAGE1_WORKER_GRACE_S and STAGE1_IMPORT_SYNC_WAIT_S "
                              "must not be negative")

    @property
    def max_body_bytes(self) -> int:
        return self.max_body_mb * 1024 * 1024

    @property
    def max_upload_bytes(self) -> int:
        return self.max_upload_mb * 1024 * 1024

    @property
    def poll_s(self) -> float:
        return self.worker_poll_ms / 1000


def _convert_setting(name: str, raw: str, default: Any) -> Any:
    """Convert one variable's text to the type of its default, naming the variable on failure."""
    try:
        if isinstance(default, bool):
            return _parse_bool(raw)
        if isinstance(default, int):
            return int(raw)
        if isinstance(default, float):
            return float(raw)
        if isinstance(default, Path):
            return Path(raw)
        if isinstance(default, tuple):
            return tuple(item.strip() for item in raw.split(",") if item.strip())
        return raw
    except ValueError:
        kind = type(default).__name__
        raise ConfigError(f"{name} must be {'an' if kind == 'int' else 'a'} {kind}, got {raw!r}") from None


def _parse_bool(raw: str) -> bool:
    lowered = raw.strip().lower()
    if lowered in ("true", "1"):
        return True
    if lowered in ("false", "0"):
        return False
    raise ValueError(raw)


# --- Errors --------------------------------------------------------------------------------------------------

class ApiError(Exception):
    """Raised anywhere below a handler; the error middleware renders it as the JSON envelope of §2.6."""

    def __init__(self, status: int, code: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.extra = status, code, message, extra

    def body(self) -> dict[str, Any]:
        return {"error": self.message, "code": self.code, **self.extra}


class StreamAborted(Exception):
    """A streamed response failed after its headers were sent: the connection must be dropped, not ended."""


def bad_request(code: str, message: str, **extra: Any) -> ApiError:
    return ApiError(400, code, message, **extra)


def invalid_field(path: str, message: str, **extra: Any) -> ApiError:
    return ApiError(400, "invalid_field", f"{path}: {message}", field=path, **extra)


def invalid_parameter(name: str, message: str) -> ApiError:
    return ApiError(400, "invalid_parameter", f"query parameter {name}: {message}", parameter=name)


def postgres_unavailable(detail: str) -> ApiError:
    return ApiError(503, "postgres_unavailable", f"PostgreSQL is unavailable: {detail}")


# --- JSON and time -------------------------------------------------------------------------------------------

def _finite_or_none(text: str) -> float | None:
    """parse_float for request bodies: 1e+9999 and friends become null, never inf (§2.2)."""
    value = float(text)
    return value if math.isfinite(value) else None


def loads(raw: bytes | str) -> Any:
    """Parse request JSON; NaN/Infinity tokens and overflowing numbers become None."""
    return json.loads(raw, parse_float=_finite_or_none, parse_constant=lambda _token: None)


def _json_default(value: object) -> object:
    if isinstance(value, datetime):
        return iso(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"cannot encode {type(value).__name__} as JSON")


_strict_dumps = functools.partial(json.dumps, allow_nan=False, default=_json_default, separators=(",", ":"),
                                  ensure_ascii=False)


def without_non_finite(value: Any) -> Any:
    """A copy of value with every NaN/inf float replaced by None (strict JSON, §2.3)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: without_non_finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [without_non_finite(v) for v in value]
    return value


def dumps(value: Any) -> str:
    """Strict JSON text: never NaN or Infinity, integers stay integers."""
    try:
        return _strict_dumps(value)
    except ValueError:                          # a non-finite float slipped through: scrub and retry
        return _strict_dumps(without_non_finite(value))


def json_response(data: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> web.Response:
    return web.Response(text=dumps(data), status=status, headers=headers,
                        content_type="application/json", charset="utf-8")


def iso(value: datetime | None) -> str | None:
    """ISO-8601 UTC with Z, and .mmm only when the milliseconds are non-zero (§2.5)."""
    if value is None:
        return None
    value = value.astimezone(timezone.utc)
    millis = value.microsecond // 1000
    text = value.strftime("%Y-%m-%dT%H:%M:%S")
    return f"{text}.{millis:03d}Z" if millis else f"{text}Z"


def iso_from_ms(ms: int | None) -> str | None:
    if ms is None:
        return None
    seconds, millis = divmod(int(ms), 1000)
    text = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds))
    return f"{text}.{millis:03d}Z" if millis else f"{text}Z"


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def normalize_epoch_ms(value: float) -> int:
    """Unit normalisation (N) of §2.5: seconds, ms, µs or ns by magnitude, to integer ms."""
    if value < 1e11:
        scaled = value * 1000
    elif value < 1e14:
        scaled = value
    elif value < 1e17:
        scaled = value / 1000
    else:
        scaled = value / 1e6
    return int(round(scaled))


# --- App keys ------------------------------------------------------------------------------------------------

CONFIG = web.AppKey("config", Config)
PG = web.AppKey("pg", "Postgres")
QDB = web.AppKey("questdb", "QuestDB")
WORKERS = web.AppKey("workers", "WorkerSet")
JOB_TYPES = web.AppKey("job_types", dict)
STARTED = web.AppKey("started_monotonic", float)


# --- SQL -----------------------------------------------------------------------------------------------------
# All SQL of the server sits here. Values always travel as %(name)s parameters.

# Tables of §4 as data: each column appears once, and start-up both creates missing tables and adds missing
# columns to older ones (ALTER TABLE ... ADD COLUMN IF NOT EXISTS), without touching stored rows.
SCHEMA_TABLES: dict[str, tuple[list[tuple[str, str]], list[str]]] = {
    "datasets": ([
        ("dataset_id", "UUID PRIMARY KEY"),
        ("dataset_slug", "TEXT NOT NULL"),
        ("symbol", "TEXT"),
        ("granularity", "TEXT"),
        ("bar_interval_ms", "BIGINT NOT NULL DEFAULT 0"),
        ("lookback_rows", "INTEGER NOT NULL DEFAULT 0"),
        ("first_ohlcv_ts", "BIGINT"),
        ("first_indicator_ts", "BIGINT"),
        ("metadata", "JSONB NOT NULL DEFAULT '{}'::jsonb"),
        ("created_at", "TIMESTAMPTZ DEFAULT now()"),
        ("source", "TEXT"),
        ("ohlcv_measurement", "TEXT"),
        ("indicator_measurement", "TEXT"),
        ("ohlcv_row_count", "BIGINT DEFAULT 0"),
        ("indicator_row_count", "BIGINT DEFAULT 0"),
        ("ohlcv_first_ts", "TIMESTAMPTZ"),
        ("ohlcv_last_ts", "TIMESTAMPTZ"),
        ("indicator_first_ts", "TIMESTAMPTZ"),
        ("indicator_last_ts", "TIMESTAMPTZ"),
        ("updated_at", "TIMESTAMPTZ DEFAULT now()"),
    ], []),
    "walkforward_runs": ([
        ("run_id", "UUID PRIMARY KEY"),
        ("dataset_id", "UUID NOT NULL"),
        ("dataset_slug", "TEXT"),
        ("prediction_measurement", "TEXT"),
        ("target_column", "TEXT"),
        ("feature_columns", "JSONB NOT NULL DEFAULT '[]'::jsonb"),
        ("hyperparameters", "JSONB NOT NULL DEFAULT '{}'::jsonb"),
        ("walk_config", "JSONB NOT NULL DEFAULT '{}'::jsonb"),
        ("summary_metrics", "JSONB NOT NULL DEFAULT '{}'::jsonb"),
        ("status", "TEXT NOT NULL DEFAULT 'UNKNOWN'"),
        ("requested_by", "TEXT"),
        ("started_at", "TIMESTAMPTZ"),
        ("completed_at", "TIMESTAMPTZ"),
        ("duration_ms", "BIGINT"),
        ("created_at", "TIMESTAMPTZ DEFAULT now()"),
        ("updated_at", "TIMESTAMPTZ DEFAULT now()"),
    ], []),
    "walkforward_folds": ([
        ("run_id", "UUID NOT NULL REFERENCES walkforward_runs (run_id) ON DELETE CASCADE"),
        ("fold_number", "INTEGER NOT NULL"),
        ("train_start_idx", "BIGINT NOT NULL"),
        ("train_end_idx", "BIGINT NOT NULL"),
        ("test_start_idx", "BIGINT NOT NULL"),
        ("test_end_idx", "BIGINT NOT NULL"),
        ("train_start_ts_ms", "BIGINT"),
        ("train_end_ts_ms", "BIGINT"),
        ("test_start_ts_ms", "BIGINT"),
        ("test_end_ts_ms", "BIGINT"),
        ("samples_train", "INTEGER"),
        ("samples_test", "INTEGER"),
        ("best_iteration", "INTEGER"),
        ("best_score", "DOUBLE PRECISION"),
        ("thresholds", "JSONB NOT NULL DEFAULT '{}'::jsonb"),
        ("metrics", "JSONB NOT NULL DEFAULT '{}'::jsonb"),
        ("created_at", "TIMESTAMPTZ DEFAULT now()"),
        ("updated_at", "TIMESTAMPTZ DEFAULT now()"),
    ], ["PRIMARY KEY (run_id, fold_number)"]),
    "simulation_runs": ([
        ("simulation_id", "UUID PRIMARY KEY"),
        ("run_id", "UUID"),
        ("dataset_id", "UUID"),
        ("input_run_measurement", "TEXT"),
        ("questdb_namespace", "TEXT"),
        ("mode", "TEXT"),
        ("status", "TEXT"),
        ("config", "JSONB NOT NULL DEFAULT '{}'::jsonb"),
        ("summary_metrics", "JSONB NOT NULL DEFAULT '{}'::jsonb"),
        ("started_at", "TIMESTAMPTZ"),
        ("completed_at", "TIMESTAMPTZ"),
        ("created_at", "TIMESTAMPTZ DEFAULT now()"),
        ("updated_at", "TIMESTAMPTZ DEFAULT now()"),
    ], []),
    "simulation_trade_buckets": ([
        ("simulation_id", "UUID NOT NULL REFERENCES simulation_runs (simulation_id) ON DELETE CASCADE"),
        ("side", "TEXT NOT NULL"),
        ("trade_count", "BIGINT"),
        ("win_count", "BIGINT"),
        ("profit_factor", "DOUBLE PRECISION"),
        ("avg_return_pct", "DOUBLE PRECISION"),
        ("max_drawdown_pct", "DOUBLE PRECISION"),
        ("notes", "TEXT"),
    ], ["PRIMARY KEY (simulation_id, side)"]),
    "simulation_trades": ([
        ("trade_id", "UUID PRIMARY KEY"),
        ("simulation_id", "UUID NOT NULL REFERENCES simulation_runs (simulation_id) ON DELETE CASCADE"),
        ("trade_index", "INTEGER"),
        ("fold_index", "INTEGER"),
        ("side", "TEXT NOT NULL"),
        ("size", "DOUBLE PRECISION"),
        ("entry_price", "DOUBLE PRECISION"),
        ("exit_price", "DOUBLE PRECISION"),
        ("pnl", "DOUBLE PRECISION"),
        ("return_pct", "DOUBLE PRECISION"),
        ("entry_signal", "DOUBLE PRECISION"),
        ("exit_signal", "DOUBLE PRECISION"),
        ("entry_timestamp_ms", "BIGINT"),
        ("exit_timestamp_ms", "BIGINT"),
        ("bar_timestamp", "TIMESTAMPTZ"),
        ("metadata", "JSONB NOT NULL DEFAULT '{}'::jsonb"),
    ], []),
    "stage1_jobs": ([
        ("job_id", "UUID PRIMARY KEY"),
        ("job_type", "TEXT NOT NULL"),
        ("status", "TEXT NOT NULL DEFAULT 'PENDING'"),
        ("progress", "BIGINT NOT NULL DEFAULT 0"),
        ("total", "BIGINT NOT NULL DEFAULT 0"),
        ("message", "TEXT NOT NULL DEFAULT ''"),
        ("error", "TEXT"),
        ("payload", "JSONB NOT NULL DEFAULT '{}'::jsonb"),
        ("result", "JSONB NOT NULL DEFAULT '{}'::jsonb"),
        ("attempts", "INTEGER NOT NULL DEFAULT 0"),
        ("max_attempts", "INTEGER NOT NULL DEFAULT 3"),
        ("cancel_requested", "BOOLEAN NOT NULL DEFAULT false"),
        ("lease_token", "UUID"),              # fencing token: renewed on every claim, guards every worker write
        ("worker_id", "TEXT"),
        ("node_id", "TEXT"),                  # set when the job's input lives on one node's disk
        ("heartbeat_at", "TIMESTAMPTZ"),
        ("created_at", "TIMESTAMPTZ NOT NULL DEFAULT now()"),
        ("updated_at", "TIMESTAMPTZ NOT NULL DEFAULT now()"),
        ("started_at", "TIMESTAMPTZ"),
        ("completed_at", "TIMESTAMPTZ"),
    ], ["CONSTRAINT stage1_jobs_status_check CHECK (status IN "
        "('PENDING', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED'))"]),
}

SCHEMA_EXTRAS = [
    "CREATE INDEX IF NOT EXISTS datasets_slug_idx ON datasets (dataset_slug)",
    "CREATE INDEX IF NOT EXISTS datasets_created_idx ON datasets (created_at DESC, dataset_id)",
    "CREATE INDEX IF NOT EXISTS walkforward_runs_dataset_idx ON walkforward_runs (dataset_id, started_at)",
    "CREATE INDEX IF NOT EXISTS simulation_runs_run_idx ON simulation_runs (run_id)",
    "CREATE INDEX IF NOT EXISTS simulation_runs_dataset_idx ON simulation_runs (dataset_id)",
    "CREATE INDEX IF NOT EXISTS simulation_trades_order_idx "
    "ON simulation_trades (simulation_id, entry_timestamp_ms, trade_index)",
    "CREATE INDEX IF NOT EXISTS stage1_jobs_pending_idx ON stage1_jobs (created_at) WHERE status = 'PENDING'",
    "CREATE INDEX IF NOT EXISTS stage1_jobs_running_idx ON stage1_jobs (heartbeat_at) WHERE status = 'RUNNING'",
    "CREATE INDEX IF NOT EXISTS stage1_jobs_created_idx ON stage1_jobs (created_at DESC)",
    # A queue table churns: vacuum it early, and leave room on each page so status updates stay HOT.
    "ALTER TABLE stage1_jobs SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 100, "
    "fillfactor = 70)",
]

SQL_SCHEMA_LOCK = "SELECT pg_advisory_xact_lock(481516)"     # one process applies the schema at a time
SQL_SCHEMA_VERSION_TABLE = """
    CREATE TABLE IF NOT EXISTS stage1_schema (
        version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())
"""
SQL_RECORD_SCHEMA_VERSION = (
    "INSERT INTO stage1_schema (version) VALUES (%(version)s) ON CONFLICT (version) DO NOTHING")
SQL_SCHEMA_APPLIED = "SELECT max(version) FROM stage1_schema"
SQL_PING = "SELECT 1"

JOB_COLUMNS = """job_id, job_type, status, progress, total, message, error, payload, result, attempts,
    cancel_requested, created_at, updated_at, started_at, completed_at"""

SQL_INSERT_JOB = f"""
    WITH inserted AS (
        INSERT INTO stage1_jobs (job_id, job_type, payload, total, message, max_attempts, node_id)
        VALUES (%(job_id)s, %(job_type)s, %(payload)s, %(total)s, 'queued', %(max_attempts)s, %(node_id)s)
        RETURNING {JOB_COLUMNS})
    SELECT inserted.*, pg_notify('{JOBS_CHANNEL}', inserted.job_id::text) FROM inserted
"""
SQL_GET_JOB = f"SELECT {JOB_COLUMNS} FROM stage1_jobs WHERE job_id = %(job_id)s"
SQL_LIST_JOBS = f"""
    SELECT {JOB_COLUMNS}, count(*) OVER () AS full_count FROM stage1_jobs
    WHERE (%(status)s::text IS NULL OR status = %(status)s) AND (%(job_type)s::text IS NULL OR job_type = %(job_type)s)
    ORDER BY created_at DESC, job_id LIMIT %(limit)s OFFSET %(offset)s
"""
SQL_COUNT_JOBS = """
    SELECT count(*) FROM stage1_jobs
    WHERE (%(status)s::text IS NULL OR status = %(status)s) AND (%(job_type)s::text IS NULL OR job_type = %(job_type)s)
"""

# Lock in a MATERIALIZED CTE, then UPDATE ... FROM it: an IN (SELECT ... LIMIT n) subquery may be re-run by the
# planner and claim more than n rows (PostgreSQL bug #15715). attempts counts claims, so a job that kills its
# worker still uses up its attempts.
SQL_CLAIM_JOB = f"""
    WITH picked AS MATERIALIZED (
        SELECT job_id FROM stage1_jobs
        WHERE status = 'PENDING' AND (node_id IS NULL OR node_id = %(node_id)s)
        ORDER BY created_at
        LIMIT 1
        FOR UPDATE SKIP LOCKED)
    UPDATE stage1_jobs AS j
    SET status = 'RUNNING', attempts = j.attempts + 1, lease_token = gen_random_uuid(),
        worker_id = %(worker_id)s, started_at = now(), heartbeat_at = now(), updated_at = now(),
        message = 'running', completed_at = NULL
    FROM picked WHERE j.job_id = picked.job_id
    RETURNING j.job_id, j.job_type, j.payload, j.attempts, j.max_attempts, j.lease_token, j.total
"""

# Every worker write below is fenced: it matches only while this claim (lease_token) still owns a RUNNING job.
SQL_HEARTBEAT = """
    UPDATE stage1_jobs SET heartbeat_at = now(), updated_at = now(),
        progress = COALESCE(%(progress)s, progress), total = COALESCE(%(total)s, total),
        message = COALESCE(%(message)s, message)
    WHERE job_id = %(job_id)s AND lease_token = %(token)s AND status = 'RUNNING'
    RETURNING cancel_requested
"""
SQL_FINISH_JOB = """
    UPDATE stage1_jobs SET status = %(status)s, result = %(result)s, error = %(error)s, message = %(message)s,
        total = COALESCE(%(total)s, total),
        progress = CASE WHEN %(status)s = 'COMPLETED' THEN COALESCE(%(total)s, total)
                        ELSE COALESCE(%(progress)s, progress) END,
        completed_at = now(), updated_at = now(), lease_token = NULL, heartbeat_at = NULL
    WHERE job_id = %(job_id)s AND lease_token = %(token)s AND status = 'RUNNING'
    RETURNING job_id
"""
# A job whose cancel was requested (but not yet seen by its handler) ends CANCELLED instead of running again.
SQL_RELEASE_JOB = """
    UPDATE stage1_jobs SET
        status = CASE WHEN cancel_requested THEN 'CANCELLED' ELSE 'PENDING' END,
        message = CASE WHEN cancel_requested THEN 'cancelled' ELSE 'released at shutdown; queued again' END,
        result = CASE WHEN cancel_requested THEN %(result)s ELSE result END,
        completed_at = CASE WHEN cancel_requested THEN now() END,
        started_at = CASE WHEN cancel_requested THEN started_at END,
        worker_id = CASE WHEN cancel_requested THEN worker_id END,
        lease_token = NULL, heartbeat_at = NULL, updated_at = now()
    WHERE job_id = %(job_id)s AND lease_token = %(token)s AND status = 'RUNNING'
    RETURNING job_id, status
"""
# The condition lives inside the UPDATE, so PostgreSQL re-checks it on each locked row: a job that finished
# meanwhile is left alone, and concurrent rescuers in several processes are harmless.
SQL_RESCUE_STALE_JOBS = """
    UPDATE stage1_jobs SET
        status = CASE WHEN cancel_requested THEN 'CANCELLED'
                      WHEN attempts >= max_attempts THEN 'FAILED' ELSE 'PENDING' END,
        error = CASE WHEN cancel_requested THEN error
                     WHEN attempts >= max_attempts THEN 'abandoned' ELSE error END,
        message = CASE WHEN cancel_requested THEN 'cancelled (worker lost)'
                       WHEN attempts >= max_attempts THEN 'abandoned: worker lost, attempts exhausted'
                       ELSE 'worker lost; queued again' END,
        completed_at = CASE WHEN cancel_requested OR attempts >= max_attempts THEN now() END,
        started_at = CASE WHEN cancel_requested OR attempts >= max_attempts THEN started_at END,
        lease_token = NULL, worker_id = NULL, heartbeat_at = NULL, updated_at = now()
    WHERE status = 'RUNNING' AND heartbeat_at < now() - make_interval(secs => %(stale_s)s)
    RETURNING job_id, job_type, status, attempts
"""
SQL_CANCEL_JOB = """
    UPDATE stage1_jobs SET
        status = CASE WHEN status = 'PENDING' THEN 'CANCELLED' ELSE status END,
        message = CASE WHEN status = 'PENDING' THEN 'cancelled' ELSE 'cancel requested' END,
        completed_at = CASE WHEN status = 'PENDING' THEN now() ELSE completed_at END,
        cancel_requested = true, updated_at = now()
    WHERE job_id = %(job_id)s AND status IN ('PENDING', 'RUNNING')
    RETURNING status
"""
SQL_JOB_STATUS_COUNTS = "SELECT status, count(*) FROM stage1_jobs GROUP BY status"
SQL_OLDEST_PENDING_AGE = """
    SELECT floor(extract(epoch FROM now() - min(created_at)))::bigint FROM stage1_jobs WHERE status = 'PENDING'
"""
SQL_JOB_TYPE_STATS = """
    SELECT job_type, count(*) AS count,
        percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM completed_at - started_at) * 1000)
            FILTER (WHERE recent) AS p50,
        percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM completed_at - started_at) * 1000)
            FILTER (WHERE recent) AS p95,
        max(extract(epoch FROM completed_at - started_at) * 1000) FILTER (WHERE recent) AS max
    FROM (SELECT *, status IN ('COMPLETED', 'FAILED') AND started_at IS NOT NULL
                    AND completed_at > now() - interval '24 hours' AS recent
          FROM stage1_jobs) AS jobs
    GROUP BY job_type ORDER BY job_type
"""
SQL_LAST_FAILED_JOB = """
    SELECT job_id, job_type, error, completed_at FROM stage1_jobs
    WHERE status = 'FAILED' ORDER BY completed_at DESC NULLS LAST LIMIT 1
"""
SQL_PENDING_COUNT = "SELECT count(*) FROM stage1_jobs WHERE status = 'PENDING'"

# Datasets (§3.2), walk-forward runs and folds (§3.4), simulations and trades (§3.5).

# The QuestDB table holding a run's predictions (§3.4.7); older rows only carry it inside walk_config (§4.2).
SQL_RUN_PREDICTION_TABLE = """
    SELECT COALESCE(NULLIF(prediction_measurement, ''), walk_config->>'prediction_measurement', '') AS measurement
    FROM walkforward_runs WHERE run_id = %(run_id)s
"""

# Dataset statistics maintained by the server's own QuestDB writes (§3.2.1).


# --- PostgreSQL ----------------------------------------------------------------------------------------------

PG_DOWN_ERRORS = (psycopg2.OperationalError, psycopg2.InterfaceError, OSError, asyncio.TimeoutError)


class Postgres:
    """The aiopg pool, connected in the background: a server whose database is down still starts and serves
    /healthz, answers 503 elsewhere, and picks the database up by itself once it answers (issue 2)."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.pool: aiopg.Pool | None = None
        self.last_error: str | None = "not connected yet"
        self.connected = asyncio.Event()

    async def connect_forever(self) -> None:
        """Create the pool and apply the schema, retrying with capped exponential backoff."""
        delay, attempt = 0.5, 0
        while self.pool is None:
            attempt += 1
            try:
                pool = await self._create_pool()
                try:
                    await apply_schema(pool)
                except BaseException:
                    pool.close()
                    await pool.wait_closed()
                    raise
                self.pool, self.last_error = pool, None
                self.connected.set()
                log.info("postgres connected attempt=%d schema_version=%d", attempt, SCHEMA_VERSION)
            except PG_DOWN_ERRORS as e:
                self.last_error = one_line(e)
                log.warning("postgres unavailable attempt=%d error=%s retry_in_s=%.1f",
                            attempt, self.last_error, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10.0)

    async def _create_pool(self) -> aiopg.Pool:
        timeout_ms = int(self.config.questdb_timeout_s * 1000)

        async def on_connect(conn: aiopg.Connection) -> None:
            async with conn.cursor() as cur:   # bound every statement: a stuck query must not hang a handler
                await cur.execute(f"SET statement_timeout = {timeout_ms}; "
                                  f"SET idle_in_transaction_session_timeout = {2 * timeout_ms}; "
                                  "SET application_name = 'stage1_server'")

        return await aiopg.create_pool(self.config.pg_dsn, minsize=1, maxsize=self.config.pg_pool_size,
                                       timeout=self.config.questdb_timeout_s, on_connect=on_connect,
                                       pool_recycle=300)

    async def close(self) -> None:
        if self.pool is not None:
            self.pool.close()
            await self.pool.wait_closed()
            self.pool = None

    @contextlib.asynccontextmanager
    async def cursor(self, dict_rows: bool = True) -> AsyncIterator[aiopg.Cursor]:
        """A cursor from the pool; a database that is down or gone becomes 503 postgres_unavailable."""
        if self.pool is None:
            raise postgres_unavailable(self.last_error or "not connected")
        factory = psycopg2.extras.RealDictCursor if dict_rows else None
        try:
            async with self.pool.acquire() as conn:
                async with conn.cursor(cursor_factory=factory) as cur:
                    yield cur
        except PG_DOWN_ERRORS as e:
            raise postgres_unavailable(one_line(e)) from e

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiopg.Cursor]:
        """A dict cursor inside BEGIN ... COMMIT (aiopg is otherwise autocommit); any exception rolls back."""
        async with self.cursor() as cur:
            async with cur.begin():
                yield cur

    async def fetchone(self, sql: str, params: Mapping[str, Any] | None = None) -> dict[str, Any] | None:
        async with self.cursor() as cur:
            await cur.execute(sql, params)
            return await cur.fetchone()

    async def fetchall(self, sql: str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        async with self.cursor() as cur:
            await cur.execute(sql, params)
            return await cur.fetchall()

    async def fetchval(self, sql: str, params: Mapping[str, Any] | None = None) -> Any:
        async with self.cursor(dict_rows=False) as cur:
            await cur.execute(sql, params)
            row = await cur.fetchone()
            return None if row is None else row[0]


async def apply_schema(pool: aiopg.Pool) -> None:
    """Create every table, column and index of §4 that is missing; idempotent, and serialised between
    processes by an advisory lock so that two servers starting together do not race on CREATE TABLE."""
    async with pool.acquire() as conn:
        async with conn.cursor() as cur:
            async with cur.begin():
                await cur.execute(SQL_SCHEMA_LOCK)
                await cur.execute(SQL_SCHEMA_VERSION_TABLE)
                for statement in schema_statements():
                    await cur.execute(statement)
                await cur.execute(SQL_RECORD_SCHEMA_VERSION, {"version": SCHEMA_VERSION})


def schema_statements() -> list[str]:
    statements = []
    for table, (columns, constraints) in SCHEMA_TABLES.items():
        body = ",\n    ".join([f"{name} {ddl}" for name, ddl in columns] + constraints)
        statements.append(f"CREATE TABLE IF NOT EXISTS {table} (\n    {body})")
        for name, ddl in columns:
            if "PRIMARY KEY" not in ddl:
                statements.append(f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {name} {ddl}")
    return statements + SCHEMA_EXTRAS


def one_line(error: BaseException) -> str:
    """An exception as one short line a person can act on (the class name when it has no message)."""
    text = " ".join(str(error).split())
    return (text or type(error).__name__)[:500]


# --- QuestDB HTTP --------------------------------------------------------------------------------------------

class QuestDB:
    """QuestDB's HTTP API (/exec for JSON, /exp for CSV). Every failure becomes an ApiError: 503 when QuestDB
    is unreachable or too slow, 400 questdb_error (with QuestDB's message) when it rejects a statement."""

    def __init__(self, config: Config, session: aiohttp.ClientSession) -> None:
        self.base = config.questdb_http.rstrip("/")
        self.session = session
        self.timeout = aiohttp.ClientTimeout(total=config.questdb_timeout_s)
        self.stream_timeout = aiohttp.ClientTimeout(total=None, sock_connect=config.questdb_timeout_s,
                                                    sock_read=config.questdb_timeout_s)

    async def exec(self, sql: str, *, limit: int | None = None, timeout_s: float | None = None) -> dict[str, Any]:
        """Run one statement through /exec and return QuestDB's JSON answer."""
        params = {"query": sql}
        if limit is not None:
            params["limit"] = str(limit)
        timeout = aiohttp.ClientTimeout(total=timeout_s) if timeout_s else self.timeout
        with questdb_errors():
            async with self.session.get(f"{self.base}/exec", params=params, timeout=timeout) as resp:
                body = await resp.read()
                return _questdb_json(resp.status, body)

    async def rows(self, sql: str, **kwargs: Any) -> list[dict[str, Any]]:
        """/exec result as a list of {column: value} dicts (for small metadata queries)."""
        answer = await self.exec(sql, **kwargs)
        names = [c["name"] for c in answer.get("columns", [])]
        return [dict(zip(names, row)) for row in answer.get("dataset", [])]

    @contextlib.asynccontextmanager
    async def export(self, sql: str) -> AsyncIterator[aiohttp.ClientResponse]:
        """Open /exp for sql; the status is checked before the caller streams the CSV body."""
        with questdb_errors():
            async with self.session.get(f"{self.base}/exp", params={"query": sql},
                                        timeout=self.stream_timeout) as resp:
                if resp.status != 200:
                    _questdb_json(resp.status, await resp.read())
                yield resp

    async def table_exists(self, name: str) -> bool:
        rows = await self.rows(f"SELECT table_name FROM tables() WHERE table_name = '{name}'")
        return bool(rows)

    async def tables(self) -> list[dict[str, Any]]:
        """Every table as {table_name, designatedTimestamp (None without one), partitionBy}."""
        return await self.rows("SELECT table_name, designatedTimestamp, partitionBy FROM tables()")

    async def find_table(self, name: str) -> dict[str, Any] | None:
        """The tables() row of name, compared case-insensitively as QuestDB resolves names."""
        wanted = name.lower()
        return next((t for t in await self.tables() if str(t["table_name"]).lower() == wanted), None)

    async def table_columns(self, name: str) -> list[dict[str, Any]]:
        """[{name, type, designated}] in table order; name must be a validated, existing table name."""
        rows = await self.rows(f"SELECT \"column\", type, designated FROM table_columns('{name}')")
        return [{"name": r["column"], "type": r["type"], "designated": bool(r["designated"])} for r in rows]


@contextlib.contextmanager
def questdb_errors() -> Any:
    """Translate transport failures towards QuestDB into 503s."""
    try:
        yield
    except asyncio.TimeoutError as e:
        raise ApiError(503, "questdb_timeout", "QuestDB did not answer in time") from e
    except (aiohttp.ClientError, OSError) as e:
        raise ApiError(503, "questdb_unavailable", f"QuestDB is unavailable: {one_line(e)}") from e


def _questdb_json(status: int, body: bytes) -> dict[str, Any]:
    try:
        answer = json.loads(body) if body else {}
    except ValueError:
        answer = {}
    if status == 200 and isinstance(answer, dict):
        return answer
    if status == 400 and isinstance(answer, dict) and "error" in answer:
        extra = {"position": answer["position"]} if isinstance(answer.get("position"), int) else {}
        raise ApiError(400, "questdb_error", str(answer["error"]), **extra)
    raise ApiError(503, "questdb_unavailable", f"QuestDB answered HTTP {status}")


# --- QuestDB read side: read-only SQL, predictions -----------------------------------------------------------

MAX_SQL_BYTES = 64 * 1024               # QuestDB closes the connection on a longer URL (§3.6.1)
READ_ONLY_FIRST_WORDS = frozenset({"SELECT", "WITH", "SHOW", "EXPLAIN"})
FORBIDDEN_SQL_WORDS = re.compile(r"\b(INSERT|UPDATE|DELETE|DROP|ALTER|CREATE|TRUNCATE|COPY|RENAME|GRANT|REVOKE"
                                 r"|VACUUM|REINDEX|BACKUP|SNAPSHOT|CHECKPOINT|CANCEL)\b", re.IGNORECASE)
# A complete '...' literal or "..." identifier, a doubled quote being an escaped one. Unrolled so that a 64 KiB
# literal matches in linear time.
SQL_QUOTED_RE = re.compile(r"'[^']*(?:''[^']*)*'|\"[^\"]*(?:\"\"[^\"]*)*\"")
SQL_FIRST_WORD_RE = re.compile(r"\s*([A-Za-z_]\w*)")
SYSTEM_TABLE_PREFIXES = ("sys.", "telemetry")
STATS_CONCURRENCY = 8                   # per-table statistics queries in flight for one measurements request
STREAM_CHUNK_BYTES = 64 * 1024


def check_read_only_sql(sql: Any) -> str:
    """The statement to send to QuestDB for user SQL (§3.6.1), or ApiError 400 missing_fields, invalid_field
    (not a string, over 64 KiB) or read_only_violation."""
    if sql is None or (isinstance(sql, str) and not sql.strip()):
        raise bad_request("missing_fields", "Missing required fields: sql", missing_fields=["sql"])
    if not isinstance(sql, str):
        raise invalid_field("sql", f"must be a string, got {json_type(sql)}")
    try:
        size = len(sql.encode("utf-8"))
    except UnicodeEncodeError:          # a lone surrogate from JSON "\ud800" cannot be sent anywhere
        raise invalid_field("sql", "is not valid UTF-8 text") from None
    if size > MAX_SQL_BYTES:
        raise invalid_field("sql", f"is {size} bytes long; the limit is {MAX_SQL_BYTES}")
    statement = sql.strip()
    if statement.endswith(";"):         # the debugger's queries end with ';'
        statement = statement[:-1].rstrip()
    problem = read_only_problem(statement)
    if problem:
        raise bad_request("read_only_violation", f"Only one read-only statement is allowed: {problem}")
    return statement


def read_only_problem(statement: str) -> str | None:
    """Why statement breaks steps 2-5 of the read-only rule, or None. Quoted text is opaque, so a literal
    such as 'drop table x' or an identifier "delete" never counts as a keyword."""
    outside = SQL_QUOTED_RE.sub(" ", statement)
    if "'" in outside or '"' in outside:     # every complete quote was replaced: what is left never closes
        return "unterminated quote"
    if ";" in outside:
        return "';' separates statements"
    if "--" in outside or "/*" in outside:
        return "comments are not allowed"
    first = SQL_FIRST_WORD_RE.match(outside)
    if first is None or first.group(1).upper() not in READ_ONLY_FIRST_WORDS:
        return "the statement must start with SELECT, WITH, SHOW or EXPLAIN"
    forbidden = FORBIDDEN_SQL_WORDS.search(outside)
    return f"{forbidden.group(1).upper()} is not allowed" if forbidden else None


async def read_query(qdb: QuestDB, statement: str, max_rows: int) -> dict[str, Any]:
    """columns/dataset/count/truncated of §3.6.2. One row over the cap is fetched to tell 'exactly the cap'
    from 'more than the cap' (/exec limit=N returns the first N rows)."""
    answer = await qdb.exec(statement, limit=max_rows + 1)
    rows = answer.get("dataset") or []
    return {"columns": [str(c.get("name")) for c in answer.get("columns") or []], "dataset": rows[:max_rows],
            "count": min(len(rows), max_rows), "truncated": len(rows) > max_rows}


def content_disposition(filename: str) -> str:
    """An attachment header for a client-chosen name; quotes, backslashes and non-printable or non-ASCII
    characters become '_' so the header can neither break nor be split."""
    safe = "".join(ch if " " <= ch <= "~" and ch not in '"\\' else "_" for ch in filename)
    return f'attachment; filename="{safe}"'


async def stream_to(resp: web.StreamResponse, pieces: AsyncIterator[bytes]) -> None:
    """Write pieces to a prepared response in batches of about 64 KiB, then end it. Headers are already sent,
    so any failure (QuestDB cut off, client gone) must abort the connection, never end the body (§2.6)."""
    batch: list[bytes] = []
    size = 0
    try:
        async for piece in pieces:
            batch.append(piece)
            size += len(piece)
            if size >= STREAM_CHUNK_BYTES:
                await resp.write(b"".join(batch))
                batch, size = [], 0
        await resp.write(b"".join(batch))
        await resp.write_eof()
    except Exception as e:
        log.warning("stream aborted error=%s", one_line(e))
        raise StreamAborted(one_line(e)) from e


# Measurements (§3.6.4, §3.6.5)

def listed_table(name: str, prefix: str) -> bool:
    return name.startswith(prefix) and not name.startswith(SYSTEM_TABLE_PREFIXES)


async def measurement_items(qdb: QuestDB, tables: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The list items of tables, with their statistics fetched concurrently but at most
    STATS_CONCURRENCY at a time, so a QuestDB with thousands of tables is not flooded."""
    gate = asyncio.Semaphore(STATS_CONCURRENCY)

    async def item(table: dict[str, Any]) -> dict[str, Any]:
        async with gate:
            stats = await table_stats(qdb, table)
        return {"name": table["table_name"], "designatedTimestamp": table["designatedTimestamp"] or None,
                "partitionBy": table["partitionBy"], **stats}

    return list(await asyncio.gather(*(item(t) for t in tables)))


async def table_stats(qdb: QuestDB, table: dict[str, Any]) -> dict[str, Any]:
    """row_count, first_ts and last_ts of one table; a failure gives 0 and null bounds (§3.6.4). Names come
    from tables() and QuestDB forbids '"' in names, so double-quoting them is safe."""
    name, ts = table["table_name"], table["designatedTimestamp"]
    bounds = f', min("{ts}") first_ts, max("{ts}") last_ts' if ts else ""
    try:
        rows = await qdb.rows(f'SELECT count() row_count{bounds} FROM "{name}"')
    except ApiError as e:
        log.warning("measurement statistics failed table=%s error=%s", name, e.message)
        rows = []
    row = rows[0] if rows else {}
    return {"row_count": int(row.get("row_count") or 0), "first_ts": questdb_iso(row.get("first_ts")),
            "last_ts": questdb_iso(row.get("last_ts"))}


def questdb_iso(text: Any) -> str | None:
    """QuestDB's µs ISO text ('2025-11-09T19:12:15.250000Z') as our ms ISO text (§2.5), None if absent."""
    moment = parse_iso(text) if isinstance(text, str) else None
    return iso(moment)


# Predictions (§3.4.7, §5.2)

PREDICTION_SOURCES: tuple[tuple[str, tuple[str, ...], bool], ...] = (   # output, source aliases, integer?
    ("bar_index", ("bar_index", "index"), True),
    ("fold_number", ("fold_number", "fold"), True),
    ("prediction", ("prediction", "prediction_value"), False),
    ("target", ("target_value", "target"), False),
    ("long_threshold", ("long_threshold",), False),
    ("short_threshold", ("short_threshold",), False),
    ("roc_threshold", ("roc_threshold", "prediction_threshold"), False),
    ("short_entry_threshold", ("short_entry_threshold",), False),
    ("fold_score", ("fold_score", "best_score"), False),
    ("fold_profit_factor", ("fold_profit_factor",), False),
)
PREDICTION_COLUMNS = ("timestamp",) + tuple(output for output, _, _ in PREDICTION_SOURCES)
PREDICTION_KEYS = ("timestamp", "bar_index", "fold_number")     # each combination is emitted once
QDB_NUMBER_TYPES = frozenset({"BYTE", "SHORT", "INT", "LONG", "FLOAT", "DOUBLE"})
QDB_TIME_UNITS = {"TIMESTAMP": "us", "TIMESTAMP_NS": "ns", "DATE": "ms"}   # what cast(... AS LONG) yields


@dataclass(frozen=True)
class PredictionPlan:
    """One SQL statement over a predictions table plus how to turn each of its CSV rows into the eleven
    outputs. Only numeric and time columns are selected, so QuestDB's CSV holds no quoted field."""

    sql: str
    outputs: tuple[str, ...]            # the output name of each selected column, in order
    time_unit: str | None               # us / ns / ms, or "epoch" for a numeric column normalised by (N)

    def convert(self, fields: list[str]) -> list[int | float | None]:
        cells = dict(zip(self.outputs, fields))
        row: list[int | float | None] = [epoch_ms_cell(cells.get("timestamp", ""), self.time_unit)]
        for output, _, integer in PREDICTION_SOURCES:
            value = number_cell(cells.get(output, ""))
            row.append(int(value) if integer and value is not None else value)
        return row


def prediction_plan(table: str, columns: list[dict[str, Any]]) -> PredictionPlan:
    """Resolve the source columns of table (aliases of §3.4.7, case-insensitive like QuestDB) and build one
    GROUP BY over the three key columns: the desktop rewrites every row on each save attempt (§5.2), and last()
    keeps the most recent write of a duplicated row."""
    by_name = {str(c["name"]).lower(): c for c in columns}
    selected: list[tuple[str, str]] = []            # (output, SQL expression)
    time_column, time_unit = prediction_time_column(columns, by_name)
    if time_column is not None:
        expr = f'"{time_column}"'
        selected.append(("timestamp", f"cast({expr} AS LONG)" if time_unit != "epoch" else expr))
    for output, aliases, _ in PREDICTION_SOURCES:
        source = next((by_name[a] for a in aliases if a in by_name and by_name[a]["type"] in QDB_NUMBER_TYPES),
                      None)
        if source is not None:
            selected.append((output, f'"{source["name"]}"'))
    keys = [f'"o_{output}"' for output, _ in selected if output in PREDICTION_KEYS]
    items = [f'{expr} AS "o_{output}"' if output in PREDICTION_KEYS or not keys else f'last({expr}) AS "o_{output}"'
             for output, expr in selected]
    order = [f'"o_{output}"' for output, _ in selected if output in ("timestamp", "bar_index")]
    sql = f'SELECT {", ".join(items) or "1"} FROM "{table}"'
    sql += f' GROUP BY {", ".join(keys)}' if keys else ""
    sql += f' ORDER BY {", ".join(order)}' if order else ""
    return PredictionPlan(sql, tuple(output for output, _ in selected), time_unit)


def prediction_time_column(columns: list[dict[str, Any]], by_name: Mapping[str, dict[str, Any]]
                           ) -> tuple[str | None, str | None]:
    """The timestamp source: the designated timestamp, else the first alias of §2.5 that is a time or a number."""
    designated = next((c for c in columns if c["designated"]), None)
    candidates = [designated] if designated else [by_name[a] for a in TIMESTAMP_ALIASES if a in by_name]
    for column in candidates:
        if column["type"] in QDB_TIME_UNITS:
            return column["name"], QDB_TIME_UNITS[column["type"]]
        if column["type"] in QDB_NUMBER_TYPES:
            return column["name"], "epoch"
    return None, None


def number_cell(text: str) -> int | float | None:
    """A numeric CSV field from QuestDB: integers stay integers, empty (null) and non-finite become None."""
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        pass
    try:
        value = float(text)             # QuestDB writes 1.0E20, which float() reads
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def epoch_ms_cell(text: str, unit: str | None) -> int | None:
    """A timestamp field as integer ms: µs and ns are truncated (§5.1), a plain number is normalised (N)."""
    value = number_cell(text)
    if value is None:
        return None
    if unit == "us":
        return int(value) // 1000
    if unit == "ns":
        return int(value) // 1_000_000
    if unit == "ms":
        return int(value)
    return normalize_epoch_ms(value) if value > 0 else None


async def run_prediction_table(app: web.Application, run_id: str | None) -> dict[str, Any]:
    """The tables() row of a run's predictions: 404 run_not_found or predictions_missing, 503 when down."""
    row = await app[PG].fetchone(SQL_RUN_PREDICTION_TABLE, {"run_id": run_id}) if run_id else None
    if row is None:
        raise ApiError(404, "run_not_found", f"Run {run_id or 'with this id'} not found")
    name = row["measurement"]
    table = await app[QDB].find_table(name) if MEASUREMENT_RE.match(name) else None
    if table is None:
        raise ApiError(404, "predictions_missing", f"Run {run_id} has no predictions table {name!r} in QuestDB",
                       measurement=name)
    return table


async def csv_lines(upstream: aiohttp.ClientResponse) -> AsyncIterator[str]:
    """The lines of a CSV body without their line ends, read chunk by chunk: memory stays at one chunk."""
    pending = b""
    async for chunk in upstream.content.iter_chunked(STREAM_CHUNK_BYTES):
        *lines, pending = (pending + chunk).split(b"\n")
        for line in lines:
            yield line.rstrip(b"\r").decode("utf-8")
    if pending.strip():
        yield pending.rstrip(b"\r").decode("utf-8")


def prediction_csv_line(row: list[int | float | None]) -> str:
    return ",".join("" if v is None else repr(v) for v in row) + "\n"


async def prediction_pieces(upstream: aiohttp.ClientResponse, plan: PredictionPlan, fmt: str
                            ) -> AsyncIterator[bytes]:
    """Our CSV or JSON, piece by piece, converted from QuestDB's CSV line by line; JSON puts count last."""
    json_out = fmt == "json"
    yield (f'{{"columns":{dumps(list(PREDICTION_COLUMNS))},"dataset":[' if json_out
           else ",".join(PREDICTION_COLUMNS) + "\n").encode()
    count = 0
    lines = csv_lines(upstream)
    if await anext(lines, None) is not None:        # QuestDB's header row names our o_* aliases
        async for line in lines:
            if line:
                row = plan.convert(line.split(","))   # numeric fields only: QuestDB quotes none of them
                yield ((("," if count else "") + dumps(row)) if json_out else prediction_csv_line(row)).encode()
                count += 1
    if json_out:
        yield f'],"count":{count}}}'.encode()


# --- Dataset statistics -------------------------------------------------------------------------------------

async def refresh_dataset_stats(app: web.Application, dataset_id: str) -> None:
    """Refresh a dataset's row counts and bounds from QuestDB (§3.2.1); best effort, never raises."""
    # Filled in with the QuestDB writer (issue 4/5); until then the statistics stay as stored.
    return None


# --- Jobs: store ---------------------------------------------------------------------------------------------

def job_json(row: Mapping[str, Any]) -> dict[str, Any]:
    """The job object of §3.7.1."""
    return {
        "job_id": str(row["job_id"]), "job_type": row["job_type"], "status": row["status"],
        "progress": int(row["progress"]), "total": int(row["total"]), "message": row["message"],
        "error": row["error"], "payload": row["payload"] or {}, "result": row["result"] or {},
        "attempts": int(row["attempts"]), "cancel_requested": bool(row["cancel_requested"]),
        "created_at": iso(row["created_at"]), "updated_at": iso(row["updated_at"]),
        "started_at": iso(row["started_at"]), "completed_at": iso(row["completed_at"]),
    }


async def enqueue_job(app: web.Application, job_type: str, payload: dict[str, Any], total: int = 0,
                      job_id: str | None = None) -> dict[str, Any]:
    """Insert a PENDING job and wake the workers (NOTIFY for every process, an event for this one)."""
    kind = app[JOB_TYPES].get(job_type)
    config = app[CONFIG]
    params = {
        "job_id": job_id or str(uuid.uuid4()), "job_type": job_type, "payload": pg_json(payload),
        "total": total, "max_attempts": config.job_max_attempts if kind is None or kind.retryable else 1,
        "node_id": config.node_id if kind is not None and kind.local_files else None,
    }
    row = await app[PG].fetchone(SQL_INSERT_JOB, params)
    if WORKERS in app:
        app[WORKERS].wake.set()
    log.info("job queued job_id=%s type=%s status=PENDING", row["job_id"], job_type)
    return job_json(row)


async def get_job(pg: Postgres, job_id: str) -> dict[str, Any]:
    row = await pg.fetchone(SQL_GET_JOB, {"job_id": job_id}) if UUID_RE.match(job_id) else None
    if row is None:
        raise ApiError(404, "job_not_found", f"Job {job_id} not found")
    return job_json(row)


def pg_json(value: Any) -> psycopg2.extras.Json:
    """A JSONB parameter, written with the server's strict encoder (no NaN ever reaches the database)."""
    return psycopg2.extras.Json(value, dumps=dumps)


# --- Jobs: context -------------------------------------------------------------------------------------------

class JobCancelled(Exception):
    """Raised by JobContext.checkpoint() once a cancel was requested for the running job."""


class LeaseLost(Exception):
    """The job was rescued and re-claimed elsewhere: this worker must stop and write nothing more."""


@dataclass
class ClaimedJob:
    job_id: str
    job_type: str
    payload: dict[str, Any]
    attempts: int
    max_attempts: int
    token: str
    total: int


@dataclass
class JobType:
    """A kind of background job: its coroutine, whether an abandoned run may be retried, and whether its input
    lives on the enqueuing node's disk (then only that node's workers may claim it)."""

    handler: Callable[[JobContext], Awaitable[dict[str, Any]]]
    retryable: bool = True
    local_files: bool = False


class JobContext:
    """What a running job handler sees: its claim, a progress checkpoint, and the app."""

    PROGRESS_EVERY_S = 1.0                     # progress writes are throttled; each also renews the lease

    def __init__(self, app: web.Application, job: ClaimedJob) -> None:
        self.app, self.job = app, job
        self.pg: Postgres = app[PG]
        self.cancel_requested = False
        self.lease_lost = False
        self.shutting_down = False
        self.partial_result: dict[str, Any] = {}   # reported if the job ends CANCELLED
        self.task: asyncio.Task[dict[str, Any]] | None = None
        self.progress: int | None = None       # last reported by the handler; written by the next beat and
        self.total: int | None = None          # by the final write, so throttling never loses the last value
        self.message: str | None = None
        self._last_write = time.monotonic()

    async def checkpoint(self, progress: int | None = None, total: int | None = None,
                         message: str | None = None, force: bool = False) -> None:
        """Record progress (at most about once a second unless forced) and stop here if cancel was asked."""
        self.note(progress, total, message)
        if force or time.monotonic() - self._last_write >= self.PROGRESS_EVERY_S:
            await self.beat()
        if self.cancel_requested:
            raise JobCancelled()

    def note(self, progress: int | None, total: int | None, message: str | None) -> None:
        self.progress = self.progress if progress is None else progress
        self.total = self.total if total is None else total
        self.message = self.message if message is None else message

    async def beat(self, progress: int | None = None, total: int | None = None, message: str | None = None) -> None:
        """Renew the lease (with the latest progress); learn about cancel requests; detect a lost lease."""
        self.note(progress, total, message)
        row = await self.pg.fetchone(SQL_HEARTBEAT, {
            "job_id": self.job.job_id, "token": self.job.token, "progress": self.progress, "total": self.total,
            "message": self.message})
        self._last_write = time.monotonic()
        if row is None:
            self.lease_lost = True
            raise LeaseLost()
        if row["cancel_requested"]:
            self.cancel_requested = True


# --- Jobs: handlers ------------------------------------------------------------------------------------------

async def run_noop_job(ctx: JobContext) -> dict[str, Any]:
    """Built-in no-op job for tests, benchmarks and smoke checks. Payload (all optional): steps (checkpoints),
    sleep_s (total time spread over the steps), fail (an error message to fail with)."""
    payload = ctx.job.payload
    steps = int(payload.get("steps") or 0)
    pause = float(payload.get("sleep_s") or 0) / max(steps, 1)
    for step in range(steps):
        if pause:
            await asyncio.sleep(pause)
        ctx.partial_result = {"steps_done": step}
        await ctx.checkpoint(progress=step + 1, total=steps, message=f"step {step + 1}/{steps}")
    if payload.get("fail"):
        raise RuntimeError(str(payload["fail"]))
    return {"steps": steps, "attempt": ctx.job.attempts}


def builtin_job_types() -> dict[str, JobType]:
    return {"noop": JobType(run_noop_job)}


# --- Jobs: workers -------------------------------------------------------------------------------------------

@dataclass
class WorkerSet:
    """The worker slots of this process and what /api/health and /api/worker/metrics report about them."""

    slots: int
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    stopping: asyncio.Event = field(default_factory=asyncio.Event)
    running: dict[str, JobContext] = field(default_factory=dict)
    tasks: list[asyncio.Task[None]] = field(default_factory=list)
    pulse: float = field(default_factory=time.monotonic)   # last sign of life of the worker loops
    last_error: dict[str, Any] | None = None

    def note_error(self, message: str) -> None:
        self.last_error = {"job_id": None, "job_type": None, "error": message, "at": utc_now()}


async def claim_job(app: web.Application, worker_id: str) -> ClaimedJob | None:
    row = await app[PG].fetchone(SQL_CLAIM_JOB, {"worker_id": worker_id, "node_id": app[CONFIG].node_id})
    if row is None:
        return None
    return ClaimedJob(job_id=str(row["job_id"]), job_type=row["job_type"], payload=row["payload"] or {},
                      attempts=row["attempts"], max_attempts=row["max_attempts"], token=str(row["lease_token"]),
                      total=int(row["total"]))


async def worker_step(app: web.Application, worker_id: str) -> bool:
    """Claim one job and drive it to a final state. False when there was nothing to claim."""
    job = await claim_job(app, worker_id)
    if job is None:
        return False
    await run_job(app, job, worker_id)
    return True


async def run_job(app: web.Application, job: ClaimedJob, worker_id: str) -> None:
    """Run a claimed job's handler next to a heartbeat, then write its outcome under the lease guard."""
    ws, ctx = app[WORKERS], JobContext(app, job)
    log.info("job claimed job_id=%s type=%s attempt=%d status=RUNNING worker=%s",
             job.job_id, job.job_type, job.attempts, worker_id)
    kind = app[JOB_TYPES].get(job.job_type)
    if kind is None:
        await finish_job(ctx, "FAILED", error="unsupported job type", started=time.monotonic())
        return
    started = time.monotonic()
    ws.running[job.job_id] = ctx
    ctx.task = asyncio.create_task(kind.handler(ctx))
    heartbeat = asyncio.create_task(heartbeat_loop(ctx))
    try:
        await asyncio.wait({ctx.task})
    finally:
        heartbeat.cancel()
        ws.running.pop(job.job_id, None)
    await record_outcome(ctx, started)


async def record_outcome(ctx: JobContext, started: float) -> None:
    task, job = ctx.task, ctx.job
    assert task is not None
    if ctx.lease_lost or (not task.cancelled() and isinstance(task.exception(), LeaseLost)):
        log.warning("job lease lost job_id=%s type=%s attempt=%d: another claim owns it; result dropped",
                    job.job_id, job.job_type, job.attempts)
    elif task.cancelled():
        await release_job(ctx)
    elif isinstance(task.exception(), JobCancelled):
        await finish_job(ctx, "CANCELLED", result=ctx.partial_result, message="cancelled", started=started)
    elif task.exception() is not None:
        error = task.exception()
        log.error("job error job_id=%s type=%s attempt=%d", job.job_id, job.job_type, job.attempts,
                  exc_info=(type(error), error, error.__traceback__))
        await finish_job(ctx, "FAILED", error=job_error_text(error), result=ctx.partial_result, started=started)
    else:
        try:
            result = json.loads(dumps(task.result() or {}))  # a result that cannot be stored fails the job
        except (TypeError, ValueError) as e:
            await finish_job(ctx, "FAILED", error=f"job result is not JSON: {one_line(e)}", started=started)
            return
        await finish_job(ctx, "COMPLETED", result=result, message="completed", started=started)


def job_error_text(error: BaseException) -> str:
    if isinstance(error, ApiError):
        return error.message
    return one_line(error) if str(error) else f"{type(error).__name__} (no message)"


async def heartbeat_loop(ctx: JobContext) -> None:
    """Renew the lease every job_stale_s/3 from its own task, so a busy handler never loses it."""
    interval = ctx.app[CONFIG].job_stale_s / 3
    while True:
        await asyncio.sleep(interval)
        asked_before = ctx.cancel_requested
        try:
            await ctx.beat()
        except LeaseLost:
            assert ctx.task is not None
            ctx.task.cancel()
            return
        except Exception as e:                     # database blip: the next beat retries
            log.warning("job heartbeat failed job_id=%s error=%s", ctx.job.job_id, one_line(e))
        if ctx.cancel_requested and not asked_before:
            log.info("job cancel requested job_id=%s type=%s", ctx.job.job_id, ctx.job.job_type)


async def finish_job(ctx: JobContext, status: str, *, result: dict[str, Any] | None = None,
                     error: str | None = None, message: str | None = None, started: float) -> None:
    """Write the final state, retrying through a database outage; fenced by the lease token."""
    job = ctx.job
    params = {"job_id": job.job_id, "token": job.token, "status": status, "result": pg_json(result or {}),
              "error": error, "message": message or (f"failed: {error}" if error else status.lower()),
              "progress": ctx.progress, "total": ctx.total}
    written = await write_with_retry(ctx.app, SQL_FINISH_JOB, params)
    duration_ms = round((time.monotonic() - started) * 1000)
    if written:
        log.info("job finished job_id=%s type=%s attempt=%d status=%s duration_ms=%d%s", job.job_id,
                 job.job_type, job.attempts, status, duration_ms, f" error={error}" if error else "")
    else:
        log.warning("job lease lost job_id=%s type=%s attempt=%d: %s not written", job.job_id, job.job_type,
                    job.attempts, status)


async def release_job(ctx: JobContext) -> None:
    """Shutdown: put an unfinished job back to PENDING so another worker (or this one, later) runs it; one
    whose cancel was requested ends CANCELLED instead."""
    params = {"job_id": ctx.job.job_id, "token": ctx.job.token, "result": pg_json(ctx.partial_result)}
    row = await write_with_retry(ctx.app, SQL_RELEASE_JOB, params)
    log.info("job released job_id=%s type=%s attempt=%d status=%s", ctx.job.job_id, ctx.job.job_type,
             ctx.job.attempts, row["status"] if row else "unchanged (lease lost)")


async def write_with_retry(app: web.Application, sql: str, params: Mapping[str, Any],
                           budget_s: float = 30.0) -> dict[str, Any] | None:
    """Run a fenced worker write; the row it matched, None if the lease was lost. Transient database errors
    are retried."""
    deadline, delay = time.monotonic() + budget_s, 0.2
    while True:
        try:
            return await app[PG].fetchone(sql, params)
        except ApiError as e:
            if e.status != 503 or time.monotonic() > deadline:
                raise
            log.warning("job write retry error=%s", e.message)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 5.0)


async def worker_loop(app: web.Application, slot: int) -> None:
    """One worker slot: claim until the queue is empty, then sleep until woken (NOTIFY) or the poll timer."""
    ws, config = app[WORKERS], app[CONFIG]
    worker_id = f"{config.node_id}:{os.getpid()}:{slot}"
    await app[PG].connected.wait()
    failing = False
    while not ws.stopping.is_set():
        ws.wake.clear()
        try:
            while not ws.stopping.is_set() and await worker_step(app, worker_id):
                ws.pulse = time.monotonic()
            failing = False
        except Exception as e:                     # CancelledError is not an Exception: shutdown still works
            ws.note_error(f"worker loop: {one_line(e)}")
            if not failing:                        # one line per outage, not one per poll
                log.exception("worker step failed worker=%s", worker_id)
            failing = True
        ws.pulse = time.monotonic()
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(ws.wake.wait(), config.poll_s * random.uniform(0.8, 1.2))


async def supervisor_loop(app: web.Application) -> None:
    """Keep the pulse and rescue RUNNING jobs whose lease expired (their worker died), in every process."""
    ws, config, pg = app[WORKERS], app[CONFIG], app[PG]
    await pg.connected.wait()
    next_rescue = 0.0
    while not ws.stopping.is_set():
        ws.pulse = time.monotonic()
        if time.monotonic() >= next_rescue:
            next_rescue = time.monotonic() + config.job_stale_s / 2
            try:
                await rescue_stale_jobs(app)
            except Exception as e:
                ws.note_error(f"rescuer: {one_line(e)}")
                log.warning("job rescue failed error=%s", one_line(e))
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(ws.stopping.wait(), config.poll_s)


async def rescue_stale_jobs(app: web.Application) -> list[dict[str, Any]]:
    rows = await app[PG].fetchall(SQL_RESCUE_STALE_JOBS, {"stale_s": app[CONFIG].job_stale_s})
    for row in rows:
        log.warning("job rescued job_id=%s type=%s attempt=%d status=%s (lease expired)",
                    row["job_id"], row["job_type"], row["attempts"], row["status"])
    if rows:
        app[WORKERS].wake.set()
    return rows


async def listen_for_jobs(app: web.Application) -> None:
    """LISTEN on the jobs channel from a dedicated connection and wake the slots on every NOTIFY.
    Only a latency hint: the poll timer still finds jobs whose notification was lost."""
    ws, pg = app[WORKERS], app[PG]
    delay = 0.5
    while not ws.stopping.is_set():
        await pg.connected.wait()
        try:
            async with aiopg.connect(app[CONFIG].pg_dsn, timeout=app[CONFIG].questdb_timeout_s) as conn:
                async with conn.cursor() as cur:
                    await cur.execute(f"LISTEN {JOBS_CHANNEL}")
                log.info("job listener connected channel=%s", JOBS_CHANNEL)
                delay = 0.5
                ws.wake.set()                      # anything queued while we were not listening
                while True:
                    await conn.notifies.get()
                    ws.wake.set()
        except (psycopg2.Error, OSError, asyncio.TimeoutError) as e:
            log.warning("job listener lost error=%s retry_in_s=%.1f", one_line(e), delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 10.0)


# --- Request parsing -----------------------------------------------------------------------------------------

def query_int(request: web.Request, name: str, default: int | None, maximum: int | None = None) -> int | None:
    """A non-negative integer query parameter; above maximum it is clamped silently (§2.1)."""
    raw = request.query.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isdigit():
        raise invalid_parameter(name, f"must be a non-negative integer, got {raw!r}")
    value = int(raw)
    return min(value, maximum) if maximum is not None else value


def query_page(request: web.Request, default_limit: int = 100, max_limit: int = 1000) -> tuple[int, int]:
    limit = query_int(request, "limit", default_limit, max_limit)
    offset = query_int(request, "offset", 0)
    assert limit is not None and offset is not None
    return limit, offset


def query_choice(request: web.Request, name: str, choices: tuple[str, ...], default: str | None) -> str | None:
    raw = request.query.get(name)
    if raw is None or raw == "":
        return default
    if raw not in choices:
        raise invalid_parameter(name, f"must be one of {', '.join(choices)}, got {raw!r}")
    return raw


JSON_TYPES = ("application/json", "")
ISO_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?"
                    r"(Z|z|[+-]\d{2}(?::?\d{2})?)?$")
MISSING = object()


async def read_json_object(request: web.Request) -> dict[str, Any]:
    """The request body as a JSON object: 415 for another content type, 400 invalid_json / invalid_body."""
    if request.content_type not in JSON_TYPES and request.headers.get("Content-Type"):
        raise ApiError(415, "unsupported_media_type",
                       f"Content-Type {request.content_type} is not supported; send application/json")
    raw = await request.read()
    if not raw.strip():
        raise bad_request("invalid_json", "Request body is empty; a JSON object is expected")
    try:
        body = loads(raw)
    except ValueError as e:
        raise bad_request("invalid_json", f"Request body is not valid JSON: {one_line(e)}") from None
    if not isinstance(body, dict):
        raise bad_request("invalid_body", f"Request body must be a JSON object, got {json_type(body)}")
    return body


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    return {str: "string", list: "array", dict: "object"}.get(type(value), type(value).__name__)


def require(body: Mapping[str, Any], *keys: str, prefix: str = "") -> None:
    """400 missing_fields listing every absent (or null) key, as JSON paths."""
    missing = [f"{prefix}{key}" for key in keys if body.get(key) is None]
    if missing:
        raise bad_request("missing_fields", f"Missing required fields: {', '.join(missing)}",
                          missing_fields=missing)


def get_str(body: Mapping[str, Any], key: str, path: str | None = None) -> str | None:
    value = body.get(key)
    if value is None or isinstance(value, str):
        return value
    raise invalid_field(path or key, f"must be a string, got {json_type(value)}")


def get_int(body: Mapping[str, Any], key: str, path: str | None = None, *, bits: int = 64,
            minimum: int | None = None) -> int | None:
    """A documented integer: 650 or 650.0 (stored as 650); a fraction, another type or out of range → 400."""
    value, path = body.get(key), path or key
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise invalid_field(path, f"must be an integer, got {json_type(value)}")
    if isinstance(value, float):
        if not value.is_integer():
            raise invalid_field(path, f"must be an integer, got {value!r}")
        value = int(value)
    low, high = INT64 if bits == 64 else INT32
    if minimum is not None and value < minimum:
        raise invalid_field(path, f"must not be below {minimum}, got {value}")
    if not low <= value <= high:
        raise invalid_field(path, f"is outside the signed {bits}-bit range")
    return value


def get_number(body: Mapping[str, Any], key: str, path: str | None = None) -> int | float | None:
    value = body.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise invalid_field(path or key, f"must be a number, got {json_type(value)}")
    if isinstance(value, int) and not INT64[0] <= value <= INT64[1]:
        raise invalid_field(path or key, "is outside the signed 64-bit range")
    return value


def get_object(body: Mapping[str, Any], key: str, path: str | None = None) -> dict[str, Any] | None:
    """An object, or a JSON string holding one (the desktop sends both forms)."""
    value = parse_json_string(body.get(key), dict)
    if value is None or isinstance(value, dict):
        return value
    raise invalid_field(path or key, f"must be an object, got {json_type(value)}")


def get_array(body: Mapping[str, Any], key: str, path: str | None = None) -> list[Any] | None:
    """An array, or a JSON string holding one."""
    value = parse_json_string(body.get(key), list)
    if value is None or isinstance(value, list):
        return value
    raise invalid_field(path or key, f"must be an array, got {json_type(value)}")


def parse_json_string(value: Any, wanted: type) -> Any:
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            parsed = loads(value)
            if isinstance(parsed, wanted):
                return parsed
    return value


def get_uuid(body: Mapping[str, Any], key: str, path: str | None = None) -> str | None:
    """UUID text in lowercase; 400 invalid_uuid for a string that is not one."""
    value = get_str(body, key, path)
    if value is None or value == "":
        return None
    if not UUID_RE.match(value):
        raise ApiError(400, "invalid_uuid", f"{path or key}: {value!r} is not a UUID", field=path or key)
    return value.lower()


def get_timestamp(body: Mapping[str, Any], key: str, path: str | None = None) -> datetime | None:
    """An ISO-8601 field (§2.5): zone optional (UTC), empty string = null, 400 invalid_timestamp otherwise."""
    value = get_str(body, key, path)
    if value is None or value.strip() == "":
        return None
    parsed = parse_iso(value)
    if parsed is None:
        raise ApiError(400, "invalid_timestamp", f"{path or key}: {value!r} is not an ISO-8601 timestamp",
                       field=path or key)
    if not 0 <= parsed.timestamp() * 1000 <= MAX_EPOCH_MS:
        raise invalid_field(path or key, "is outside 1970-01-01 … 2262-04-11")
    return parsed


def parse_iso(text: str) -> datetime | None:
    """YYYY-MM-DD[T| ]HH:MM:SS[.f…][Z|±HH[:MM]] → aware datetime (µs precision), or None if unparsable."""
    match = ISO_RE.match(text.strip())
    if not match:
        return None
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    try:
        moment = datetime(int(year), int(month), int(day), int(hour), int(minute), int(second),
                          int((fraction or "0")[:6].ljust(6, "0")), tzinfo=timezone.utc)
    except ValueError:
        return None
    if zone and zone not in ("Z", "z"):
        sign = 1 if zone[0] == "+" else -1
        digits = zone[1:].replace(":", "")
        offset = int(digits[:2]) * 60 + int(digits[2:4] or 0)
        moment = moment - sign * timedelta(minutes=offset)
    return moment


def ms_from_datetime(moment: datetime | None) -> int | None:
    if moment is None:
        return None
    return (moment - EPOCH) // timedelta(milliseconds=1)


def valid_measurement(name: Any, path: str = "measurement") -> str:
    """A QuestDB table name taken from a request (§5.4); 400 invalid_measurement otherwise."""
    if not isinstance(name, str) or not MEASUREMENT_RE.match(name):
        raise bad_request("invalid_measurement", f"{path}: {name!r} is not a valid QuestDB table name "
                          "(1-127 of A-Z a-z 0-9 _ - ., no leading/trailing '.', no '..')")
    return name


def column_name_problem(name: str) -> str | None:
    """Why QuestDB cannot use name as a column (§5.4), or None when it can."""
    if not 1 <= len(name) <= 127:
        return "must be 1-127 characters"
    bad = sorted({ch for ch in name if ch in FORBIDDEN_COLUMN_CHARS or not ch.isprintable()})
    if bad:
        return f"contains forbidden characters {''.join(bad)!r}"
    return None


def path_id(request: web.Request, name: str = "id") -> str | None:
    """The {id} path parameter as lowercase UUID text, or None when it is not a UUID (→ the endpoint's 404)."""
    raw = request.match_info[name]
    return raw.lower() if UUID_RE.match(raw) else None


# --- Flows: datasets, runs, simulations (parsing and data access) -------------------------------------------


# --- Handlers: health ----------------------------------------------------------------------------------------

async def get_healthz(request: web.Request) -> web.Response:
    return json_response({"status": "ok"})


async def check_postgres(app: web.Application) -> dict[str, Any]:
    return await timed_check(app, app[PG].fetchval(SQL_PING))


async def check_questdb(app: web.Application) -> dict[str, Any]:
    return await timed_check(app, app[QDB].exec("SELECT 1"))


async def timed_check(app: web.Application, probe: Awaitable[Any]) -> dict[str, Any]:
    """Run one dependency probe within STAGE1_DEP_CHECK_TIMEOUT_MS: {status, latency_ms, error}."""
    started = time.monotonic()
    try:
        await asyncio.wait_for(probe, app[CONFIG].dep_check_timeout_ms / 1000)
    except asyncio.TimeoutError:
        return {"status": "down", "latency_ms": None, "error": "timed out"}
    except ApiError as e:
        return {"status": "down", "latency_ms": None, "error": e.message}
    except Exception as e:
        return {"status": "down", "latency_ms": None, "error": one_line(e)}
    return {"status": "up", "latency_ms": round((time.monotonic() - started) * 1000), "error": None}


def worker_health(app: web.Application) -> dict[str, Any]:
    config, ws = app[CONFIG], app.get(WORKERS)
    if config.worker_slots == 0 or ws is None:
        return {"status": "disabled", "slots": 0, "busy": 0, "queue_depth": 0, "error": None}
    alive = time.monotonic() - ws.pulse <= 3 * config.poll_s and not ws.stopping.is_set()
    error = None if alive else "worker loop has not run recently"
    if app[PG].pool is None:
        alive, error = False, "waiting for PostgreSQL"
    return {"status": "running" if alive else "stopped", "slots": ws.slots, "busy": len(ws.running),
            "queue_depth": 0, "error": error}


async def get_api_health(request: web.Request) -> web.Response:
    """Always 200 (§3.1.3): the body says which dependency is down; readiness belongs to /readyz."""
    app = request.app
    postgres, questdb = await asyncio.gather(check_postgres(app), check_questdb(app))
    worker = worker_health(app)
    if postgres["status"] == "up" and worker["status"] != "disabled":
        with contextlib.suppress(Exception):
            worker["queue_depth"] = int(await app[PG].fetchval(SQL_PENDING_COUNT))
    healthy = postgres["status"] == questdb["status"] == "up" and worker["status"] in ("running", "disabled")
    return json_response({
        "status": "healthy" if healthy else "degraded", "timestamp": iso(utc_now()),
        "uptime": int(time.monotonic() - app[STARTED]),
        "dependencies": {"postgres": postgres, "questdb": questdb, "worker": worker},
    })


async def get_readyz(request: web.Request) -> web.Response:
    app = request.app
    postgres, questdb = await asyncio.gather(check_postgres(app), check_questdb(app))
    schema = "ok" if app[PG].pool is not None else "down"   # the pool is published only after the schema
    checks = {"postgres": postgres["status"], "questdb": questdb["status"], "schema": schema}
    if checks == {"postgres": "up", "questdb": "up", "schema": "ok"}:
        return json_response({"status": "ready", "checks": checks})
    down = ", ".join(name for name, state in checks.items() if state not in ("up", "ok"))
    raise ApiError(503, "not_ready", f"not ready: {down}", checks=checks)


# --- Handlers: datasets -------------------------------------------------------------------------------------


# --- Handlers: runs -----------------------------------------------------------------------------------------


# --- Handlers: simulations ----------------------------------------------------------------------------------


# --- Handlers: QuestDB --------------------------------------------------------------------------------------


async def post_questdb_query(request: web.Request) -> web.Response:
    body = await read_json_object(request)
    statement = check_read_only_sql(body.get("sql"))
    result = await read_query(request.app[QDB], statement, request.app[CONFIG].query_max_rows)
    return json_response({"query": body["sql"], **result})


async def post_questdb_export(request: web.Request) -> web.StreamResponse:
    body = await read_json_object(request)
    statement = check_read_only_sql(body.get("sql"))
    filename = get_str(body, "filename")
    headers = {"Content-Type": "text/csv; charset=utf-8"}
    if filename:
        headers["Content-Disposition"] = content_disposition(filename)
    async with request.app[QDB].export(statement) as upstream:        # QuestDB's 400 is raised here, unsent
        resp = web.StreamResponse(headers=headers)
        await resp.prepare(request)
        await stream_to(resp, upstream.content.iter_chunked(STREAM_CHUNK_BYTES))
    return resp


async def get_questdb_measurements(request: web.Request) -> web.Response:
    prefix = request.query.get("prefix", "")
    limit, offset = query_int(request, "limit", None), query_int(request, "offset", 0) or 0
    qdb = request.app[QDB]
    tables = sorted((t for t in await qdb.tables() if listed_table(str(t["table_name"]), prefix)),
                    key=lambda t: str(t["table_name"]))
    page = tables[offset:] if limit is None else tables[offset:offset + limit]     # no limit = every table
    items = await measurement_items(qdb, page)
    return json_response({"measurements": items, "count": len(items), "total": len(tables)})


async def get_questdb_measurement(request: web.Request) -> web.Response:
    name = valid_measurement(request.match_info["name"], "name")
    qdb = request.app[QDB]
    table = await qdb.find_table(name)
    if table is None:
        raise ApiError(404, "measurement_not_found", f"Measurement {name} not found in QuestDB")
    [item] = await measurement_items(qdb, [table])
    return json_response({**item, "columns": await qdb.table_columns(table["table_name"])})


async def get_run_predictions(request: web.Request) -> web.StreamResponse:
    fmt = query_choice(request, "format", ("csv", "json"), "csv")
    table = await run_prediction_table(request.app, path_id(request))
    qdb = request.app[QDB]
    plan = prediction_plan(table["table_name"], await qdb.table_columns(table["table_name"]))
    content_type = "text/csv; charset=utf-8" if fmt == "csv" else "application/json; charset=utf-8"
    async with qdb.export(plan.sql) as upstream:                     # every 4xx/5xx is decided by now
        resp = web.StreamResponse(headers={"Content-Type": content_type})
        await resp.prepare(request)
        await stream_to(resp, prediction_pieces(upstream, plan, fmt))
    return resp



async def post_import_async(request: web.Request) -> web.Response:
    spec, path = await receive_import(request)
    job = await enqueue_import(request.app, spec, path)
    return import_accepted(job, spec)


async def post_import(request: web.Request) -> web.Response:
    """Synchronous import: the same job, waited for up to STAGE1_IMPORT_SYNC_WAIT_S, else 202 as async."""
    spec, path = await receive_import(request)
    job = await enqueue_import(request.app, spec, path)
    job = await wait_for_final(request.app, job["job_id"], request.app[CONFIG].import_sync_wait_s)
    return json_response(job) if job["status"] in FINAL_STATUSES else import_accepted(job, spec)


def import_accepted(job: dict[str, Any], spec: ImportRequest) -> web.Response:
    poll_url = f"/api/jobs/{job['job_id']}"
    return json_response({"job_id": job["job_id"], "status": job["status"], "poll_url": poll_url,
                          "measurement": spec.measurement}, status=202, headers={"Location": poll_url})


# --- Handlers: jobs ------------------------------------------------------------------------------------------

async def get_jobs(request: web.Request) -> web.Response:
    limit, offset = query_page(request)
    params = {"status": query_choice(request, "status", JOB_STATUSES, None),
              "job_type": request.query.get("job_type") or None, "limit": limit, "offset": offset}
    rows = await request.app[PG].fetchall(SQL_LIST_JOBS, params)
    total = rows[0]["full_count"] if rows else await request.app[PG].fetchval(SQL_COUNT_JOBS, params)
    return json_response({"jobs": [job_json(r) for r in rows], "count": len(rows), "total": int(total)})


async def get_job_detail(request: web.Request) -> web.Response:
    return json_response(await get_job(request.app[PG], request.match_info["id"]))


async def post_job_cancel(request: web.Request) -> web.Response:
    """PENDING → CANCELLED at once (200); RUNNING → asked to stop (202); final → 409 job_finished."""
    job = await get_job(request.app[PG], request.match_info["id"])
    row = await request.app[PG].fetchone(SQL_CANCEL_JOB, {"job_id": job["job_id"]})
    job = await get_job(request.app[PG], job["job_id"])
    if row is None:
        raise ApiError(409, "job_finished", f"Job {job['job_id']} is already {job['status']}", job=job)
    local = request.app[WORKERS].running.get(job["job_id"]) if WORKERS in request.app else None
    if local is not None:                          # runs here: no need to wait for its next heartbeat
        local.cancel_requested = True
    log.info("job cancel job_id=%s type=%s status=%s", job["job_id"], job["job_type"], job["status"])
    return json_response(job, status=200 if job["status"] == "CANCELLED" else 202)


async def get_worker_metrics(request: web.Request) -> web.Response:
    app = request.app
    pg, ws, slots = app[PG], app.get(WORKERS), app[CONFIG].worker_slots
    counts = {status: 0 for status in JOB_STATUSES}
    for row in await pg.fetchall(SQL_JOB_STATUS_COUNTS):
        counts[row["status"]] = int(row["count"])
    job_types = {row["job_type"]: {"count": int(row["count"]), "duration_ms": {
        "p50": round_or_none(row["p50"]), "p95": round_or_none(row["p95"]),
        "max": round_or_none(row["max"])}} for row in await pg.fetchall(SQL_JOB_TYPE_STATS)}
    busy = len(ws.running) if ws else 0
    return json_response({
        "timestamp": iso(utc_now()), "status_counts": counts, "queue_depth": counts["PENDING"],
        "oldest_pending_age_s": await pg.fetchval(SQL_OLDEST_PENDING_AGE), "job_types": job_types,
        "workers": {"slots": slots, "busy": busy, "idle": max(slots - busy, 0)},
        "last_error": await last_worker_error(pg, ws),
    })


def round_or_none(value: float | None) -> int | None:
    return None if value is None else int(round(value))


async def last_worker_error(pg: Postgres, ws: WorkerSet | None) -> dict[str, Any] | None:
    """The newer of the last FAILED job and the last error of this process's worker loops."""
    row = await pg.fetchone(SQL_LAST_FAILED_JOB)
    candidates = [ws.last_error] if ws and ws.last_error else []
    if row is not None:
        candidates.append({"job_id": str(row["job_id"]), "job_type": row["job_type"], "error": row["error"] or "",
                           "at": row["completed_at"]})
    if not candidates:
        return None
    newest = max(candidates, key=lambda c: c["at"] or datetime.min.replace(tzinfo=timezone.utc))
    return {**newest, "at": iso(newest["at"])}


# --- Middleware ----------------------------------------------------------------------------------------------

HTTP_ERROR_CODES = {404: "not_found", 405: "method_not_allowed", 413: "payload_too_large",
                    415: "unsupported_media_type"}


@web.middleware
async def error_middleware(request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
                           ) -> web.StreamResponse:
    """The one place where failures become the JSON envelope of §2.6; no traceback ever reaches a client."""
    try:
        return await handler(request)
    except ApiError as e:
        return json_response(e.body(), status=e.status)
    except web.HTTPException as e:                 # router 404/405, body-too-large 413
        if e.status < 400:
            raise
        code = HTTP_ERROR_CODES.get(e.status, "http_error")
        headers = {"Allow": e.headers["Allow"]} if "Allow" in e.headers else None
        return json_response({"error": http_error_text(request, e), "code": code}, status=e.status,
                             headers=headers)
    except StreamAborted:
        raise                                      # headers already sent: aiohttp drops the connection
    except Exception:
        log.exception("unhandled error method=%s path=%s", request.method, request.path)
        return json_response({"error": "internal server error", "code": "internal_error"}, status=500)


def http_error_text(request: web.Request, error: web.HTTPException) -> str:
    if error.status == 404:
        return f"No route for {request.method} {request.path}"
    if error.status == 405:
        return f"Method {request.method} not allowed for {request.path}"
    if error.status == 413:
        return f"Request body too large (limit {request.app[CONFIG].max_body_mb} MiB)"
    return error.reason


def cors_middleware(origins: tuple[str, ...]) -> Any:
    allow_all = "*" in origins

    @web.middleware
    async def cors(request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
                   ) -> web.StreamResponse:
        origin = request.headers.get("Origin")
        if origin is None or not (allow_all or origin in origins):
            return await handler(request)
        if request.method == "OPTIONS":
            return web.Response(status=204, headers={
                "Access-Control-Allow-Origin": origin, "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
                "Access-Control-Allow-Headers": "Content-Type, X-Stage1-Token", "Vary": "Origin"})
        response = await handler(request)
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Vary"] = "Origin"
        return response

    return cors


@web.middleware
async def slash_middleware(request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
                           ) -> web.StreamResponse:
    """Serve /api/datasets/ and //api/datasets as /api/datasets, without a redirect (§2.1: the desktop
    builds such paths when its base URL ends in '/', and it does not follow redirects)."""
    if request.match_info.http_exception is None:
        return await handler(request)
    path = re.sub(r"/{2,}", "/", request.path)
    if len(path) > 1 and path.endswith("/"):
        path = path[:-1]
    if path == request.path:
        return await handler(request)
    alternative = request.clone(rel_url=request.rel_url.with_path(path))
    match_info = await request.app.router.resolve(alternative)
    if match_info.http_exception is not None:
        return await handler(request)
    # The same steps aiohttp's own normalize_path_middleware takes to re-route a request.
    alternative._match_info = match_info          # noqa: SLF001
    match_info.add_app(request.app)
    return await match_info.handler(alternative)


async def expect_continue(request: web.Request) -> web.StreamResponse | None:
    """Answer Expect: 100-continue with 413 when the declared body is already over the limit (§2.2)."""
    if request.content_length is not None and request.content_length > body_limit(request):
        return json_response({"error": f"Request body too large ({request.content_length} bytes)",
                              "code": "payload_too_large"}, status=413)
    if request.headers.get("Expect", "").lower() == "100-continue":
        await request.writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
    return None


def body_limit(request: web.Request) -> int:
    config = request.app[CONFIG]
    return config.max_upload_bytes if request.path in UPLOAD_PATHS else config.max_body_bytes


@web.middleware
async def body_limit_middleware(request: web.Request,
                                handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
                                ) -> web.StreamResponse:
    """413 from Content-Length alone, before a byte of an oversized body is read."""
    if request.content_length is not None and request.content_length > body_limit(request):
        raise ApiError(413, "payload_too_large",
                       f"Request body too large: {request.content_length} bytes, limit {body_limit(request)}")
    return await handler(request)


# --- Cleanup contexts ----------------------------------------------------------------------------------------
# Set-up runs in list order and teardown in reverse: workers stop (drain, release) before the pool closes.

async def postgres_ctx(app: web.Application) -> AsyncIterator[None]:
    pg = app[PG] = Postgres(app[CONFIG])
    connector = asyncio.create_task(pg.connect_forever())
    yield
    connector.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await connector
    await pg.close()


async def questdb_ctx(app: web.Application) -> AsyncIterator[None]:
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=32)) as session:
        app[QDB] = QuestDB(app[CONFIG], session)
        yield


async def workers_ctx(app: web.Application) -> AsyncIterator[None]:
    config = app[CONFIG]
    ws = app[WORKERS] = WorkerSet(slots=config.worker_slots)
    if config.worker_slots:
        ws.tasks = [asyncio.create_task(worker_loop(app, slot)) for slot in range(config.worker_slots)]
        helpers = [asyncio.create_task(supervisor_loop(app)), asyncio.create_task(listen_for_jobs(app))]
        log.info("workers started slots=%d node=%s poll_ms=%d", config.worker_slots, config.node_id,
                 config.worker_poll_ms)
    else:
        helpers = []
    yield
    await stop_workers(app, ws, helpers)


async def stop_workers(app: web.Application, ws: WorkerSet, helpers: list[asyncio.Task[None]]) -> None:
    """Graceful shutdown (JOBS.md §8): stop claiming, let running jobs finish within the grace period while
    their heartbeats continue, then interrupt what is left and release it to PENDING."""
    ws.stopping.set()
    ws.wake.set()
    if ws.tasks:
        _, unfinished = await asyncio.wait(ws.tasks, timeout=app[CONFIG].worker_grace_s)
        deadline = time.monotonic() + 35           # release writes retry for up to 30 s
        while unfinished and time.monotonic() < deadline:
            for ctx in list(ws.running.values()):  # again each round: a claim may have landed meanwhile
                if not ctx.shutting_down and ctx.task is not None:
                    ctx.shutting_down = True
                    ctx.task.cancel()
            _, unfinished = await asyncio.wait(unfinished, timeout=0.2)
        for task in unfinished:
            task.cancel()
    for task in helpers + ws.tasks:
        task.cancel()
    await asyncio.gather(*helpers, *ws.tasks, return_exceptions=True)
    if ws.slots:
        log.info("workers stopped")


# --- Application ---------------------------------------------------------------------------------------------

UPLOAD_PATHS = frozenset({"/api/questdb/import", "/api/questdb/import/async"})


def routes() -> list[tuple[str, str, Callable[[web.Request], Awaitable[web.StreamResponse]]]]:
    """Every route of the server, in URL order."""
    return [
        ("GET", "/healthz", get_healthz),
        ("GET", "/readyz", get_readyz),
        ("GET", "/api/health", get_api_health),
        # datasets
        # runs
        # simulations
        # questdb
        ("GET", "/api/runs/{id}/predictions", get_run_predictions),
        ("POST", "/api/questdb/query", post_questdb_query),
        ("POST", "/api/questdb/export", post_questdb_export),
        ("GET", "/api/questdb/measurements", get_questdb_measurements),
        ("GET", "/api/questdb/measurement/{name}", get_questdb_measurement),
        ("GET", "/api/jobs", get_jobs),
        ("GET", "/api/jobs/{id}", get_job_detail),
        ("POST", "/api/jobs/{id}/cancel", post_job_cancel),
        ("GET", "/api/worker/metrics", get_worker_metrics),
    ]


def create_app(config: Config, *, job_types: Mapping[str, JobType] | None = None) -> web.Application:
    """Wire configuration, cleanup contexts, routes and middleware. job_types adds or replaces job kinds
    (tests inject their own instead of patching module globals)."""
    middlewares = [error_middleware, body_limit_middleware]
    if config.cors_origins:
        middlewares.append(cors_middleware(config.cors_origins))
    middlewares.append(slash_middleware)
    app = web.Application(client_max_size=config.max_body_bytes, middlewares=middlewares)
    app[CONFIG] = config
    app[JOB_TYPES] = {**builtin_job_types(), **(job_types or {})}
    app[STARTED] = time.monotonic()
    for method, path, handler in routes():
        app.router.add_route(method, path, handler, expect_handler=expect_continue)
    app.cleanup_ctx.extend([postgres_ctx, questdb_ctx, workers_ctx])
    return app


# --- Main ----------------------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> None:
    from dotenv import load_dotenv

    parser = argparse.ArgumentParser(description="Stage1 server")
    parser.add_argument("--host", help="listen address (default STAGE1_HTTP_HOST or 127.0.0.1)")
    parser.add_argument("--port", type=int, help="listen port (default STAGE1_HTTP_PORT or 8081)")
    args = parser.parse_args(argv)
    load_dotenv(Path(__file__).with_name(".env"))      # variables already in the environment win
    try:
        config = Config.from_env(os.environ)
    except ConfigError as e:
        raise SystemExit(f"configuration error: {e}") from None
    config = dataclasses.replace(config, http_host=args.host or config.http_host,
                                 http_port=args.port or config.http_port)
    logging.basicConfig(level=config.log_level.upper(),
                        format="%(asctime)s %(levelname)s %(name)s %(message)s")
    log.info("starting host=%s port=%d questdb=%s workers=%d", config.http_host, config.http_port,
             config.questdb_http, config.worker_slots)
    web.run_app(create_app(config), host=config.http_host, port=config.http_port, print=None,
                access_log_format='%a "%r" %s %b %Tfs', shutdown_timeout=config.worker_grace_s + 5)


if __name__ == "__main__":
    main()
