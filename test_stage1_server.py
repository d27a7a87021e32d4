"""Tests for stage1_server. Real PostgreSQL and QuestDB from scripts/services.sh; small fakes only for fault
injection (a TCP proxy that can take a dependency down and bring it back, a fake QuestDB).

Sections: services · app · fakes · helpers · config · transport and errors · health · jobs API · workers
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiopg
import pytest
from aiohttp import web

import stage1_server as s1

HERE = Path(__file__).parent
TEST_PG_DSN = os.environ.get("TEST_PG_DSN", "postgresql://stage1:stage1@127.0.0.1:5432/stage1_test")
TEST_QUESTDB_HTTP = os.environ.get("TEST_QUESTDB_HTTP", "http://127.0.0.1:9000")
TEST_QUESTDB_ILP_HOST = os.environ.get("TEST_QUESTDB_ILP_HOST", "127.0.0.1")
TEST_QUESTDB_ILP_PORT = int(os.environ.get("TEST_QUESTDB_ILP_PORT", "9009"))
OWNED_TABLES = ", ".join(s1.SCHEMA_TABLES)


# --- Services ------------------------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def services_checked() -> None:
    """Fail (never skip) when the real services are missing: CI must not pass without them."""
    for host, port, name in [("127.0.0.1", int(TEST_PG_DSN.rsplit(":", 1)[1].split("/")[0]), "PostgreSQL"),
                             (TEST_QUESTDB_ILP_HOST, TEST_QUESTDB_ILP_PORT, "QuestDB ILP")]:
        try:
            socket.create_connection((host, port), 2).close()
        except OSError as e:
            pytest.fail(f"{name} is not reachable on {host}:{port} ({e}); run `make services` first")


@pytest.fixture
async def pg_pool(services_checked: None) -> AsyncIterator[aiopg.Pool]:
    """A pool on the test database with the schema applied and every owned table emptied."""
    async with aiopg.create_pool(TEST_PG_DSN, minsize=1, maxsize=4) as pool:
        await s1.apply_schema(pool)
        async with pool.acquire() as conn, conn.cursor() as cur:
            await cur.execute(f"TRUNCATE {OWNED_TABLES} CASCADE")
        yield pool


async def sql(pool: aiopg.Pool, statement: str, params: Any = None) -> list[tuple[Any, ...]]:
    async with pool.acquire() as conn, conn.cursor() as cur:
        await cur.execute(statement, params)
        return await cur.fetchall() if cur.description else []


# --- App -----------------------------------------------------------------------------------------------------

def make_config(**overrides: Any) -> s1.Config:
    env = {"STAGE1_PG_DSN": TEST_PG_DSN, "STAGE1_QUESTDB_HTTP": TEST_QUESTDB_HTTP,
           "STAGE1_QUESTDB_ILP_HOST": TEST_QUESTDB_ILP_HOST, "STAGE1_QUESTDB_ILP_PORT": str(TEST_QUESTDB_ILP_PORT),
           "STAGE1_WORKER_SLOTS": "0", "STAGE1_QUESTDB_TIMEOUT_S": "10"}
    env.update({f"STAGE1_{key.upper()}": str(value) for key, value in overrides.items()})
    return s1.Config.from_env(env)


@pytest.fixture
def start_app(aiohttp_client: Any, pg_pool: aiopg.Pool) -> Any:
    """Start an app on the test services: `client = await start_app(worker_slots=2, ...)`."""
    async def start(job_types: dict[str, s1.JobType] | None = None, wait_for_pg: bool = True,
                    **overrides: Any) -> Any:
        app = s1.create_app(make_config(**overrides), job_types=job_types)
        client = await aiohttp_client(app)
        if wait_for_pg:
            await asyncio.wait_for(app[s1.PG].connected.wait(), 10)
        return client
    return start


@pytest.fixture
async def client(start_app: Any) -> Any:
    return await start_app()


# --- Fakes ---------------------------------------------------------------------------------------------------

class TcpProxy:
    """Forwards 127.0.0.1:<port> to a real service; down() refuses and cuts connections, up() restores them.
    Used to take PostgreSQL or QuestDB away from a running server and bring it back."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.port = free_port()
        self.server: asyncio.base_events.Server | None = None
        self.pipes: set[asyncio.Task[None]] = set()

    async def up(self) -> None:
        self.server = await asyncio.start_server(self._accept, "127.0.0.1", self.port)

    async def down(self) -> None:
        if self.server is not None:
            self.server.close()
            await self.server.wait_closed()
            self.server = None
        for task in list(self.pipes):
            task.cancel()
        await asyncio.gather(*self.pipes, return_exceptions=True)

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            writer.close()
            return
        for source, sink in ((reader, up_writer), (up_reader, writer)):
            task = asyncio.create_task(self._pipe(source, sink))
            self.pipes.add(task)
            task.add_done_callback(self.pipes.discard)

    @staticmethod
    async def _pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
        try:
            while data := await source.read(65536):
                sink.write(data)
                await sink.drain()
        except (OSError, asyncio.CancelledError):
            pass
        finally:
            sink.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def pg_port() -> int:
    return int(TEST_PG_DSN.rsplit(":", 1)[1].split("/")[0])


def dsn_via(port: int) -> str:
    return TEST_PG_DSN.replace(f":{pg_port()}/", f":{port}/")


# --- Helpers -------------------------------------------------------------------------------------------------

async def assert_error(resp: Any, status: int, code: str) -> dict[str, Any]:
    """The response is the JSON error envelope with this status and code."""
    assert resp.status == status, await resp.text()
    assert resp.content_type == "application/json"
    body = await resp.json()
    assert body["code"] == code and isinstance(body["error"], str) and body["error"], body
    return body


async def eventually(probe: Any, timeout: float = 15.0, interval: float = 0.05) -> Any:
    """Poll an async probe until it returns something truthy; fail after timeout (a bound, not a target)."""
    deadline = time.monotonic() + timeout
    while True:
        value = await probe()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"condition not met within {timeout} s (last value {value!r})")
        await asyncio.sleep(interval)


async def job_status(client: Any, job_id: str) -> dict[str, Any]:
    resp = await client.get(f"/api/jobs/{job_id}")
    assert resp.status == 200
    return await resp.json()


async def wait_job(client: Any, job_id: str, *statuses: str, timeout: float = 15.0) -> dict[str, Any]:
    async def probe() -> dict[str, Any] | None:
        job = await job_status(client, job_id)
        return job if job["status"] in statuses else None
    return await eventually(probe, timeout)


async def raw_request(client: Any, method: str, path: str) -> tuple[int, bytes]:
    """Send a request line exactly as given (the test client refuses paths such as //api/jobs)."""
    reader, writer = await asyncio.open_connection(client.server.host, client.server.port)
    writer.write(f"{method} {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
    response = await asyncio.wait_for(reader.read(), 10)
    writer.close()
    head, _, body = response.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


def assert_no_float_tokens(text: str) -> None:
    for token in ("NaN", "Infinity"):
        assert token not in text, text


# --- Config --------------------------------------------------------------------------------------------------

def test_config_defaults_bind_loopback_on_8081() -> None:
    """With no variables set the server listens on 127.0.0.1:8081 with two worker slots and 64 MiB bodies."""
    config = s1.Config.from_env({})
    assert (config.http_host, config.http_port, config.worker_slots, config.max_body_mb) == ("127.0.0.1", 8081, 2, 64)


def test_config_reads_typed_variables() -> None:
    """STAGE1_* variables are converted to the type of their default."""
    config = s1.Config.from_env({"STAGE1_HTTP_PORT": "9999", "STAGE1_JOB_STALE_S": "2.5",
                                 "STAGE1_CORS_ORIGINS": "http://a, http://b"})
    assert config.http_port == 9999 and config.job_stale_s == 2.5
    assert config.cors_origins == ("http://a", "http://b")


@pytest.mark.parametrize("name, value", [("STAGE1_HTTP_PORT", "eighty"), ("STAGE1_WORKER_SLOTS", "-1"),
                                         ("STAGE1_MAX_BODY_MB", "0"), ("STAGE1_JOB_STALE_S", "soon")])
def test_config_rejects_bad_values_naming_the_variable(name: str, value: str) -> None:
    """A value the server cannot use stops start-up with a message naming the variable."""
    with pytest.raises(s1.ConfigError, match=name):
        s1.Config.from_env({name: value})


def test_env_example_lists_every_setting() -> None:
    """.env.example documents exactly the variables from_env reads."""
    listed = {line.split("=", 1)[0].lstrip("# ").strip() for line in (HERE / ".env.example").read_text().splitlines()
              if "STAGE1_" in line.split("=", 1)[0]}
    expected = {"STAGE1_" + f.name.upper() for f in s1.dataclasses.fields(s1.Config)}
    assert listed == expected


def test_dotenv_is_not_read_at_import() -> None:
    """Importing the module must not load a developer's .env (only main() does)."""
    env = {**os.environ, "PYTHONPATH": str(HERE)}
    code = "import os, stage1_server; print(sorted(k for k in os.environ if k.startswith('STAGE1_')))"
    out = subprocess.run([sys.executable, "-c", code], env={k: v for k, v in env.items()
                                                             if not k.startswith("STAGE1_")},
                         capture_output=True, text=True, cwd="/", check=True).stdout
    assert out.strip() == "[]"


# --- Transport and errors ------------------------------------------------------------------------------------

def test_schema_statements_are_idempotent_text() -> None:
    """Every statement of the schema can run again on an existing database."""
    for statement in s1.schema_statements():
        assert "IF NOT EXISTS" in statement or statement.startswith("ALTER TABLE stage1_jobs SET")


async def test_schema_applies_twice_and_records_version(pg_pool: aiopg.Pool) -> None:
    """Applying the schema to an existing database changes nothing and records the version."""
    await s1.apply_schema(pg_pool)
    assert await sql(pg_pool, "SELECT max(version) FROM stage1_schema") == [(s1.SCHEMA_VERSION,)]
    columns = await sql(pg_pool, "SELECT column_name FROM information_schema.columns "
                                 "WHERE table_name = 'stage1_jobs'")
    assert {"lease_token", "heartbeat_at", "cancel_requested", "attempts", "node_id"} <= {c for (c,) in columns}


async def test_schema_adds_missing_columns_to_old_tables(pg_pool: aiopg.Pool) -> None:
    """A table from an older version gains its missing columns without losing rows."""
    await sql(pg_pool, "ALTER TABLE datasets DROP COLUMN indicator_last_ts")
    await sql(pg_pool, "INSERT INTO datasets (dataset_id, dataset_slug) VALUES (%s, 'old')", (str(uuid.uuid4()),))
    await s1.apply_schema(pg_pool)
    assert await sql(pg_pool, "SELECT dataset_slug, indicator_last_ts FROM datasets") == [("old", None)]


async def test_unknown_route_is_json_404(client: Any) -> None:
    """aiohttp's plain-text 404 is replaced by the envelope with code not_found."""
    await assert_error(await client.get("/api/nothing-here"), 404, "not_found")


async def test_wrong_method_is_json_405_with_allow(client: Any) -> None:
    """A known path with another method answers 405 method_not_allowed and an Allow header."""
    resp = await client.delete("/api/jobs")
    await assert_error(resp, 405, "method_not_allowed")
    assert resp.headers["Allow"] == "GET"


async def test_options_without_cors_is_405(client: Any) -> None:
    """While CORS is off, OPTIONS is an undefined method like any other."""
    await assert_error(await client.options("/api/jobs"), 405, "method_not_allowed")


@pytest.mark.parametrize("path", ["/api/jobs/", "//api/jobs", "/api//jobs"])
async def test_slash_variants_answer_like_the_normal_path(client: Any, path: str) -> None:
    """A trailing slash or repeated slashes get the normal response, never a redirect."""
    status, body = await raw_request(client, "GET", path)
    assert status == 200
    assert json.loads(body) == {"jobs": [], "count": 0, "total": 0}


async def test_oversized_body_is_413_before_reading(start_app: Any) -> None:
    """A body over STAGE1_MAX_BODY_MB answers 413 payload_too_large from its Content-Length."""
    client = await start_app(max_body_mb=1)
    body = b"{" + b" " * (2 * 1024 * 1024) + b"}"
    await assert_error(await client.post(f"/api/jobs/{uuid.uuid4()}/cancel", data=body), 413, "payload_too_large")


async def test_expect_continue_over_limit_gets_413_instead_of_100(start_app: Any) -> None:
    """With Expect: 100-continue and a declared length over the limit the server answers 413 at once."""
    client = await start_app(max_body_mb=1)
    reader, writer = await asyncio.open_connection(client.server.host, client.server.port)
    writer.write(f"POST /api/jobs/{uuid.uuid4()}/cancel HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                 f"Content-Length: {5 * 1024 * 1024}\r\nExpect: 100-continue\r\n\r\n".encode())
    await writer.drain()
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
    writer.close()
    assert head.startswith(b"HTTP/1.1 413"), head


async def test_expect_continue_under_limit_proceeds(client: Any) -> None:
    """A small body sent with Expect: 100-continue is handled normally."""
    resp = await client.post(f"/api/jobs/{uuid.uuid4()}/cancel", data=b"{}", headers={"Expect": "100-continue"})
    await assert_error(resp, 404, "job_not_found")


async def test_token_header_is_accepted_and_ignored(client: Any) -> None:
    """X-Stage1-Token never causes 401/403 while authentication is off."""
    resp = await client.get("/api/jobs", headers={"X-Stage1-Token": "anything", "Content-Type": "application/json"})
    assert resp.status == 200


def test_dumps_writes_non_finite_numbers_as_null() -> None:
    """Strict JSON: NaN and ±inf become null at any depth, and integers stay integers."""
    text = s1.dumps({"a": float("nan"), "b": [float("inf"), {"c": -float("inf")}], "n": 650, "f": 0.5})
    assert json.loads(text) == {"a": None, "b": [None, {"c": None}], "n": 650, "f": 0.5}
    assert_no_float_tokens(text)
    assert '"n":650' in text


def test_loads_turns_overflow_and_nan_tokens_into_null() -> None:
    """Request JSON with 1e+9999, NaN or Infinity parses, and those values become None."""
    assert s1.loads('{"a": 1e+9999, "b": -1e+9999, "c": NaN, "d": Infinity, "e": 650, "f": 650.0}') == \
        {"a": None, "b": None, "c": None, "d": None, "e": 650, "f": 650.0}


@pytest.mark.parametrize("ms, text", [(1732831200000, "2024-11-28T22:00:00Z"),
                                      (1732831200250, "2024-11-28T22:00:00.250Z"), (None, None)])
def test_iso_from_ms_has_millis_only_when_non_zero(ms: int | None, text: str | None) -> None:
    """ISO timestamps end in Z and carry .mmm only when the milliseconds are non-zero (§2.5)."""
    assert s1.iso_from_ms(ms) == text


@pytest.mark.parametrize("value, ms", [(1_700_000_000, 1_700_000_000_000), (1_700_000_000_123, 1_700_000_000_123),
                                       (1_700_000_000_123_456, 1_700_000_000_123),
                                       (1_700_000_000_123_456_789, 1_700_000_000_123), (1.5e9, 1_500_000_000_000)])
def test_normalize_epoch_by_magnitude(value: float, ms: int) -> None:
    """Seconds, ms, µs and ns epochs normalise to the same integer ms (§2.5 N)."""
    assert s1.normalize_epoch_ms(value) == ms


async def test_job_result_with_nan_is_served_as_null(start_app: Any) -> None:
    """A job result holding NaN/inf is stored and served as strict JSON."""
    async def nan_job(ctx: s1.JobContext) -> dict[str, Any]:
        return {"ratio": float("nan"), "peak": float("inf"), "n": 3}
    client = await start_app(job_types={"nan": s1.JobType(nan_job)})
    job = await s1.enqueue_job(client.server.app, "nan", {})
    assert await s1.worker_step(client.server.app, "t")
    resp = await client.get(f"/api/jobs/{job['job_id']}")
    text = await resp.text()
    assert_no_float_tokens(text)
    assert json.loads(text)["result"] == {"ratio": None, "peak": None, "n": 3}


async def test_unexpected_exception_is_500_without_traceback(aiohttp_client: Any) -> None:
    """A bug in a handler gives the internal_error envelope, and the server keeps serving."""
    async def broken(request: web.Request) -> web.Response:
        raise ZeroDivisionError("boom")

    async def fine(request: web.Request) -> web.Response:
        return s1.json_response({"ok": True})
    app = web.Application(middlewares=[s1.error_middleware])
    app.router.add_get("/broken", broken)
    app.router.add_get("/fine", fine)
    client = await aiohttp_client(app)
    body = await assert_error(await client.get("/broken"), 500, "internal_error")
    assert "Traceback" not in body["error"] and "boom" not in body["error"]
    assert (await client.get("/fine")).status == 200


# --- Health --------------------------------------------------------------------------------------------------

async def test_healthz_is_always_ok(client: Any) -> None:
    """/healthz is liveness only."""
    resp = await client.get("/healthz")
    assert resp.status == 200 and await resp.json() == {"status": "ok"}


async def test_health_is_healthy_with_real_services(start_app: Any) -> None:
    """With PostgreSQL, QuestDB and the worker up, /api/health reports healthy with typed fields."""
    client = await start_app(worker_slots=1)
    body = await (await client.get("/api/health")).json()
    assert body["status"] == "healthy", body
    assert isinstance(body["uptime"], int) and body["timestamp"].endswith("Z")
    deps = body["dependencies"]
    for name in ("postgres", "questdb"):
        assert deps[name]["status"] == "up" and isinstance(deps[name]["latency_ms"], int)
        assert deps[name]["error"] is None
    assert deps["worker"] == {"status": "running", "slots": 1, "busy": 0, "queue_depth": 0, "error": None}


async def test_health_reports_disabled_worker_as_healthy(client: Any) -> None:
    """STAGE1_WORKER_SLOTS=0 (an API-only node) is still healthy."""
    body = await (await client.get("/api/health")).json()
    assert body["status"] == "healthy" and body["dependencies"]["worker"]["status"] == "disabled"


async def test_readyz_ready_with_real_services(client: Any) -> None:
    """/readyz is 200 when PostgreSQL, QuestDB and the schema are all there."""
    resp = await client.get("/readyz")
    assert resp.status == 200
    assert await resp.json() == {"status": "ready", "checks": {"postgres": "up", "questdb": "up", "schema": "ok"}}


async def test_questdb_down_degrades_health_then_recovers(start_app: Any) -> None:
    """QuestDB away: health is 200 degraded, readyz 503; back again: healthy, without a restart."""
    proxy = TcpProxy(int(TEST_QUESTDB_HTTP.rsplit(":", 1)[1]))
    client = await start_app(questdb_http=f"http://127.0.0.1:{proxy.port}", dep_check_timeout_ms=500)
    resp = await client.get("/api/health")
    body = await resp.json()
    assert resp.status == 200 and body["status"] == "degraded"
    assert body["dependencies"]["questdb"]["status"] == "down" and body["dependencies"]["questdb"]["error"]
    assert body["dependencies"]["postgres"]["status"] == "up"
    ready = await assert_error(await client.get("/readyz"), 503, "not_ready")
    assert ready["checks"] == {"postgres": "up", "questdb": "down", "schema": "ok"}
    await proxy.up()
    try:
        body = await (await client.get("/api/health")).json()
        assert body["status"] == "healthy", body
        assert (await client.get("/readyz")).status == 200
    finally:
        await proxy.down()


async def test_questdb_that_hangs_is_reported_within_the_check_timeout(start_app: Any) -> None:
    """A QuestDB that accepts connections but never answers gives 'down' instead of a hang."""
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(30)
    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    client = await start_app(questdb_http=f"http://127.0.0.1:{port}", dep_check_timeout_ms=300)
    body = await (await client.get("/api/health")).json()
    server.close()
    assert body["dependencies"]["questdb"] == {"status": "down", "latency_ms": None, "error": "timed out"}


async def test_postgres_down_at_start_then_recovers(start_app: Any) -> None:
    """The server starts without PostgreSQL: readyz 503, data endpoints 503 postgres_unavailable; once the
    database answers, the server connects by itself and applies the schema."""
    proxy = TcpProxy(pg_port())
    client = await start_app(pg_dsn=dsn_via(proxy.port), wait_for_pg=False)
    assert (await client.get("/healthz")).status == 200
    ready = await assert_error(await client.get("/readyz"), 503, "not_ready")
    assert ready["checks"]["postgres"] == "down" and ready["checks"]["schema"] == "down"
    await assert_error(await client.get("/api/jobs"), 503, "postgres_unavailable")
    health = await (await client.get("/api/health")).json()
    assert health["status"] == "degraded" and health["dependencies"]["postgres"]["status"] == "down"
    await proxy.up()
    try:
        async def ready_now() -> bool:
            return (await client.get("/readyz")).status == 200
        await eventually(ready_now, timeout=20)
        assert (await client.get("/api/jobs")).status == 200
    finally:
        await proxy.down()


async def test_postgres_lost_while_running_gives_503_then_recovers(start_app: Any) -> None:
    """A database that goes away under a running server gives 503 JSON, and service resumes when it is back."""
    proxy = TcpProxy(pg_port())
    await proxy.up()
    client = await start_app(pg_dsn=dsn_via(proxy.port))
    assert (await client.get("/api/jobs")).status == 200
    await proxy.down()
    await assert_error(await client.get("/api/jobs"), 503, "postgres_unavailable")
    await proxy.up()
    try:
        async def jobs_ok() -> bool:
            return (await client.get("/api/jobs")).status == 200
        await eventually(jobs_ok, timeout=20)
    finally:
        await proxy.down()


# --- Workers -------------------------------------------------------------------------------------------------


# --- Datasets ------------------------------------------------------------------------------------------------


# --- Runs ----------------------------------------------------------------------------------------------------


# --- Simulations ---------------------------------------------------------------------------------------------


# --- Imports -------------------------------------------------------------------------------------------------


# --- QuestDB proxy -------------------------------------------------------------------------------------------
