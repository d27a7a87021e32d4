"""Stage1 server: REST API over PostgreSQL (aiopg) and QuestDB, plus background job workers.

Run:   python stage1_server.py [--host H] [--port P]   (reads .env next to this file, then the environment)
Env:   every STAGE1_* variable is listed with its default in .env.example and in the README
Tests: make test                                       (real PostgreSQL and QuestDB from scripts/services.sh)

Metadata (datasets, walk-forward runs and folds, simulations and trades, jobs) lives in PostgreSQL; time series
(OHLCV bars, indicators, predictions) live in QuestDB, written over ILP and read over its HTTP API.
The wire contract is ../shared/CONTRACT.md; section numbers in comments (§3.2.4) refer to it.

Sections: constants · configuration · errors · JSON and time · request parsing · app keys · SQL · PostgreSQL
          · QuestDB HTTP · ILP writer · QuestDB tables · QuestDB read side · flows (datasets, runs, simulations)
          · jobs (store, context) · dataset statistics · dataset rows · CSV imports · jobs (handlers, workers)
          · handlers · middleware · cleanup contexts · application · main
"""

from __future__ import annotations

import argparse
import array
import asyncio
import collections
import concurrent.futures
import contextlib
import copy
import csv
import dataclasses
import functools
import gzip
import io
import itertools
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
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable, Iterable, Iterator, Mapping
from concurrent.futures.process import BrokenProcessPool
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
ROW_KINDS = ("ohlcv", "indicator")      # a dataset's two QuestDB tables, by the kind of rows they hold
JOBS_CHANNEL = "stage1_jobs"            # LISTEN/NOTIFY channel that wakes idle workers on enqueue
TIMESTAMP_ALIASES = ("timestamp_unix", "timestamp_ms", "timestamp", "ts")   # precedence of §2.5
MAX_EPOCH_MS = 9_223_372_036_854        # 2262-04-11T23:47:16.854Z: the last instant QuestDB can store
INT64 = (-(2**63), 2**63 - 1)
INT32 = (-(2**31), 2**31 - 1)
UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
MEASUREMENT_RE = re.compile(r"^(?!\.)(?!.*\.\.)[A-Za-z0-9_.\-]{1,127}(?<!\.)$")
UPLOAD_PATHS = frozenset({"/api/questdb/import", "/api/questdb/import/async"})   # own size limit
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
    health_cache_ms: int = 1000
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
        if min(self.worker_slots, self.worker_grace_s, self.import_sync_wait_s, self.health_cache_ms) < 0:
            raise ConfigError("STAGE1_WORKER_SLOTS, STAGE1_WORKER_GRACE_S, STAGE1_IMPORT_SYNC_WAIT_S and "
                              "STAGE1_HEALTH_CACHE_MS must not be negative")

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


def one_line(error: BaseException) -> str:
    """An exception as one short line a person can act on (the class name when it has no message)."""
    text = " ".join(str(error).split())
    return (text or type(error).__name__)[:500]


def bad_request(code: str, message: str, **extra: Any) -> ApiError:
    return ApiError(400, code, message, **extra)


def missing_fields(paths: list[str], message: str | None = None, **extra: Any) -> ApiError:
    """400 missing_fields listing the absent fields as JSON paths (by default the first 20 are the message)."""
    return ApiError(400, "missing_fields", message or f"Missing required fields: {', '.join(paths[:20])}",
                    missing_fields=paths, **extra)


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


@dataclass(frozen=True)
class RawJson:
    """JSON text that dumps() writes verbatim: a value PostgreSQL already rendered (a manifest, a run's folds),
    so the server does not parse and re-serialise it."""
    text: str


encode_json_string = json.encoder.encode_basestring    # a str as JSON text, as dumps() writes it (C)
RAW_JSON_MARK = "\x00raw\x00"           # stands in for a RawJson while encoding: PostgreSQL text never holds NUL
RAW_JSON_MARK_TEXT = json.dumps(RAW_JSON_MARK)


def dumps(value: Any) -> str:
    """Strict JSON text: never NaN or Infinity, integers stay integers; RawJson pieces are spliced in as is."""
    raws: list[str] = []

    def default(item: object) -> object:
        if isinstance(item, RawJson):
            raws.append(item.text)
            return RAW_JSON_MARK
        return _json_default(item)

    try:
        text = _strict_dumps(value, default=default)
    except ValueError:                          # a non-finite float slipped through: scrub and retry
        raws.clear()
        text = _strict_dumps(without_non_finite(value), default=default)
    if not raws:
        return text
    pieces = text.split(RAW_JSON_MARK_TEXT)
    if len(pieces) != len(raws) + 1:
        raise TypeError("a string holding the RawJson marker cannot be encoded next to RawJson values")
    return "".join(itertools.chain.from_iterable(zip(pieces, raws))) + pieces[-1]


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


ISO_HOURS = tuple(f"{hour:02d}:" for hour in range(24))
ISO_MINUTES_SECONDS = tuple(f"{minute:02d}:{second:02d}" for minute in range(60) for second in range(60))
ISO_MILLIS = ("Z", *(f".{millis:03d}Z" for millis in range(1, 1000)))


@functools.lru_cache(maxsize=4096)
def iso_day(day: int) -> str:
    """'YYYY-MM-DDT' of a day counted from the epoch (a row stream meets a new day only every few rows)."""
    return time.strftime("%Y-%m-%dT", time.gmtime(day * 86_400))


def iso_from_ms(ms: int | None) -> str | None:
    """iso() of epoch ms, by arithmetic and lookups: it runs once per row of a dataset read-back (§3.3.3)."""
    if ms is None:
        return None
    seconds, millis = divmod(int(ms), 1000)
    day, second = divmod(seconds, 86_400)
    hour, rest = divmod(second, 3600)
    return iso_day(day) + ISO_HOURS[hour] + ISO_MINUTES_SECONDS[rest] + ISO_MILLIS[millis]


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


# --- Request parsing -----------------------------------------------------------------------------------------

def query_int(request: web.Request, name: str, default: int | None, maximum: int | None = None) -> int | None:
    """A non-negative integer query parameter; above maximum it is clamped silently (§2.1)."""
    raw = request.query.get(name)
    if raw is None or raw == "":
        return default
    if not (raw.isascii() and raw.isdigit()) or int(raw) > INT64[1]:
        raise invalid_parameter(name, f"must be a non-negative 64-bit integer, got {raw[:40]!r}")
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


async def read_json_object(request: web.Request, decode: Callable[[bytes], Any] = loads) -> dict[str, Any]:
    """The request body as a JSON object: 415 for another content type, 400 invalid_json / invalid_body."""
    if request.content_type not in JSON_TYPES and request.headers.get("Content-Type"):
        raise ApiError(415, "unsupported_media_type",
                       f"Content-Type {request.content_type} is not supported; send application/json")
    raw = await request.read()
    if not raw.strip():
        raise bad_request("invalid_json", "Request body is empty; a JSON object is expected")
    try:
        body = decode(raw)
    except (ValueError, RecursionError) as e:
        raise bad_request("invalid_json", f"Request body is not valid JSON: {one_line(e)}") from None
    check_storable_text(raw, body)
    if not isinstance(body, dict):
        raise bad_request("invalid_body", f"Request body must be a JSON object, got {json_type(body)}")
    return body


ESCAPED_NUL_OR_SURROGATE = re.compile(rb"\\u(?:0000|[dD][89a-fA-F][0-9a-fA-F]{2})")


def check_storable_text(raw: bytes, body: Any) -> None:
    """PostgreSQL text cannot hold NUL, and UTF-8 cannot hold an unpaired surrogate: both are refused up front
    (400, never a 500 deep in a write). Only bodies that escape such characters at all are walked."""
    if not ESCAPED_NUL_OR_SURROGATE.search(raw):
        return
    for text in json_strings(body):
        if "\x00" in text:
            raise bad_request("invalid_json", "Request body contains a NUL character (\\u0000)")
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise bad_request("invalid_json", "Request body contains an unpaired UTF-16 surrogate") from None


def json_strings(value: Any) -> Iterator[str]:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    return {str: "string", list: "array", dict: "object"}.get(type(value), type(value).__name__)


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
        hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
        if hours > 23 or minutes > 59:
            return None
        try:
            moment = moment - sign * timedelta(hours=hours, minutes=minutes)
        except OverflowError:                      # 0001-01-01T00:00:00+05:00 and friends
            return None
    return moment


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


# --- App keys ------------------------------------------------------------------------------------------------

CONFIG = web.AppKey("config", Config)
PG = web.AppKey("pg", "Postgres")
QDB = web.AppKey("questdb", "QuestDB")
WORKERS = web.AppKey("workers", "WorkerSet")
JOB_TYPES = web.AppKey("job_types", dict)
STARTED = web.AppKey("started_monotonic", float)
RESPONSE_CACHE = web.AppKey("response_cache", "ResponseCache")
HEALTH = web.AppKey("health", "DependencyProbes")
CHANGE_VERSION = web.AppKey("change_version", "ChangeVersion")
TABLE_LOCKS = web.AppKey("table_locks", collections.defaultdict)   # QuestDB DDL of one table, one writer


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
    "stage1_change_log": ([               # see CACHED_TABLES
        ("txid", "BIGINT PRIMARY KEY"),
    ], []),
    "stage1_change_epoch": ([
        ("singleton", "BOOLEAN PRIMARY KEY DEFAULT true CHECK (singleton)"),
        ("epoch", "BIGINT NOT NULL"),
    ], []),
}

# The tables whose data the response cache (ResponseCache) serves. A statement trigger on each adds the id of the
# writing transaction to stage1_change_log, inside that transaction: the row shows exactly when the change does.
# Rows are only ever added (each a new id: transactions never repeat theirs), until a prune empties the log and
# bumps the epoch in one transaction; so (epoch, rows in the log) names a state of the data and only grows. Being
# a trigger, it sees writes that bypass the server too (the desktop upserts datasets directly, §4.1). Each writer
# adds a row of its own, so writers never wait for each other here. SECURITY DEFINER lets a role that may write
# only those tables log; its search_path is pinned to this schema, with pg_temp last.
CACHED_TABLES = ("datasets", "walkforward_runs", "walkforward_folds", "simulation_runs")
CHANGE_LOG_PRUNE_AT = 1_000             # rows in the log before a read asks for a prune (counted per read)
RESPONSE_CACHE_MAX_AGE_S = 60.0
SQL_CHANGE_LOG_FUNCTION = """
    DO $do$ BEGIN EXECUTE format($create$
        CREATE OR REPLACE FUNCTION stage1_log_change() RETURNS trigger
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = %I, pg_temp AS $body$
        BEGIN
            INSERT INTO stage1_change_log (txid) VALUES (pg_current_xact_id()::text::bigint)
            ON CONFLICT (txid) DO NOTHING;
            RETURN NULL;
        END $body$ $create$, current_schema());
    END $do$
"""
# Created (and enabled ALWAYS, so replication-role writes log too) only when missing: the DDL locks the table
# against writers, and the schema is applied at every start-up.
SQL_CHANGE_LOG_TRIGGERS = [f"""
    DO $do$ BEGIN
        IF NOT EXISTS (SELECT FROM pg_trigger WHERE tgrelid = '{table}'::regclass
                       AND tgname = '{table}_log_change' AND tgenabled = 'A') THEN
            CREATE OR REPLACE TRIGGER {table}_log_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
            FOR EACH STATEMENT EXECUTE FUNCTION stage1_log_change();
            ALTER TABLE {table} ENABLE ALWAYS TRIGGER {table}_log_change;
        END IF;
    END $do$""" for table in CACHED_TABLES]
SQL_FIRST_EPOCH = """
    INSERT INTO stage1_change_epoch (epoch) VALUES (pg_current_xact_id()::text::bigint) ON CONFLICT DO NOTHING
"""
SQL_CHANGE_VERSION = "SELECT epoch, (SELECT count(*) FROM stage1_change_log) FROM stage1_change_epoch"
SQL_PRUNE_CHANGE_LOG = "WITH pruned AS (DELETE FROM stage1_change_log) UPDATE stage1_change_epoch SET epoch = epoch + 1"

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
    SQL_CHANGE_LOG_FUNCTION, *SQL_CHANGE_LOG_TRIGGERS, SQL_FIRST_EPOCH,
]

SQL_SCHEMA_LOCK = "SELECT pg_advisory_xact_lock(481516)"     # one process applies the schema at a time
SQL_SCHEMA_VERSION_TABLE = """
    CREATE TABLE IF NOT EXISTS stage1_schema (
        version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())
"""
SQL_RECORD_SCHEMA_VERSION = (
    "INSERT INTO stage1_schema (version) VALUES (%(version)s) ON CONFLICT (version) DO NOTHING")
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
_PICK_PENDING_JOB = """picked AS MATERIALIZED (
        SELECT job_id FROM stage1_jobs
        WHERE status = 'PENDING' AND (node_id IS NULL OR node_id = %(node_id)s)
        ORDER BY created_at
        LIMIT 1
        FOR UPDATE SKIP LOCKED)"""
_CLAIM_PICKED_JOB = """UPDATE stage1_jobs AS j
    SET status = 'RUNNING', attempts = j.attempts + 1, lease_token = gen_random_uuid(),
        worker_id = %(worker_id)s, started_at = now(), heartbeat_at = now(), updated_at = now(),
        message = 'running', completed_at = NULL
    FROM picked WHERE j.job_id = picked.job_id
    RETURNING j.job_id, j.job_type, j.payload, j.attempts, j.lease_token"""
SQL_CLAIM_JOB = f"""
    WITH {_PICK_PENDING_JOB}
    {_CLAIM_PICKED_JOB}
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
# One commit (one WAL flush) per job instead of two: a busy slot's final write also claims its next job. Both
# halves are the statements above unchanged; they touch disjoint rows (RUNNING vs PENDING), and the outer join
# reports the finish even when nothing was left to claim.
SQL_FINISH_AND_CLAIM_JOB = f"""
    WITH finished AS ({SQL_FINISH_JOB}), {_PICK_PENDING_JOB}, claimed AS ({_CLAIM_PICKED_JOB})
    SELECT (SELECT count(*) FROM finished) AS finished, claimed.*
    FROM (VALUES (1)) AS one LEFT JOIN claimed ON true
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
SQL_CANCEL_JOB = f"""
    UPDATE stage1_jobs SET
        status = CASE WHEN status = 'PENDING' THEN 'CANCELLED' ELSE status END,
        message = CASE WHEN status = 'PENDING' THEN 'cancelled' ELSE 'cancel requested' END,
        completed_at = CASE WHEN status = 'PENDING' THEN now() ELSE completed_at END,
        cancel_requested = true, updated_at = now()
    WHERE job_id = %(job_id)s AND status IN ('PENDING', 'RUNNING')
    RETURNING {JOB_COLUMNS}
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
SQL_UPLOAD_REFERENCES = """
    SELECT payload->>'upload_path' AS path, status IN ('PENDING', 'RUNNING') AS live FROM stage1_jobs
    WHERE payload ? 'upload_path' AND (status IN ('PENDING', 'RUNNING') OR completed_at > now() - interval '7 days')
"""

# Datasets (§3.2), walk-forward runs and folds (§3.4), simulations and trades (§3.5).

# A dataset object carries its run and simulation counts: correlated subqueries on indexed columns keep a list
# one statement. Lists page in a CTE first, so the subqueries run only for the rows returned.
DATASET_COUNTS = """
    (SELECT count(*) FROM walkforward_runs r WHERE r.dataset_id = d.dataset_id) AS run_count,
    (SELECT count(*) FROM simulation_runs s WHERE s.dataset_id = d.dataset_id) AS simulation_count"""
# What a dataset object is built from, ready to serialise: times as epoch ms (±infinity as the datetime bounds
# psycopg2 gives them), an object manifest as JSON text without the table names (dataset_json sets those) plus
# its own names when they are strings, and any other manifest (an old row's JSON string) parsed by psycopg2.
DATASET_TIMES = ("ohlcv_first_ts", "ohlcv_last_ts", "indicator_first_ts", "indicator_last_ts", "created_at",
                 "updated_at")
DATASET_OBJECT_COLUMNS = """
    d.dataset_id::text AS dataset_id, d.dataset_slug, d.symbol, d.granularity, d.source, d.ohlcv_measurement,
    d.indicator_measurement, d.bar_interval_ms, d.lookback_rows, d.first_ohlcv_ts, d.first_indicator_ts,
    d.ohlcv_row_count, d.indicator_row_count,
    CASE WHEN jsonb_typeof(d.metadata) = 'object'
         THEN (d.metadata - 'ohlcv_measurement' - 'indicator_measurement')::text END AS metadata_text,
    CASE WHEN jsonb_typeof(d.metadata) <> 'object' THEN d.metadata END AS metadata_value,
    CASE WHEN jsonb_typeof(d.metadata -> 'ohlcv_measurement') = 'string'
         THEN d.metadata ->> 'ohlcv_measurement' END AS manifest_ohlcv_measurement,
    CASE WHEN jsonb_typeof(d.metadata -> 'indicator_measurement') = 'string'
         THEN d.metadata ->> 'indicator_measurement' END AS manifest_indicator_measurement,""" + ",".join(f"""
    CASE WHEN isfinite(d.{c}) THEN floor(extract(epoch FROM d.{c}) * 1000)::bigint
         WHEN d.{c} > 'epoch' THEN 253402300799999 WHEN d.{c} < 'epoch' THEN -62135596800000 END AS {c}_ms"""
                                                                 for c in DATASET_TIMES)
SQL_GET_DATASET = "SELECT * FROM datasets WHERE dataset_id = %(dataset_id)s"
SQL_GET_DATASET_OBJECT = f"""
    SELECT {DATASET_OBJECT_COLUMNS}, {DATASET_COUNTS} FROM datasets d WHERE d.dataset_id = %(dataset_id)s
"""
SQL_LIST_DATASETS = f"""
    WITH d AS (SELECT *, count(*) OVER () AS full_count FROM datasets
               ORDER BY created_at DESC, dataset_id LIMIT %(limit)s OFFSET %(offset)s)
    SELECT {DATASET_OBJECT_COLUMNS}, d.full_count, {DATASET_COUNTS} FROM d ORDER BY d.created_at DESC, d.dataset_id
"""
SQL_COUNT_DATASETS = "SELECT count(*) FROM datasets"
SQL_DATASET_EXISTS = "SELECT EXISTS (SELECT 1 FROM datasets WHERE dataset_id = %(dataset_id)s)"
SQL_DATASET_ID_FOR_SLUG = """
    SELECT dataset_id FROM datasets WHERE dataset_slug = %(dataset_slug)s
    ORDER BY updated_at DESC NULLS LAST, created_at DESC LIMIT 1
"""
# POST /api/datasets: claim the id (a concurrent insert of the same id waits here), then lock the row, so
# concurrent posts of one dataset merge one after the other and none is lost.
SQL_CLAIM_DATASET = """
    INSERT INTO datasets (dataset_id, dataset_slug) VALUES (%(dataset_id)s, %(dataset_slug)s)
    ON CONFLICT (dataset_id) DO NOTHING RETURNING dataset_id
"""
SQL_LOCK_DATASET = "SELECT * FROM datasets WHERE dataset_id = %(dataset_id)s FOR UPDATE"
SQL_UPDATE_DATASET = """
    UPDATE datasets SET dataset_slug = %(dataset_slug)s, symbol = %(symbol)s, granularity = %(granularity)s,
        source = %(source)s, bar_interval_ms = %(bar_interval_ms)s, lookback_rows = %(lookback_rows)s,
        first_ohlcv_ts = %(first_ohlcv_ts)s, first_indicator_ts = %(first_indicator_ts)s,
        ohlcv_measurement = %(ohlcv_measurement)s, indicator_measurement = %(indicator_measurement)s,
        metadata = %(metadata)s, updated_at = now()
    WHERE dataset_id = %(dataset_id)s
"""

# (xmax = 0) is true only for a row this statement inserted: 201 versus 200 without a second query.
SQL_UPSERT_RUN = """
    INSERT INTO walkforward_runs (run_id, dataset_id, dataset_slug, prediction_measurement, target_column,
        feature_columns, hyperparameters, walk_config, summary_metrics, status, requested_by, started_at,
        completed_at, duration_ms)
    VALUES (%(run_id)s, %(dataset_id)s, %(dataset_slug)s, %(prediction_measurement)s, %(target_column)s,
        %(feature_columns)s, %(hyperparameters)s, %(walk_config)s, %(summary_metrics)s, %(status)s,
        %(requested_by)s, %(started_at)s, %(completed_at)s, %(duration_ms)s)
    ON CONFLICT (run_id) DO UPDATE SET dataset_id = EXCLUDED.dataset_id, dataset_slug = EXCLUDED.dataset_slug,
        prediction_measurement = EXCLUDED.prediction_measurement, target_column = EXCLUDED.target_column,
        feature_columns = EXCLUDED.feature_columns, hyperparameters = EXCLUDED.hyperparameters,
        walk_config = EXCLUDED.walk_config, summary_metrics = EXCLUDED.summary_metrics, status = EXCLUDED.status,
        requested_by = EXCLUDED.requested_by, started_at = EXCLUDED.started_at,
        completed_at = EXCLUDED.completed_at, duration_ms = EXCLUDED.duration_ms, updated_at = now()
    RETURNING (xmax = 0) AS created
"""
# All folds of a run in one statement: the folds travel as one JSON array and are unpacked by the server.
SQL_UPSERT_FOLDS = """
    INSERT INTO walkforward_folds (run_id, fold_number, train_start_idx, train_end_idx, test_start_idx,
        test_end_idx, train_start_ts_ms, train_end_ts_ms, test_start_ts_ms, test_end_ts_ms, samples_train,
        samples_test, best_iteration, best_score, thresholds, metrics)
    SELECT %(run_id)s::uuid, f.* FROM jsonb_to_recordset(%(folds)s::jsonb) AS f(fold_number INTEGER,
        train_start_idx BIGINT, train_end_idx BIGINT, test_start_idx BIGINT, test_end_idx BIGINT,
        train_start_ts_ms BIGINT, train_end_ts_ms BIGINT, test_start_ts_ms BIGINT, test_end_ts_ms BIGINT,
        samples_train INTEGER, samples_test INTEGER, best_iteration INTEGER, best_score DOUBLE PRECISION,
        thresholds JSONB, metrics JSONB)
    ON CONFLICT (run_id, fold_number) DO UPDATE SET train_start_idx = EXCLUDED.train_start_idx,
        train_end_idx = EXCLUDED.train_end_idx, test_start_idx = EXCLUDED.test_start_idx,
        test_end_idx = EXCLUDED.test_end_idx, train_start_ts_ms = EXCLUDED.train_start_ts_ms,
        train_end_ts_ms = EXCLUDED.train_end_ts_ms, test_start_ts_ms = EXCLUDED.test_start_ts_ms,
        test_end_ts_ms = EXCLUDED.test_end_ts_ms, samples_train = EXCLUDED.samples_train,
        samples_test = EXCLUDED.samples_test, best_iteration = EXCLUDED.best_iteration,
        best_score = EXCLUDED.best_score, thresholds = EXCLUDED.thresholds, metrics = EXCLUDED.metrics,
        updated_at = now()
"""
SQL_COUNT_FOLDS = "SELECT count(*) AS fold_count FROM walkforward_folds WHERE run_id = %(run_id)s"
# known_dataset_slug: the slug of the run's dataset when the server knows it (first choice of §3.4.2).
RUN_EXTRAS = """
    d.dataset_slug AS known_dataset_slug,
    (SELECT count(*) FROM walkforward_folds f WHERE f.run_id = r.run_id) AS fold_count"""
SQL_GET_RUN_OBJECT = f"""
    SELECT r.*, {RUN_EXTRAS} FROM walkforward_runs r LEFT JOIN datasets d ON d.dataset_id = r.dataset_id
    WHERE r.run_id = %(run_id)s
"""
SQL_GET_FOLDS = "SELECT * FROM walkforward_folds WHERE run_id = %(run_id)s ORDER BY fold_number"
# Fold values a client reads at the top level, copied from the fold's JSON objects: (key, object, its key).
FOLD_COPIES = (("hit_rate", "metrics", "hit_rate"), ("short_hit_rate", "metrics", "short_hit_rate"),
               ("profit_factor_test", "metrics", "profit_factor_test"),
               ("long_threshold", "thresholds", "long_optimal"), ("short_threshold", "thresholds", "short_optimal"))
# The folds of a run detail as JSON text cells, so that 500 folds cost no JSON parsing in Python: each row fills
# FOLD_JSON_TEMPLATE with the keys of fold_json() (§3.4.2). A non-finite best_score, and a copied value that is
# not a number, are null. `legacy` flags an old row holding thresholds or metrics as a JSON string: fold_json().
FOLD_JSON_CELLS = (
    ("run_id", "'\"' || f.run_id::text || '\"'"),
    *((column, f"coalesce(f.{column}::text, 'null')") for column in (
        "fold_number", "train_start_idx", "train_end_idx", "test_start_idx", "test_end_idx", "train_start_ts_ms",
        "train_end_ts_ms", "test_start_ts_ms", "test_end_ts_ms", "samples_train", "samples_test", "best_iteration")),
    ("best_score", "CASE WHEN f.best_score IN ('NaN', 'Infinity', '-Infinity') THEN 'null' "
                   "ELSE coalesce(f.best_score::text, 'null') END"),
    *((column, f"CASE WHEN jsonb_typeof(f.{column}) = 'object' THEN f.{column}::text ELSE '{{}}' END")
      for column in ("thresholds", "metrics")),
    *((name, f"CASE WHEN jsonb_typeof(f.{source} -> '{key}') = 'number' THEN (f.{source} -> '{key}')::text "
             "ELSE 'null' END")
      for name, source, key in FOLD_COPIES),
)
FOLD_JSON_TEMPLATE = "{" + ",".join(f'"{key}":%s' for key, _cell in FOLD_JSON_CELLS) + "}"
SQL_GET_FOLDS_JSON = f"""
    SELECT {", ".join(cell for _key, cell in FOLD_JSON_CELLS)},
        jsonb_typeof(f.thresholds) = 'string' OR jsonb_typeof(f.metrics) = 'string' AS legacy
    FROM walkforward_folds f WHERE f.run_id = %(run_id)s ORDER BY f.fold_number
"""
RUN_FILTER = "%(dataset_id)s::uuid IS NULL OR dataset_id = %(dataset_id)s::uuid"
SQL_LIST_RUNS = f"""
    WITH r AS (SELECT *, count(*) OVER () AS full_count FROM walkforward_runs WHERE {RUN_FILTER}
               ORDER BY started_at DESC NULLS LAST, created_at DESC, run_id LIMIT %(limit)s OFFSET %(offset)s)
    SELECT r.*, {RUN_EXTRAS} FROM r LEFT JOIN datasets d ON d.dataset_id = r.dataset_id
    ORDER BY r.started_at DESC NULLS LAST, r.created_at DESC, r.run_id
"""
SQL_COUNT_RUNS = f"SELECT count(*) FROM walkforward_runs WHERE {RUN_FILTER}"

SQL_UPSERT_SIMULATION = """
    INSERT INTO simulation_runs (simulation_id, run_id, dataset_id, input_run_measurement, questdb_namespace,
        mode, status, config, summary_metrics, started_at, completed_at)
    VALUES (%(simulation_id)s, %(run_id)s, %(dataset_id)s, %(input_run_measurement)s, %(questdb_namespace)s,
        %(mode)s, %(status)s, %(config)s, %(summary_metrics)s, %(started_at)s, %(completed_at)s)
    ON CONFLICT (simulation_id) DO UPDATE SET run_id = EXCLUDED.run_id, dataset_id = EXCLUDED.dataset_id,
        input_run_measurement = EXCLUDED.input_run_measurement, questdb_namespace = EXCLUDED.questdb_namespace,
        mode = EXCLUDED.mode, status = EXCLUDED.status, config = EXCLUDED.config,
        summary_metrics = EXCLUDED.summary_metrics, started_at = EXCLUDED.started_at,
        completed_at = EXCLUDED.completed_at, updated_at = now()
    RETURNING (xmax = 0) AS created
"""
SQL_FOREIGN_TRADE = """
    SELECT trade_id, simulation_id FROM simulation_trades
    WHERE trade_id = ANY(%(trade_ids)s::uuid[]) AND simulation_id <> %(simulation_id)s LIMIT 1
"""
SQL_DELETE_BUCKETS = "DELETE FROM simulation_trade_buckets WHERE simulation_id = %(simulation_id)s"
SQL_DELETE_TRADES = "DELETE FROM simulation_trades WHERE simulation_id = %(simulation_id)s"
SQL_INSERT_BUCKETS = """
    INSERT INTO simulation_trade_buckets (simulation_id, side, trade_count, win_count, profit_factor,
        avg_return_pct, max_drawdown_pct, notes)
    SELECT %(simulation_id)s::uuid, b.* FROM jsonb_to_recordset(%(buckets)s::jsonb) AS b(side TEXT,
        trade_count BIGINT, win_count BIGINT, profit_factor DOUBLE PRECISION, avg_return_pct DOUBLE PRECISION,
        max_drawdown_pct DOUBLE PRECISION, notes TEXT)
"""
SQL_INSERT_TRADES = """
    INSERT INTO simulation_trades (simulation_id, trade_id, trade_index, fold_index, side, size, entry_price,
        exit_price, pnl, return_pct, entry_signal, exit_signal, entry_timestamp_ms, exit_timestamp_ms,
        bar_timestamp, metadata)
    SELECT %(simulation_id)s::uuid, t.* FROM jsonb_to_recordset(%(trades)s::jsonb) AS t(trade_id UUID,
        trade_index INTEGER, fold_index INTEGER, side TEXT, size DOUBLE PRECISION, entry_price DOUBLE PRECISION,
        exit_price DOUBLE PRECISION, pnl DOUBLE PRECISION, return_pct DOUBLE PRECISION,
        entry_signal DOUBLE PRECISION, exit_signal DOUBLE PRECISION, entry_timestamp_ms BIGINT,
        exit_timestamp_ms BIGINT, bar_timestamp TIMESTAMPTZ, metadata JSONB)
"""
SIMULATION_EXTRAS = """
    (SELECT count(*) FROM simulation_trades t WHERE t.simulation_id = s.simulation_id) AS trade_count,
    (SELECT coalesce(json_agg(json_build_object('side', b.side, 'trade_count', b.trade_count,
                'win_count', b.win_count, 'profit_factor', b.profit_factor, 'avg_return_pct', b.avg_return_pct,
                'max_drawdown_pct', b.max_drawdown_pct, 'notes', b.notes) ORDER BY b.side, b.trade_count),
            '[]'::json)
     FROM simulation_trade_buckets b WHERE b.simulation_id = s.simulation_id) AS buckets"""
SQL_GET_SIMULATION_OBJECT = f"""
    SELECT s.*, {SIMULATION_EXTRAS} FROM simulation_runs s WHERE s.simulation_id = %(simulation_id)s
"""
SIMULATION_FILTER = """(%(run_id)s::uuid IS NULL OR run_id = %(run_id)s::uuid)
    AND (%(dataset_id)s::uuid IS NULL OR dataset_id = %(dataset_id)s::uuid)"""
SQL_LIST_SIMULATIONS = f"""
    WITH s AS (SELECT *, count(*) OVER () AS full_count FROM simulation_runs WHERE {SIMULATION_FILTER}
               ORDER BY created_at DESC, simulation_id LIMIT %(limit)s OFFSET %(offset)s)
    SELECT s.*, {SIMULATION_EXTRAS} FROM s ORDER BY s.created_at DESC, s.simulation_id
"""
SQL_COUNT_SIMULATIONS = f"SELECT count(*) FROM simulation_runs WHERE {SIMULATION_FILTER}"
SQL_SIMULATION_EXISTS = "SELECT EXISTS (SELECT 1 FROM simulation_runs WHERE simulation_id = %(simulation_id)s)"
SQL_LIST_TRADES = """
    SELECT *, count(*) OVER () AS full_count FROM simulation_trades WHERE simulation_id = %(simulation_id)s
    ORDER BY entry_timestamp_ms ASC NULLS LAST, trade_index LIMIT %(limit)s OFFSET %(offset)s
"""
SQL_COUNT_TRADES = "SELECT count(*) FROM simulation_trades WHERE simulation_id = %(simulation_id)s"

# The QuestDB table holding a run's predictions (§3.4.7); older rows only carry it inside walk_config (§4.2).
SQL_RUN_PREDICTION_TABLE = """
    SELECT COALESCE(NULLIF(prediction_measurement, ''), walk_config->>'prediction_measurement', '') AS measurement
    FROM walkforward_runs WHERE run_id = %(run_id)s
"""

# One writer per QuestDB table across processes (imports verify exact counts; DDL must not race).
SQL_TRY_TABLE_LOCK = "SELECT pg_try_advisory_lock(hashtext(%(key)s))"
SQL_TABLE_UNLOCK = "SELECT pg_advisory_unlock(hashtext(%(key)s))"

# Dataset statistics maintained by the server's own QuestDB writes (§3.2.1).
SQL_DATASET_TABLES = """
    SELECT dataset_id, dataset_slug, ohlcv_measurement, indicator_measurement, metadata FROM datasets
"""
# One statement per kind: a refresh sets only the figures it read, so two writers of different tables never put
# back each other's older figures.
SQL_UPDATE_DATASET_STATS = {kind: f"""
    UPDATE datasets SET
        {kind}_row_count = %(count)s, {kind}_first_ts = to_timestamp(%(first)s::bigint / 1000.0),
        {kind}_last_ts = to_timestamp(%(last)s::bigint / 1000.0),
        metadata = CASE WHEN jsonb_typeof(metadata) = 'object' THEN metadata ELSE %(stored_manifest)s END
                   || %(manifest)s
    WHERE dataset_id = %(dataset_id)s
    RETURNING dataset_id
""" for kind in ROW_KINDS}


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
            except (psycopg2.Error, OSError, asyncio.TimeoutError) as e:   # also a schema the role may not create
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

    async def close(self, grace_s: float = 5.0) -> None:
        """Close the pool; connections still checked out after grace_s (e.g. one whose task was cancelled
        mid-query) are terminated, so shutdown can never hang on them."""
        if self.pool is not None:
            pool, self.pool = self.pool, None
            pool.close()
            try:
                await asyncio.wait_for(pool.wait_closed(), grace_s)
            except asyncio.TimeoutError:
                log.warning("postgres pool: connections still in use after %.0f s; terminating them", grace_s)
                pool.terminate()
                await pool.wait_closed()

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


def pg_json(value: Any) -> psycopg2.extras.Json:
    """A JSONB parameter, written with the server's strict encoder (no NaN ever reaches the database)."""
    return psycopg2.extras.Json(value, dumps=dumps)


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
        additions = [f"ADD COLUMN IF NOT EXISTS {name} {ddl}" for name, ddl in columns if "PRIMARY KEY" not in ddl]
        if additions:                 # one statement (one table lock) per table, not one per column
            statements.append(f"ALTER TABLE {table} " + ", ".join(additions))
    return statements + SCHEMA_EXTRAS


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

    async def tables(self) -> list[dict[str, Any]]:
        """Every table as {table_name, designatedTimestamp (None without one), partitionBy}."""
        return await self.rows("SELECT table_name, designatedTimestamp, partitionBy FROM tables()")

    async def find_table(self, name: str) -> dict[str, Any] | None:
        """The tables() row of name (a validated name), compared case-insensitively as QuestDB resolves names."""
        rows = await self.rows("SELECT table_name, designatedTimestamp, partitionBy, walEnabled, dedup FROM tables() "
                               f"WHERE lower(table_name) = lower('{name}')")
        return rows[0] if rows else None

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


# --- ILP writer ----------------------------------------------------------------------------------------------
# ILP over TCP gives no feedback (a bad line silently closes the connection), so every value is validated and
# typed before it is formatted, NaN/inf are never sent (an omitted field is null), integers carry the `i`
# suffix, text is always quoted, and the designated timestamp is an integer in nanoseconds.

ILP_NAME_ESCAPES = str.maketrans({" ": "\\ ", "=": "\\="})
ILP_STRING_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\\n", "\r": "\\\r"})
ILP_KINDS = {"DOUBLE": "double", "FLOAT": "double", "LONG": "long", "INT": "long", "SHORT": "long",
             "BYTE": "long", "BOOLEAN": "boolean", "STRING": "string", "VARCHAR": "string"}
NUMERIC_TYPES = frozenset({"DOUBLE", "FLOAT", "LONG", "INT", "SHORT", "BYTE"})    # numbers to JSON as they are


def ilp_name(name: str) -> str:
    """A table or column name for ILP: spaces and '=' escaped (validated names hold nothing else to escape)."""
    return name.translate(ILP_NAME_ESCAPES)


def ilp_value(value: Any, kind: str) -> str | None:
    """ILP text of one field value of a column kind; None means 'omit the field' (null)."""
    if value is None:
        return None
    if kind == "double":
        value = float(value)
        return repr(value) if math.isfinite(value) else None
    if kind == "long":
        return f"{int(value)}i"
    if kind == "boolean":
        return "t" if value else "f"
    return '"' + str(value).translate(ILP_STRING_ESCAPES) + '"'


@dataclass(frozen=True)
class IlpColumn:
    name: str                 # as stored in QuestDB
    kind: str                 # double | long | boolean | string

    @property
    def escaped(self) -> str:
        return ilp_name(self.name)


def format_ilp_rows(table: str, columns: list[IlpColumn], rows: Iterable[tuple[int, tuple[Any, ...]]],
                    filler: str | None) -> str:
    """ILP text for (timestamp_ms, values) rows. A row whose values are all null is written with the filler
    (null_filler(): NaN in a DOUBLE column, which QuestDB stores as null; ILP needs at least one field)."""
    table_escaped = ilp_name(table)
    prefixes = [c.escaped + "=" for c in columns]
    kinds = [c.kind for c in columns]
    out = []
    for ts_ms, values in rows:
        fields = ",".join([prefix + text for prefix, kind, value in zip(prefixes, kinds, values)
                           if (text := ilp_value(value, kind)) is not None])
        if not (fields or filler):
            raise ValueError("a row without any value needs a DOUBLE column to carry its null")
        out.append(f"{table_escaped} {fields or filler} {ts_ms * 1_000_000}\n")
    return "".join(out)


def null_filler(doubles: list[str]) -> str | None:
    """The ILP field that writes a row without any value: NaN in the first DOUBLE (or FLOAT) column, which
    QuestDB stores as null; None without one."""
    return ilp_name(doubles[0]) + "=NaN" if doubles else None


class IlpConnectionLost(Exception):
    """The ILP/TCP connection failed: what was sent since the last confirmed point is in an unknown state."""


# --- QuestDB tables ------------------------------------------------------------------------------------------

@dataclass
class TableInfo:
    """What the server needs to know of an existing QuestDB table."""

    name: str                                  # the stored spelling (QuestDB names are case-insensitive)
    columns: dict[str, str]                    # column → QuestDB type, in table order
    designated: str | None
    wal: bool
    dedup: bool

    def find(self, column: str) -> str | None:
        """The stored spelling of a column that matches case-insensitively, or None."""
        lowered = column.lower()
        return next((name for name in self.columns if name.lower() == lowered), None)


def double_columns(info: TableInfo | None) -> list[str]:
    """The table's columns that store NaN as null: ILP writes a row without any value as NaN in one of them."""
    return [name for name, qtype in (info.columns.items() if info else ()) if qtype in ("DOUBLE", "FLOAT")]


async def table_info(qdb: QuestDB, name: str) -> TableInfo | None:
    """Metadata of table `name` (a validated name), or None when it does not exist."""
    table = await qdb.find_table(name)
    if table is None:
        return None
    columns = await qdb.table_columns(table["table_name"])
    return TableInfo(name=table["table_name"], columns={c["name"]: c["type"] for c in columns},
                     designated=table["designatedTimestamp"], wal=bool(table["walEnabled"]),
                     dedup=bool(table["dedup"]))


def quoted(name: str) -> str:
    """A validated identifier for QuestDB SQL; the name rules of §5.4 exclude '"', so no escaping is needed."""
    return f'"{name}"'


async def create_table(qdb: QuestDB, name: str, columns: list[tuple[str, str]], partition: str = "MONTH",
                       dedup_keys: tuple[str, ...] = ()) -> None:
    """A WAL table partitioned by time, designated `timestamp`, DEDUP UPSERT on it (plus dedup_keys), so a
    repeated write of the same rows never duplicates them."""
    column_sql = ", ".join(f"{quoted(c)} {t}" for c, t in [("timestamp", "TIMESTAMP"), *columns])
    keys = ", ".join(quoted(k) for k in ("timestamp", *dedup_keys))
    await qdb.exec(f"CREATE TABLE IF NOT EXISTS {quoted(name)} ({column_sql}) TIMESTAMP(\"timestamp\") "
                   f"PARTITION BY {partition} WAL DEDUP UPSERT KEYS({keys})")
    log.info("questdb table created table=%s columns=%d dedup_keys=%s", name, len(columns), keys)


async def add_columns(qdb: QuestDB, table: str, columns: list[tuple[str, str]]) -> None:
    """ALTER TABLE ... ADD COLUMN, waiting until it is applied (on a WAL table it goes through the WAL)."""
    for column, qtype in columns:               # one per statement: QuestDB refuses a list on WAL tables
        await qdb.exec(f"ALTER TABLE {quoted(table)} ADD COLUMN {quoted(column)} {qtype}")
    if columns:
        await wait_wal_applied(qdb, table, qdb.timeout.total or 30.0)


async def enable_dedup(qdb: QuestDB, info: TableInfo, extra_keys: tuple[str, ...] = ()) -> None:
    """Turn on DEDUP for a WAL table written by another program (non-WAL tables cannot have it)."""
    if info.dedup or not info.wal or info.designated is None:
        return
    keys = ", ".join(quoted(k) for k in (info.designated, *extra_keys))
    await qdb.exec(f"ALTER TABLE {quoted(info.name)} DEDUP ENABLE UPSERT KEYS({keys})")
    await wait_wal_applied(qdb, info.name, qdb.timeout.total or 30.0)
    info.dedup = True
    log.info("questdb dedup enabled table=%s keys=%s", info.name, keys)


@contextlib.asynccontextmanager
async def table_write_lock(app: web.Application, table: str,
                           waiting: Callable[[], Awaitable[None]] | None = None) -> AsyncIterator[None]:
    """Make this the only writer of a QuestDB table among all server processes (a PostgreSQL advisory lock,
    behind a process-local lock so waiters do not each hold a connection). Imports verify exact row counts,
    and DDL must not race. Both locks are tried in 0.2 s steps; between them `waiting` is called (an import's
    cancel checkpoint), and without it the whole wait is bounded by STAGE1_QUESTDB_TIMEOUT_S and then answers
    503."""
    key, lock = {"key": f"stage1_table:{table.lower()}"}, app[TABLE_LOCKS][table.lower()]
    deadline = time.monotonic() + app[CONFIG].questdb_timeout_s

    async def between_tries() -> None:
        if waiting is not None:
            await waiting()
        elif time.monotonic() > deadline:
            raise ApiError(503, "questdb_timeout", f"table {table} is busy with another writer; retry later")

    while not await acquired_within(lock, 0.2):
        await between_tries()
    async with contextlib.AsyncExitStack() as stack:
        stack.callback(lock.release)
        cur = await stack.enter_async_context(app[PG].cursor(dict_rows=False))
        while True:
            await cur.execute(SQL_TRY_TABLE_LOCK, key)
            if (await cur.fetchone())[0]:
                break
            await between_tries()
            await asyncio.sleep(0.2)
        body_error = None
        try:
            yield
        except PG_DOWN_ERRORS as e:       # the body's own (a file, QuestDB): kept from cursor()'s 503 translation
            body_error = e
        finally:
            try:
                await cur.execute(SQL_TABLE_UNLOCK, key)
            except PG_DOWN_ERRORS:
                cur.connection.close()     # never back to the pool still holding the session lock
    if body_error is not None:
        raise body_error


async def acquired_within(lock: asyncio.Lock, timeout_s: float) -> bool:
    try:
        await asyncio.wait_for(lock.acquire(), timeout_s)
    except asyncio.TimeoutError:
        return False
    return True


async def wal_state(qdb: QuestDB, table: str) -> dict[str, Any] | None:
    """writerTxn (applied) and sequencerTxn (committed) of a WAL table; None for a non-WAL table."""
    rows = await qdb.rows("SELECT suspended, writerTxn, sequencerTxn, errorMessage FROM wal_tables() "
                          f"WHERE lower(name) = lower('{table}')")
    if rows and rows[0]["suspended"]:
        raise ApiError(503, "questdb_unavailable",
                       f"QuestDB suspended the WAL of {table}: {rows[0]['errorMessage'] or 'no message'}")
    return rows[0] if rows else None


async def wait_wal_applied(qdb: QuestDB, table: str, timeout_s: float) -> None:
    """Wait until QuestDB has applied every committed WAL transaction of table, so reads see the writes."""
    deadline, delay = time.monotonic() + timeout_s, 0.01
    while True:
        state = await wal_state(qdb, table)
        if state is None or state["writerTxn"] >= state["sequencerTxn"]:
            return
        if time.monotonic() > deadline:
            raise ApiError(503, "questdb_timeout", f"QuestDB did not apply the writes to {table} in time")
        await asyncio.sleep(delay)
        delay = min(delay * 2, 0.05)     # an append waits here on every batch: keep the overshoot small


def ticks_per_ms(info: TableInfo) -> int:
    """What cast(designated AS LONG) counts in one ms: 1,000 µs, or 1,000,000 ns in a TIMESTAMP_NS table."""
    return 1_000_000 if info.columns.get(info.designated or "") == "TIMESTAMP_NS" else 1000


async def table_bounds(qdb: QuestDB, info: TableInfo | None) -> tuple[int, int | None, int | None]:
    """(row count, first, last designated timestamp in ms) of a table; (0, None, None) when absent."""
    if info is None:
        return 0, None, None
    if info.designated is None:
        count = await qdb.rows(f"SELECT count() AS n FROM {quoted(info.name)}")
        return int(count[0]["n"]), None, None
    ts = quoted(info.designated)
    rows = await qdb.rows(f"SELECT count() AS n, cast(min({ts}) AS LONG) AS lo, cast(max({ts}) AS LONG) AS hi "
                          f"FROM {quoted(info.name)}")
    row, per_ms = rows[0], ticks_per_ms(info)
    first = row["lo"] // per_ms if row["n"] and row["lo"] is not None else None
    last = row["hi"] // per_ms if row["n"] and row["hi"] is not None else None
    return int(row["n"]), first, last


async def write_ilp_http(app: web.Application, body: bytes) -> None:
    """ILP over HTTP (/write): one transaction per request, and rejected lines come back as an error."""
    qdb = app[QDB]
    with questdb_errors():
        async with qdb.session.post(f"{qdb.base}/write", params={"precision": "n"}, data=body,
                                    timeout=qdb.timeout) as resp:
            if resp.status == 204:
                return
            body = await resp.text()
    try:
        message = json.loads(body).get("message", body)
    except ValueError:
        message = body
    if 400 <= resp.status < 500:
        raise ApiError(400, "questdb_error", f"QuestDB rejected the rows: {one_line(Exception(message))}")
    raise ApiError(503, "questdb_unavailable", f"QuestDB /write answered HTTP {resp.status}")


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
        raise missing_fields(["sql"])
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
        source = next((by_name[a] for a in aliases if a in by_name and by_name[a]["type"] in NUMERIC_TYPES),
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
        if column["type"] in NUMERIC_TYPES:
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


# --- Flows: datasets, runs, simulations (parsing and data access) -------------------------------------------

def query_uuid(request: web.Request, name: str) -> str | None:
    """An optional UUID filter in the query string, lowercase; 400 invalid_parameter when it is not one."""
    raw = request.query.get(name)
    if raw is None or raw == "":
        return None
    if not UUID_RE.match(raw):
        raise invalid_parameter(name, f"must be a UUID, got {raw!r}")
    return raw.lower()


def get_epoch_ms(body: Mapping[str, Any], key: str, path: str | None = None) -> int | None:
    """An epoch field where 0 or a negative value means unknown (§2.2): None then, else normalised (N) to ms.
    Any finite number is taken (a seconds value may carry a fraction); beyond 2262 → 400 invalid_field."""
    value = get_number(body, key, path)
    if value is None or value <= 0:
        return None
    ms = normalize_epoch_ms(value)
    if ms > MAX_EPOCH_MS:
        raise invalid_field(path or key, "is outside 1970-01-01 … 2262-04-11")
    return ms


def as_object(value: Any) -> dict[str, Any]:
    """A stored JSON object for output: always an object, also for older rows holding a JSON string or null."""
    value = parse_json_string(value, dict)
    return value if isinstance(value, dict) else {}


def as_array(value: Any) -> list[Any]:
    value = parse_json_string(value, list)
    return value if isinstance(value, list) else []


def json_number(value: Any) -> int | float | None:
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def text_id(value: Any) -> str | None:
    return None if value is None else str(value)


async def fetch_dicts(pg: Postgres, sql: str, params: Mapping[str, Any]) -> list[dict[str, Any]]:
    """pg.fetchall() with the dicts built by dict(zip()) in C, not by RealDictCursor's per-cell Python code:
    a page of 200 datasets or 1,000 runs."""
    async with pg.cursor(dict_rows=False) as cur:
        await cur.execute(sql, params)
        names = [column.name for column in cur.description]
        return [dict(zip(names, row)) for row in await cur.fetchall()]


async def fetch_page(pg: Postgres, sql: str, count_sql: str, params: Mapping[str, Any]
                     ) -> tuple[list[dict[str, Any]], int]:
    """One page of a list plus the total of all matching rows (count(*) OVER () of the page query; a
    separate count only when the page is empty, e.g. an offset past the end)."""
    rows = await fetch_dicts(pg, sql, params)
    total = rows[0]["full_count"] if rows else await pg.fetchval(count_sql, params)
    return rows, int(total)


class ResponseCache:
    """Encoded GET responses built from CACHED_TABLES, each valid while the change version read before it was
    built is the current one, and for RESPONSE_CACHE_MAX_AGE_S at most (a bound for writes no trigger saw). A
    hit costs one small query instead of the page query, the row parsing and the encoding (a list of 200
    datasets: ~18 ms of CPU). Versions only grow: a newer one drops every entry, an older one is not stored."""

    def __init__(self, max_bytes: int = 64 << 20) -> None:
        self.max_bytes = max_bytes
        self.version: tuple[int, int] | None = None
        self.bodies: dict[Hashable, tuple[float, bytes]] = {}
        self.size = 0

    def get(self, version: tuple[int, int] | None, key: Hashable) -> bytes | None:
        if version is None or version != self.version or key not in self.bodies:
            return None
        built, body = self.bodies[key]
        return body if time.monotonic() - built < RESPONSE_CACHE_MAX_AGE_S else None

    def put(self, version: tuple[int, int] | None, key: Hashable, body: bytes) -> None:
        if version is None or len(body) > self.max_bytes or self.version is not None and version < self.version:
            return
        if version != self.version:
            self.version, self.bodies, self.size = version, {}, 0
        self.size -= len(self.bodies.pop(key, (0, b""))[1])
        while self.size + len(body) > self.max_bytes:               # oldest first: dicts keep insertion order
            self.size -= len(self.bodies.pop(next(iter(self.bodies)))[1])
        self.bodies[key] = (time.monotonic(), body)
        self.size += len(body)


class ChangeVersion:
    """Reads the change version (SQL_CHANGE_VERSION) once for many concurrent requests. A request may only use a
    query that starts after it arrived (that query's snapshot holds every commit its client had seen), so the
    requests arriving while one query runs share the next one: one query in flight, however many wait. A long
    log is pruned in the background."""

    def __init__(self, pg: Postgres) -> None:
        self.pg = pg
        self.running: asyncio.Task | None = None
        self.next: asyncio.Task | None = None
        self.pruning: asyncio.Task | None = None

    async def read(self) -> tuple[int, int] | None:
        if self.next is None:
            self.next = asyncio.ensure_future(self._query_after(self.running))
            self.next.add_done_callback(lambda task: task.cancelled() or task.exception())   # never unretrieved
        return await asyncio.shield(self.next)

    async def _query_after(self, running: asyncio.Task | None) -> tuple[int, int] | None:
        if running is not None:
            await asyncio.wait({running})
        self.running, self.next = self.next, None       # whoever arrives from now on waits for the following query
        async with self.pg.cursor(dict_rows=False) as cur:
            await cur.execute(SQL_CHANGE_VERSION)
            version = await cur.fetchone()
        if version is not None and version[1] > CHANGE_LOG_PRUNE_AT and self.pruning is None:
            self.pruning = asyncio.create_task(self._prune())
        return None if version is None else (int(version[0]), int(version[1]))

    async def _prune(self) -> None:
        try:
            async with self.pg.cursor() as cur:
                await cur.execute(SQL_PRUNE_CHANGE_LOG)
        except Exception as e:                          # the next long read tries again
            log.warning("change log prune failed error=%s", one_line(e))
        finally:
            self.pruning = None


async def cached_json_response(request: web.Request, key: Hashable, build: Callable[[], Awaitable[Any]],
                               cacheable: bool = True) -> web.Response:
    """200 with build()'s JSON, served from the response cache while CACHED_TABLES are unchanged. The version is
    read before building, so an entry may be newer than its version (a needless miss later) but never older.
    Not cacheable (a path id that is not a UUID): build() answers alone, its 404 without a database query."""
    if not cacheable:
        return json_response(await build())
    cache = request.app[RESPONSE_CACHE]
    version = await request.app[CHANGE_VERSION].read()
    body = cache.get(version, key)
    if body is None:
        body = dumps(await build()).encode()
        cache.put(version, key, body)
    return web.Response(body=body, content_type="application/json", charset="utf-8")


# Datasets (§3.2). Each stored field: (column, manifest key, kind, default on create). The merge of §3.2.4 takes
# the first non-empty of (body field, manifest key) and keeps the stored value when both are empty.
DATASET_FIELDS = (
    ("symbol", "symbol", "text", "UNKNOWN"),
    ("granularity", "granularity", "text", "unknown"),
    ("source", "source", "text", None),
    ("bar_interval_ms", "bar_interval_ms", "int64", 0),
    ("lookback_rows", "lookback_rows", "int32", 0),
    ("first_ohlcv_ts", "first_ohlcv_timestamp_ms", "epoch", None),
    ("first_indicator_ts", "first_indicator_timestamp_ms", "epoch", None),
    ("ohlcv_measurement", "ohlcv_measurement", "measurement", None),
    ("indicator_measurement", "indicator_measurement", "measurement", None),
)
UNKNOWN_IS_EMPTY = frozenset({"symbol", "granularity"})
DATASET_TABLE_COLUMNS = ("ohlcv_measurement", "indicator_measurement")


@dataclass
class DatasetPost:
    """A parsed POST /api/datasets body."""
    dataset_id: str | None                 # None: reuse the latest dataset with this slug, or a new UUID
    dataset_slug: str | None
    values: dict[str, Any]                 # column → first non-empty candidate; absent = keep the stored value
    manifest: dict[str, Any]               # the incoming metadata, merged key by key into the stored one


def is_empty(key: str, value: Any) -> bool:
    """'No information' in the sense of §3.2.4: such a value never replaces a stored one."""
    if value is None:
        return True
    if isinstance(value, str):
        text = value.strip()
        return not text or (key in UNKNOWN_IS_EMPTY and text.lower() == "unknown")
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    is_timestamp = key in ("first_ohlcv_ts", "first_indicator_ts") or key.endswith("_timestamp_ms")
    return value == 0 or (value < 0 and is_timestamp)


def dataset_value(source: Mapping[str, Any], key: str, kind: str, path: str) -> Any:
    """One merge candidate, typed and checked (400 on a bad value); None when it is empty."""
    if kind == "epoch":
        value: Any = get_epoch_ms(source, key, path)
    elif kind in ("int64", "int32"):
        value = get_int(source, key, path, bits=int(kind[3:]), minimum=0)
    else:
        value = get_str(source, key, path)
    if is_empty(key, value):
        return None
    return valid_measurement(value, path) if kind == "measurement" else value


def manifest_value(manifest: Mapping[str, Any], key: str, kind: str) -> Any:
    """A candidate from the manifest. A manifest value of an odd type stays in the manifest as posted but feeds
    no column (the desktop's export must not fail on it); a bad table name is still refused (§5.4)."""
    try:
        return dataset_value(manifest, key, kind, f"metadata.{key}")
    except ApiError as e:
        if e.code == "invalid_measurement":
            raise
        return None


def parse_dataset_post(body: Mapping[str, Any]) -> DatasetPost:
    """POST /api/datasets (§3.2.4), both desktop variants: metadata as an object or as a JSON string."""
    dataset_id = get_uuid(body, "dataset_id")
    slug = get_str(body, "dataset_slug")
    slug = None if is_empty("dataset_slug", slug) else slug
    if dataset_id is None and slug is None:
        raise missing_fields(["dataset_id", "dataset_slug"], "dataset_id or dataset_slug is required")
    manifest = get_object(body, "metadata") or {}
    values = {}
    for column, key, kind, _default in DATASET_FIELDS:
        value = dataset_value(body, column, kind, column)
        value = manifest_value(manifest, key, kind) if value is None else value
        if value is not None:
            values[column] = value
    return DatasetPost(dataset_id, slug, values, manifest)


def table_slug(slug: str) -> str:
    """<s> of §3.2.4: the slug with every character outside [A-Za-z0-9_-] replaced by '_'."""
    return re.sub(r"[^A-Za-z0-9_-]", "_", slug)


def dataset_tables(row: Mapping[str, Any]) -> tuple[str, str]:
    """(OHLCV table, indicator table) of a stored dataset row: the column, else the manifest key, else
    <s>_ohlcv / <s>_ind (§4.1). The desktop's direct upsert leaves the columns alone, so they win."""
    manifest = as_object(row.get("metadata"))
    names = []
    for column, suffix in zip(DATASET_TABLE_COLUMNS, ("_ohlcv", "_ind")):
        candidates = (row.get(column), manifest.get(column))
        name = next((c for c in candidates if isinstance(c, str) and MEASUREMENT_RE.match(c)), None)
        names.append(name or table_slug(str(row.get("dataset_slug") or row["dataset_id"])) + suffix)
    return names[0], names[1]


def merge_manifest(stored: Any, incoming: Mapping[str, Any]) -> dict[str, Any]:
    """Key by key (§3.2.4): a new key is added; a known key is replaced unless the incoming value is empty.
    Nested values are replaced whole."""
    merged = as_object(stored)
    for key, value in incoming.items():
        if key not in merged or not is_empty(key, value):
            merged[key] = value
    return merged


def dataset_table(row: Mapping[str, Any], kind: str) -> str:
    """The dataset's QuestDB table of a row kind ('ohlcv' or 'indicator')."""
    return dict(zip(ROW_KINDS, dataset_tables(row)))[kind]


def merge_dataset(stored: Mapping[str, Any], post: DatasetPost, dataset_id: str) -> dict[str, Any]:
    """The row after a POST: incoming non-empty values win, else the stored value, else the create default.
    Resolved table names must pass §5.4 and are written into the manifest too (§3.2.1)."""
    row: dict[str, Any] = {"dataset_id": dataset_id,
                           "dataset_slug": post.dataset_slug or stored.get("dataset_slug") or dataset_id}
    for column, _key, kind, default in DATASET_FIELDS:
        if kind != "measurement":
            incoming, kept = post.values.get(column), stored.get(column)
            row[column] = incoming if incoming is not None else kept if kept is not None else default
    row["metadata"] = merge_manifest(stored.get("metadata"), post.manifest)
    current = dataset_tables({**stored, "dataset_slug": row["dataset_slug"]})
    for column, name in zip(DATASET_TABLE_COLUMNS, current):
        row[column] = row["metadata"][column] = valid_measurement(post.values.get(column) or name, column)
    return row


async def upsert_dataset(pg: Postgres, post: DatasetPost) -> tuple[dict[str, Any], bool]:
    """Create or merge one dataset in one transaction; returns (the row as stored, created)."""
    async with pg.transaction() as cur:
        dataset_id = post.dataset_id
        if dataset_id is None:
            await cur.execute(SQL_DATASET_ID_FOR_SLUG, {"dataset_slug": post.dataset_slug})
            found = await cur.fetchone()
            dataset_id = str(found["dataset_id"]) if found else str(uuid.uuid4())
        await cur.execute(SQL_CLAIM_DATASET, {"dataset_id": dataset_id,
                                              "dataset_slug": post.dataset_slug or dataset_id})
        created = await cur.fetchone() is not None
        await cur.execute(SQL_LOCK_DATASET, {"dataset_id": dataset_id})
        row = merge_dataset(await cur.fetchone(), post, dataset_id)
        await cur.execute(SQL_UPDATE_DATASET, {**row, "metadata": pg_json(row["metadata"])})
    return row, created


async def load_dataset(pg: Postgres, dataset_id: str) -> dict[str, Any] | None:
    """The stored datasets row (all columns), or None; an id that is not a UUID matches nothing."""
    if not UUID_RE.match(dataset_id):
        return None
    return await pg.fetchone(SQL_GET_DATASET, {"dataset_id": dataset_id.lower()})


async def fetch_dataset(pg: Postgres, dataset_id: str | None) -> RawJson:
    """The dataset object of §3.2.1; 404 dataset_not_found."""
    row = await pg.fetchone(SQL_GET_DATASET_OBJECT, {"dataset_id": dataset_id}) if dataset_id else None
    if row is None:
        raise ApiError(404, "dataset_not_found", f"Dataset {dataset_id or '(id is not a UUID)'} not found")
    return RawJson(dataset_json(row))


def first_bar_ms(declared: int | None, stored_first_ms: int | None) -> int | None:
    """first_*_ts: the declared value normalised (the desktop's direct upsert may write seconds), else the
    first stored bar."""
    if declared is not None and declared > 0:
        return normalize_epoch_ms(declared)
    return stored_first_ms


DATASET_JSON_TEMPLATE = (
    '{"dataset_id":%s,"dataset_slug":%s,"symbol":%s,"granularity":%s,"source":%s,"ohlcv_measurement":%s,'
    '"indicator_measurement":%s,"bar_interval_ms":%d,"lookback_rows":%d,"first_ohlcv_ts":%s,"first_indicator_ts":%s,'
    '"ohlcv_row_count":%d,"indicator_row_count":%d,"ohlcv_first_ts":%s,"ohlcv_last_ts":%s,"indicator_first_ts":%s,'
    '"indicator_last_ts":%s,"run_count":%d,"simulation_count":%d,"metadata":%s,"created_at":%s,"updated_at":%s}')


def dataset_json(row: Mapping[str, Any]) -> str:
    """The dataset object of §3.2.1 as JSON text, from a row of DATASET_OBJECT_COLUMNS: filling a template, a page
    of 200 datasets builds no dicts and parses no manifest (the object manifest is PostgreSQL's text). The metadata
    copies of the table names always equal the top-level ones, because the desktop reads the copies first."""
    text = row["metadata_text"]
    manifest = as_object(row["metadata_value"]) if text is None else {
        "ohlcv_measurement": row["manifest_ohlcv_measurement"],
        "indicator_measurement": row["manifest_indicator_measurement"]}
    ohlcv, indicator = dataset_tables({**row, "metadata": manifest})
    names = encode_json_string(ohlcv), encode_json_string(indicator)
    if text is None:
        metadata = dumps({**manifest, "ohlcv_measurement": ohlcv, "indicator_measurement": indicator})
    else:
        metadata = (f'{text[:-1]}{"," if text != "{}" else ""}"ohlcv_measurement":{names[0]},'
                    f'"indicator_measurement":{names[1]}}}')
    times = [iso_json(row[f"{column}_ms"]) for column in DATASET_TIMES]
    return DATASET_JSON_TEMPLATE % (
        encode_json_string(row["dataset_id"]), json_string(row["dataset_slug"]),
        encode_json_string(row["symbol"] or "UNKNOWN"), encode_json_string(row["granularity"] or "unknown"),
        json_string(row["source"]), *names, int(row["bar_interval_ms"] or 0), int(row["lookback_rows"] or 0),
        json_int(first_bar_ms(row["first_ohlcv_ts"], row["ohlcv_first_ts_ms"])),
        json_int(first_bar_ms(row["first_indicator_ts"], row["indicator_first_ts_ms"])),
        int(row["ohlcv_row_count"] or 0), int(row["indicator_row_count"] or 0), *times[:4], int(row["run_count"]),
        int(row["simulation_count"]), metadata, *times[4:])


def json_string(value: str | None) -> str:
    return "null" if value is None else encode_json_string(value)


def json_int(value: int | None) -> str:
    return "null" if value is None else str(int(value))


def iso_json(ms: int | None) -> str:
    return "null" if ms is None else f'"{iso_from_ms(ms)}"'


async def list_datasets(pg: Postgres, limit: int, offset: int) -> dict[str, Any]:
    rows, total = await fetch_page(pg, SQL_LIST_DATASETS, SQL_COUNT_DATASETS, {"limit": limit, "offset": offset})
    return {"datasets": RawJson(f"[{','.join(map(dataset_json, rows))}]"), "count": len(rows), "total": total}


# Walk-forward runs (§3.4). Fold index ranges and their accepted aliases.
FOLD_RANGES = (("train_start_idx", "train_start"), ("train_end_idx", "train_end"),
               ("test_start_idx", "test_start"), ("test_end_idx", "test_end"))
FOLD_TIMES = ("train_start_ts_ms", "train_end_ts_ms", "test_start_ts_ms", "test_end_ts_ms")


@dataclass
class RunPost:
    """A parsed POST /api/runs body: the run's columns and one row per fold, ready for SQL."""
    run: dict[str, Any]
    folds: list[dict[str, Any]]


def parse_run_post(body: Mapping[str, Any]) -> RunPost:
    """POST /api/runs (§3.4.1): {"run": {...}, "folds": [...]}, run.folds, or a flat legacy body."""
    run, prefix = body, ""
    if body.get("run") is not None:
        run, prefix = body["run"], "run."
        if not isinstance(run, dict):
            raise invalid_field("run", f"must be an object, got {json_type(run)}")
    if body.get("folds") is not None:
        base, folds = "folds", get_array(body, "folds") or []
    else:
        base = f"{prefix}folds"
        folds = get_array(run, "folds", base) or []
    for index, fold in enumerate(folds):
        if not isinstance(fold, dict):
            raise invalid_field(f"{base}[{index}]", f"must be an object, got {json_type(fold)}")
    walk_config = get_object(run, "walk_config", f"{prefix}walk_config") or {}
    measurement = get_str(run, "prediction_measurement", f"{prefix}prediction_measurement") or None
    if measurement is None and isinstance(walk_config.get("prediction_measurement"), str):
        measurement = walk_config["prediction_measurement"] or None
    missing = missing_run_fields(run, prefix, measurement) + missing_fold_fields(folds, base)
    if missing:
        raise missing_fields(missing)
    fields = parse_run_fields(run, prefix, walk_config, measurement)
    return RunPost(fields, parse_folds(folds, base, fields["run_id"]))


def missing_run_fields(run: Mapping[str, Any], prefix: str, measurement: str | None) -> list[str]:
    missing = [f"{prefix}{key}" for key in ("run_id", "dataset_id") if run.get(key) in (None, "")]
    return missing + ([f"{prefix}prediction_measurement"] if measurement is None else [])


def missing_fold_fields(folds: list[dict[str, Any]], base: str) -> list[str]:
    """JSON paths of absent required fold fields, e.g. folds[12].test_end_idx (an alias counts as present)."""
    missing = []
    for index, fold in enumerate(folds):
        if fold.get("fold_number") is None:
            missing.append(f"{base}[{index}].fold_number")
        missing += [f"{base}[{index}].{key}" for key, alias in FOLD_RANGES
                    if fold.get(key) is None and fold.get(alias) is None]
    return missing


def get_string_array(body: Mapping[str, Any], key: str, path: str) -> list[str]:
    values = get_array(body, key, path) or []
    for index, value in enumerate(values):
        if not isinstance(value, str):
            raise invalid_field(f"{path}[{index}]", f"must be a string, got {json_type(value)}")
    return values


def parse_run_fields(run: Mapping[str, Any], prefix: str, walk_config: dict[str, Any],
                     measurement: str | None) -> dict[str, Any]:
    """The run's columns (§3.4.1). JSON values stay as posted, so their integer-ness survives (§2.3)."""
    def path(key: str) -> str:
        return prefix + key
    return {
        "run_id": get_uuid(run, "run_id", path("run_id")),
        "dataset_id": get_uuid(run, "dataset_id", path("dataset_id")),
        "dataset_slug": get_str(run, "dataset_slug", path("dataset_slug")),
        "prediction_measurement": valid_measurement(measurement, path("prediction_measurement")),
        "target_column": get_str(run, "target_column", path("target_column")),
        "feature_columns": get_string_array(run, "feature_columns", path("feature_columns")),
        "hyperparameters": get_object(run, "hyperparameters", path("hyperparameters")) or {},
        "walk_config": walk_config,
        "summary_metrics": get_object(run, "summary_metrics", path("summary_metrics")) or {},
        "status": get_str(run, "status", path("status")) or "UNKNOWN",
        "requested_by": get_str(run, "requested_by", path("requested_by")),
        "started_at": get_timestamp(run, "started_at", path("started_at")),
        "completed_at": get_timestamp(run, "completed_at", path("completed_at")),
        "duration_ms": get_int(run, "duration_ms", path("duration_ms"), minimum=0),
    }


def parse_folds(folds: list[dict[str, Any]], base: str, run_id: str) -> list[dict[str, Any]]:
    parsed, seen = [], set()
    for index, fold in enumerate(folds):
        row = parse_fold(fold, f"{base}[{index}]", run_id)
        if row["fold_number"] in seen:
            raise bad_request("duplicate_fold", f"fold_number {row['fold_number']} appears twice",
                              fold_number=row["fold_number"], field=f"{base}[{index}].fold_number")
        seen.add(row["fold_number"])
        parsed.append(row)
    return parsed


def parse_fold(fold: Mapping[str, Any], path: str, run_id: str) -> dict[str, Any]:
    """One fold (§3.4.1), as a row of SQL_UPSERT_FOLDS. Numbers are stored as posted, never renumbered."""
    fold_run = get_uuid(fold, "run_id", f"{path}.run_id")
    if fold_run is not None and fold_run != run_id:
        raise bad_request("run_id_mismatch", f"{path}.run_id {fold_run} differs from run_id {run_id}",
                          field=f"{path}.run_id")
    row = {"fold_number": get_int(fold, "fold_number", f"{path}.fold_number", bits=32, minimum=0)}
    for key, alias in FOLD_RANGES:
        used = key if fold.get(key) is not None else alias
        row[key] = get_int(fold, used, f"{path}.{used}", minimum=0)
    for key in FOLD_TIMES:
        row[key] = get_int(fold, key, f"{path}.{key}", minimum=0)
        if row[key] is not None and row[key] > MAX_EPOCH_MS:
            raise invalid_field(f"{path}.{key}", "is outside 1970-01-01 … 2262-04-11")
    for key in ("samples_train", "samples_test"):
        row[key] = get_int(fold, key, f"{path}.{key}", bits=32, minimum=0)
    row["best_iteration"] = get_int(fold, "best_iteration", f"{path}.best_iteration", bits=32)
    row["best_score"] = get_number(fold, "best_score", f"{path}.best_score")
    row["thresholds"] = get_object(fold, "thresholds", f"{path}.thresholds") or {}
    row["metrics"] = get_object(fold, "metrics", f"{path}.metrics") or {}
    return row


async def save_run(pg: Postgres, post: RunPost) -> tuple[bool, int]:
    """Upsert the run and every fold in one transaction (§3.4.1); returns (created, folds now stored)."""
    json_columns = ("feature_columns", "hyperparameters", "walk_config", "summary_metrics")
    params = {**post.run, **{key: pg_json(post.run[key]) for key in json_columns}}
    async with pg.transaction() as cur:
        await cur.execute(SQL_UPSERT_RUN, params)
        created = (await cur.fetchone())["created"]
        if post.folds:
            await cur.execute(SQL_UPSERT_FOLDS, {"run_id": post.run["run_id"], "folds": pg_json(post.folds)})
        await cur.execute(SQL_COUNT_FOLDS, {"run_id": post.run["run_id"]})
        fold_count = (await cur.fetchone())["fold_count"]
    return bool(created), int(fold_count)


async def fetch_run(pg: Postgres, run_id: str | None) -> dict[str, Any]:
    """The run object of §3.4.2 with every fold, sorted by fold_number; 404 run_not_found. The folds are JSON
    text that PostgreSQL put together (SQL_GET_FOLDS_JSON), unless an old row needs fold_json()."""
    row = await pg.fetchone(SQL_GET_RUN_OBJECT, {"run_id": run_id}) if run_id else None
    if row is None:
        raise ApiError(404, "run_not_found", f"Run {run_id or '(id is not a UUID)'} not found")
    async with pg.cursor(dict_rows=False) as cur:
        await cur.execute(SQL_GET_FOLDS_JSON, {"run_id": run_id})
        folds = await cur.fetchall()
    if any(fold[-1] for fold in folds):
        return run_json(row, await pg.fetchall(SQL_GET_FOLDS, {"run_id": run_id}))
    run = run_json(row)
    run["folds"] = RawJson("[" + ",".join(FOLD_JSON_TEMPLATE % fold[:-1] for fold in folds) + "]")
    return run


def run_json(row: Mapping[str, Any], folds: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The run object of §3.4.2 (folds only in the detail). JSON columns are always objects / arrays."""
    walk_config = as_object(row["walk_config"])
    fallback = walk_config.get("prediction_measurement")
    measurement = row["prediction_measurement"] or (fallback if isinstance(fallback, str) else "")
    run = {
        "run_id": str(row["run_id"]), "dataset_id": str(row["dataset_id"]),
        "dataset_slug": row["known_dataset_slug"] or row["dataset_slug"] or re.sub(r"_wf\d+$", "", measurement),
        "prediction_measurement": measurement, "target_column": row["target_column"],
        "feature_columns": as_array(row["feature_columns"]), "hyperparameters": as_object(row["hyperparameters"]),
        "walk_config": walk_config, "summary_metrics": as_object(row["summary_metrics"]),
        "status": row["status"], "requested_by": row["requested_by"],
        "started_at": iso(row["started_at"]), "completed_at": iso(row["completed_at"]),
        "created_at": iso(row["created_at"]), "updated_at": iso(row["updated_at"]),
        "duration_ms": row["duration_ms"], "fold_count": int(row["fold_count"]),
    }
    if folds is not None:
        run["folds"] = [fold_json(fold) for fold in folds]
    return run


def fold_json(row: Mapping[str, Any]) -> dict[str, Any]:
    """A fold object; the debugger shows only top-level values, so a few metrics and thresholds are copied up."""
    fold = {key: row[key] for key in ("fold_number", *(k for k, _ in FOLD_RANGES), *FOLD_TIMES, "samples_train",
                                      "samples_test", "best_iteration", "best_score")}
    nested = {"thresholds": as_object(row["thresholds"]), "metrics": as_object(row["metrics"])}
    fold.update(run_id=str(row["run_id"]), **nested)
    fold.update({name: json_number(nested[source].get(key)) for name, source, key in FOLD_COPIES})
    return fold


async def list_runs(pg: Postgres, dataset_id: str | None, limit: int, offset: int) -> dict[str, Any]:
    params = {"dataset_id": dataset_id, "limit": limit, "offset": offset}
    rows, total = await fetch_page(pg, SQL_LIST_RUNS, SQL_COUNT_RUNS, params)
    return {"runs": [run_json(r) for r in rows], "count": len(rows), "total": total}


async def list_dataset_runs(pg: Postgres, dataset_id: str | None, limit: int, offset: int) -> dict[str, Any]:
    """§3.4.5: runs name datasets the server may not know, so 404 only when neither a dataset nor a run does."""
    if dataset_id is None:
        raise ApiError(404, "dataset_not_found", "Dataset not found")
    page = await list_runs(pg, dataset_id, limit, offset)
    if page["total"] == 0 and not await pg.fetchval(SQL_DATASET_EXISTS, {"dataset_id": dataset_id}):
        raise ApiError(404, "dataset_not_found", f"Dataset {dataset_id} not found")
    return page


# Simulations (§3.5). A trade posted without trade_id gets uuid5(NAMESPACE_URL, "<simulation_id>:trade:<n>"),
# n its 1-based position: the desktop's own name for it, so a re-POST replaces instead of duplicating.
TRADE_NUMBERS = ("size", "entry_price", "exit_price", "pnl", "return_pct", "entry_signal", "exit_signal")
TRADE_TIMES = (("entry_timestamp_ms", "entry_timestamp"), ("exit_timestamp_ms", "exit_timestamp"))
# Keys of a trade that are not copied into its metadata; simulation_id, trade_index, bar_timestamp are the server's.
TRADE_KEYS = frozenset({"trade_id", "simulation_id", "trade_index", "fold_index", "side", "metadata",
                        "bar_timestamp", *TRADE_NUMBERS, *(k for pair in TRADE_TIMES for k in pair)})
TRADE_SIDES = ("long", "short")
TRADE_BATCH = 5000                     # trades per INSERT statement: bounded statement size, few round trips


@dataclass
class SimulationPost:
    """A parsed POST /api/simulations body: the simulation's columns, its buckets and trades as SQL rows."""
    simulation: dict[str, Any]
    buckets: list[dict[str, Any]]
    trades: list[dict[str, Any]]


def derived_trade_id(simulation_id: str, position: int) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{simulation_id}:trade:{position}"))


def parse_simulation_post(body: Mapping[str, Any]) -> SimulationPost:
    """POST /api/simulations (§3.5.1). run_id and dataset_id are never checked against stored rows."""
    simulation_id = get_uuid(body, "simulation_id")
    if simulation_id is None:
        raise missing_fields(["simulation_id"])
    simulation = {"simulation_id": simulation_id, "run_id": get_uuid(body, "run_id"),
                  "dataset_id": get_uuid(body, "dataset_id"),
                  "started_at": get_timestamp(body, "started_at"), "completed_at": get_timestamp(body, "completed_at"),
                  "config": get_object(body, "config") or {},
                  "summary_metrics": get_object(body, "summary_metrics") or {}}
    for key in ("input_run_measurement", "questdb_namespace", "mode", "status"):
        simulation[key] = get_str(body, key)
    buckets = [parse_bucket(b, i) for i, b in enumerate(get_array(body, "buckets") or [])]
    reject_repeats([b["side"] for b in buckets], "buckets", "side")
    trades = [parse_trade(t, i, simulation_id) for i, t in enumerate(get_array(body, "trades") or [])]
    reject_repeats([t["trade_id"] for t in trades], "trades", "trade_id")
    return SimulationPost(simulation, buckets, trades)


def reject_repeats(values: list[Any], array: str, key: str) -> None:
    seen: set[Any] = set()
    for index, value in enumerate(values):
        if value in seen:
            raise bad_request("invalid_rows", f"{array}[{index}].{key} {value!r} appears twice",
                              row_index=index, field=f"{array}[{index}].{key}")
        seen.add(value)


def parse_bucket(bucket: Any, index: int) -> dict[str, Any]:
    path = f"buckets[{index}]"
    if not isinstance(bucket, dict):
        raise invalid_field(path, f"must be an object, got {json_type(bucket)}")
    if not get_str(bucket, "side", f"{path}.side"):
        raise missing_fields([f"{path}.side"])
    row = {"side": bucket["side"], "notes": get_str(bucket, "notes", f"{path}.notes")}
    for key in ("trade_count", "win_count"):
        row[key] = get_int(bucket, key, f"{path}.{key}", minimum=0)
    for key in ("profit_factor", "avg_return_pct", "max_drawdown_pct"):
        row[key] = get_number(bucket, key, f"{path}.{key}")
    return row


def parse_trade(trade: Any, index: int, simulation_id: str) -> dict[str, Any]:
    """One trade as a row of SQL_INSERT_TRADES; keys this contract does not name go into its metadata."""
    path = f"trades[{index}]"
    if not isinstance(trade, dict):
        raise invalid_field(path, f"must be an object, got {json_type(trade)}")
    side = trade.get("side")
    if not isinstance(side, str) or side.lower() not in TRADE_SIDES:
        raise bad_request("invalid_rows", f"{path}.side must be long or short, got {side!r}",
                          row_index=index, field=f"{path}.side")
    row = {"trade_id": get_uuid(trade, "trade_id", f"{path}.trade_id") or derived_trade_id(simulation_id, index + 1),
           "trade_index": index + 1, "side": side.lower(),
           "fold_index": get_int(trade, "fold_index", f"{path}.fold_index", bits=32)}
    row.update({key: get_number(trade, key, f"{path}.{key}") for key in TRADE_NUMBERS})
    for column, key in TRADE_TIMES:
        used = key if trade.get(key) is not None else column
        row[column] = get_epoch_ms(trade, used, f"{path}.{used}")
    row["bar_timestamp"] = iso_from_ms(row["entry_timestamp_ms"])
    extra = {key: value for key, value in trade.items() if key not in TRADE_KEYS}
    row["metadata"] = {**(get_object(trade, "metadata", f"{path}.metadata") or {}), **extra}
    return row


async def save_simulation(pg: Postgres, post: SimulationPost) -> bool:
    """Upsert the simulation and replace all of its buckets and trades in one transaction (§3.5.1); returns
    created. A trade id owned by another simulation → 409 trade_conflict, and nothing is written."""
    sid = post.simulation["simulation_id"]
    params = {**post.simulation, "config": pg_json(post.simulation["config"]),
              "summary_metrics": pg_json(post.simulation["summary_metrics"])}
    try:
        async with pg.transaction() as cur:
            await reject_foreign_trades(cur, sid, [t["trade_id"] for t in post.trades])
            await cur.execute(SQL_UPSERT_SIMULATION, params)
            created = (await cur.fetchone())["created"]
            await cur.execute(SQL_DELETE_BUCKETS, {"simulation_id": sid})
            await cur.execute(SQL_DELETE_TRADES, {"simulation_id": sid})
            if post.buckets:
                await cur.execute(SQL_INSERT_BUCKETS, {"simulation_id": sid, "buckets": pg_json(post.buckets)})
            for start in range(0, len(post.trades), TRADE_BATCH):
                batch = pg_json(post.trades[start:start + TRADE_BATCH])
                await cur.execute(SQL_INSERT_TRADES, {"simulation_id": sid, "trades": batch})
    except psycopg2.errors.UniqueViolation as e:    # another simulation committed one of these ids meanwhile
        raise ApiError(409, "trade_conflict", "A trade_id of this body belongs to another simulation") from e
    return bool(created)


async def reject_foreign_trades(cur: aiopg.Cursor, simulation_id: str, trade_ids: list[str]) -> None:
    if not trade_ids:
        return
    await cur.execute(SQL_FOREIGN_TRADE, {"simulation_id": simulation_id, "trade_ids": trade_ids})
    row = await cur.fetchone()
    if row is not None:
        raise ApiError(409, "trade_conflict", f"Trade {row['trade_id']} belongs to simulation "
                       f"{row['simulation_id']}", trade_id=str(row["trade_id"]),
                       simulation_id=str(row["simulation_id"]))


async def fetch_simulation(pg: Postgres, simulation_id: str | None) -> dict[str, Any]:
    """The simulation object of §3.5.2; 404 simulation_not_found."""
    params = {"simulation_id": simulation_id}
    row = await pg.fetchone(SQL_GET_SIMULATION_OBJECT, params) if simulation_id else None
    if row is None:
        raise ApiError(404, "simulation_not_found",
                       f"Simulation {simulation_id or '(id is not a UUID)'} not found")
    return simulation_json(row)


def simulation_json(row: Mapping[str, Any]) -> dict[str, Any]:
    simulation = {key: row[key] for key in ("input_run_measurement", "questdb_namespace", "mode", "status")}
    simulation.update({key: iso(row[key]) for key in ("started_at", "completed_at", "created_at", "updated_at")})
    return {**simulation, "simulation_id": str(row["simulation_id"]), "run_id": text_id(row["run_id"]),
            "dataset_id": text_id(row["dataset_id"]), "config": as_object(row["config"]),
            "summary_metrics": as_object(row["summary_metrics"]), "trade_count": int(row["trade_count"]),
            "buckets": as_array(row["buckets"])}


async def list_simulations(pg: Postgres, run_id: str | None, dataset_id: str | None, limit: int,
                           offset: int) -> dict[str, Any]:
    params = {"run_id": run_id, "dataset_id": dataset_id, "limit": limit, "offset": offset}
    rows, total = await fetch_page(pg, SQL_LIST_SIMULATIONS, SQL_COUNT_SIMULATIONS, params)
    return {"simulations": [simulation_json(r) for r in rows], "count": len(rows), "total": total}


async def list_trades(pg: Postgres, simulation_id: str | None, limit: int, offset: int) -> dict[str, Any]:
    """§3.5.5: entry time ascending, trades without one last, then trade_index; 404 simulation_not_found."""
    if simulation_id is None:
        raise ApiError(404, "simulation_not_found", "Simulation (id is not a UUID) not found")
    params = {"simulation_id": simulation_id, "limit": limit, "offset": offset}
    rows, total = await fetch_page(pg, SQL_LIST_TRADES, SQL_COUNT_TRADES, params)
    if total == 0 and not await pg.fetchval(SQL_SIMULATION_EXISTS, params):
        raise ApiError(404, "simulation_not_found", f"Simulation {simulation_id} not found")
    return {"simulation_id": simulation_id, "trades": [trade_json(r) for r in rows], "count": len(rows),
            "total": total}


def trade_json(row: Mapping[str, Any]) -> dict[str, Any]:
    trade = {key: row[key] for key in ("trade_index", "fold_index", "side", *TRADE_NUMBERS,
                                       "entry_timestamp_ms", "exit_timestamp_ms")}
    return {**trade, "trade_id": str(row["trade_id"]), "simulation_id": str(row["simulation_id"]),
            "bar_timestamp": iso(row["bar_timestamp"]), "metadata": as_object(row["metadata"])}


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


async def cancel_job(pg: Postgres, job_id: str) -> dict[str, Any]:
    """PENDING → CANCELLED, RUNNING → cancel requested, in one UPDATE; the job after it. 404 job_not_found, or
    409 job_finished (with the job) when it is already final."""
    row = await pg.fetchone(SQL_CANCEL_JOB, {"job_id": job_id}) if UUID_RE.match(job_id) else None
    if row is None:                                # unknown (404) or already final (409)
        job = await get_job(pg, job_id)
        raise ApiError(409, "job_finished", f"Job {job['job_id']} is already {job['status']}", job=job)
    return job_json(row)


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
    token: str


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
        self.progress = self.progress if progress is None else progress
        self.total = self.total if total is None else total
        self.message = self.message if message is None else message
        if force or time.monotonic() - self._last_write >= self.PROGRESS_EVERY_S:
            await self.beat()
        if self.cancel_requested:
            raise JobCancelled()

    async def beat(self) -> None:
        """Renew the lease (with the latest progress); learn about cancel requests; detect a lost lease."""
        row = await self.pg.fetchone(SQL_HEARTBEAT, {
            "job_id": self.job.job_id, "token": self.job.token, "progress": self.progress, "total": self.total,
            "message": self.message})
        self._last_write = time.monotonic()
        if row is None:
            self.lease_lost = True
            raise LeaseLost()
        if row["cancel_requested"]:
            self.cancel_requested = True


# --- Dataset statistics -------------------------------------------------------------------------------------

MANIFEST_STAT_KEYS = {"ohlcv": ("ohlcv_rows", "first_ohlcv_timestamp_ms", "last_ohlcv_timestamp_ms"),
                      "indicator": ("indicator_rows", "first_indicator_timestamp_ms", "last_indicator_timestamp_ms")}


async def dataset_table_stats(qdb: QuestDB, row: Mapping[str, Any], kinds: Iterable[str] = ROW_KINDS,
                              known: TableInfo | None = None
                              ) -> dict[str, tuple[TableInfo | None, tuple[int, int | None, int | None]]]:
    """Each of the dataset's tables of these kinds: its metadata (None: it does not exist) and its (count, first
    ms, last ms). `known` is the metadata of one of them that the caller has just read."""
    tables = {kind: dataset_table(row, kind) for kind in kinds}

    async def info_of(name: str) -> TableInfo | None:
        return known if known is not None and known.name.lower() == name.lower() else await table_info(qdb, name)

    infos = await asyncio.gather(*map(info_of, tables.values()))
    bounds = await asyncio.gather(*(table_bounds(qdb, info) for info in infos))
    return {kind: (info, bound) for kind, info, bound in zip(tables, infos, bounds)}


async def refresh_dataset_stats(app: web.Application, row: Mapping[str, Any], written: str | None = None,
                                known: TableInfo | None = None
                                ) -> dict[str, tuple[int, int | None, int | None]] | None:
    """Refresh a dataset's row counts and bounds from QuestDB (§3.2.1): of every table, or only of the kinds stored
    in `written`, a table the server just wrote, whose count and bounds keys are then also set in the manifest.
    Best effort: when QuestDB is unreachable the statistics stay stale and None is returned."""
    dataset_id = str(row["dataset_id"])
    kinds = [kind for kind in ROW_KINDS if written is None or dataset_table(row, kind).lower() == written.lower()]
    try:
        stats = await dataset_table_stats(app[QDB], row, kinds, known)
    except ApiError as e:
        log.warning("dataset stats not refreshed dataset_id=%s error=%s", dataset_id, e.message)
        return None
    # An old row's manifest held as a JSON string is merged as the object it spells (|| would make an array).
    params = {"dataset_id": dataset_id, "stored_manifest": pg_json(as_object(row["metadata"]))}
    try:
        for kind, (_info, (count, first, last)) in stats.items():
            manifest = dict(zip(MANIFEST_STAT_KEYS[kind], (count, first, last))) if written else {}
            await app[PG].fetchone(SQL_UPDATE_DATASET_STATS[kind], {
                **params, "count": count, "first": first, "last": last, "manifest": pg_json(manifest)})
    except ApiError as e:
        log.warning("dataset stats not stored dataset_id=%s error=%s", dataset_id, e.message)
    return {kind: bounds for kind, (_info, bounds) in stats.items()}


# --- Dataset rows --------------------------------------------------------------------------------------------

OHLCV_COLUMNS = ("open", "high", "low", "close", "volume")
@dataclass
class AppendBatch:
    """A validated append request: rows keyed by timestamp (the last row for a timestamp wins)."""

    rows_received: int
    rows_skipped: int
    columns: list[str]                          # value columns, in first-seen order
    rows: dict[int, tuple[int, dict[str, Any]]]  # timestamp ms → (index in the request, {column: value})


def loads_rows(raw: bytes) -> Any:
    """loads() for append bodies (10-15 MB): a float stays the bytes of its JSON token (str.encode, cheaper than
    parsing it), so its digits can go to ILP as they came instead of through repr(). QuestDB reads those digits
    as the same double as float() does; the row parsers below store 1e+9999 as null (§2.2) and turn a token
    QuestDB would refuse (a non-zero one that underflows to 0.0) into a float."""
    return json.loads(raw, parse_float=str.encode, parse_constant=lambda _token: None)


def parse_append(body: Mapping[str, Any], kind: str) -> AppendBatch:
    """Validate a whole append body before anything is written (§3.3.1, §3.3.2)."""
    rows = body.get("rows")
    if not isinstance(rows, list):
        raise bad_request("invalid_body", f"rows must be an array, got {json_type(rows)}")
    batch = AppendBatch(rows_received=len(rows), rows_skipped=0,
                        columns=list(OHLCV_COLUMNS) if kind == "ohlcv" else [], rows={})
    seen = {c.lower(): c for c in batch.columns}
    known: set[str] = set()
    for index, row in enumerate(rows):
        if not isinstance(row, dict):
            raise ApiError(400, "invalid_rows", f"rows[{index}] must be an object, got {json_type(row)}",
                           row_index=index)
        ts = append_timestamp(row, index)
        values = (ohlcv_values(row, index) if kind == "ohlcv"
                  else indicator_values(row, index, batch.columns, seen, known))
        if ts is None:
            batch.rows_skipped += 1
        else:
            batch.rows[ts] = (index, values)
    return batch


def append_timestamp(row: Mapping[str, Any], index: int) -> int | None:
    """The row's time in ms (§2.5 precedence, normalised); None when missing, zero or negative (skip). A
    non-finite number (1e+9999) counts as absent, as the null it is stored as."""
    key = next((k for k in TIMESTAMP_ALIASES if finite_or_none(row.get(k)) is not None), None)
    if key is None:
        return None
    value = finite_or_none(row[key])
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise invalid_field(f"rows[{index}].{key}", f"must be a number, got {json_type(value)}", row_index=index)
    if value <= 0:
        return None
    if value > INT64[1] or (ms := normalize_epoch_ms(value)) > MAX_EPOCH_MS:
        raise invalid_field(f"rows[{index}].{key}", "is after 2262-04-11, the last time QuestDB can store",
                            row_index=index)
    return ms


def ohlcv_values(row: Mapping[str, Any], index: int) -> dict[str, Any]:
    values = {}
    for column in OHLCV_COLUMNS:
        value = finite_or_none(row.get(column))
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))):
            raise invalid_field(f"rows[{index}].{column}", f"must be a number or null, got {json_type(value)}",
                                row_index=index)
        values[column] = checked_number(value, f"rows[{index}].{column}", index)
    return values


def finite_or_none(value: Any) -> Any:
    """A float token of loads_rows as a float, and a non-finite float (1e+9999) as None; other values as is."""
    if type(value) is bytes:
        value = float(value)
    return None if type(value) is float and value - value != 0.0 else value


EXPONENT_E, EXPONENT_UPPER_E = b"e"[0], b"E"[0]    # an int `in` bytes is a memchr; bytes `in` bytes is 8x slower


def float_token(token: bytes) -> bytes | float | None:
    """A float token with an exponent or many digits: None when it overflows (1e+9999 is null), the float when
    QuestDB might not take the digits as they are (a non-zero token that underflows to 0.0, or a very long one),
    else the token itself."""
    number = float(token)
    if number - number != 0.0:
        return None
    return number if number == 0.0 or len(token) > 40 else token


def checked_number(value: Any, path: str, index: int) -> Any:
    """An integer must fit in 64 bits (a wider one cannot be stored, not even as a double's exact value)."""
    if isinstance(value, int) and not INT64[0] <= value <= INT64[1]:
        raise invalid_field(path, "is outside the signed 64-bit range", row_index=index)
    return value


def indicator_values(row: Mapping[str, Any], index: int, columns: list[str], seen: dict[str, str],
                     known: set[str]) -> dict[str, Any]:
    """Every non-timestamp key is an indicator column (booleans stored as 1.0/0.0, non-finite numbers as null);
    new keys are registered in first-seen order after checking QuestDB's column-name rule and case-insensitive
    uniqueness, and remembered in `known`. Tested on exact types: this runs for every cell of 10-15 MB bodies."""
    values = {}
    for key, value in row.items():
        if key not in known:
            if key in TIMESTAMP_ALIASES:
                continue
            if seen.get(key.lower()) != key:
                register_column(key, index, columns, seen)
            known.add(key)
        kind = type(value)
        if kind is bytes:                       # a float token (loads_rows): its digits go to ILP as they came
            if len(value) > 40 or EXPONENT_E in value or EXPONENT_UPPER_E in value:
                value = float_token(value)      # only these can overflow, underflow or be long
        elif kind is float:
            if value - value != 0.0:            # ±inf (and NaN) → null
                value = None
        elif kind is int:
            value = checked_number(value, f"rows[{index}].{key}", index)
        elif kind is bool:
            value = 1.0 if value else 0.0
        elif value is not None:
            raise invalid_field(f"rows[{index}].{key}", f"must be a number, boolean or null, got {json_type(value)}",
                                row_index=index)
        values[key] = value
    return values


def register_column(key: str, index: int, columns: list[str], seen: dict[str, str]) -> None:
    problem = column_name_problem(key)
    if problem:
        raise ApiError(400, "invalid_column", f"rows[{index}]: column {key!r} {problem}", row_index=index)
    if key.lower() in seen:
        raise ApiError(400, "invalid_column", f"rows[{index}]: columns {seen[key.lower()]!r} and {key!r} differ "
                       "only in case; QuestDB names are case-insensitive", row_index=index)
    seen[key.lower()] = key
    columns.append(key)


async def append_dataset_rows(app: web.Application, dataset: Mapping[str, Any], kind: str,
                              batch: AppendBatch) -> dict[str, Any]:
    """Write a validated batch to the dataset's table over ILP/HTTP and return once it is visible (§2.7).
    Everything is checked against the stored table before the first DDL statement, so a 4xx changes nothing."""
    table = dataset_table(dataset, kind)
    dataset_id, qdb, info = str(dataset["dataset_id"]), app[QDB], None
    if batch.rows:
        async with table_write_lock(app, table):
            info = await table_info(qdb, table)
            columns = append_columns(info, batch.columns)
            if all(column.kind == "double" for column in columns):     # the usual table: values go as they are
                rows: Any = batch.rows
            else:
                rows = [(ts, typed_values(values, batch.columns, columns, index))
                        for ts, (index, values) in batch.rows.items()]
            info = await prepare_rows_table(qdb, table, info, columns)
            await write_append(app, info, columns, rows)
    stats = await refresh_dataset_stats(app, dataset, written=table, known=info) if batch.rows else None
    row_count = stats[kind][0] if stats else (await table_bounds(qdb, info or await table_info(qdb, table)))[0]
    written = batch.rows_received - batch.rows_skipped
    log.info("dataset append dataset_id=%s table=%s rows_written=%d rows_skipped=%d row_count=%d",
             dataset_id, table, written, batch.rows_skipped, row_count)
    return {"dataset_id": dataset_id, "measurement": table, "rows_received": batch.rows_received,
            "rows_written": written, "rows_skipped": batch.rows_skipped, "row_count": row_count}


def append_columns(info: TableInfo | None, names: list[str]) -> list[IlpColumn]:
    """The stored column behind each key (new ones become DOUBLE). A key that names the designated timestamp,
    matches a stored column only case-insensitively, or a column that cannot take numbers → 400/409."""
    designated = (info.designated if info else None) or "timestamp"
    columns = []
    for name in names:
        if name.lower() == designated.lower():
            raise ApiError(400, "invalid_column", f"column {name!r} collides with the designated timestamp "
                           f"{designated!r}; send the time as timestamp, timestamp_ms, timestamp_unix or ts")
        stored = info.find(name) if info else None
        if stored is None:
            columns.append(IlpColumn(name, "double"))
        elif stored != name or ILP_KINDS.get(info.columns[stored], "string") == "string":
            raise ApiError(409, "column_conflict", f"column {name!r} conflicts with the stored column "
                           f"{stored!r} ({info.columns[stored]}) of {info.name}")
        else:
            columns.append(IlpColumn(stored, ILP_KINDS[info.columns[stored]]))
    return columns


def typed_values(values: Mapping[str, Any], names: list[str], columns: list[IlpColumn], index: int
                 ) -> tuple[Any, ...]:
    """Convert a row's values to the stored column types (an existing LONG column takes only integral values)."""
    out = []
    for name, column in zip(names, columns):
        value = values.get(name)
        if type(value) is bytes:                # a float token of loads_rows
            value = float(value)
        if value is not None and column.kind == "long":
            if not float(value).is_integer():
                raise invalid_field(f"rows[{index}].{name}", f"column {column.name} is an integer column in "
                                    f"QuestDB; got {value!r}", row_index=index)
            value = int(value)
        out.append(value)
    return tuple(out)


def format_double_rows(table: str, columns: list[IlpColumn], rows: Mapping[int, tuple[int, Mapping[str, Any]]],
                       filler: str | None) -> bytes:
    """format_ilp_rows() for AppendBatch.rows when every column is DOUBLE, without the typed_values() tuples: the
    fields come by name straight from each row's dict, a float token as its digits and any other number as
    repr(float), null values omitted (parse_append left only finite ones), and a row without any value gets the
    filler (null_filler()). Built as bytes, as the tokens are."""
    prefix = ilp_name(table).encode() + b" "
    fields = {column.name: ilp_name(column.name).encode() + b"=" for column in columns}
    filler_bytes = filler.encode() if filler else None
    out = []
    for ts_ms, (_index, values) in rows.items():
        line = b",".join([fields[key] + (value if type(value) is bytes else repr(float(value)).encode())
                          for key, value in values.items() if value is not None])
        if not line:
            if filler_bytes is None:
                raise ValueError("a row without any value needs a DOUBLE column to carry its null")
            line = filler_bytes
        out.append(b"%s%s %d\n" % (prefix, line, ts_ms * 1_000_000))
    return b"".join(out)


async def prepare_rows_table(qdb: QuestDB, table: str, info: TableInfo | None, columns: list[IlpColumn]
                             ) -> TableInfo:
    """Create the dataset table when absent (§5.1), else add the new DOUBLE columns and enable dedup; the
    table's metadata afterwards (read again only after a CREATE)."""
    if info is None:
        await create_table(qdb, table, [(c.name, "DOUBLE") for c in columns])
        fresh = await table_info(qdb, table)
        assert fresh is not None
        return fresh
    await enable_dedup(qdb, info)
    added = [(c.name, "DOUBLE") for c in columns if info.find(c.name) is None]
    await add_columns(qdb, info.name, added)
    return dataclasses.replace(info, columns={**info.columns, **dict(added)})


async def write_append(app: web.Application, info: TableInfo, columns: list[IlpColumn],
                       rows: list[tuple[int, tuple[Any, ...]]] | dict[int, tuple[int, dict[str, Any]]]) -> None:
    """ILP over HTTP (one acknowledged transaction), then wait until reads see it. Rows without any value
    need a field: NaN in a DOUBLE column (stored as null), or SQL when the table has no DOUBLE column.
    `rows` are typed_values() tuples, or AppendBatch.rows itself when every column is DOUBLE."""
    filler = null_filler(double_columns(info))
    if filler is None and (bare := stamps_without_value(rows)):
        await insert_timestamps(app[QDB], info, bare)
        bare_set = set(bare)
        rows = ({ts: row for ts, row in rows.items() if ts not in bare_set} if isinstance(rows, dict) else
                [row for row in rows if row[0] not in bare_set])
    if isinstance(rows, dict) and rows:
        await write_ilp_http(app, await asyncio.to_thread(format_double_rows, info.name, columns, rows, filler))
    elif rows:
        await write_ilp_http(app, await asyncio.to_thread(lambda: format_ilp_rows(info.name, columns, rows,
                                                                                   filler).encode()))
    await wait_wal_applied(app[QDB], info.name, app[CONFIG].questdb_timeout_s)


def stamps_without_value(rows: list[tuple[int, tuple[Any, ...]]] | dict[int, tuple[int, dict[str, Any]]]
                         ) -> list[int]:
    """The timestamps of the rows whose every value is null (typed tuples, or AppendBatch.rows)."""
    if isinstance(rows, dict):
        return [ts for ts, (_index, values) in rows.items() if all(v is None for v in values.values())]
    return [ts for ts, values in rows if all(v is None for v in values)]


async def insert_timestamps(qdb: QuestDB, info: TableInfo, stamps: list[int]) -> None:
    """Bars without any value on a table without a DOUBLE column (ILP needs a field): plain SQL INSERTs."""
    ts = quoted(info.designated or "timestamp")
    for start in range(0, len(stamps), 1000):
        values = ", ".join(f"({ms * 1000}::timestamp)" for ms in stamps[start:start + 1000])
        await qdb.exec(f"INSERT INTO {quoted(info.name)} ({ts}) VALUES {values}")


@dataclass(frozen=True)
class RowQuery:
    """Optional read-back filters: the contract's limit/offset (absent or 0 = every row), plus a descending
    order, a [start_ms, end_ms) time window and a column subset."""

    limit: int | None
    offset: int
    desc: bool
    start_ms: int | None
    end_ms: int | None
    columns: tuple[str, ...] | None


def parse_row_query(request: web.Request) -> RowQuery:
    columns = request.query.get("columns")
    return RowQuery(limit=query_int(request, "limit", None) or None, offset=query_int(request, "offset", 0) or 0,
                    desc=query_bool(request, "desc", False), start_ms=query_epoch_ms(request, "start_ms"),
                    end_ms=query_epoch_ms(request, "end_ms"),
                    columns=tuple(c.strip() for c in columns.split(",") if c.strip()) if columns else None)


def query_epoch_ms(request: web.Request, name: str) -> int | None:
    value = query_int(request, name, None)
    if value is not None and value > MAX_EPOCH_MS:
        raise invalid_parameter(name, "is after 2262-04-11, the last time QuestDB can store")
    return value


def query_bool(request: web.Request, name: str, default: bool) -> bool:
    raw = request.query.get(name)
    if raw is None or raw == "":
        return default
    try:
        return _parse_bool(raw)
    except ValueError:
        raise invalid_parameter(name, f"must be true, false, 1 or 0, got {raw!r}") from None


def readable_columns(info: TableInfo | None, kind: str, wanted: tuple[str, ...] | None) -> list[str]:
    """The value columns a read-back returns: numeric, never a timestamp alias (§3.3.4), in table order."""
    if info is None:
        return []
    names = [name for name, qtype in info.columns.items() if qtype in NUMERIC_TYPES
             and name != info.designated and name.lower() not in TIMESTAMP_ALIASES]
    if kind == "ohlcv":
        names = [name for name in names if name in OHLCV_COLUMNS]
    if wanted is not None:
        names = [name for name in names if name in wanted]
    return names


def rows_sql(info: TableInfo, columns: list[str], query: RowQuery) -> str:
    """One SELECT over validated, quoted identifiers: a null cell, epoch ms, the ISO text of §2.4, the value
    columns, and GAP_MARK when a value is null. QuestDB computes the ms, the text and the mark on a core that is
    otherwise idle while this process encodes; the null cell and the mark frame each line for RowEncoder."""
    ts, per_ms = quoted(info.designated or "timestamp"), ticks_per_ms(info)
    iso = (f"CASE WHEN cast({ts} AS LONG) % {per_ms * 1000} < {per_ms} THEN to_str({ts}, 'yyyy-MM-ddTHH:mm:ssZ') "
           f"ELSE to_str({ts}, 'yyyy-MM-ddTHH:mm:ss.SSSZ') END")
    values = [quoted(c) for c in columns]
    gap = " OR ".join(f"{value} IS NULL" for value in values) or "false"
    select = ", ".join(["NULL", f"cast({ts} AS LONG) / {per_ms}", iso, *values,
                        f"CASE WHEN {gap} THEN '{GAP_MARK}' END"])
    where = [f"{ts} >= {query.start_ms * per_ms}" if query.start_ms is not None else "",
             f"{ts} < {query.end_ms * per_ms}" if query.end_ms is not None else ""]
    sql = f"SELECT {select} FROM {quoted(info.name)}"
    if any(where):
        sql += " WHERE " + " AND ".join(w for w in where if w)
    sql += f" ORDER BY {ts}{' DESC' if query.desc else ''}"
    if query.limit or query.offset:
        sql += f" LIMIT {query.offset}, {min(query.offset + (query.limit or INT64[1]), INT64[1])}"
    return sql


GAP_MARK = "g"      # the last CSV cell of a row with a null value: no other cell of rows_sql() holds this letter


class RowEncoder:
    """Turns a block of QuestDB CSV lines of rows_sql() (`,ms,"iso",v1,...,vN,mark`) into row objects of
    §3.3.3/§3.3.4 without parsing a number: numeric CSV cells are already JSON numbers, and QuestDB's quoted ISO
    cell is already a JSON string. The keys are formatted once into a %-template per row. Split at commas, a
    block's line breaks land inside the cell that joins a line's mark to the next line's null cell, which `%.0s`
    drops: a whole block costs one split and one %, all C code. A block holding a mark (a null value) or an
    Infinity or NaN (from a table another program wrote) takes the careful path, line by line; one memchr each
    tells. Every row carries every column, with null for a missing value (§3.3.4)."""

    def __init__(self, columns: list[str]) -> None:
        keys = ["timestamp_ms", "timestamp", *columns]
        self.template = "{" + ",".join(dumps(key).replace("%", "%%") + ":%s" for key in keys) + "}%.0s"
        self.width = len(keys) + 1                  # cells a row takes: the keys' and the mark's

    def encode(self, text: str) -> tuple[str, int]:
        """The rows of text (whole lines, the last without its newline) as comma-separated JSON objects, and
        how many there were."""
        if not text.strip():
            return "", 0
        if GAP_MARK not in text and "I" not in text and "N" not in text:
            rows = text.count("\n") + 1
            with contextlib.suppress(TypeError):    # a blank line, or one of another width: never from QuestDB
                return ",".join([self.template] * rows) % tuple(text.split(",")[1:]), rows
        lines = [line for line in text.splitlines() if line]
        return ",".join([self.template % self.careful_cells(line) for line in lines]), len(lines)

    def careful_cells(self, line: str) -> tuple[str, ...]:
        """A line's cells after the null one, with an empty, NaN or infinite value as null, and missing cells
        as null."""
        cells = (line.split(",") + [""] * self.width)[1:self.width + 1]
        return (*cells[:2], *[finite_cell(cell) or "null" for cell in cells[2:-1]], "")


def finite_cell(cell: str) -> str:
    try:
        return cell if math.isfinite(float(cell)) else ""
    except ValueError:
        return ""


async def relay_csv_lines(upstream: aiohttp.ClientResponse, response: web.StreamResponse,
                          encode: Callable[[str], tuple[str, int]]) -> int:
    """Stream QuestDB's CSV body (header skipped) through encode into a JSON array; returns the row count.
    Whatever arrived is handled as one block of whole lines: one decode, one encode call and one write."""
    count, pending, header_seen, separator = 0, b"", False, ""
    async for chunk in upstream.content.iter_any():
        block, newline, pending = (pending + chunk).rpartition(b"\n")
        if not newline:
            continue
        text = block.decode()
        if not header_seen:
            header_seen, text = True, text.partition("\n")[2]
        rows, n = encode(text)
        if n:
            await response.write((separator + rows).encode())
            separator, count = ",", count + n
    if header_seen and pending.strip():
        rows, n = encode(pending.decode())
        await response.write((separator + rows).encode())
        count += n
    return count


async def stream_json(request: web.Request, head: dict[str, Any], sql: str,
                      encode: Callable[[str], tuple[str, int]]) -> web.StreamResponse:
    """Stream `{...head, "rows": [...], "count": n}` from a QuestDB /exp query, count last (§2.3).
    The upstream status is checked before the headers go out; a failure after that aborts the connection."""
    async with request.app[QDB].export(sql) as upstream:
        response = web.StreamResponse(headers={"Content-Type": "application/json; charset=utf-8"})
        await response.prepare(request)
        try:
            await response.write(dumps(head)[:-1].encode() + b',"rows":[')
            count = await relay_csv_lines(upstream, response, encode)
            await response.write(f'],"count":{count}}}'.encode())
        except Exception as e:
            raise StreamAborted(f"row stream failed after {response.body_length} bytes: {one_line(e)}") from e
    await response.write_eof()
    return response


async def dataset_rows_response(request: web.Request, kind: str) -> web.StreamResponse:
    """GET /api/datasets/{id}/ohlcv and /indicators: every row ascending unless the query narrows it."""
    dataset = await require_dataset(request)
    query = parse_row_query(request)
    table = dataset_table(dataset, kind)
    info = await table_info(request.app[QDB], table)
    columns = readable_columns(info, kind, query.columns)
    head: dict[str, Any] = {"dataset_id": str(dataset["dataset_id"]), "measurement": table}
    if kind == "indicator":
        head["columns"] = columns
    if info is None or info.designated is None:
        return json_response({**head, "rows": [], "count": 0})
    return await stream_json(request, head, rows_sql(info, columns, query), RowEncoder(columns).encode)


async def require_dataset(request: web.Request) -> dict[str, Any]:
    dataset_id = path_id(request)
    dataset = await load_dataset(request.app[PG], dataset_id) if dataset_id else None
    if dataset is None:
        raise ApiError(404, "dataset_not_found", f"Dataset {request.match_info['id']} not found")
    return dataset


async def index_map_response(request: web.Request) -> web.StreamResponse:
    """GET /api/datasets/{id}/index_map (§3.2.6): bar index → timestamp over [start_idx, end_idx)."""
    dataset = await require_dataset(request)
    kind = query_choice(request, "type", ("indicator", "ohlcv"), "indicator")
    start = query_int(request, "start_idx", 0) or 0
    end = query_int(request, "end_idx", None)
    if end is not None and end < start:
        raise invalid_parameter("end_idx", f"must not be below start_idx ({start}), got {end}")
    table = dataset_table(dataset, kind)
    info = await table_info(request.app[QDB], table)
    count = (await table_bounds(request.app[QDB], info))[0]
    end = count if end is None else min(end, count)
    start = min(start, end)
    head = {"dataset_id": str(dataset["dataset_id"]), "measurement": table, "type": kind,
            "start_index": start, "end_index": end}
    if info is None or info.designated is None or start == end:
        return json_response({**head, "count": 0, "rows": []})
    sql = (f"SELECT cast({quoted(info.designated)} AS LONG) / {ticks_per_ms(info)} FROM {quoted(info.name)} "
           f"LIMIT {start}, {end}")
    return await stream_json(request, head, sql, IndexEncoder(start).encode)


class IndexEncoder:
    """index_map rows from blocks of QuestDB CSV lines of epoch ms, numbered on from `start`."""

    def __init__(self, start: int) -> None:
        self.next_index = start

    def encode(self, text: str) -> tuple[str, int]:
        stamps, first = text.split(), self.next_index
        self.next_index += len(stamps)
        return ",".join([f'{{"index":{index},"timestamp_ms":{ms}}}'
                         for index, ms in zip(range(first, self.next_index), stamps)]), len(stamps)


async def dataset_manifest(app: web.Application, dataset: Mapping[str, Any]) -> dict[str, Any]:
    """The manifest of §3.2.5: the stored metadata overlaid with the dataset's current values; actual table
    counts and bounds when QuestDB answers, else the stored ones."""
    ohlcv, indicator = dataset_tables(dataset)
    manifest = as_object(dataset.get("metadata"))
    try:
        stats = await dataset_table_stats(app[QDB], dataset)
    except ApiError:
        stats = {}
    for kind, keys in MANIFEST_STAT_KEYS.items():
        info, (count, first, last) = stats.get(kind) or (None, (0, None, None))
        manifest[keys[0]] = count if info is not None else int_or_zero(manifest.get(keys[0]))
        manifest[keys[1]] = first if first is not None else stored_ms(manifest.get(keys[1]))
        manifest[keys[2]] = last if last is not None else stored_ms(manifest.get(keys[2]))
    manifest.update({
        "version": 1, "dataset_id": str(dataset["dataset_id"]), "dataset_slug": dataset["dataset_slug"],
        "symbol": dataset.get("symbol") or "UNKNOWN", "granularity": dataset.get("granularity") or "unknown",
        "source": dataset.get("source"), "ohlcv_measurement": ohlcv, "indicator_measurement": indicator,
        "lookback_rows": int(dataset.get("lookback_rows") or 0), "exported_at": manifest.get("exported_at"),
        "bar_interval_ms": await bar_interval_ms(app, dataset, (stats.get("ohlcv") or (None,))[0]),
    })
    return manifest


def int_or_zero(value: Any) -> int:
    return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0 else 0


def stored_ms(value: Any) -> int | None:
    """A manifest timestamp as integer ms (normalised); unknown (0, negative, not a number) → None."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        return None
    return normalize_epoch_ms(value)


GRANULARITY_RE = re.compile(r"^(\d+)(ms|s|m|h|d|w)$")
GRANULARITY_MS = {"ms": 1, "s": 1000, "m": 60_000, "h": 3_600_000, "d": 86_400_000, "w": 604_800_000}


async def bar_interval_ms(app: web.Application, dataset: Mapping[str, Any], ohlcv: TableInfo | None) -> int:
    """Stored value, else derived from granularity (<N>ms|s|m|h|d), else the gap of the OHLCV table's first two
    bars, else 0."""
    if int(dataset.get("bar_interval_ms") or 0) > 0:
        return int(dataset["bar_interval_ms"])
    match = GRANULARITY_RE.match((dataset.get("granularity") or "").strip().lower())
    if match:
        return int(match.group(1)) * GRANULARITY_MS[match.group(2)]
    with contextlib.suppress(ApiError):
        if ohlcv is not None and ohlcv.designated:
            rows = await app[QDB].rows(f"SELECT cast({quoted(ohlcv.designated)} AS LONG) AS t "
                                       f"FROM {quoted(ohlcv.name)} LIMIT 2")
            if len(rows) == 2:
                return (rows[1]["t"] - rows[0]["t"]) // ticks_per_ms(ohlcv)
    return 0


# --- CSV imports ---------------------------------------------------------------------------------------------
# POST /api/questdb/import[/async] stores the upload on this node's disk, validates its header and queues a
# questdb_import job. The job reads the file twice: pass 1 decides every column's type and finds every row
# that cannot be written (so on_error=fail writes nothing), pass 2 streams ILP over TCP in batches. Then it
# waits until QuestDB shows exactly the expected rows before it reports COMPLETED.

UPLOAD_SUFFIX = ".upload"
UPLOAD_SWEEP_EVERY_S = 300.0    # orphan uploads are looked for at start-up and then this often
MAX_REPORTED_ERRORS = 10        # rejected rows listed in a job's result (all are counted)
IMPORT_PIECE_BYTES = 16 << 20   # pass 1 cuts a plain file of at least two such pieces for the worker processes
IMPORT_SLICE_ROWS = 1000        # rows handled at once, so their cells stay in the CPU cache (10,000 would not)
IMPORT_SEND_BUFFER = 4 << 20    # the worker's ILP socket send buffer: about two batches
LINE_RE = re.compile(r"[^\r\n]*(?:\r\n?|\n)|[^\r\n]+\Z")      # a line and its end, as text files split them
CLOSE_COMMIT_SETTLE_S = 3.0     # no commit seen after the ILP close: wait this long for a late one
NUMERIC_TEXT = str.maketrans("", "", "0123456789.-+eE")   # what remains of a plain decimal literal: nothing
# An exponent of three digits may leave the double range (1e400 overflows, 1e-400 underflows): QuestDB rejects
# such a literal, and a rejected line costs the whole ILP connection. Only such text needs float() per cell.
# Two patterns, each starting with a literal: re then skips ahead with a fast scan, where a leading [eE] class
# makes it try every position (0.85 s against 0.1 s over the benchmark's 118 MB).
OUT_OF_DOUBLE_RANGE = (re.compile(r"e[+-]?[0-9]{3}"), re.compile(r"E[+-]?[0-9]{3}"))
BOOL_TEXT = {"true": True, "false": False}


def out_of_double_range(text: str) -> bool:
    """Whether the text holds a three-digit exponent (which float() may overflow or underflow)."""
    return any(letter in text and pattern.search(text)
               for letter, pattern in zip("eE", OUT_OF_DOUBLE_RANGE))
IMPORT_SCALAR_TYPES = {**ILP_KINDS, "SYMBOL": "symbol"}
INFERABLE_KINDS = ("long", "double", "boolean")       # a new column's candidates, the first that fits wins
INFERRED_TYPES = {"long": "LONG", "double": "DOUBLE", "boolean": "BOOLEAN", "string": "STRING"}   # §3.7.5


@dataclass
class ImportRequest:
    """The parameters of an import, from a JSON body, the query string (raw CSV) or multipart fields."""

    measurement: str
    filename: str | None
    required_columns: list[str]
    on_error: str
    dedup_keys: list[str]
    source: str


def import_params(get: Callable[[str], Any], get_list: Callable[[str], list[str] | None], source: str,
                  error: Callable[[str, str], ApiError]) -> ImportRequest:
    """Validate import parameters; error(name, message) builds invalid_field or invalid_parameter."""
    measurement = get("measurement")
    if (measurement is None or measurement == "") and source == "csv":
        raise error("measurement", "is required")
    if measurement is None or measurement == "":
        raise missing_fields(["measurement"], "measurement is required")
    if not isinstance(measurement, str):
        raise error("measurement", "must be a string")
    if not MEASUREMENT_RE.match(measurement):
        if source == "csv":
            raise error("measurement", f"{measurement!r} is not a valid QuestDB table name")
        valid_measurement(measurement)
    filename, on_error = get("filename"), get("on_error") or "fail"
    if filename is not None and not isinstance(filename, str):
        raise error("filename", "must be a string")
    if on_error not in ("fail", "skip"):
        raise error("on_error", f"must be fail or skip, got {on_error!r}")
    return ImportRequest(measurement=measurement, filename=filename or None,
                         required_columns=get_list("required_columns") or [], on_error=on_error,
                         dedup_keys=get_list("dedup_keys") or [], source=source)


def comma_list(values: list[str]) -> list[str]:
    return [item.strip() for value in values for item in value.split(",") if item.strip()]


async def receive_import(request: web.Request) -> tuple[ImportRequest, Path]:
    """Parse parameters and store the CSV in the upload folder (streamed; never whole in memory)."""
    config = request.app[CONFIG]
    with contextlib.suppress(Exception):        # start the worker processes while the upload arrives
        for worker in import_workers():
            worker.submit(int)
    config.upload_dir.mkdir(parents=True, exist_ok=True)
    path = config.upload_dir / f"{uuid.uuid4()}{UPLOAD_SUFFIX}"
    try:
        if request.content_type in JSON_TYPES:
            spec = await receive_json_import(request, path)
        elif request.content_type == "text/csv":
            spec = import_params(request.query.get, lambda k: comma_list(request.query.getall(k, [])), "csv",
                                 invalid_parameter)
            await save_stream(request.content.iter_chunked(1 << 16), path, config.max_upload_bytes)
        elif request.content_type == "multipart/form-data":
            spec = await receive_multipart_import(request, path, config.max_upload_bytes)
        else:
            raise ApiError(415, "unsupported_media_type", f"Content-Type {request.content_type} is not "
                           "supported; send application/json, text/csv or multipart/form-data")
        check_csv_header(path, spec)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return spec, path


async def receive_json_import(request: web.Request, path: Path) -> ImportRequest:
    body = await read_json_object(request)
    spec = import_params(body.get, lambda key: get_string_array(body, key, key), "json", invalid_field)
    data = body.get("data")
    if data is None:
        raise missing_fields(["data"], "data (the CSV text) is required")
    if not isinstance(data, str):
        raise invalid_field("data", f"must be a string, got {json_type(data)}")
    path.write_text(data, encoding="utf-8")
    return spec


async def receive_multipart_import(request: web.Request, path: Path, limit: int) -> ImportRequest:
    fields: dict[str, list[str]] = collections.defaultdict(list)
    file_name, have_file = None, False
    reader = await request.multipart()
    while (part := await reader.next()) is not None:
        if part.name == "file":
            file_name, have_file = part.filename, True
            await save_stream(part_chunks(part), path, limit)
        elif part.name:
            fields[part.name].append(await part.text())
    spec = import_params(lambda k: fields[k][0] if fields.get(k) else None,
                         lambda k: comma_list(fields.get(k, [])), "multipart", invalid_field)
    if not have_file:
        raise missing_fields(["file"], "a multipart part named file is required")
    spec.filename = spec.filename or file_name
    return spec


async def part_chunks(part: Any) -> AsyncIterator[bytes]:
    while chunk := await part.read_chunk(1 << 16):
        yield chunk


async def save_stream(chunks: AsyncIterator[bytes], path: Path, limit: int) -> None:
    """Copy an upload to path chunk by chunk, answering 413 as soon as it passes the upload limit."""
    size = 0
    with path.open("wb") as out:
        async for chunk in chunks:
            size += len(chunk)
            if size > limit:
                raise ApiError(413, "payload_too_large", f"Upload larger than {limit // (1024 * 1024)} MiB")
            out.write(chunk)


def open_csv(path: Path) -> Any:
    """A text stream over a stored upload: gzip by magic bytes, UTF-8 with the BOM stripped."""
    with path.open("rb") as probe:
        gzipped = probe.read(2) == b"\x1f\x8b"
    opener = gzip.open if gzipped else open
    return opener(path, "rt", encoding="utf-8-sig", newline="")


def check_csv_header(path: Path, spec: ImportRequest) -> None:
    """400 before anything is queued: no data, bad or duplicate header names, missing required columns, no value
    column."""
    try:
        with open_csv(path) as text:
            reader = csv.reader(text)
            header = next(reader, None)
            first_row = next(reader, None)
    except (UnicodeDecodeError, csv.Error, OSError, EOFError) as e:
        raise bad_request("invalid_csv", f"CSV cannot be read: {one_line(e)}") from None
    if not header or not any(h.strip() for h in header):
        raise bad_request("invalid_csv", "CSV is empty; a header line is expected")
    if first_row is None:
        raise bad_request("invalid_csv", "CSV has a header but no data rows")
    duplicates = sorted({h for h in header if header.count(h) > 1})
    if duplicates:
        raise bad_request("invalid_csv", f"CSV header repeats columns: {', '.join(duplicates)}")
    for name in header:
        if (problem := column_name_problem(name)) and name not in TIMESTAMP_ALIASES:
            raise ApiError(400, "invalid_column", f"CSV column {name!r} {problem}")
    missing = [] if any(a in header for a in TIMESTAMP_ALIASES) else ["timestamp_unix"]
    missing += [c for c in spec.required_columns + spec.dedup_keys if c not in header and c not in missing]
    if missing:
        extra = {} if missing[0] != "timestamp_unix" else {"timestamp_columns": list(TIMESTAMP_ALIASES)}
        raise bad_request("missing_columns", f"CSV is missing required columns: {', '.join(missing)}",
                          missing_fields=missing, **extra)
    if all(name in TIMESTAMP_ALIASES for name in header):      # ILP cannot write a line without a field
        raise bad_request("invalid_csv", "CSV has no value columns besides the timestamp")


async def enqueue_import(app: web.Application, spec: ImportRequest, path: Path) -> dict[str, Any]:
    payload = {**dataclasses.asdict(spec), "size_bytes": path.stat().st_size, "upload_path": str(path)}
    try:
        return await enqueue_job(app, "questdb_import", payload)
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def remove_orphan_uploads(upload_dir: Path, live: set[str], finished: set[str], min_age_s: float = 60.0) -> int:
    """Delete uploads whose job is final (e.g. cancelled before it ran) and old ones no unfinished job
    refers to (left by a crash); a young unknown file may be an upload still in flight."""
    removed = 0
    for path in upload_dir.glob(f"*{UPLOAD_SUFFIX}") if upload_dir.is_dir() else []:
        with contextlib.suppress(OSError):
            if str(path) in live:
                continue
            if str(path) in finished or time.time() - path.stat().st_mtime > min_age_s:
                path.unlink()
                removed += 1
    return removed


@dataclass
class ColumnPlan:
    """How one CSV column is written: its stored name, ILP kind and QuestDB type, decided before sending."""

    name: str
    index: int                      # position in the CSV row
    kind: str = "double"            # long | double | boolean | string | symbol
    qtype: str = "DOUBLE"
    new: bool = True                # absent from the table: created with qtype
    raw_ok: bool = True             # double: every cell is a plain decimal literal, sent verbatim
    maybe: set[str] = field(default_factory=lambda: set(INFERABLE_KINDS))   # inference state

    @property
    def prefix(self) -> str:
        return ilp_name(self.name) + "="


@dataclass
class ImportPlan:
    """What pass 1 learned: column types, row counts, rejected rows and the keys sent (for verification)."""

    header: list[str]
    ts_index: int
    columns: list[ColumnPlan]
    dedup_keys: list[str]
    rows_total: int = 0
    rows_rejected: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)     # (line, what is wrong), the first few
    keys: Any = None                # array('q') of µs, or a set of tuples when dedup_keys are given
    min_us: int | None = None
    max_us: int | None = None
    valueless: list[tuple[int, Any]] = field(default_factory=list)  # (line, key) of good rows without a value
    filler: str | None = None       # `name=NaN` that writes a row without a value (a DOUBLE stores NaN as null)

    def reject(self, line: int, message: str) -> None:
        self.rows_rejected += 1
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append((line, message))

    def error_texts(self) -> list[str]:
        return [f"line {line}: {message}" for line, message in self.errors]

    def add_keys(self, keys: Iterable[Any], lo_us: int | None, hi_us: int | None) -> None:
        """Remember rows to verify by their keys (row_keys()), and widen the file's time range to cover
        [lo_us, hi_us] (None: no row)."""
        (self.keys.update if isinstance(self.keys, set) else self.keys.extend)(keys)
        if lo_us is not None:
            self.min_us = lo_us if self.min_us is None else min(self.min_us, lo_us)
            self.max_us = hi_us if self.max_us is None else max(self.max_us, hi_us)


@dataclass
class CsvBatch:
    """Up to IMPORT_SLICE_ROWS data rows. A plain slice (no quote, NUL, bare CR or blank line) keeps its text, which
    pass 1 checks without splitting it; cols, lines and ragged are filled by batch_cells() when a pass needs cells."""

    width: int                      # fields in the header
    rows: int                       # data rows, ragged ones included
    first_line: int = 0             # plain: the line number before its first row
    text: str = ""                  # plain: the rows, each ending in "\n"
    cols: list[list[str]] | None = None     # cells of the rows with `width` fields, column-wise
    lines: range | list[int] = range(0)     # their line numbers
    ragged: dict[int, str] = field(default_factory=dict)
    full: bool = False                      # known to have no empty cell


@dataclass(frozen=True)
class FilePiece:
    """Bytes start..end of an upload, cut at newlines; its lines are numbered from 1 (merge_scan adds the rest)."""
    start: int
    end: int
    width: int                      # fields in the header
    lines: int                      # newlines in it


def file_pieces(path: Path, piece_bytes: int, width: int) -> list[FilePiece]:
    """The data rows of an uncompressed file cut at the first newline after every piece_bytes (a seek and a
    readline each). [] for a small or gzip file, and for one whose rows may span lines (a quote, or a bare CR
    that csv.reader takes for a line end), where a cut may fall inside a row."""
    size = path.stat().st_size
    if size < 2 * piece_bytes:
        return []
    with path.open("rb") as file:
        if file.read(2) == b"\x1f\x8b":
            return []
        file.seek(0)
        header = file.readline()
        if header.count(b"\r") != header.count(b"\r\n"):      # csv.reader ends the header at a bare CR
            return []
        cuts = [len(header)]
        while cuts[-1] + piece_bytes < size:
            file.seek(cuts[-1] + piece_bytes - 1)   # from the byte before: a cut right at a line start stays
            file.readline()
            cuts.append(file.tell())
        cuts[-1] = size
        file.seek(cuts[0])
        pieces = []
        for start, end in zip(cuts, cuts[1:]):
            if (lines := whole_rows_lines(file, end - start)) is None:
                return []
            pieces.append(FilePiece(start=start, end=end, width=width, lines=lines))
    return [piece for piece in pieces if piece.end > piece.start]


def whole_rows_lines(file: Any, size: int) -> int | None:
    """The newlines in the next `size` bytes of the file, read a block at a time; None when a line there may not
    be a whole row (a quote, a bare CR)."""
    lines = 0
    while size > 0:
        block = file.read(min(size, 1 << 20))
        if block.endswith(b"\r") and size > len(block):    # a CRLF stays in one block
            block += file.read(1)
        size -= len(block)
        if b'"' in block or (b"\r" in block and block.count(b"\r") != block.count(b"\r\n")):
            return None
        lines += block.count(b"\n")
    return lines


class FileRange(io.RawIOBase):
    """A piece of a file as a stream of its own."""

    def __init__(self, path: Path, piece: FilePiece) -> None:
        self.file = path.open("rb", buffering=0)
        self.file.seek(piece.start)
        self.left = piece.end - piece.start

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        read = self.file.readinto(memoryview(buffer)[:self.left])
        self.left -= read
        return read

    def close(self) -> None:
        self.file.close()
        super().close()


def csv_batches(path: Path, size: int, piece: FilePiece | None = None) -> Iterator[CsvBatch]:
    """The data rows (of the file, or of one piece) in slices of about `size` lines (more when a quoted field
    spans lines); blank lines are skipped. The first slice is read line by line; while slices are plain, the next
    ones are read as blocks of text of the same length (cheaper than lines), and from the first block that is
    not, line by line again."""
    text_stream = open_csv(path) if piece is None else io.TextIOWrapper(
        io.BufferedReader(FileRange(path, piece)), encoding="utf-8", newline="")
    with text_stream as text:
        if piece is None:
            head = csv.reader(text)
            header = next(head, None)
            if not header:
                return
            width, line = len(header), head.line_num
        else:
            width, line = piece.width, 0
        lines, chars = iter(text), 0
        while True:
            if chars > 0:
                if not (block := text.read(chars)):
                    return
                block += text.readline() if block[-1] != "\n" else ""      # whole lines only
                if (batch := plain_batch(block, width, line)) is not None:
                    line += batch.rows
                    yield batch
                    continue
                chars, lines = -1, itertools.chain(LINE_RE.findall(block), text)
            if not (chunk := list(itertools.islice(lines, size))):
                return
            if (batch := plain_batch("".join(chunk), width, line)) is None:
                batch, used = quoted_batch(chunk, lines, width, line)
                chars, line = -1, line + used
            else:
                chars, line = chars or len(batch.text), line + len(chunk)
            yield batch


def plain_batch(text: str, width: int, line: int) -> CsvBatch | None:
    """Lines that csv.reader would read as one row each (no quotes, NULs, bare CRs or blank lines), kept as
    text; None sends them through csv.reader."""
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    if '"' in text or "\r" in text or "\x00" in text or text[0] == "\n" or "\n\n" in text:
        return None
    text = text if text[-1] == "\n" else text + "\n"
    return CsvBatch(width=width, rows=text.count("\n"), first_line=line, text=text)


def quoted_batch(chunk: list[str], text: Any, width: int, line: int) -> tuple[CsvBatch, int]:
    """csv.reader over the chunk's lines (and on into the file to end a quoted field): the batch and the
    number of lines it used."""
    reader = csv.reader(itertools.chain(chunk, text))
    rows: list[list[str]] = []
    lines: list[int] = []
    ragged: dict[int, str] = {}
    count = 0
    while reader.line_num < len(chunk) and (row := next(reader, None)) is not None:
        if not row:
            continue
        count += 1
        if len(row) == width:
            rows.append(row)
            lines.append(line + reader.line_num)
        else:
            ragged[line + reader.line_num] = f"expected {width} fields, got {len(row)}"
    cols = [list(col) for col in zip(*rows)] if rows else [[] for _ in range(width)]
    return CsvBatch(width=width, rows=count, cols=cols, lines=lines, ragged=ragged), reader.line_num


def batch_cells(batch: CsvBatch) -> CsvBatch:
    """Fill in a plain slice's columns: split at commas (in C) when every line has `width` fields and none is
    longer than csv.reader allows, else through csv.reader (ragged rows, or its field size error)."""
    if batch.cols is not None:
        return batch
    records = batch.text[:-1].split("\n")
    counts = list(map(str.count, records, itertools.repeat(",", len(records))))
    limit = csv.field_size_limit()
    if counts.count(batch.width - 1) == len(records) and (len(batch.text) <= limit or
                                                          max(map(len, records)) <= limit):
        cells = ",".join(records).split(",")
        batch.cols, batch.full = [cells[i::batch.width] for i in range(batch.width)], "" not in cells
        batch.lines = range(batch.first_line + 1, batch.first_line + 1 + len(records))
    else:
        parsed, _ = quoted_batch(records, iter(()), batch.width, batch.first_line)
        batch.cols, batch.lines, batch.ragged = parsed.cols, parsed.lines, parsed.ragged
    return batch


def _token_class_table() -> bytes:
    table = bytearray(b"x" * 256)
    for chars, cls in ((b"0123456789", b"d"), (b"+-", b"s"), (b".", b"."), (b"eE", b"e"), (b",", b","),
                       (b"\n", b";")):
        for char in chars:
            table[char] = cls[0]
    return bytes(table)


TOKEN_CLASS_TABLE = _token_class_table()
DIGIT_TABLE = bytes(int(48 <= byte <= 57) for byte in range(256))
# 200 digits in a row, in DIGIT_TABLE's translation. Beside a two-digit exponent (three digits take the careful
# path, out_of_double_range), a run of 210 digits already leaves the double range: 10**209 * 10**99 < 1.8e308.
LONG_DIGIT_RUN = b"\x01" * 200


def token_classes(text: str, width: int, rows: int) -> list[bytes] | None:
    """One class byte per cell of a plain slice, column by column, without splitting it into cells: `i` a cell
    int() accepts, `m`/`f` one only float() accepts (plain decimal digits, sign, point, exponent: sent verbatim),
    `_` empty. None when a cell is anything else, holds LONG_DIGIT_RUN, or a row does not have `width` fields.
    Each digit run becomes one D, then the float grammar s? (D | D. | D.D | .D) (e s? D)? folds each valid cell
    into one byte (test_import_token_classes_match_float_and_int checks this against float() and int())."""
    raw = b"," + text.encode()
    digit_bytes = raw.translate(DIGIT_TABLE)                        # 1 per digit byte
    if LONG_DIGIT_RUN in digit_bytes:          # a number that may leave the double range: float() must tell
        return None
    digits = int.from_bytes(digit_bytes, "big")                       # the same, as one big integer
    starts = digits & ~(digits >> 8)        # digits whose left neighbour is not one: d (100) becomes D (68)
    s = int.from_bytes(raw.translate(TOKEN_CLASS_TABLE), "big") - (starts << 5)
    s = s.to_bytes(len(raw), "big").translate(None, b"d")
    exponents = b"e" in s
    if exponents:
        s = s.replace(b"esD", b"E").replace(b"eD", b"E")
    s = s.replace(b"D.D", b"m").replace(b"D.", b"m").replace(b".D", b"m")
    if exponents:
        s = s.replace(b"mE", b"f").replace(b"DE", b"f")
    s = s.replace(b"D", b"i")
    for _ in range(2 if b",," in s or b",;" in s or b";," in s else 0):    # twice: neighbours share a comma
        s = s.replace(b",,", b",_,").replace(b",;", b",_;").replace(b";,", b";_,")
    s = s.replace(b",s", b",").replace(b";s", b";")     # a leading sign; a lone one leaves a cell of length 0
    if len(s) != 2 * width * rows + 1 or s[2 * width::2 * width] != b";" * rows:
        return None
    return [s[1 + 2 * j::2 * width] for j in range(width)]


@functools.lru_cache(maxsize=16)
def column_pattern(index: int) -> re.Pattern[str]:
    return re.compile("\n" + "[^,\n]*," * index + "([^,\n]*)")


def scan_plain(plan: ImportPlan, batch: CsvBatch) -> bool:
    """Pass 1 over a plain slice of numbers from its token classes alone: integer timestamps, and cells every
    column takes as they are (new columns are only narrowed). False leaves the slice to the cell-by-cell path:
    other cells, integers a LONG candidate or a stored integer column must range-check, dedup keys, or a
    timestamp out of range."""
    if plan.dedup_keys or out_of_double_range(batch.text):
        return False
    if (classes := token_classes(batch.text, batch.width, batch.rows)) is None:
        return False
    if classes[plan.ts_index].translate(None, b"i"):
        return False
    narrowed = []
    for column in plan.columns:
        cells = classes[column.index]
        seen, ints = cells.count(b"_") < len(cells), not cells.translate(None, b"i_")
        if cells.translate(None, b"imf_"):
            return False
        if column.new:
            if seen and ints and "long" in column.maybe:
                return False
            narrowed.append((column, seen, ints))
        elif column.kind != "double":        # a stored integer column checks each value against its range
            return False
    if has_valueless_row([classes[column.index] for column in plan.columns]):
        return False                        # settle_valueless() needs its line and key
    limit = csv.field_size_limit()
    if len(batch.text) > limit and max(map(len, batch.text.split("\n"))) > limit:
        return False                        # csv.reader's field size error comes from the cell-by-cell path
    stamps = timestamps_us(column_pattern(plan.ts_index).findall("\n" + batch.text[:-1]))
    if None in stamps:
        return False
    for column, seen, ints in narrowed:
        if seen:
            column.maybe.discard("boolean")
        if not ints:
            column.maybe.discard("long")
    remember_keys(plan, [], stamps, set())
    return True


def plan_import(header: list[str], info: TableInfo | None, dedup_keys: list[str]) -> ImportPlan:
    """Column plans from the header and, for a table that exists, its stored names and types."""
    ts_name = next(a for a in TIMESTAMP_ALIASES if a in header)
    plans = []
    for index, name in enumerate(header):
        if name in TIMESTAMP_ALIASES:
            continue
        stored = info.find(name) if info else None
        if stored is None:
            plans.append(ColumnPlan(name=name, index=index))
            continue
        if stored == info.designated:
            continue
        kind = IMPORT_SCALAR_TYPES.get(info.columns[stored])
        if kind is None:
            raise ImportFailed(f"column {stored} of {info.name} has type {info.columns[stored]}, "
                               "which CSV imports cannot write")
        plans.append(ColumnPlan(name=stored, index=index, kind=kind, qtype=info.columns[stored], new=False,
                                maybe=set()))
    keys: Any = set() if dedup_keys else array.array("q")
    return ImportPlan(header=header, ts_index=header.index(ts_name), columns=plans, dedup_keys=dedup_keys,
                      keys=keys)


class ImportFailed(Exception):
    """The import cannot succeed; the message is the job's error."""


def timestamps_us(cells: list[str]) -> list[int | None]:
    """The designated time of each cell in µs: epochs normalised (N) to ms, ISO text to µs; None = invalid."""
    try:
        values = list(map(int, cells))
    except ValueError:
        return [cell_timestamp_us(c) for c in cells]
    if values and 1e11 <= min(values) and max(values) <= MAX_EPOCH_MS:
        return list(map((1000).__mul__, values))            # all epoch ms: the usual file, in C
    if values and 0 <= min(values) and max(values) < 1e11:
        return list(map((1_000_000).__mul__, values))       # all epoch seconds
    return [epoch_us(v) for v in values]


def epoch_us(value: float) -> int | None:
    if value < 0:
        return None
    ms = normalize_epoch_ms(value) if value > 0 else 0
    return ms * 1000 if ms <= MAX_EPOCH_MS else None


def cell_timestamp_us(cell: str) -> int | None:
    text = cell.strip()
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        moment = parse_iso(text)
        if moment is None:
            return None
        us = (moment - EPOCH) // timedelta(microseconds=1)
        return us if 0 <= us <= MAX_EPOCH_MS * 1000 else None
    return epoch_us(number) if math.isfinite(number) else None


def infer_column(plan: ColumnPlan, cells: list[str]) -> None:
    """Narrow a new column's candidate types with one batch of its cells (empty cells say nothing)."""
    values = [c for c in cells if c] if "" in cells else cells
    if not values:
        return
    if "long" in plan.maybe:
        try:
            ints = list(map(int, values))
            if min(ints) < INTEGER_RANGES["LONG"][0] or max(ints) > INTEGER_RANGES["LONG"][1]:
                plan.maybe.discard("long")
        except ValueError:
            plan.maybe.discard("long")
    if "double" in plan.maybe:
        try:
            plan.raw_ok = plan.raw_ok and verbatim_doubles(values)
        except ValueError:
            plan.maybe.discard("double")
    if "boolean" in plan.maybe and not {v.lower() for v in values} <= BOOL_TEXT.keys():
        plan.maybe.discard("boolean")


def verbatim_doubles(values: list[str]) -> bool:
    """Whether float cells can go to ILP as they are: plain decimal literals safely inside the double range.
    ValueError when one is not a number at all."""
    numbers = list(map(float, values))         # every cell first: all() below stops at the first inf
    finite = all(map(math.isfinite, numbers))                   # a 309-digit integer overflows too
    return finite and not "".join(values).translate(NUMERIC_TEXT) and not out_of_double_range(",".join(values))


def settle_types(plan: ImportPlan) -> None:
    """After pass 1: all integers → LONG, all numeric → DOUBLE, all true/false → BOOLEAN, else STRING. A column
    without any value (every value rules a candidate out) is DOUBLE, which can carry a value-less row's null."""
    for column in plan.columns:
        if column.new:
            fits = [kind for kind in INFERABLE_KINDS if kind in column.maybe]
            column.kind = "double" if len(fits) == len(INFERABLE_KINDS) else next(iter(fits), "string")
            column.qtype = INFERRED_TYPES[column.kind]


def convert_cells(column: ColumnPlan, cells: list[str]) -> tuple[list[str | None], set[int]]:
    """ILP field text (`name=value`, or a tag value) for each cell; None for null; plus the bad cell indices."""
    prefix, bad, formatter = column.prefix, set(), cell_formatter(column)
    if column.kind == "double" and column.raw_ok:
        return [prefix + c if c else None for c in cells], bad
    if column.kind == "long" and all(cells):
        with contextlib.suppress(ValueError):
            return [f"{prefix}{value}i" for value in checked_ints(column, cells)], bad
    out: list[str | None] = []
    for index, cell in enumerate(cells):
        if not cell:
            out.append(None)
            continue
        try:
            out.append(formatter(prefix, cell))
        except ValueError:
            out.append(None)
            bad.add(index)
    return out, bad


def _double_cell(prefix: str, cell: str) -> str | None:
    value = float(cell)
    return prefix + repr(value) if math.isfinite(value) else None


BOOL_CELLS = {"true": "t", "false": "f", "t": "t", "f": "f", "1": "t", "0": "f"}


def _bool_cell(prefix: str, cell: str) -> str:
    value = BOOL_CELLS.get(cell.strip().lower())
    if value is None:
        raise ValueError(cell)
    return prefix + value


def _symbol_cell(prefix: str, cell: str) -> str:
    if "\n" in cell or "\r" in cell:
        raise ValueError(cell)
    return prefix + cell.translate(ILP_TAG_ESCAPES)


ILP_TAG_ESCAPES = str.maketrans({"\\": "\\\\", " ": "\\ ", ",": "\\,", "=": "\\="})
CELL_FORMATTERS: dict[str, Callable[[str, str], str | None]] = {     # "long": cell_formatter()
    "double": _double_cell,
    "boolean": _bool_cell,
    "string": lambda prefix, cell: prefix + '"' + cell.translate(ILP_STRING_ESCAPES) + '"',
    "symbol": _symbol_cell,
}


# Integer column types and what ILP may write to them: the least value of LONG and INT is QuestDB's null.
INTEGER_RANGES = {"LONG": (INT64[0] + 1, INT64[1]), "INT": (INT32[0] + 1, INT32[1]),
                  "SHORT": (-(2**15), 2**15 - 1), "BYTE": (-128, 127)}


def checked_ints(column: ColumnPlan, cells: Iterable[str]) -> list[int]:
    """The cells as integers of the column's type; ValueError when one is not an integer or out of its range
    (QuestDB rejects such a line, and a rejected line costs the whole ILP connection)."""
    values = list(map(int, cells))
    low, high = INTEGER_RANGES[column.qtype]
    if values and (min(values) < low or max(values) > high):
        raise ValueError(f"outside {column.qtype}")
    return values


def cell_formatter(column: ColumnPlan) -> Callable[[str, str], str | None]:
    """ILP text of one non-empty cell of the column; ValueError for a cell it cannot take."""
    if column.kind == "long":
        return lambda prefix, cell: f"{prefix}{checked_ints(column, [cell])[0]}i"
    return CELL_FORMATTERS[column.kind]


def scan_column(column: ColumnPlan, cells: list[str]) -> set[int]:
    """Pass 1 for one column of a batch: narrow a new column's type, or find the cells an existing column
    cannot take (their rows are rejected)."""
    if column.new:
        infer_column(column, cells)
        return set()
    if column.kind == "double":
        values = [c for c in cells if c] if "" in cells else cells
        try:
            column.raw_ok = column.raw_ok and verbatim_doubles(values)
        except ValueError:
            column.raw_ok = False
        else:
            return set()
    formatter, bad = cell_formatter(column), set()
    for index, cell in enumerate(cells):
        if cell:
            try:
                formatter("", cell)
            except ValueError:
                bad.add(index)
    return bad


def scan_batch(plan: ImportPlan, batch: CsvBatch) -> None:
    """Pass 1 over one batch: count rows, reject the bad ones, infer types, remember the keys to verify."""
    plan.rows_total += batch.rows
    if batch.text and scan_plain(plan, batch):
        return
    batch = batch_cells(batch)
    cols, lines, rejects = batch.cols, batch.lines, dict(batch.ragged)
    bad: set[int] = set()
    if lines:
        stamps = timestamps_us(cols[plan.ts_index])
        for i, us in enumerate(stamps) if None in stamps else ():
            if us is None:
                bad.add(i)
                rejects[lines[i]] = (f"timestamp {cols[plan.ts_index][i]!r} is empty, unparsable or outside "
                                     "1970-2262")
        for column in plan.columns:
            for i in scan_column(column, cols[column.index]) - bad:
                bad.add(i)
                rejects[lines[i]] = f"{column.name}: {cols[column.index][i]!r} is not a valid {column.qtype}"
        valueless = valueless_rows(plan, cols) - bad
        order = sorted(valueless)
        plan.valueless += zip([lines[i] for i in order], row_keys(plan, cols, stamps, order))
        remember_keys(plan, cols, stamps, bad | valueless)
    for line in sorted(rejects):
        plan.reject(line, rejects[line])


def field_columns(plan: ImportPlan) -> list[ColumnPlan]:
    """The columns that become ILP fields (a SYMBOL column is a tag, and a line needs at least one field)."""
    return [column for column in plan.columns if column.kind != "symbol"]


def valueless_rows(plan: ImportPlan, cols: list[list[str]]) -> set[int]:
    """The rows of a batch whose every field cell is empty."""
    fields = [cols[column.index] for column in field_columns(plan)]
    rows = {i for i, cell in enumerate(fields[0]) if not cell} if fields else set(range(len(cols[0])))
    for cells in fields[1:]:
        if not rows:
            break
        rows = {i for i in rows if not cells[i]}
    return rows


EMPTY_CELL_TABLE = bytes(int(byte == b"_"[0]) for byte in range(256))


def has_valueless_row(classes: list[bytes]) -> bool:
    """Whether a row of token_classes() is empty in every column: an AND of the columns' empty-cell bits."""
    if not classes or not all(b"_" in cells for cells in classes):
        return bool(not classes)
    empty = functools.reduce(int.__and__, (int.from_bytes(c.translate(EMPTY_CELL_TABLE), "big") for c in classes))
    return empty != 0


def row_keys(plan: ImportPlan, cols: list[list[str]], stamps: list[int | None], rows: Iterable[int]) -> list[Any]:
    """What verification counts each of the rows by: its µs, with the values of the dedup keys if any."""
    if not plan.dedup_keys:
        return [stamps[i] for i in rows]
    key_cols = [cols[plan.header.index(k)] for k in plan.dedup_keys]
    return [(stamps[i], *(key_value(c[i]) for c in key_cols)) for i in rows]


def remember_keys(plan: ImportPlan, cols: list[list[str]], stamps: list[int | None], bad: set[int]) -> None:
    good = [us for i, us in enumerate(stamps) if i not in bad] if bad else stamps
    keys = row_keys(plan, cols, stamps, [i for i in range(len(stamps)) if i not in bad]) if plan.dedup_keys else good
    plan.add_keys(keys, min(good, default=None), max(good, default=None))


def settle_valueless(plan: ImportPlan, info: TableInfo | None) -> None:
    """After pass 1: rows without any value are written with NaN in a DOUBLE column of the file or the table,
    which stores null; without one ILP cannot write them, and they are rejected rows. Their keys were held
    back until now."""
    plan.filler = null_filler([c.name for c in plan.columns if c.kind == "double"] + double_columns(info))
    rows, plan.valueless = plan.valueless, []
    if plan.filler is None:
        message = "the row has no value, and the table has no DOUBLE column to write it with null"
        plan.rows_rejected += len(rows)
        plan.errors = sorted(plan.errors + [(line, message) for line, _ in rows[:MAX_REPORTED_ERRORS]]
                             )[:MAX_REPORTED_ERRORS]
        return
    stamps = [key if isinstance(key, int) else key[0] for _, key in rows]
    plan.add_keys([key for _, key in rows], min(stamps, default=None), max(stamps, default=None))


def key_value(cell: str) -> Any:
    """A dedup key cell compared by value (1 == 1.0), whatever text QuestDB or the file uses."""
    try:
        return float(cell) if cell else None
    except ValueError:
        return cell


def ilp_batch(plan: ImportPlan, table: str, batch: CsvBatch) -> tuple[bytes, int]:
    """Pass 2 over one batch: ILP text of its good rows (the same rows pass 1 accepted) and their number."""
    batch = batch_cells(batch)
    cols, lines = batch.cols, batch.lines
    if not lines:
        return b"", 0
    if (plain := plain_fields(plan, cols, batch)) is not None and plain_ms(cells := cols[plan.ts_index]):
        return ilp_plain_lines(ilp_name(table), plain, cells, "000000\n").encode(), len(cells)
    stamps = timestamps_us(cols[plan.ts_index])
    if plain is not None and None not in stamps:
        ns = list(map(str, map((1000).__mul__, stamps)))
        return ilp_plain_lines(ilp_name(table), plain, ns, "\n").encode(), len(ns)
    bad = {i for i, us in enumerate(stamps) if us is None}
    tags, fields = [], []
    for column in plan.columns:
        out, wrong = convert_cells(column, cols[column.index])
        bad |= wrong
        (tags if column.kind == "symbol" else fields).append(out)
    field_text = list(map(",".join, map(functools.partial(filter, None), zip(*fields)))) if fields else None
    tag_text = ["".join("," + t for t in row if t) for row in zip(*tags)] if tags else None
    head, out = ilp_name(table), []
    for i, us in enumerate(stamps):
        text = (field_text[i] if field_text else "") or plan.filler
        if i in bad or text is None:        # without a filler, a row without a value was rejected in pass 1
            continue
        out.append(f"{head}{tag_text[i] if tag_text else ''} {text} {us * 1000}\n")
    return "".join(out).encode(), len(out)


def plain_fields(plan: ImportPlan, cols: list[list[str]], batch: CsvBatch
                 ) -> list[tuple[str, list[str], str]] | None:
    """(`name=`, values, suffix) of every column when the whole batch can be written as is: no empty cell, no
    tag, only raw DOUBLE text and LONGs; None leaves the batch to the cell-by-cell path of ilp_batch."""
    out = []
    for column in plan.columns:
        cells = cols[column.index]
        if not batch.full and "" in cells:
            return None
        if column.kind == "double" and column.raw_ok:
            out.append((column.prefix, cells, ""))
        elif column.kind == "long":
            try:
                out.append((column.prefix, list(map(str, checked_ints(column, cells))), "i"))
            except ValueError:
                return None
        else:
            return None
    return out or None


def plain_ms(cells: list[str]) -> bool:
    """Every cell is a canonical 13-digit epoch in ms (2001 to 2262): its ns text is the cell and six zeros."""
    return (bool(cells) and set(map(len, cells)) == {13} and (text := "".join(cells)).isascii() and text.isdigit()
            and min(cells) >= "1000000000000" and max(cells) <= str(MAX_EPOCH_MS))


def ilp_plain_lines(head: str, fields: list[tuple[str, list[str], str]], ns: list[str], tail: str) -> str:
    """`head name=value,... <ns><tail>` for every row, interleaved column by column with list slices (in C)."""
    n, step = len(ns), 2 * len(fields) + 3
    parts: list[str] = [""] * (n * step)
    separator = head + " "
    for j, (prefix, values, suffix) in enumerate(fields):
        parts[2 * j::step] = [separator + prefix] * n
        parts[2 * j + 1::step] = values
        separator = suffix + ","
    parts[step - 3::step] = [separator[:-1] + " "] * n
    parts[step - 2::step] = ns
    parts[step - 1::step] = [tail] * n
    return "".join(parts)


def distinct_keys(keys: Any) -> int:
    """Distinct keys sent: cheap for the usual time-ordered file, a set otherwise."""
    if isinstance(keys, set):
        return len(keys)
    if all(a < b for a, b in zip(keys, itertools.islice(keys, 1, None))):
        return len(keys)
    return len(set(keys))


async def run_import_job(ctx: JobContext) -> dict[str, Any]:
    """The questdb_import job (§3.7.5). The upload is deleted once the job reaches a final state; a job
    released at shutdown or re-claimed elsewhere keeps it for the next attempt."""
    path = Path(ctx.job.payload["upload_path"])
    try:
        return await import_file(ctx, path)
    finally:
        if not ctx.shutting_down and not ctx.lease_lost:
            path.unlink(missing_ok=True)


async def import_file(ctx: JobContext, path: Path) -> dict[str, Any]:
    payload, qdb, started = ctx.job.payload, ctx.app[QDB], time.monotonic()
    measurement = payload["measurement"]
    if not path.exists():
        raise ImportFailed(f"the uploaded file is gone ({path.name}); upload it again")
    async with table_write_lock(ctx.app, measurement, waiting=ctx.checkpoint):
        return await import_locked(ctx, path, measurement, started)


async def import_locked(ctx: JobContext, path: Path, measurement: str, started: float) -> dict[str, Any]:
    """The import proper, run while this job is the table's only writer (its counts must be exact)."""
    payload, qdb = ctx.job.payload, ctx.app[QDB]
    info = await table_info(qdb, measurement)
    header = await asyncio.to_thread(read_header, path)
    plan = plan_import(header, info, list(payload.get("dedup_keys") or []))
    result = ctx.partial_result = import_result(plan, measurement, started)
    await scan_file(ctx, plan, path)
    settle_valueless(plan, info)
    result.update(import_result(plan, measurement, started))
    if plan.rows_rejected and payload.get("on_error", "fail") == "fail":
        raise ImportFailed(f"{plan.rows_rejected} of {plan.rows_total} rows cannot be imported, nothing was "
                           f"written ({'; '.join(plan.error_texts()[:3])}); fix them or import with on_error=skip")
    info = await prepare_import_table(qdb, measurement, plan, info)
    before = await rows_in_range(qdb, info, plan) if plan.min_us is not None else 0
    distinct = await asyncio.to_thread(distinct_keys, plan.keys) if info.dedup else None
    stored = await stored_keys(qdb, info, plan) if info.dedup and before else 0   # their rows replace stored ones
    result["rows_written"], committed_txn = await send_file(ctx, plan, path, info)
    visible = result["rows_written"] if distinct is None else distinct
    await ctx.checkpoint(message="verifying rows in QuestDB", force=True)
    # The count proves every row that adds one; a row that replaces a stored row, or an earlier row of the file
    # with the same key, leaves it unchanged and also needs the close's commit (see verify_import).
    replaces = stored > 0 or visible < result["rows_written"]
    await verify_import(ctx.app, info, plan, before + visible - stored, before, committed_txn if replaces else None)
    result["rows_verified"] = visible
    await refresh_datasets_using(ctx.app, info)
    return finish_result(result, started)


def read_header(path: Path) -> list[str]:
    with open_csv(path) as text:
        return next(csv.reader(text))


async def scan_file(ctx: JobContext, plan: ImportPlan, path: Path) -> None:
    """Pass 1: in pieces on every worker process when the file can be cut, else a batch at a time in the first;
    with cancel checkpoints in between."""
    pieces = await asyncio.to_thread(file_pieces, path, IMPORT_PIECE_BYTES, len(plan.header))
    if len(import_workers()) > 1 and len(pieces) > 1:
        await scan_pieces(ctx, plan, path, pieces)
    else:
        await scan_batches(ctx, plan, path)
    settle_types(plan)
    await ctx.checkpoint(progress=0, total=plan.rows_total, message="checked", force=True)


async def scan_batches(ctx: JobContext, plan: ImportPlan, path: Path) -> None:
    steps = ImportWorkerSteps(scan_steps, plan, path, ctx.app[CONFIG].import_batch_rows)
    try:
        while isinstance(step := await steps.next(), tuple):
            ctx.partial_result.update(rows_total=step[0], rows_rejected=step[1])
            await ctx.checkpoint(progress=0, total=step[0], message=f"checking rows ({step[0]})")
    finally:
        await steps.close()
    plan.__dict__.update(step.__dict__)             # what the worker learned, into the job's own plan


async def scan_pieces(ctx: JobContext, plan: ImportPlan, path: Path, pieces: list[FilePiece]) -> None:
    """Pass 1 of the pieces on all worker processes at once, merged into plan in file order. A worker takes the
    next piece only when it is done with one, so a cancel leaves at most one piece running in each."""
    loop = asyncio.get_running_loop()
    scanned = [loop.create_future() for _ in pieces]
    unclaimed = iter(range(len(pieces)))                    # shared by the workers' loops

    async def scan_next_pieces(worker: Any) -> None:
        for index in unclaimed:
            try:
                scanned[index].set_result(await loop.run_in_executor(worker, scan_piece, plan, path, pieces[index]))
            except BrokenProcessPool as e:
                scanned[index].set_exception(replace_import_worker(worker, e))
                return
            except Exception as e:
                scanned[index].set_exception(e)
                return

    scanners = [asyncio.create_task(scan_next_pieces(worker)) for worker in import_workers()]
    merged, lines = copy.deepcopy(plan), 1                  # line 1: the header
    try:
        for piece, result in zip(pieces, scanned):
            await asyncio.to_thread(merge_scan, merged, await result, lines)   # a set of dedup keys may be large
            lines += piece.lines
            ctx.partial_result.update(rows_total=merged.rows_total, rows_rejected=merged.rows_rejected)
            await ctx.checkpoint(progress=0, total=merged.rows_total, message=f"checking rows ({merged.rows_total})")
        plan.__dict__.update(merged.__dict__)
    finally:
        for scanner in scanners:
            scanner.cancel()
        await asyncio.gather(*scanners, return_exceptions=True)
        for result in scanned:                              # failures nobody awaited: retrieved, not logged
            if result.done() and not result.cancelled():
                result.exception()


def scan_piece(plan: ImportPlan, path: Path, piece: FilePiece) -> ImportPlan:
    """In a worker: pass 1 over one piece of the file from plan's starting state."""
    with contextlib.closing(csv_batches(path, IMPORT_SLICE_ROWS, piece)) as slices:
        for batch in slices:
            scan_batch(plan, batch)
    return plan


def merge_scan(plan: ImportPlan, piece: ImportPlan, lines_before: int) -> None:
    """Add what pass 1 learned from the next piece of the file (its lines numbered from 0): the same as if it
    had read on."""
    plan.rows_total += piece.rows_total
    plan.rows_rejected += piece.rows_rejected
    errors = [(line + lines_before, message) for line, message in piece.errors]
    plan.errors = (plan.errors + errors)[:MAX_REPORTED_ERRORS]
    plan.add_keys(piece.keys, piece.min_us, piece.max_us)
    plan.valueless += [(line + lines_before, key) for line, key in piece.valueless]
    for column, seen in zip(plan.columns, piece.columns):
        column.maybe &= seen.maybe
        column.raw_ok = column.raw_ok and seen.raw_ok


def scan_steps(plan: ImportPlan, path: Path, size: int) -> Iterator[tuple[int, int] | ImportPlan]:
    """Pass 1 as steps: (rows, rejected rows so far) after each batch of `size` lines, then the plan itself."""
    with contextlib.closing(csv_batches(path, min(size, IMPORT_SLICE_ROWS))) as slices:
        while scan_next(plan, slices, size):
            yield plan.rows_total, plan.rows_rejected
    yield plan


def scan_next(plan: ImportPlan, slices: Iterator[CsvBatch], size: int) -> bool:
    """Read and check the next batch of `size` lines, a slice at a time; False at the end of the file."""
    read = 0
    while read < size and (batch := next(slices, None)) is not None:
        scan_batch(plan, batch)
        read += batch.rows or 1
    return read > 0


def ilp_chunks(plan: ImportPlan, table: str, path: Path, size: int) -> Iterator[tuple[bytes, int]]:
    """Pass 2's (ILP bytes, rows) per batch of `size` lines, formatted a slice at a time."""
    with contextlib.closing(csv_batches(path, min(size, IMPORT_SLICE_ROWS))) as slices:
        parts, rows, read = [], 0, 0
        for batch in slices:
            data, count = ilp_batch(plan, table, batch)
            parts.append(data)
            rows, read = rows + count, read + (batch.rows or 1)
            if read >= size:
                yield b"".join(parts), rows
                parts, rows, read = [], 0, 0
        if parts:
            yield b"".join(parts), rows


# The import worker processes. Reading, checking, formatting and sending a large CSV holds a GIL for seconds; in
# this process that GIL is the event loop's, and every request would wait for it (bench/bench_import.py: with the
# import in a thread, /api/health took p50 25 ms, p99 110 ms; in the worker, 10 ms and 86 ms; idle, 7 and 15).
# Spawned children of each server process (IMPORT_WORKER_PROCESSES, each its own one-process pool) do this work:
# the first runs the passes' generators, a step per call, for all imports; pass 1 of a large plain file is cut
# into pieces that all of them check at once (scan_pieces), while QuestDB, idle until pass 2, leaves the cores.

IMPORT_WORKER_PROCESSES = 2
_WORKER_STEPS: dict[str, Iterator[Any]] = {}      # in a worker process: the open generators by key
_WORKER_POOLS: Any = None                         # one-process ProcessPoolExecutors; False: none here, threads


def import_workers() -> list[Any]:
    """The import worker pools (started on first use, and again after one broke; an upload starts them early, so
    they are ready when its job runs), or [] where no process can be started: the steps then run in threads."""
    global _WORKER_POOLS
    if _WORKER_POOLS is False:
        return []
    try:
        import multiprocessing
        context = multiprocessing.get_context("spawn")
        _WORKER_POOLS = _WORKER_POOLS or [None] * IMPORT_WORKER_PROCESSES
        for index, pool in enumerate(_WORKER_POOLS):
            if pool is None:
                _WORKER_POOLS[index] = concurrent.futures.ProcessPoolExecutor(
                    1, mp_context=context, initializer=watch_server, initargs=(os.getpid(),))
    except (OSError, ImportError) as e:               # e.g. no POSIX semaphores in a container
        log.warning("import worker process unavailable, imports run in threads: %s", one_line(e))
        _WORKER_POOLS = False
        return []
    return list(_WORKER_POOLS)


def import_worker() -> Any:
    """The worker that runs generators (ImportWorkerSteps), or None: threads."""
    return next(iter(import_workers()), None)


def watch_server(server_pid: int) -> None:
    """In the worker: yield the CPU to the server's event loop (nice), and exit once the server process is gone
    (killed, it could not stop the worker itself)."""
    with contextlib.suppress(OSError):
        os.nice(5)
    def watch() -> None:
        while os.getppid() == server_pid:
            time.sleep(1)
        os._exit(0)
    import threading
    threading.Thread(target=watch, name="server-watch", daemon=True).start()


def import_worker_step(key: str, factory: Callable[..., Iterator[Any]] | None, args: tuple[Any, ...]) -> Any:
    """In the worker: the next item of generator `key` (made by factory(*args) on the first call); None at
    its end or on an error, after which it is gone."""
    if factory is not None:
        _WORKER_STEPS[key] = factory(*args)
    try:
        item = next(_WORKER_STEPS[key], None)
    except BaseException:
        _WORKER_STEPS.pop(key, None)
        raise
    if item is None:
        _WORKER_STEPS.pop(key, None)
    return item


def import_worker_close(key: str) -> None:
    if (steps := _WORKER_STEPS.pop(key, None)) is not None:
        steps.close()


class ImportWorkerSteps:
    """A generator of import work that runs in the first import worker process, a step per next()."""

    def __init__(self, factory: Callable[..., Iterator[Any]], *args: Any) -> None:
        self.key, self.start = uuid.uuid4().hex, (factory, args)

    async def next(self) -> Any:
        factory, args = self.start or (None, ())
        self.start = None
        step = functools.partial(import_worker_step, self.key, factory, args)
        worker = import_worker()
        try:
            return await asyncio.get_running_loop().run_in_executor(worker, step)
        except BrokenProcessPool as e:
            raise replace_import_worker(worker, e) from e

    async def close(self) -> None:
        if self.start is None:
            with contextlib.suppress(Exception):
                await asyncio.get_running_loop().run_in_executor(import_worker(), import_worker_close, self.key)


def replace_import_worker(pool: Any, error: BaseException) -> ImportFailed:
    """Drop a worker whose process died (the next use starts another; the others keep their generators), and
    the error its job fails with."""
    if _WORKER_POOLS and pool in _WORKER_POOLS:
        _WORKER_POOLS[_WORKER_POOLS.index(pool)] = None
    pool.shutdown(wait=False, cancel_futures=True)
    return ImportFailed(f"an import worker process stopped: {one_line(error)}")


def import_result(plan: ImportPlan, measurement: str, started: float) -> dict[str, Any]:
    return {"measurement": measurement, "rows_total": plan.rows_total, "rows_written": 0, "rows_verified": 0,
            "rows_rejected": plan.rows_rejected, "errors": plan.error_texts(),
            "columns": [{"name": c.name, "type": c.qtype} for c in plan.columns],
            "duration_ms": round((time.monotonic() - started) * 1000), "rows_per_s": 0}


def finish_result(result: dict[str, Any], started: float) -> dict[str, Any]:
    elapsed = time.monotonic() - started
    return {**result, "duration_ms": round(elapsed * 1000),
            "rows_per_s": round(result["rows_written"] / elapsed) if elapsed > 0 else 0}


async def prepare_import_table(qdb: QuestDB, name: str, plan: ImportPlan, info: TableInfo | None) -> TableInfo:
    """Create the table (WAL, partitioned, DEDUP on time plus dedup_keys) or add new columns and dedup."""
    if info is None:
        await create_table(qdb, name, [(c.name, c.qtype if c.kind != "symbol" else "SYMBOL") for c in plan.columns],
                           dedup_keys=tuple(plan.dedup_keys))
    else:
        await add_columns(qdb, info.name, [(c.name, c.qtype) for c in plan.columns if c.new])
        await enable_dedup(qdb, info, tuple(plan.dedup_keys))
    fresh = await table_info(qdb, name)
    if fresh is None or fresh.designated is None:
        raise ImportFailed(f"QuestDB table {name} has no designated timestamp; imports need one")
    return fresh


async def rows_in_range(qdb: QuestDB, info: TableInfo, plan: ImportPlan) -> int:
    rows = await qdb.rows(f"SELECT count() AS n FROM {quoted(info.name)} WHERE {file_time_range(info, plan)}")
    return int(rows[0]["n"])


def file_time_range(info: TableInfo, plan: ImportPlan) -> str:
    """The file's [min_us, max_us] as a condition on the designated column, in its unit (µs or ns)."""
    ts, per_us = quoted(info.designated or "timestamp"), ticks_per_ms(info) // 1000
    return f"{ts} >= {plan.min_us * per_us} AND {ts} <= {plan.max_us * per_us + per_us - 1}"


async def stored_keys(qdb: QuestDB, info: TableInfo, plan: ImportPlan) -> int:
    """How many of the file's distinct keys a DEDUP table already holds: their rows replace stored rows. The
    stored keys stream in blocks, each matched in a thread (a re-import may meet millions)."""
    ts, per_us = quoted(info.designated or "timestamp"), ticks_per_ms(info) // 1000
    wanted = plan.keys if isinstance(plan.keys, set) else await asyncio.to_thread(set, plan.keys)
    select = ", ".join([f"cast({ts} AS LONG) / {per_us}", *(quoted(info.find(k) or k) for k in plan.dedup_keys)])
    sql = f"SELECT {select} FROM {quoted(info.name)} WHERE {file_time_range(info, plan)}"
    if per_us > 1:                                  # a stored ns time off a whole µs is no key of the file
        sql += f" AND cast({ts} AS LONG) % {per_us} = 0"
    stored, pending = 0, b""
    async with qdb.export(sql) as upstream:
        async for chunk in upstream.content.iter_chunked(1 << 20):
            block, _, pending = (pending + chunk).rpartition(b"\n")
            stored += await asyncio.to_thread(count_stored, block, wanted, bool(plan.dedup_keys))
    return stored + count_stored(pending, wanted, bool(plan.dedup_keys))


def count_stored(block: bytes, wanted: set[Any], keyed: bool) -> int:
    """How many keys of an /exp block (CSV lines; the header's is skipped) are in wanted."""
    lines = [line for line in block.decode().splitlines() if line and line[0] != '"']   # the header is quoted
    if not keyed:
        return sum(int(line) in wanted for line in lines)
    return sum((int(cells[0]), *map(key_value, cells[1:])) in wanted for cells in csv.reader(lines))


async def send_file(ctx: JobContext, plan: ImportPlan, path: Path, info: TableInfo) -> tuple[int, int | None]:
    """Pass 2: stream ILP over TCP. A dropped connection is retried from the start of the file (TCP confirms
    nothing, and DEDUP makes the resent rows harmless); without DEDUP that would duplicate, so it fails."""
    last_error = ""
    for attempt in range(1, 4):
        try:
            return await send_batches(ctx, plan, path, info)
        except IlpConnectionLost as e:
            last_error = str(e)
            if not info.dedup:
                raise ImportFailed(f"{e}; {info.name} has no DEDUP, so the import is not resent") from e
            log.warning("import connection lost job_id=%s attempt=%d error=%s; resending",
                        ctx.job.job_id, attempt, e)
            await asyncio.sleep(0.5 * attempt)
    raise ImportFailed(f"QuestDB ILP connection failed 3 times: {last_error}")


async def send_batches(ctx: JobContext, plan: ImportPlan, path: Path, info: TableInfo) -> tuple[int, int | None]:
    """Rows sent, and the sequencerTxn the table reaches once the close has committed what it left pending.
    The first worker process formats and sends (ilp_send_steps); here each batch is a progress and cancel point.
    One connection: on two cores, two formatting processes and QuestDB's two readers took longer (4.4-4.8 s
    against 3.0-4.1 s for the benchmark file), so pass 2 stays with one worker while QuestDB has the other core."""
    config, total, sent = ctx.app[CONFIG], plan.rows_total, 0
    steps = ImportWorkerSteps(ilp_send_steps, dataclasses.replace(plan, keys=None), info.name, path,
                              config.import_batch_rows, config.questdb_ilp_host, config.questdb_ilp_port,
                              config.questdb_timeout_s)
    try:
        while (step := await steps.next()) is not None and step[0] == "batch":
            sent += step[1]
            ctx.partial_result["rows_written"] = sent
            await ctx.checkpoint(progress=sent, message=f"importing {sent}/{total} rows")
        state = await wal_state(ctx.app[QDB], info.name) if info.wal else None
        await steps.next()                    # closes the connection: QuestDB commits what is pending
    finally:
        await steps.close()                   # cancelled: what was handed over is still flushed (§3.7.4)
    return sent, state["sequencerTxn"] + 1 if state else None


def ilp_send_steps(plan: ImportPlan, table: str, path: Path, size: int, host: str, port: int,
                   timeout_s: float) -> Iterator[tuple[str, int]]:
    """Pass 2 in the import worker: each batch is formatted while a thread sends the one before. Yields
    ("batch", rows) per batch, ("sent", 0) once all is written, then ("closed", 0). QuestDB never writes on
    this port, so EOF from it means it dropped us (usually after rejecting a line): IlpConnectionLost, as for
    any send error; leaving early (cancel) still flushes what was handed over."""
    try:
        sock = socket.create_connection((host, port), timeout_s)
    except OSError as e:
        raise IlpConnectionLost(f"cannot connect to QuestDB ILP {host}:{port}: {one_line(e)}") from e
    with contextlib.closing(sock), concurrent.futures.ThreadPoolExecutor(1) as sender:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, IMPORT_SEND_BUFFER)
        pending = None
        for data, count in ilp_chunks(plan, table, path, size):
            if pending is not None:
                pending.result()
            ilp_check_open(sock)
            pending = sender.submit(ilp_sendall, sock, data)
            yield "batch", count
        if pending is not None:
            pending.result()
        ilp_check_open(sock)
        yield "sent", 0
        try:
            sock.shutdown(socket.SHUT_WR)
        except OSError as e:
            raise IlpConnectionLost(f"ILP close failed: {one_line(e)}") from e
        yield "closed", 0


def ilp_sendall(sock: socket.socket, data: bytes) -> None:
    try:
        sock.sendall(data)
    except OSError as e:
        raise IlpConnectionLost(f"ILP send failed: {one_line(e)}") from e


def ilp_check_open(sock: socket.socket) -> None:
    """IlpConnectionLost if QuestDB has closed the connection (read EOF); only while no send is in flight."""
    timeout = sock.gettimeout()
    sock.settimeout(0)
    try:
        closed = sock.recv(1, socket.MSG_PEEK) == b""
    except BlockingIOError:
        closed = False
    except OSError:
        closed = True
    finally:
        sock.settimeout(timeout)
    if closed:
        raise IlpConnectionLost("QuestDB closed the ILP connection (a line was rejected or it restarted)")


async def verify_import(app: web.Application, info: TableInfo, plan: ImportPlan, expected: int, before: int,
                        committed_txn: int | None) -> None:
    """Wait until QuestDB shows exactly the expected rows in the imported range and has applied every commit,
    for as long as it makes progress (a slow QuestDB may still be reading what the socket buffers hold): FAILED
    once nothing changes for STAGE1_QUESTDB_TIMEOUT_S. The count alone is not enough when rows replace others: a
    re-import of changed values into a DEDUP table keeps the count, so then (committed_txn given: the
    sequencerTxn before the ILP close plus one) the commit the close makes must show too."""
    if plan.min_us is None:
        return
    qdb, started, timeout_s = app[QDB], time.monotonic(), app[CONFIG].questdb_timeout_s
    deadline, seen = started + timeout_s, None
    while True:
        state = await wal_state(qdb, info.name) if info.wal else None
        applied = state is None or state["writerTxn"] >= state["sequencerTxn"]
        committed = state is None or committed_txn is None or state["sequencerTxn"] >= committed_txn \
            or time.monotonic() - started > CLOSE_COMMIT_SETTLE_S    # nothing was pending at close
        count = await rows_in_range(qdb, info, plan) if applied and committed else None   # else not final yet
        if count == expected:
            return
        if (state, count) != seen:                                  # progress: wait on
            deadline, seen = time.monotonic() + timeout_s, (state, count)
        elif time.monotonic() > deadline:
            count = await rows_in_range(qdb, info, plan) if count is None else count
            raise ImportFailed(f"QuestDB shows {count} rows in the imported time range, expected {expected} "
                               f"({before} before the import); the import could not be verified")
        await asyncio.sleep(0.05)


async def refresh_datasets_using(app: web.Application, info: TableInfo) -> None:
    """An import into a dataset's table refreshes that dataset's statistics and manifest keys (§3.7.5)."""
    for row in await app[PG].fetchall(SQL_DATASET_TABLES):
        if any(name.lower() == info.name.lower() for name in dataset_tables(row)):
            await refresh_dataset_stats(app, row, written=info.name, known=info)


async def wait_for_final(app: web.Application, job_id: str, timeout_s: float) -> dict[str, Any]:
    """The job once final, or as it is when timeout_s runs out (the synchronous import's wait)."""
    deadline = time.monotonic() + timeout_s
    while True:
        job = await get_job(app[PG], job_id)
        if job["status"] in FINAL_STATUSES or time.monotonic() >= deadline:
            return job
        await asyncio.sleep(min(0.05, max(deadline - time.monotonic(), 0)))


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
    return {"noop": JobType(run_noop_job),
            "questdb_import": JobType(run_import_job, local_files=True)}   # its upload is on this node


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


@dataclass(frozen=True)
class PreparedSql:
    """A hot worker statement, planned once per connection (PREPARE) and then run with EXECUTE: for the claim,
    planning cost as much as executing it."""

    name: str
    prepare: str
    execute: str

    @classmethod
    def of(cls, name: str, sql: str) -> PreparedSql:
        """Number the %(name)s parameters of sql as $1, $2, ... (types are inferred from the statement)."""
        names: list[str] = []

        def number(match: re.Match[str]) -> str:
            if match.group(1) not in names:
                names.append(match.group(1))
            return f"${names.index(match.group(1)) + 1}"
        body = re.sub(r"%\((\w+)\)s", number, sql)
        return cls(name, f"PREPARE {name} AS {body}", f"EXECUTE {name} ({', '.join(f'%({n})s' for n in names)})")


PREPARED_CLAIM_JOB = PreparedSql.of("stage1_claim_job", SQL_CLAIM_JOB)
PREPARED_FINISH_JOB = PreparedSql.of("stage1_finish_job", SQL_FINISH_JOB)
PREPARED_FINISH_AND_CLAIM_JOB = PreparedSql.of("stage1_finish_and_claim_job", SQL_FINISH_AND_CLAIM_JOB)


async def fetch_prepared(pg: Postgres, statement: PreparedSql, params: Mapping[str, Any]) -> dict[str, Any] | None:
    """Run a prepared statement on a pooled connection, preparing it there on first use (no bookkeeping: a
    recycled connection simply prepares again)."""
    async with pg.cursor() as cur:
        return await execute_prepared(cur, statement, params)


async def execute_prepared(cur: aiopg.Cursor, statement: PreparedSql,
                           params: Mapping[str, Any]) -> dict[str, Any] | None:
    try:
        await cur.execute(statement.execute, params)
    except psycopg2.errors.InvalidSqlStatementName:         # "prepared statement ... does not exist"
        await cur.execute(statement.prepare)
        await cur.execute(statement.execute, params)
    return await cur.fetchone()


class WorkerSlot:
    """One worker slot of this process: the worker_id its claims record, and its own PostgreSQL connection for
    claims and final writes. Outside the pool, API traffic that exhausts the pool cannot stall claiming, and a
    job costs no pool checkout (about a fifth of the worker's CPU for a no-op job). Connects on first use, and
    again after a connection error."""

    def __init__(self, config: Config, worker_id: str) -> None:
        self.config, self.worker_id = config, worker_id
        self.conn: aiopg.Connection | None = None
        self.cur: aiopg.Cursor | None = None

    async def fetch(self, statement: PreparedSql, params: Mapping[str, Any]) -> dict[str, Any] | None:
        """Run a prepared statement; a lost or refused connection becomes 503 postgres_unavailable. After any
        database error the connection is replaced, so nothing odd it was left in survives."""
        try:
            return await execute_prepared(await self._cursor(), statement, params)
        except (psycopg2.Error, *PG_DOWN_ERRORS) as e:
            self.close()
            if isinstance(e, PG_DOWN_ERRORS):
                raise postgres_unavailable(one_line(e)) from e
            raise

    async def _cursor(self) -> aiopg.Cursor:
        if self.cur is None or self.conn is None or self.conn.closed:   # aiopg closes a connection on cancel
            self.close()
            self.conn = await aiopg.connect(self.config.pg_dsn, timeout=self.config.questdb_timeout_s)
            cur = await self.conn.cursor(cursor_factory=psycopg2.extras.RealDictCursor)
            await cur.execute(f"SET statement_timeout = {int(self.config.questdb_timeout_s * 1000)}; "
                              "SET application_name = 'stage1_worker'")
            for statement in (PREPARED_CLAIM_JOB, PREPARED_FINISH_JOB, PREPARED_FINISH_AND_CLAIM_JOB):
                await cur.execute(statement.prepare)
            self.cur = cur
        return self.cur

    def close(self) -> None:
        if self.conn is not None and not self.conn.closed:
            self.conn.close()
        self.conn = self.cur = None


async def run_prepared(app: web.Application, statement: PreparedSql, params: Mapping[str, Any],
                       slot: WorkerSlot | None) -> dict[str, Any] | None:
    """On the slot's own connection when there is one (the worker loop), else on the pool (tests, shutdown)."""
    if slot is not None:
        return await slot.fetch(statement, params)
    return await fetch_prepared(app[PG], statement, params)


async def claim_job(app: web.Application, worker_id: str, slot: WorkerSlot | None = None) -> ClaimedJob | None:
    return claimed_job(await run_prepared(app, PREPARED_CLAIM_JOB, claim_params(app, worker_id), slot))


def claim_params(app: web.Application, worker_id: str) -> dict[str, Any]:
    return {"worker_id": worker_id, "node_id": app[CONFIG].node_id}


def claimed_job(row: Mapping[str, Any] | None) -> ClaimedJob | None:
    if row is None or row["job_id"] is None:
        return None
    return ClaimedJob(job_id=str(row["job_id"]), job_type=row["job_type"], payload=row["payload"] or {},
                      attempts=row["attempts"], token=str(row["lease_token"]))


async def worker_step(app: web.Application, worker_id: str, slot: WorkerSlot | None = None) -> bool:
    """Claim one job and drive it to a final state. False when there was nothing to claim. Given the worker
    loop's slot, it works over the slot's connection, and each final write also claims the next job (one
    commit per job instead of two), until the queue is empty or shutdown begins."""
    job = await claim_job(app, worker_id, slot)
    if job is None:
        return False
    while job is not None:
        job = await run_job(app, job, worker_id, slot)
    return True


async def run_job(app: web.Application, job: ClaimedJob, worker_id: str,
                  slot: WorkerSlot | None = None) -> ClaimedJob | None:
    """Run a claimed job's handler while renewing its lease, then write its outcome under the lease guard.
    Given a slot, that write also claims the slot's next job, which is returned."""
    ws, ctx = app[WORKERS], JobContext(app, job)
    log.info("job claimed job_id=%s type=%s attempt=%d status=RUNNING worker=%s",
             job.job_id, job.job_type, job.attempts, worker_id)
    kind = app[JOB_TYPES].get(job.job_type)
    if kind is None:
        return await finish_job(ctx, "FAILED", error="unsupported job type", started=time.monotonic(), slot=slot)
    started = time.monotonic()
    ws.running[job.job_id] = ctx
    ctx.task = asyncio.create_task(kind.handler(ctx))
    try:
        await wait_renewing_lease(ctx)
    finally:
        ws.running.pop(job.job_id, None)
    return await record_outcome(ctx, started, slot)


async def record_outcome(ctx: JobContext, started: float, slot: WorkerSlot | None = None) -> ClaimedJob | None:
    """Write the outcome of a finished handler task; returns the slot's next job when one was claimed."""
    task, job = ctx.task, ctx.job
    assert task is not None
    if ctx.lease_lost:                           # beat() sets it before it raises LeaseLost
        log.warning("job lease lost job_id=%s type=%s attempt=%d: another claim owns it; result dropped",
                    job.job_id, job.job_type, job.attempts)
        return None
    if task.cancelled() and ctx.shutting_down:   # interrupted by shutdown: the next process runs it
        await release_job(ctx)
        return None
    finish = functools.partial(finish_job, ctx, started=started, slot=slot)
    if task.cancelled():                         # by the handler itself: released, it would loop
        return await finish("FAILED", error="the job's task was cancelled outside shutdown",
                            result=ctx.partial_result)
    if isinstance(task.exception(), JobCancelled):
        return await finish("CANCELLED", result=ctx.partial_result, message="cancelled")
    if task.exception() is not None:
        error = task.exception()
        log.error("job error job_id=%s type=%s attempt=%d", job.job_id, job.job_type, job.attempts,
                  exc_info=(type(error), error, error.__traceback__))
        return await finish("FAILED", error=job_error_text(error), result=ctx.partial_result)
    return await finish("COMPLETED", result=task.result(), message="completed")


def job_error_text(error: BaseException) -> str:
    if isinstance(error, ApiError):
        return error.message
    return one_line(error) if str(error) else f"{type(error).__name__} (no message)"


async def wait_renewing_lease(ctx: JobContext) -> None:
    """Wait for the handler task, renewing its lease every job_stale_s/3 meanwhile. The beats run here, outside
    the handler's task, so a handler that never checkpoints still keeps its lease."""
    assert ctx.task is not None
    interval = ctx.app[CONFIG].job_stale_s / 3
    while not (await asyncio.wait({ctx.task}, timeout=interval))[0]:
        asked_before = ctx.cancel_requested
        try:
            await ctx.beat()
        except LeaseLost:
            ctx.task.cancel()
            await asyncio.wait({ctx.task})
            return
        except Exception as e:                     # database blip: the next beat retries
            log.warning("job heartbeat failed job_id=%s error=%s", ctx.job.job_id, one_line(e))
        if ctx.cancel_requested and not asked_before:
            log.info("job cancel requested job_id=%s type=%s", ctx.job.job_id, ctx.job.job_type)


async def finish_job(ctx: JobContext, status: str, *, result: dict[str, Any] | None = None,
                     error: str | None = None, message: str | None = None, started: float,
                     slot: WorkerSlot | None = None) -> ClaimedJob | None:
    """Write the final state, retrying through a database outage; fenced by the lease token. Given a slot, the
    write goes over the slot's connection and, unless shutdown has begun, the same statement claims the slot's
    next job, which is returned."""
    job = ctx.job
    try:
        result_json = dumps(result or {})
    except (TypeError, ValueError) as e:           # a result the database cannot store fails the job instead
        status, error, message, result_json = "FAILED", f"job result is not JSON: {one_line(e)}", None, "{}"
    params = {"job_id": job.job_id, "token": job.token, "status": status, "result": result_json,
              "error": error, "message": message or (f"failed: {error}" if error else status.lower()),
              "progress": ctx.progress, "total": ctx.total}
    if slot is None or ctx.app[WORKERS].stopping.is_set():
        row = await write_with_retry(lambda: run_prepared(ctx.app, PREPARED_FINISH_JOB, params, slot))
        written, next_job = row is not None, None
    else:
        params.update(claim_params(ctx.app, slot.worker_id))
        row = await write_with_retry(lambda: run_prepared(ctx.app, PREPARED_FINISH_AND_CLAIM_JOB, params, slot))
        written, next_job = bool(row and row["finished"]), claimed_job(row)
    duration_ms = round((time.monotonic() - started) * 1000)
    if written:
        log.info("job finished job_id=%s type=%s attempt=%d status=%s duration_ms=%d%s", job.job_id,
                 job.job_type, job.attempts, status, duration_ms, f" error={error}" if error else "")
    else:
        log.warning("job lease lost job_id=%s type=%s attempt=%d: %s not written", job.job_id, job.job_type,
                    job.attempts, status)
    return next_job


async def release_job(ctx: JobContext) -> None:
    """Shutdown: put an unfinished job back to PENDING so another worker (or this one, later) runs it; one
    whose cancel was requested ends CANCELLED instead."""
    params = {"job_id": ctx.job.job_id, "token": ctx.job.token, "result": pg_json(ctx.partial_result)}
    row = await write_with_retry(lambda: ctx.pg.fetchone(SQL_RELEASE_JOB, params))
    log.info("job released job_id=%s type=%s attempt=%d status=%s", ctx.job.job_id, ctx.job.job_type,
             ctx.job.attempts, row["status"] if row else "unchanged (lease lost)")


WRITE_RETRY_BUDGET_S = 30.0     # how long a final worker write retries transient database errors


async def write_with_retry(write: Callable[[], Awaitable[dict[str, Any] | None]],
                           budget_s: float = WRITE_RETRY_BUDGET_S) -> dict[str, Any] | None:
    """Run a fenced worker write; the row it matched, None if the lease was lost. Transient database errors
    are retried."""
    deadline, delay = time.monotonic() + budget_s, 0.2
    while True:
        try:
            return await write()
        except ApiError as e:
            if e.status != 503 or time.monotonic() > deadline:
                raise
            log.warning("job write retry error=%s", e.message)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 5.0)


async def worker_loop(app: web.Application, slot_number: int) -> None:
    """One worker slot: claim until the queue is empty, then sleep until woken (NOTIFY) or the poll timer."""
    ws, config = app[WORKERS], app[CONFIG]
    slot = WorkerSlot(config, f"{config.node_id}:{os.getpid()}:{slot_number}")
    await app[PG].connected.wait()
    failing = False
    try:
        while not ws.stopping.is_set():
            ws.wake.clear()
            try:
                while not ws.stopping.is_set() and await worker_step(app, slot.worker_id, slot):
                    ws.pulse = time.monotonic()
                failing = False
            except Exception as e:                 # CancelledError is not an Exception: shutdown still works
                ws.note_error(f"worker loop: {one_line(e)}")
                if not failing:                    # one line per outage, not one per poll
                    log.exception("worker step failed worker=%s", slot.worker_id)
                failing = True
            ws.pulse = time.monotonic()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(ws.wake.wait(), config.poll_s * random.uniform(0.8, 1.2))
    finally:
        slot.close()


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


# --- Handlers: health ----------------------------------------------------------------------------------------

async def get_healthz(request: web.Request) -> web.Response:
    return json_response({"status": "ok"})


class DependencyProbes:
    """The health checks' probes, each answer reused for STAGE1_HEALTH_CACHE_MS (counted from the probe's start)
    and shared by the requests that arrive while it runs: a monitor polling every few ms then costs PostgreSQL
    and QuestDB one probe a second, not a hundred. Once an answer is past that time, the next request starts a
    new probe, and until it ends requests get the previous answer instead of waiting for it (a busy QuestDB can
    take tens of ms to answer SELECT 1), as long as that answer is at most the setting plus
    STAGE1_DEP_CHECK_TIMEOUT_MS old; after a quiet spell the request waits for the new probe. With the setting 0
    an answer is never reused: each request waits for a fresh probe, shared only with the requests that arrive
    while it runs."""

    def __init__(self, app: web.Application) -> None:
        self.app = app
        self.answers: dict[str, tuple[float, asyncio.Task]] = {}     # the latest probe of each, with its start
        self.settled: dict[str, tuple[float, Any]] = {}               # the last answer of each, with its start

    async def get(self, name: str) -> Any:
        config, now = self.app[CONFIG], time.monotonic()
        cache_s = config.health_cache_ms / 1000
        started, task = self.answers.get(name, (-math.inf, None))
        if task is None or task.done() and now - started >= cache_s:
            task = asyncio.ensure_future(HEALTH_PROBES[name](self.app))
            task.add_done_callback(functools.partial(self.settle, name, now))
            self.answers[name] = (now, task)
        settled_at, answer = self.settled.get(name, (-math.inf, None))
        if not task.done() and cache_s > 0 and now - settled_at < cache_s + config.dep_check_timeout_ms / 1000:
            return answer                       # recent enough: after a quiet spell, wait for the new probe
        return await asyncio.shield(task)       # answers are shared: callers read them, never change them

    def settle(self, name: str, started: float, task: asyncio.Task) -> None:
        if not task.cancelled() and task.exception() is None:
            self.settled[name] = (started, task.result())


async def check_postgres(app: web.Application) -> dict[str, Any]:
    return await timed_check(app, app[PG].fetchval(SQL_PING))


async def check_questdb(app: web.Application) -> dict[str, Any]:
    return await timed_check(app, app[QDB].exec("SELECT 1"))


async def pending_jobs(app: web.Application) -> int | None:
    timeout_s = app[CONFIG].dep_check_timeout_ms / 1000
    with contextlib.suppress(Exception):
        return int(await asyncio.wait_for(app[PG].fetchval(SQL_PENDING_COUNT), timeout_s))
    return None


HEALTH_PROBES = {"postgres": check_postgres, "questdb": check_questdb, "pending_jobs": pending_jobs}


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
    app, probes = request.app, request.app[HEALTH]
    worker = worker_health(app)
    depth = probes.get("pending_jobs") if worker["status"] != "disabled" else asyncio.sleep(0, 0)  # no queue here
    postgres, questdb, pending = await asyncio.gather(probes.get("postgres"), probes.get("questdb"), depth)
    if postgres["status"] == "up":
        worker["queue_depth"] = pending or 0
    healthy = postgres["status"] == questdb["status"] == "up" and worker["status"] in ("running", "disabled")
    return json_response({
        "status": "healthy" if healthy else "degraded", "timestamp": iso(utc_now()),
        "uptime": int(time.monotonic() - app[STARTED]),
        "dependencies": {"postgres": postgres, "questdb": questdb, "worker": worker},
    })


async def get_readyz(request: web.Request) -> web.Response:
    app, probes = request.app, request.app[HEALTH]
    postgres, questdb = await asyncio.gather(probes.get("postgres"), probes.get("questdb"))
    schema = "ok" if app[PG].pool is not None else "down"   # the pool is published only after the schema
    checks = {"postgres": postgres["status"], "questdb": questdb["status"], "schema": schema}
    if checks == {"postgres": "up", "questdb": "up", "schema": "ok"}:
        return json_response({"status": "ready", "checks": checks})
    down = ", ".join(name for name, state in checks.items() if state not in ("up", "ok"))
    raise ApiError(503, "not_ready", f"not ready: {down}", checks=checks)


# --- Handlers: datasets -------------------------------------------------------------------------------------

async def get_datasets(request: web.Request) -> web.Response:
    limit, offset = query_page(request)
    return await cached_json_response(request, ("datasets", limit, offset),
                                      lambda: list_datasets(request.app[PG], limit, offset))


async def post_dataset(request: web.Request) -> web.Response:
    """Upsert (§3.2.4): 201 created or 200 updated, with the dataset object after a best-effort stats refresh."""
    post = parse_dataset_post(await read_json_object(request))
    row, created = await upsert_dataset(request.app[PG], post)
    await refresh_dataset_stats(request.app, row)
    return json_response(await fetch_dataset(request.app[PG], row["dataset_id"]), status=201 if created else 200)


async def get_dataset_detail(request: web.Request) -> web.Response:
    dataset_id = path_id(request)
    return await cached_json_response(request, ("dataset", dataset_id),
                                      lambda: fetch_dataset(request.app[PG], dataset_id), dataset_id is not None)


async def get_dataset_runs(request: web.Request) -> web.Response:
    limit, offset, dataset_id = *query_page(request), path_id(request)
    return await cached_json_response(request, ("dataset_runs", dataset_id, limit, offset),
                                      lambda: list_dataset_runs(request.app[PG], dataset_id, limit, offset),
                                      dataset_id is not None)


# --- Handlers: dataset rows ---------------------------------------------------------------------------------

async def post_ohlcv_append(request: web.Request) -> web.Response:
    return await append_response(request, "ohlcv")


async def post_indicators_append(request: web.Request) -> web.Response:
    return await append_response(request, "indicator")


async def append_response(request: web.Request, kind: str) -> web.Response:
    dataset = await require_dataset(request)
    batch = parse_append(await read_json_object(request, loads_rows), kind)
    return json_response(await append_dataset_rows(request.app, dataset, kind, batch))


async def get_ohlcv(request: web.Request) -> web.StreamResponse:
    return await dataset_rows_response(request, "ohlcv")


async def get_indicators(request: web.Request) -> web.StreamResponse:
    return await dataset_rows_response(request, "indicator")


async def get_index_map(request: web.Request) -> web.StreamResponse:
    return await index_map_response(request)


async def get_manifest(request: web.Request) -> web.Response:
    return json_response(await dataset_manifest(request.app, await require_dataset(request)))


# --- Handlers: runs -----------------------------------------------------------------------------------------

async def post_run(request: web.Request) -> web.Response:
    """Save a run and its folds atomically (§3.4.1): 201 new run, 200 updated."""
    post = parse_run_post(await read_json_object(request))
    created, fold_count = await save_run(request.app[PG], post)
    return json_response({"run_id": post.run["run_id"], "dataset_id": post.run["dataset_id"],
                          "fold_count": fold_count, "folds_received": len(post.folds)},
                         status=201 if created else 200)


async def get_runs(request: web.Request) -> web.Response:
    limit, offset, dataset_id = *query_page(request), query_uuid(request, "dataset_id")
    return await cached_json_response(request, ("runs", dataset_id, limit, offset),
                                      lambda: list_runs(request.app[PG], dataset_id, limit, offset))


async def get_run_detail(request: web.Request) -> web.Response:
    """GET /api/runs/{id} and its alias /api/walkforward/runs/{id} (§3.4.3, §3.4.4)."""
    run_id = path_id(request)
    return await cached_json_response(request, ("run", run_id), lambda: fetch_run(request.app[PG], run_id),
                                      run_id is not None)


# --- Handlers: simulations ----------------------------------------------------------------------------------

async def post_simulation(request: web.Request) -> web.Response:
    """Save a simulation, replacing its buckets and trades (§3.5.1): 201 new, 200 replaced."""
    post = parse_simulation_post(await read_json_object(request))
    created = await save_simulation(request.app[PG], post)
    return json_response({"simulation_id": post.simulation["simulation_id"], "trade_count": len(post.trades),
                          "bucket_count": len(post.buckets)}, status=201 if created else 200)


async def get_simulations(request: web.Request) -> web.Response:
    limit, offset = query_page(request)
    run_id, dataset_id = query_uuid(request, "run_id"), query_uuid(request, "dataset_id")
    return json_response(await list_simulations(request.app[PG], run_id, dataset_id, limit, offset))


async def get_simulation_detail(request: web.Request) -> web.Response:
    return json_response(await fetch_simulation(request.app[PG], path_id(request)))


async def get_simulation_trades(request: web.Request) -> web.Response:
    limit, offset = query_page(request, default_limit=1000, max_limit=100_000)
    return json_response(await list_trades(request.app[PG], path_id(request), limit, offset))


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
    rows, total = await fetch_page(request.app[PG], SQL_LIST_JOBS, SQL_COUNT_JOBS, params)
    return json_response({"jobs": [job_json(r) for r in rows], "count": len(rows), "total": total})


async def get_job_detail(request: web.Request) -> web.Response:
    return json_response(await get_job(request.app[PG], request.match_info["id"]))


async def post_job_cancel(request: web.Request) -> web.Response:
    """PENDING → CANCELLED at once (200); RUNNING → asked to stop (202); final → 409 job_finished."""
    job = await cancel_job(request.app[PG], request.match_info["id"])
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


def cors_origin(request: web.Request) -> str | None:
    """The request's Origin when STAGE1_CORS_ORIGINS allows it, else None."""
    origins, origin = request.app[CONFIG].cors_origins, request.headers.get("Origin")
    return origin if origin is not None and ("*" in origins or origin in origins) else None


@web.middleware
async def cors_preflight(request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
                         ) -> web.StreamResponse:
    """OPTIONS from an allowed origin: 204 with the methods and headers it may send (installed when CORS is on)."""
    if request.method == "OPTIONS" and cors_origin(request):
        return web.Response(status=204, headers={"Access-Control-Allow-Methods": "GET, POST, OPTIONS",
                                                 "Access-Control-Allow-Headers": "Content-Type, X-Stage1-Token"})
    return await handler(request)


async def cors_headers(request: web.Request, response: web.StreamResponse) -> None:
    """on_response_prepare: every response to an allowed origin names it. A middleware would miss the JSON errors
    that error_middleware builds outside it and the streamed responses whose headers are already sent."""
    if origin := cors_origin(request):
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Vary"] = "Origin"


def normalized_path(path: str) -> str:
    """The path without repeated or trailing slashes."""
    path = re.sub(r"/{2,}", "/", path)
    return path[:-1] if len(path) > 1 and path.endswith("/") else path


@web.middleware
async def slash_middleware(request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
                           ) -> web.StreamResponse:
    """Serve /api/datasets/ and //api/datasets as /api/datasets, without a redirect (§2.1: the desktop
    builds such paths when its base URL ends in '/', and it does not follow redirects)."""
    if request.match_info.http_exception is None:
        return await handler(request)
    path = normalized_path(request.path)
    if path == request.path:
        return await handler(request)
    alternative = request.clone(rel_url=request.rel_url.with_path(path))
    match_info = await request.app.router.resolve(alternative)
    if match_info.http_exception is not None and match_info.http_exception.status == 404:
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
    return config.max_upload_bytes if normalized_path(request.path) in UPLOAD_PATHS else config.max_body_bytes


@web.middleware
async def body_limit_middleware(request: web.Request,
                                handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
                                ) -> web.StreamResponse:
    """413 from Content-Length alone, before a byte of an oversized body is read."""
    if request.content_length is not None and request.content_length > (limit := body_limit(request)):
        raise ApiError(413, "payload_too_large",
                       f"Request body too large: {request.content_length} bytes, limit {limit}")
    return await handler(request)


# --- Cleanup contexts ----------------------------------------------------------------------------------------
# Set-up runs in list order and teardown in reverse: workers stop (drain, release) before the pool closes.

async def postgres_ctx(app: web.Application) -> AsyncIterator[None]:
    pg = app[PG] = Postgres(app[CONFIG])
    app[CHANGE_VERSION] = ChangeVersion(pg)
    connector = asyncio.create_task(pg.connect_forever())
    yield
    for task in (connector, app[CHANGE_VERSION].pruning):    # a change-log prune may be under way
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
    await pg.close()


async def questdb_ctx(app: web.Application) -> AsyncIterator[None]:
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=32)) as session:
        app[QDB] = QuestDB(app[CONFIG], session)
        yield


async def sweep_uploads(app: web.Application) -> None:
    """Delete uploads that no unfinished job needs (at start-up, then every few minutes)."""
    await app[PG].connected.wait()
    rows = await app[PG].fetchall(SQL_UPLOAD_REFERENCES)
    live = {row["path"] for row in rows if row["live"]}
    finished = {row["path"] for row in rows if not row["live"]}
    removed = await asyncio.to_thread(remove_orphan_uploads, app[CONFIG].upload_dir, live, finished)
    if removed:
        log.info("upload sweep removed=%d dir=%s", removed, app[CONFIG].upload_dir)


async def sweep_uploads_forever(app: web.Application) -> None:
    while True:
        try:
            await sweep_uploads(app)
        except Exception as e:                 # PostgreSQL away, an unreadable upload folder: try again next time
            log.warning("upload sweep failed error=%s", one_line(e))
        await asyncio.sleep(UPLOAD_SWEEP_EVERY_S)


async def workers_ctx(app: web.Application) -> AsyncIterator[None]:
    config = app[CONFIG]
    ws = app[WORKERS] = WorkerSet(slots=config.worker_slots)
    sweeper = asyncio.create_task(sweep_uploads_forever(app))
    if config.worker_slots:
        ws.tasks = [asyncio.create_task(worker_loop(app, slot)) for slot in range(config.worker_slots)]
        helpers = [asyncio.create_task(supervisor_loop(app)), asyncio.create_task(listen_for_jobs(app))]
        log.info("workers started slots=%d node=%s poll_ms=%d", config.worker_slots, config.node_id,
                 config.worker_poll_ms)
    else:
        helpers = []
    yield
    sweeper.cancel()
    await asyncio.gather(sweeper, return_exceptions=True)
    await stop_workers(app, ws, helpers)


async def stop_workers(app: web.Application, ws: WorkerSet, helpers: list[asyncio.Task[None]]) -> None:
    """Graceful shutdown (JOBS.md §8): stop claiming, let running jobs finish within the grace period while
    their heartbeats continue, then interrupt what is left and release it to PENDING."""
    ws.stopping.set()
    ws.wake.set()
    if ws.tasks:
        _, unfinished = await asyncio.wait(ws.tasks, timeout=app[CONFIG].worker_grace_s)
        deadline = time.monotonic() + WRITE_RETRY_BUDGET_S + 5     # a release write may retry that long
        while unfinished and time.monotonic() < deadline:
            for ctx in list(ws.running.values()):  # again each round: a claim may have landed meanwhile
                if not ctx.shutting_down and ctx.task is not None:
                    ctx.shutting_down = True
                    ctx.task.cancel()
            _, unfinished = await asyncio.wait(unfinished, timeout=0.2)
    for task in helpers + ws.tasks:
        task.cancel()
    await asyncio.gather(*helpers, *ws.tasks, return_exceptions=True)
    if ws.slots:
        log.info("workers stopped")


# --- Application ---------------------------------------------------------------------------------------------

def routes() -> list[tuple[str, str, Callable[[web.Request], Awaitable[web.StreamResponse]]]]:
    """Every route of the server, in URL order."""
    return [
        ("GET", "/healthz", get_healthz),
        ("GET", "/readyz", get_readyz),
        ("GET", "/api/health", get_api_health),
        # datasets
        ("GET", "/api/datasets", get_datasets),
        ("POST", "/api/datasets", post_dataset),
        ("GET", "/api/datasets/{id}", get_dataset_detail),
        ("GET", "/api/datasets/{id}/runs", get_dataset_runs),
        ("GET", "/api/datasets/{id}/manifest", get_manifest),
        ("GET", "/api/datasets/{id}/index_map", get_index_map),
        ("GET", "/api/datasets/{id}/ohlcv", get_ohlcv),
        ("POST", "/api/datasets/{id}/ohlcv/append", post_ohlcv_append),
        ("GET", "/api/datasets/{id}/indicators", get_indicators),
        ("POST", "/api/datasets/{id}/indicators/append", post_indicators_append),
        # runs
        ("GET", "/api/runs", get_runs),
        ("POST", "/api/runs", post_run),
        ("GET", "/api/runs/{id}", get_run_detail),
        ("GET", "/api/walkforward/runs/{id}", get_run_detail),
        # simulations
        ("GET", "/api/simulations", get_simulations),
        ("POST", "/api/simulations", post_simulation),
        ("GET", "/api/simulations/{id}", get_simulation_detail),
        ("GET", "/api/simulations/{id}/trades", get_simulation_trades),
        # questdb
        ("POST", "/api/questdb/import", post_import),
        ("POST", "/api/questdb/import/async", post_import_async),
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
        middlewares.append(cors_preflight)
    middlewares.append(slash_middleware)
    app = web.Application(client_max_size=config.max_body_bytes, middlewares=middlewares)
    if config.cors_origins:
        app.on_response_prepare.append(cors_headers)
    app[CONFIG] = config
    app[JOB_TYPES] = {**builtin_job_types(), **(job_types or {})}
    app[STARTED] = time.monotonic()
    app[TABLE_LOCKS] = collections.defaultdict(asyncio.Lock)
    app[RESPONSE_CACHE] = ResponseCache()
    app[HEALTH] = DependencyProbes(app)
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
