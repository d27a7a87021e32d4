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


async def job_row(pool: aiopg.Pool, job_id: str) -> dict[str, Any]:
    """The job's stored row, including the worker-only columns the API does not show."""
    async with pool.acquire() as conn, conn.cursor() as cur:
        await cur.execute("SELECT * FROM stage1_jobs WHERE job_id = %s", (job_id,))
        row = await cur.fetchone()
        assert row is not None, job_id
        return dict(zip([column.name for column in cur.description], row))


async def insert_jobs(pool: aiopg.Pool, count: int, job_type: str = "noop", notify: bool = True) -> None:
    """Queue count jobs in one statement, as another process would; notify=False loses the wake-up."""
    await sql(pool, "INSERT INTO stage1_jobs (job_id, job_type) "
                    "SELECT gen_random_uuid(), %s FROM generate_series(1, %s)", (job_type, count))
    if notify:
        await sql(pool, f"SELECT pg_notify('{s1.JOBS_CHANNEL}', '')")


async def count_status(pool: aiopg.Pool, status: str) -> int:
    return (await sql(pool, "SELECT count(*) FROM stage1_jobs WHERE status = %s", (status,)))[0][0]


async def backdate_heartbeat(pool: aiopg.Pool, job_id: str) -> None:
    """Make a RUNNING job look abandoned: its last heartbeat an hour ago."""
    await sql(pool, "UPDATE stage1_jobs SET heartbeat_at = now() - interval '1 hour' WHERE job_id = %s", (job_id,))


async def listener_pids(pool: aiopg.Pool) -> set[int]:
    rows = await sql(pool, "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                           f"AND query = 'LISTEN {s1.JOBS_CHANNEL}'")
    return {pid for (pid,) in rows}


async def http_json(port: int, path: str) -> Any:
    """GET a JSON document from a server subprocess (None while it does not answer yet)."""
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
    except OSError:
        return None
    writer.write(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
    response = await asyncio.wait_for(reader.read(), 10)
    writer.close()
    head, _, body = response.partition(b"\r\n\r\n")
    return json.loads(body) if head.split()[1] == b"200" else None


@pytest.fixture
def server_process(pg_pool: aiopg.Pool, tmp_path: Path) -> Any:
    """Start `python stage1_server.py --port P` subprocesses on the test services; teardown always kills them
    and prints the tail of their logs."""
    started: list[tuple[subprocess.Popen[bytes], Path]] = []

    def start(**overrides: Any) -> tuple[subprocess.Popen[bytes], int]:
        port = free_port()
        env = {key: value for key, value in os.environ.items() if not key.startswith("STAGE1_")}
        env.update({"STAGE1_PG_DSN": TEST_PG_DSN, "STAGE1_QUESTDB_HTTP": TEST_QUESTDB_HTTP,
                    "STAGE1_QUESTDB_ILP_HOST": TEST_QUESTDB_ILP_HOST,
                    "STAGE1_QUESTDB_ILP_PORT": str(TEST_QUESTDB_ILP_PORT), "STAGE1_WORKER_GRACE_S": "1"})
        env.update({f"STAGE1_{key.upper()}": str(value) for key, value in overrides.items()})
        log_path = tmp_path / f"server-{port}.log"
        with log_path.open("wb") as log_file:
            proc = subprocess.Popen([sys.executable, str(HERE / "stage1_server.py"), "--port", str(port)],
                                    env=env, cwd=tmp_path, stdout=log_file, stderr=subprocess.STDOUT)
        started.append((proc, log_path))
        return proc, port

    yield start
    for proc, log_path in started:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        print(f"--- {log_path.name} (exit {proc.returncode}) ---")
        print("\n".join(log_path.read_text(errors="replace").splitlines()[-20:]))


async def wait_worker_running(port: int) -> None:
    """Wait until a server subprocess is connected to PostgreSQL and its worker loops run."""
    async def running() -> bool:
        health = await http_json(port, "/api/health")
        return bool(health) and health["dependencies"]["worker"]["status"] == "running"
    await eventually(running, timeout=30)


async def stop_process(proc: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> int:
    proc.send_signal(sig)
    return await asyncio.to_thread(proc.wait, 30)


async def test_worker_completes_noop_job(start_app: Any) -> None:
    """A claimed job that returns ends COMPLETED with progress = total, its result, completed_at, attempts 1."""
    client = await start_app()
    app = client.server.app
    job = await s1.enqueue_job(app, "noop", {"steps": 3})
    assert await s1.worker_step(app, "w")
    done = await job_status(client, job["job_id"])
    assert done["status"] == "COMPLETED" and done["message"] == "completed" and done["error"] is None
    assert done["progress"] == done["total"] == 3
    assert done["result"] == {"steps": 3, "attempt": 1} and done["attempts"] == 1
    assert done["started_at"] and done["completed_at"] and not done["cancel_requested"]
    assert not await s1.worker_step(app, "w")


async def test_worker_failing_job_is_failed_with_one_line_error(start_app: Any) -> None:
    """A handler exception ends the job FAILED with its message on one line and completed_at set."""
    client = await start_app()
    app = client.server.app
    job = await s1.enqueue_job(app, "noop", {"fail": "disk\nfull   again"})
    assert await s1.worker_step(app, "w")
    done = await job_status(client, job["job_id"])
    assert (done["status"], done["error"], done["attempts"]) == ("FAILED", "disk full again", 1)
    assert done["completed_at"] is not None


async def test_worker_unknown_job_type_fails_unsupported(start_app: Any) -> None:
    """A job type this server does not know ends FAILED with error 'unsupported job type'."""
    client = await start_app()
    job = await s1.enqueue_job(client.server.app, "mystery", {})
    assert await s1.worker_step(client.server.app, "w")
    done = await job_status(client, job["job_id"])
    assert (done["status"], done["error"]) == ("FAILED", "unsupported job type")


async def test_jobs_list_filters_pages_newest_first(start_app: Any) -> None:
    """GET /api/jobs filters by status and job_type, pages with limit/offset and lists newest first."""
    client = await start_app()
    app = client.server.app
    ids = [(await s1.enqueue_job(app, kind, {}))["job_id"] for kind in ("noop", "other", "noop", "other", "noop")]
    assert await s1.worker_step(app, "w")                 # the oldest noop completes
    newest_first = list(reversed(ids))

    async def listing(query: str) -> dict[str, Any]:
        resp = await client.get(f"/api/jobs{query}")
        assert resp.status == 200
        return await resp.json()
    body = await listing("")
    assert [j["job_id"] for j in body["jobs"]] == newest_first and (body["count"], body["total"]) == (5, 5)
    body = await listing("?status=COMPLETED")
    assert [j["job_id"] for j in body["jobs"]] == [ids[0]] and body["total"] == 1
    body = await listing("?job_type=other")
    assert [j["job_id"] for j in body["jobs"]] == [ids[3], ids[1]]
    body = await listing("?status=PENDING&job_type=noop")
    assert [j["job_id"] for j in body["jobs"]] == [ids[4], ids[2]]
    body = await listing("?limit=2&offset=1")
    assert [j["job_id"] for j in body["jobs"]] == newest_first[1:3] and (body["count"], body["total"]) == (2, 5)
    body = await listing("?offset=10")
    assert body == {"jobs": [], "count": 0, "total": 5}


@pytest.mark.parametrize("query, parameter", [("status=running", "status"), ("status=DONE", "status"),
                                              ("limit=-1", "limit"), ("limit=ten", "limit"),
                                              ("offset=1.5", "offset")])
async def test_jobs_list_rejects_bad_parameters(client: Any, query: str, parameter: str) -> None:
    """An unknown status or a bad limit/offset is 400 invalid_parameter naming the parameter."""
    body = await assert_error(await client.get(f"/api/jobs?{query}"), 400, "invalid_parameter")
    assert body["parameter"] == parameter


@pytest.mark.parametrize("job_id", [str(uuid.uuid4()), "not-a-uuid", "1", "%20"])
async def test_job_detail_unknown_or_malformed_is_404(client: Any, job_id: str) -> None:
    """GET /api/jobs/{id} answers 404 job_not_found for an unknown id and for one that is not a UUID."""
    await assert_error(await client.get(f"/api/jobs/{job_id}"), 404, "job_not_found")
    await assert_error(await client.post(f"/api/jobs/{job_id}/cancel"), 404, "job_not_found")


async def test_cancel_pending_job_is_cancelled_and_never_runs(start_app: Any) -> None:
    """Cancelling a PENDING job answers 200 with it CANCELLED, and no worker ever claims it."""
    client = await start_app()
    app = client.server.app
    job = await s1.enqueue_job(app, "noop", {})
    resp = await client.post(f"/api/jobs/{job['job_id']}/cancel")
    assert resp.status == 200
    body = await resp.json()
    assert body["status"] == "CANCELLED" and body["cancel_requested"] and body["completed_at"]
    assert not await s1.worker_step(app, "w")
    after = await job_status(client, job["job_id"])
    assert (after["status"], after["attempts"], after["started_at"]) == ("CANCELLED", 0, None)


@pytest.mark.parametrize("from_other_process", [False, True])
async def test_cancel_running_job_ends_cancelled_and_is_not_retried(start_app: Any, pg_pool: aiopg.Pool,
                                                                    from_other_process: bool) -> None:
    """Cancelling a RUNNING job answers 202 (still RUNNING, cancel_requested); it stops at a checkpoint, ends
    CANCELLED with its partial result, and is never claimed again."""
    client = await start_app(worker_slots=1, worker_grace_s=0.2)
    other = await start_app() if from_other_process else client
    job = await s1.enqueue_job(client.server.app, "noop", {"steps": 200, "sleep_s": 100})
    await wait_job(client, job["job_id"], "RUNNING")
    for _ in range(2):                                     # repeating the request gives 202 again
        resp = await other.post(f"/api/jobs/{job['job_id']}/cancel")
        assert resp.status == 202
        body = await resp.json()
        assert body["status"] == "RUNNING" and body["cancel_requested"] is True
    done = await wait_job(client, job["job_id"], "CANCELLED", "COMPLETED", "FAILED", "PENDING")
    assert (done["status"], done["attempts"], done["message"]) == ("CANCELLED", 1, "cancelled")
    assert "steps_done" in done["result"] and done["completed_at"]
    assert await s1.rescue_stale_jobs(client.server.app) == []
    assert (await job_row(pg_pool, job["job_id"]))["lease_token"] is None


async def test_cancel_finished_job_is_409_with_the_job(start_app: Any) -> None:
    """Cancelling a COMPLETED job is 409 job_finished, and the envelope carries the job under 'job'."""
    client = await start_app()
    job = await s1.enqueue_job(client.server.app, "noop", {})
    assert await s1.worker_step(client.server.app, "w")
    body = await assert_error(await client.post(f"/api/jobs/{job['job_id']}/cancel"), 409, "job_finished")
    assert body["job"]["job_id"] == job["job_id"] and body["job"]["status"] == "COMPLETED"
    assert not body["job"]["cancel_requested"]


async def test_two_claimers_never_share_one_job(start_app: Any, pg_pool: aiopg.Pool) -> None:
    """Two apps racing claim_job for a single PENDING job: exactly one wins, every time (300 rounds)."""
    apps = [(await start_app()).server.app for _ in range(2)]
    for round_number in range(300):
        await insert_jobs(pg_pool, 1, notify=False)
        claims = await asyncio.gather(*(s1.claim_job(app, f"w{i}") for i, app in enumerate(apps)))
        assert sum(claim is not None for claim in claims) == 1, round_number
    assert await count_status(pg_pool, "RUNNING") == 300


async def test_two_apps_run_1000_jobs_exactly_once(start_app: Any, pg_pool: aiopg.Pool) -> None:
    """Two apps with two slots each drain 1,000 jobs; a UNIQUE side table proves each ran exactly once."""
    await sql(pg_pool, "DROP TABLE IF EXISTS test_job_runs")
    await sql(pg_pool, "CREATE TABLE test_job_runs (job_id UUID UNIQUE, attempt INTEGER, worker TEXT)")

    def job_types(name: str) -> dict[str, s1.JobType]:
        async def record_run(ctx: s1.JobContext) -> dict[str, Any]:
            async with ctx.pg.cursor() as cur:
                await cur.execute("INSERT INTO test_job_runs VALUES (%s, %s, %s)",
                                  (ctx.job.job_id, ctx.job.attempts, name))
            return {}
        return {"once": s1.JobType(record_run)}
    await start_app(worker_slots=2, job_types=job_types("a"))
    await start_app(worker_slots=2, job_types=job_types("b"))
    await insert_jobs(pg_pool, 1000, "once")

    async def drained() -> bool:
        return await count_status(pg_pool, "COMPLETED") == 1000
    await eventually(drained, timeout=60)
    assert await sql(pg_pool, "SELECT count(*), count(DISTINCT job_id), max(attempt) FROM test_job_runs") == \
        [(1000, 1000, 1)]
    assert await sql(pg_pool, "SELECT status, max(attempts), min(attempts) FROM stage1_jobs GROUP BY status") == \
        [("COMPLETED", 1, 1)]
    await sql(pg_pool, "DROP TABLE test_job_runs")


async def test_two_server_processes_run_1000_jobs_exactly_once(server_process: Any, pg_pool: aiopg.Pool) -> None:
    """Two `stage1_server.py` processes with two slots each drain 1,000 noop jobs: every job COMPLETED with
    attempts 1, both processes took part, and SIGTERM stops both leaving nothing RUNNING."""
    procs = [server_process(worker_slots=2, log_level="WARNING") for _ in range(2)]
    for _, port in procs:
        await wait_worker_running(port)
    await insert_jobs(pg_pool, 1000)

    async def drained() -> bool:
        return await count_status(pg_pool, "COMPLETED") == 1000
    await eventually(drained, timeout=90)
    assert await sql(pg_pool, "SELECT count(*), min(attempts), max(attempts) FROM stage1_jobs") == [(1000, 1, 1)]
    pids = {worker.split(":")[-2] for (worker,) in await sql(pg_pool, "SELECT DISTINCT worker_id FROM stage1_jobs")}
    assert pids == {str(proc.pid) for proc, _ in procs}
    for proc, _ in procs:
        assert await stop_process(proc) == 0
    assert await count_status(pg_pool, "RUNNING") == 0


async def test_sigkilled_worker_job_is_rescued_and_run_again(start_app: Any, server_process: Any,
                                                             pg_pool: aiopg.Pool) -> None:
    """A server SIGKILLed mid-job leaves its job RUNNING; once the lease expires a rescuer returns it to PENDING
    (attempts 1), and the next claim runs it to COMPLETED with attempts 2."""
    client = await start_app(job_stale_s=1.5)
    app = client.server.app
    proc, port = server_process(worker_slots=1, job_stale_s=1.5)
    await wait_worker_running(port)
    job = await s1.enqueue_job(app, "noop", {"steps": 600, "sleep_s": 600})
    await wait_job(client, job["job_id"], "RUNNING", timeout=30)
    assert await stop_process(proc, signal.SIGKILL) == -signal.SIGKILL
    assert (await job_row(pg_pool, job["job_id"]))["status"] == "RUNNING"

    async def rescued() -> list[dict[str, Any]]:
        return await s1.rescue_stale_jobs(app)
    rows = await eventually(rescued, timeout=15)
    assert [(str(r["job_id"]), r["status"], r["attempts"]) for r in rows] == [(job["job_id"], "PENDING", 1)]
    row = await job_row(pg_pool, job["job_id"])
    assert (row["status"], row["lease_token"], row["worker_id"]) == ("PENDING", None, None)
    await sql(pg_pool, "UPDATE stage1_jobs SET payload = '{}' WHERE job_id = %s", (job["job_id"],))
    assert await s1.worker_step(app, "rescuer")
    done = await job_status(client, job["job_id"])
    assert (done["status"], done["attempts"], done["result"]["attempt"]) == ("COMPLETED", 2, 2)


async def test_poison_job_fails_abandoned_when_claims_are_exhausted(start_app: Any, pg_pool: aiopg.Pool) -> None:
    """A job whose worker dies on every claim is re-queued until max_attempts, then FAILED 'abandoned'."""
    client = await start_app(job_max_attempts=2)
    app = client.server.app
    job = await s1.enqueue_job(app, "noop", {})
    for attempt, expected in ((1, "PENDING"), (2, "FAILED")):
        claim = await s1.claim_job(app, f"doomed-{attempt}")
        assert claim is not None and claim.attempts == attempt
        await backdate_heartbeat(pg_pool, job["job_id"])
        assert [r["status"] for r in await s1.rescue_stale_jobs(app)] == [expected]
    done = await job_status(client, job["job_id"])
    assert (done["status"], done["error"], done["attempts"]) == ("FAILED", "abandoned", 2)
    assert done["completed_at"] is not None
    assert await s1.claim_job(app, "w") is None


async def test_not_retryable_job_fails_abandoned_on_first_lost_worker(start_app: Any, pg_pool: aiopg.Pool) -> None:
    """A job type marked retryable=False is not run again after its worker dies: FAILED 'abandoned'."""
    async def once(ctx: s1.JobContext) -> dict[str, Any]:
        return {}
    client = await start_app(job_types={"once": s1.JobType(once, retryable=False)})
    app = client.server.app
    job = await s1.enqueue_job(app, "once", {})
    assert await s1.claim_job(app, "w") is not None
    await backdate_heartbeat(pg_pool, job["job_id"])
    assert [r["status"] for r in await s1.rescue_stale_jobs(app)] == ["FAILED"]
    assert (await job_status(client, job["job_id"]))["error"] == "abandoned"


async def test_rescued_cancel_requested_job_ends_cancelled(start_app: Any, pg_pool: aiopg.Pool) -> None:
    """A RUNNING job with a cancel request whose worker dies is rescued to CANCELLED, not queued again."""
    client = await start_app()
    app = client.server.app
    job = await s1.enqueue_job(app, "noop", {})
    assert await s1.claim_job(app, "w") is not None
    assert (await client.post(f"/api/jobs/{job['job_id']}/cancel")).status == 202
    await backdate_heartbeat(pg_pool, job["job_id"])
    assert [r["status"] for r in await s1.rescue_stale_jobs(app)] == ["CANCELLED"]
    assert (await job_status(client, job["job_id"]))["completed_at"] is not None


async def test_result_that_is_not_json_fails_the_job(start_app: Any) -> None:
    """A handler result the server cannot store as JSON ends the job FAILED, never left RUNNING."""
    async def odd(ctx: s1.JobContext) -> dict[str, Any]:
        return {"when": object()}
    client = await start_app(job_types={"odd": s1.JobType(odd)})
    job = await s1.enqueue_job(client.server.app, "odd", {})
    assert await s1.worker_step(client.server.app, "w")
    done = await job_status(client, job["job_id"])
    assert done["status"] == "FAILED" and "JSON" in done["error"]


async def test_stale_worker_cannot_overwrite_rescued_attempt(start_app: Any, pg_pool: aiopg.Pool) -> None:
    """After a rescue and a re-claim that completes, the old claim's heartbeat raises LeaseLost and its final
    write changes nothing."""
    client = await start_app()
    app = client.server.app
    job = await s1.enqueue_job(app, "noop", {})
    old = await s1.claim_job(app, "A")
    assert old is not None
    await backdate_heartbeat(pg_pool, job["job_id"])
    assert len(await s1.rescue_stale_jobs(app)) == 1
    new = await s1.claim_job(app, "B")
    assert new is not None and new.attempts == 2 and new.token != old.token
    await s1.run_job(app, new, "B")
    before = await job_row(pg_pool, job["job_id"])
    assert before["status"] == "COMPLETED"
    zombie = s1.JobContext(app, old)
    with pytest.raises(s1.LeaseLost):
        await zombie.beat(progress=1)
    await s1.finish_job(zombie, "FAILED", error="zombie write", result={"stale": True}, started=time.monotonic())
    await s1.release_job(zombie)
    assert await job_row(pg_pool, job["job_id"]) == before
    assert await s1.rescue_stale_jobs(app) == []


async def test_rescue_never_reopens_a_job_that_completes_concurrently(start_app: Any, pg_pool: aiopg.Pool) -> None:
    """A stale job completed while a rescue runs ends either COMPLETED or re-queued with the late write
    rejected; a COMPLETED job is never turned back to PENDING."""
    client = await start_app()
    app = client.server.app
    for _ in range(30):
        job = await s1.enqueue_job(app, "noop", {})
        claim = await s1.claim_job(app, "w")
        assert claim is not None
        await backdate_heartbeat(pg_pool, job["job_id"])
        ctx = s1.JobContext(app, claim)
        await asyncio.gather(s1.finish_job(ctx, "COMPLETED", result={"ok": 1}, started=0.0),
                             s1.rescue_stale_jobs(app))
        row = await job_row(pg_pool, job["job_id"])
        assert (row["status"], row["result"]) in (("COMPLETED", {"ok": 1}), ("PENDING", {}))
        await sql(pg_pool, "DELETE FROM stage1_jobs")


async def test_long_healthy_job_is_never_rescued(start_app: Any) -> None:
    """A job that runs several leases long without checkpoints (CPU-busy in a thread) keeps its lease through
    heartbeats: another app's rescuer never takes it and it completes once."""
    def spin(seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            pass

    async def long_job(ctx: s1.JobContext) -> dict[str, Any]:
        await asyncio.to_thread(spin, 4.0)
        return {"spun": True}
    client = await start_app(worker_slots=1, job_stale_s=1, job_types={"long": s1.JobType(long_job)})
    rescuer = (await start_app(job_stale_s=1)).server.app
    job = await s1.enqueue_job(client.server.app, "long", {})
    rescued: list[dict[str, Any]] = []

    async def rescue_forever() -> None:
        while True:
            rescued.extend(await s1.rescue_stale_jobs(rescuer))
            await asyncio.sleep(0.1)
    task = asyncio.create_task(rescue_forever())
    try:
        done = await wait_job(client, job["job_id"], "COMPLETED", "FAILED", "CANCELLED", timeout=30)
    finally:
        task.cancel()
    assert rescued == []
    assert (done["status"], done["attempts"], done["result"]) == ("COMPLETED", 1, {"spun": True})


async def test_poll_picks_up_job_whose_notify_was_lost(start_app: Any, pg_pool: aiopg.Pool) -> None:
    """A job inserted without any NOTIFY (nor in-process wake-up) is still picked up by the poll."""
    client = await start_app(worker_slots=1, worker_poll_ms=200)
    await eventually(lambda: listener_pids(pg_pool))
    await insert_jobs(pg_pool, 1, notify=False)
    (job_id,) = (await sql(pg_pool, "SELECT job_id::text FROM stage1_jobs"))[0]
    assert (await wait_job(client, job_id, "COMPLETED"))["attempts"] == 1


async def test_listener_reconnects_after_its_backend_is_terminated(start_app: Any, pg_pool: aiopg.Pool) -> None:
    """With the LISTEN connection killed, a job queued meanwhile is still picked up, the listener reconnects,
    and NOTIFY alone (the poll is 60 s) wakes the worker again."""
    existing = await listener_pids(pg_pool)
    client = await start_app(worker_slots=1, worker_poll_ms=60000)

    async def new_listeners() -> set[int]:
        return await listener_pids(pg_pool) - existing
    first = await eventually(new_listeners)
    await sql(pg_pool, "SELECT pg_terminate_backend(pid) FROM unnest(%s) AS pid", (list(first),))
    queued = await s1.enqueue_job((await start_app()).server.app, "noop", {})
    await wait_job(client, queued["job_id"], "COMPLETED")

    async def replaced() -> set[int]:
        pids = await new_listeners()
        return pids if pids and not pids & first else set()
    await eventually(replaced)
    notified = str(uuid.uuid4())
    await sql(pg_pool, s1.SQL_INSERT_JOB, {"job_id": notified, "job_type": "noop", "payload": "{}", "total": 0,
                                           "max_attempts": 3, "node_id": None})
    await wait_job(client, notified, "COMPLETED")


async def test_shutdown_releases_running_job_to_pending(start_app: Any, pg_pool: aiopg.Pool) -> None:
    """Closing the app while a job runs past the grace period puts it back to PENDING, never left RUNNING."""
    client = await start_app(worker_slots=1, worker_grace_s=0.3)
    job = await s1.enqueue_job(client.server.app, "noop", {"steps": 100, "sleep_s": 100})
    await wait_job(client, job["job_id"], "RUNNING")
    await client.close()
    row = await job_row(pg_pool, job["job_id"])
    assert (row["status"], row["lease_token"], row["worker_id"], row["attempts"]) == ("PENDING", None, None, 1)
    assert row["completed_at"] is None


async def test_shutdown_lets_a_short_job_finish_within_the_grace(start_app: Any, pg_pool: aiopg.Pool) -> None:
    """A job that finishes within the grace period completes normally during shutdown."""
    client = await start_app(worker_slots=1, worker_grace_s=30)
    job = await s1.enqueue_job(client.server.app, "noop", {"steps": 4, "sleep_s": 0.8})
    await wait_job(client, job["job_id"], "RUNNING")
    await client.close()
    row = await job_row(pg_pool, job["job_id"])
    assert (row["status"], row["progress"], row["attempts"]) == ("COMPLETED", 4, 1)


async def test_shutdown_ends_a_cancel_requested_job_cancelled(start_app: Any, pg_pool: aiopg.Pool) -> None:
    """A job whose cancel was requested but not yet seen is CANCELLED at shutdown, not queued again."""
    async def deaf(ctx: s1.JobContext) -> dict[str, Any]:
        await asyncio.sleep(100)                            # never reaches a checkpoint
        return {}
    client = await start_app(worker_slots=1, worker_grace_s=0.2, job_types={"deaf": s1.JobType(deaf)})
    job = await s1.enqueue_job(client.server.app, "deaf", {})
    await wait_job(client, job["job_id"], "RUNNING")
    assert (await (await start_app()).post(f"/api/jobs/{job['job_id']}/cancel")).status == 202
    await client.close()
    row = await job_row(pg_pool, job["job_id"])
    assert (row["status"], row["lease_token"]) == ("CANCELLED", None) and row["completed_at"] is not None


async def test_local_files_job_is_claimed_only_on_its_node(start_app: Any) -> None:
    """A JobType(local_files=True) job enqueued on node A is not claimed by node B, and is claimed by A;
    an ordinary job is claimed by any node."""
    async def local(ctx: s1.JobContext) -> dict[str, Any]:
        return {}
    types = {"local": s1.JobType(local, local_files=True)}
    node_a = (await start_app(node_id="node-a", job_types=types)).server.app
    node_b = (await start_app(node_id="node-b", job_types=types)).server.app
    client = await start_app()
    job = await s1.enqueue_job(node_a, "local", {})
    assert not await s1.worker_step(node_b, "b")
    assert await s1.worker_step(node_a, "a")
    assert (await job_status(client, job["job_id"]))["status"] == "COMPLETED"
    anywhere = await s1.enqueue_job(node_a, "noop", {})
    assert await s1.worker_step(node_b, "b")
    assert (await job_status(client, anywhere["job_id"]))["status"] == "COMPLETED"


async def test_worker_metrics_shape_and_types(start_app: Any) -> None:
    """GET /api/worker/metrics: five status counts, queue depth and age, per-type counts with integer or null
    durations, the slot counters, and the last failed job as last_error."""
    client = await start_app()
    app = client.server.app
    await s1.enqueue_job(app, "noop", {})
    assert await s1.worker_step(app, "w")
    failed = await s1.enqueue_job(app, "noop", {"fail": "boom"})
    assert await s1.worker_step(app, "w")
    await s1.enqueue_job(app, "later", {})
    resp = await client.get("/api/worker/metrics")
    assert resp.status == 200
    body = await resp.json()
    assert set(body) == {"timestamp", "status_counts", "queue_depth", "oldest_pending_age_s", "job_types",
                         "workers", "last_error"}
    assert body["timestamp"].endswith("Z")
    assert body["status_counts"] == {"PENDING": 1, "RUNNING": 0, "COMPLETED": 1, "FAILED": 1, "CANCELLED": 0}
    assert body["queue_depth"] == 1 and isinstance(body["oldest_pending_age_s"], int)
    assert set(body["job_types"]) == {"noop", "later"}
    noop = body["job_types"]["noop"]
    assert noop["count"] == 2 and all(isinstance(noop["duration_ms"][k], int) for k in ("p50", "p95", "max"))
    assert body["job_types"]["later"] == {"count": 1, "duration_ms": {"p50": None, "p95": None, "max": None}}
    assert body["workers"] == {"slots": 0, "busy": 0, "idle": 0}
    last = body["last_error"]
    assert (last["job_id"], last["job_type"], last["error"]) == (failed["job_id"], "noop", "boom")
    assert last["at"].endswith("Z")


async def test_worker_metrics_on_an_empty_queue(client: Any) -> None:
    """With no jobs every count is 0, the age and last_error are null and job_types is empty."""
    body = await (await client.get("/api/worker/metrics")).json()
    assert body["status_counts"] == dict.fromkeys(s1.JOB_STATUSES, 0)
    assert (body["queue_depth"], body["oldest_pending_age_s"], body["job_types"], body["last_error"]) == \
        (0, None, {}, None)


async def test_health_and_metrics_report_busy_slots(start_app: Any) -> None:
    """While a slot runs a job and another job waits, /api/health's worker block and the metrics show it."""
    client = await start_app(worker_slots=1, worker_grace_s=0.2)
    running = await s1.enqueue_job(client.server.app, "noop", {"steps": 100, "sleep_s": 100})
    await wait_job(client, running["job_id"], "RUNNING")
    waiting = await s1.enqueue_job(client.server.app, "noop", {})
    health = await (await client.get("/api/health")).json()
    assert health["dependencies"]["worker"] == {"status": "running", "slots": 1, "busy": 1, "queue_depth": 1,
                                                "error": None}
    metrics = await (await client.get("/api/worker/metrics")).json()
    assert metrics["workers"] == {"slots": 1, "busy": 1, "idle": 0}
    assert (await client.post(f"/api/jobs/{running['job_id']}/cancel")).status == 202
    await wait_job(client, waiting["job_id"], "COMPLETED")


# --- Datasets ------------------------------------------------------------------------------------------------


# --- Runs ----------------------------------------------------------------------------------------------------


# --- Simulations ---------------------------------------------------------------------------------------------


# --- Imports -------------------------------------------------------------------------------------------------


# --- QuestDB proxy -------------------------------------------------------------------------------------------

# Helpers: real QuestDB over HTTP (/exec) and ILP/TCP, unique table names, a scripted fake QuestDB.

@pytest.fixture
async def qtable() -> AsyncIterator[Any]:
    """new_table(suffix, base) gives a fresh table name, t_<hex><suffix> or <base><suffix>; every name handed
    out is dropped afterwards."""
    names: list[str] = []

    def new_table(suffix: str = "", base: str | None = None) -> str:
        names.append(f"{base or 't_' + uuid.uuid4().hex[:12]}{suffix}")
        return names[-1]
    yield new_table
    for name in names:
        await qdb_exec(f'DROP TABLE IF EXISTS "{name}"')


async def qdb_exec(query: str, expect: int | None = 200) -> dict[str, Any]:
    """QuestDB's own /exec answer (the tests read QuestDB directly to compare with the server)."""
    async with s1.aiohttp.ClientSession() as session:
        async with session.get(f"{TEST_QUESTDB_HTTP}/exec", params={"query": query}) as resp:
            body = await resp.json(content_type=None)
            assert expect is None or resp.status == expect, body
            return body


async def qdb_export(query: str) -> bytes:
    async with s1.aiohttp.ClientSession() as session:
        async with session.get(f"{TEST_QUESTDB_HTTP}/exp", params={"query": query}) as resp:
            assert resp.status == 200
            return await resp.read()


async def ilp_send(lines: list[str]) -> None:
    reader, writer = await asyncio.open_connection(TEST_QUESTDB_ILP_HOST, TEST_QUESTDB_ILP_PORT)
    writer.write("".join(lines).encode())
    await writer.drain()
    writer.close()
    await writer.wait_closed()


async def wait_count(table: str, rows: int) -> None:
    """Wait until QuestDB shows rows rows in table (ILP commits and WAL applies asynchronously)."""
    async def probe() -> bool:
        body = await qdb_exec(f'SELECT count() FROM "{table}"', expect=None)
        return body.get("dataset") == [[rows]]
    await eventually(probe, timeout=30, interval=0.2)


async def price_table(qtable: Any, suffix: str = "") -> str:
    """A non-WAL table (rows visible at once) with a designated µs timestamp, a NaN and a symbol."""
    name = qtable(suffix)
    await qdb_exec(f'CREATE TABLE "{name}" (ts TIMESTAMP, price DOUBLE, n LONG, tag SYMBOL) '
                   "TIMESTAMP(ts) PARTITION BY DAY BYPASS WAL")
    await qdb_exec(f"INSERT INTO \"{name}\" VALUES ('2024-01-01T00:00:00.123456Z', 1.5, 1, 'a'), "
                   f"('2024-01-02T00:00:00.000000Z', NaN, 2, null), ('2024-01-03T00:00:00.000000Z', 3.25, null, 'c')")
    return name


class FakeQuestDB:
    """A scripted QuestDB HTTP API. /exec answers with the first (fragment, status, body) whose fragment is in
    the query, after `delay`; /exp sends exp_head and then breaks the connection. It records every query and
    the peak number of concurrent /exec calls."""

    def __init__(self, answers: list[tuple[str, int, Any]], exp_head: bytes = b"", delay: float = 0.0) -> None:
        self.answers, self.exp_head, self.delay = answers, exp_head, delay
        self.queries: list[str] = []
        self.in_flight = self.peak = 0

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/exec", self.exec)
        app.router.add_get("/exp", self.exp)
        return app

    async def exec(self, request: web.Request) -> web.Response:
        query = request.query["query"]
        self.queries.append(query)
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        try:
            await asyncio.sleep(self.delay)
            for fragment, status, body in self.answers:
                if fragment in query:
                    return web.json_response(body, status=status)
            return web.json_response({"query": query, "error": "not scripted", "position": 0}, status=400)
        finally:
            self.in_flight -= 1

    async def exp(self, request: web.Request) -> web.StreamResponse:
        self.queries.append(request.query["query"])
        resp = web.StreamResponse(headers={"Content-Type": "text/csv; charset=utf-8"})
        await resp.prepare(request)
        await resp.write(self.exp_head)
        raise ConnectionResetError("fake QuestDB cut the export short")


def exec_answer(columns: list[str], rows: list[list[Any]]) -> dict[str, Any]:
    return {"query": "", "columns": [{"name": c, "type": "STRING"} for c in columns], "timestamp": -1,
            "dataset": rows, "count": len(rows)}


# Read-only SQL rule (§3.6.1), without an app

@pytest.mark.parametrize("sql, statement", [
    ('SELECT * FROM "btc_4h_v2_ind" LIMIT 200;', 'SELECT * FROM "btc_4h_v2_ind" LIMIT 200'),
    ("  select timestamp_unix, open FROM measurement LIMIT 50 ;  ",
     "select timestamp_unix, open FROM measurement LIMIT 50"),
    ("select 'drop table x'", "select 'drop table x'"),
    ("SELECT 'it''s; -- /* not a comment' AS s", "SELECT 'it''s; -- /* not a comment' AS s"),
    ('SELECT "a""b" FROM t', 'SELECT "a""b" FROM t'),
    ('SELECT "delete" FROM "update"', 'SELECT "delete" FROM "update"'),
    ("WITH a AS (SELECT 1) SELECT * FROM a", "WITH a AS (SELECT 1) SELECT * FROM a"),
    ("SHOW TABLES", "SHOW TABLES"),
    ("explain SELECT * FROM t", "explain SELECT * FROM t"),
    ("SELECT created_at, dropped, updated_by FROM t", "SELECT created_at, dropped, updated_by FROM t"),
    ("SELECT 1 - -1", "SELECT 1 - -1"),
])
def test_read_only_sql_accepts_reads(sql: str, statement: str) -> None:
    """Reads pass; one trailing ';' and outer whitespace are removed; quoted text is opaque."""
    assert s1.check_read_only_sql(sql) == statement


@pytest.mark.parametrize("sql", [
    "SELECT 1; DROP TABLE t", "SELECT 1;;", "DROP TABLE t", "drop table t;", "SELECT * FROM t -- x",
    "SELECT /* x */ 1", "SELECT 'unterminated", 'SELECT "unterminated FROM t', "SELECT 'a'' FROM t",
    "INSERT INTO t VALUES (1)", "WITH a AS (SELECT 1) INSERT INTO t SELECT * FROM a",
    "SELECT * FROM t WHERE x IN (SELECT 1) UNION SELECT 1 FROM (DELETE FROM t)", "Select 1 Copy t",
    "(SELECT 1)", "'SELECT' 1", ";", "UPDATE t SET a = 1", "SELECT 1 CANCEL", "VACUUM TABLE t",
    "SELECT * FROM t\nSNAPSHOT", "select 1 checkpoint", "SELECT'x'FROM t;ALTER TABLE t",
])
def test_read_only_sql_rejects_anything_else(sql: str) -> None:
    """Several statements, comments, unterminated quotes, other first words and forbidden words → 400."""
    with pytest.raises(s1.ApiError) as caught:
        s1.check_read_only_sql(sql)
    assert (caught.value.status, caught.value.code) == (400, "read_only_violation")


@pytest.mark.parametrize("sql, code", [(None, "missing_fields"), ("", "missing_fields"), ("  ", "missing_fields"),
                                       (12, "invalid_field"), (["SELECT 1"], "invalid_field"),
                                       ("SELECT '" + "x" * 65_530 + "'", "invalid_field"),
                                       ("SELECT '" + "é" * 32_800 + "'", "invalid_field"),
                                       ("SELECT '\ud800'", "invalid_field")])
def test_read_only_sql_field_errors(sql: Any, code: str) -> None:
    """Missing or empty sql → missing_fields; not a string, over 64 KiB of UTF-8 or unencodable → invalid_field."""
    with pytest.raises(s1.ApiError) as caught:
        s1.check_read_only_sql(sql)
    assert caught.value.code == code
    assert code != "invalid_field" or caught.value.extra["field"] == "sql"


def test_read_only_sql_accepts_exactly_64_kib() -> None:
    """The cap counts UTF-8 bytes: 65 536 bytes pass."""
    sql = "SELECT '" + "x" * (65_536 - 9) + "'"
    assert len(sql.encode()) == 65_536 and s1.check_read_only_sql(sql) == sql


# POST /api/questdb/query (§3.6.2)

async def test_query_returns_columns_as_strings_and_rows(client: Any, qtable: Any) -> None:
    """A debugger query: column names only, QuestDB's µs ISO timestamps, NaN/null as null, not truncated."""
    name = await price_table(qtable)
    sql = f'SELECT * FROM "{name}" LIMIT 200;'
    resp = await client.post("/api/questdb/query", json={"sql": sql})
    assert resp.status == 200 and resp.content_type == "application/json"
    text = await resp.text()
    assert_no_float_tokens(text)
    assert json.loads(text) == {
        "query": sql, "columns": ["ts", "price", "n", "tag"], "count": 3, "truncated": False,
        "dataset": [["2024-01-01T00:00:00.123456Z", 1.5, 1, "a"], ["2024-01-02T00:00:00.000000Z", None, 2, None],
                    ["2024-01-03T00:00:00.000000Z", 3.25, None, "c"]]}


async def test_query_truncates_at_the_row_cap(start_app: Any, qtable: Any) -> None:
    """More rows than STAGE1_QUERY_MAX_ROWS: cut to the cap with truncated true; exactly the cap is not cut."""
    client = await start_app(query_max_rows=2)
    name = await price_table(qtable)
    body = await (await client.post("/api/questdb/query", json={"sql": f'SELECT n FROM "{name}"'})).json()
    assert (body["dataset"], body["count"], body["truncated"]) == ([[1], [2]], 2, True)
    body = await (await client.post("/api/questdb/query", json={"sql": f'SELECT n FROM "{name}" LIMIT 2'})).json()
    assert (body["count"], body["truncated"]) == (2, False)


async def test_query_drop_is_refused_and_the_table_stays(client: Any, qtable: Any) -> None:
    """DROP TABLE through the proxy → 400 read_only_violation, and QuestDB still has the table."""
    name = await price_table(qtable)
    for sql in (f'DROP TABLE "{name}"', f'SELECT 1; DROP TABLE "{name}"'):
        await assert_error(await client.post("/api/questdb/query", json={"sql": sql}), 400, "read_only_violation")
    assert (await qdb_exec(f'SELECT count() FROM "{name}"'))["dataset"] == [[3]]


async def test_query_syntax_error_carries_questdb_message_and_position(client: Any, qtable: Any) -> None:
    """A statement QuestDB rejects → 400 questdb_error with QuestDB's own message and position."""
    name = await price_table(qtable)
    sql = f'SELECT price FROM "{name}" WHERE'
    direct = await qdb_exec(sql, expect=400)
    body = await assert_error(await client.post("/api/questdb/query", json={"sql": sql}), 400, "questdb_error")
    assert body["error"] == direct["error"] and body["position"] == direct["position"]
    await assert_error(await client.post("/api/questdb/query", json={"sql": f'SELECT * FROM "{name}_none"'}),
                       400, "questdb_error")


@pytest.mark.parametrize("body, code", [({}, "missing_fields"), ({"sql": ""}, "missing_fields"),
                                        ({"sql": 5}, "invalid_field"),
                                        ({"sql": "DELETE FROM t"}, "read_only_violation")])
async def test_query_body_errors(client: Any, body: dict[str, Any], code: str) -> None:
    """Bad bodies are 400 with the documented codes."""
    await assert_error(await client.post("/api/questdb/query", json=body), 400, code)


async def test_query_over_the_cap_is_refused_without_questdb(start_app: Any) -> None:
    """The 64 KiB cap is checked before QuestDB is contacted: 400 even while QuestDB is down."""
    client = await start_app(questdb_http=f"http://127.0.0.1:{free_port()}")
    sql = "SELECT '" + "x" * 70_000 + "'"
    body = await assert_error(await client.post("/api/questdb/query", json={"sql": sql}), 400, "invalid_field")
    assert body["field"] == "sql"


async def test_query_questdb_down_or_slow_is_503(start_app: Any) -> None:
    """QuestDB unreachable → 503 questdb_unavailable; QuestDB silent past the timeout → 503 questdb_timeout."""
    client = await start_app(questdb_http=f"http://127.0.0.1:{free_port()}")
    await assert_error(await client.post("/api/questdb/query", json={"sql": "SELECT 1"}), 503, "questdb_unavailable")

    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(30)
    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    try:
        slow = await start_app(questdb_http=f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}",
                               questdb_timeout_s=0.3)
        await assert_error(await slow.post("/api/questdb/query", json={"sql": "SELECT 1"}), 503, "questdb_timeout")
    finally:
        server.close()


# POST /api/questdb/export (§3.6.3)

async def test_export_relays_questdb_csv(client: Any, qtable: Any) -> None:
    """The body is QuestDB's own CSV, streamed chunked as text/csv, with the requested file name."""
    name = await price_table(qtable)
    sql = f'SELECT * FROM "{name}"'
    resp = await client.post("/api/questdb/export", json={"sql": sql + ";", "filename": "prices.csv"})
    assert resp.status == 200
    assert resp.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert resp.headers["Content-Disposition"] == 'attachment; filename="prices.csv"'
    assert resp.headers.get("Transfer-Encoding") == "chunked"
    body = await resp.read()
    assert body == await qdb_export(sql)
    assert body.splitlines()[0] == b'"ts","price","n","tag"'
    resp = await client.post("/api/questdb/export", json={"sql": sql})
    assert resp.status == 200 and "Content-Disposition" not in resp.headers


async def test_export_errors_come_before_streaming(client: Any, qtable: Any) -> None:
    """Unknown table, a write, or a bad filename: a JSON error, never a CSV response."""
    missing = qtable()
    body = await assert_error(await client.post("/api/questdb/export", json={"sql": f'SELECT * FROM "{missing}"'}),
                              400, "questdb_error")
    assert "table does not exist" in body["error"]
    await assert_error(await client.post("/api/questdb/export", json={"sql": f'DROP TABLE "{missing}"'}),
                       400, "read_only_violation")
    await assert_error(await client.post("/api/questdb/export", json={"sql": "SELECT 1", "filename": 3}),
                       400, "invalid_field")


def test_content_disposition_cannot_break_the_header() -> None:
    """Quotes, backslashes, line breaks and non-ASCII in a file name are replaced."""
    assert s1.content_disposition('a"b\\c\r\nd é.csv') == 'attachment; filename="a_b_c__d _.csv"'


async def test_export_cut_by_questdb_aborts_the_connection(start_app: Any, aiohttp_server: Any) -> None:
    """QuestDB failing mid-export gives the client a broken body, never a complete-looking one."""
    fake = FakeQuestDB([], exp_head=b'"a"\n1\n')
    server = await aiohttp_server(fake.app())
    client = await start_app(questdb_http=f"http://127.0.0.1:{server.port}")
    resp = await client.post("/api/questdb/export", json={"sql": "SELECT 1"})
    assert resp.status == 200
    with pytest.raises(s1.aiohttp.ClientPayloadError):
        await resp.read()


# GET /api/questdb/measurements and /api/questdb/measurement/{name} (§3.6.4, §3.6.5)

async def test_measurements_list_with_prefix_stats_and_paging(client: Any, qtable: Any) -> None:
    """Items sorted by name with camelCase metadata, counts and ms ISO bounds; prefix, limit and offset."""
    prices = await price_table(qtable, "_a")
    prefix = prices[:-2]
    plain = qtable("_b", base=prefix)
    await qdb_exec(f'CREATE TABLE "{plain}" (a INT, b DOUBLE)')
    body = await (await client.get("/api/questdb/measurements", params={"prefix": prefix})).json()
    assert body == {"count": 2, "total": 2, "measurements": [
        {"name": prices, "designatedTimestamp": "ts", "partitionBy": "DAY", "row_count": 3,
         "first_ts": "2024-01-01T00:00:00.123Z", "last_ts": "2024-01-03T00:00:00Z"},
        {"name": plain, "designatedTimestamp": None, "partitionBy": "NONE", "row_count": 0,
         "first_ts": None, "last_ts": None}]}
    page = await (await client.get(f"/api/questdb/measurements?prefix={prefix}&limit=1&offset=1")).json()
    assert (page["count"], page["total"], [m["name"] for m in page["measurements"]]) == (1, 2, [plain])
    everything = await (await client.get("/api/questdb/measurements")).json()
    names = [m["name"] for m in everything["measurements"]]
    assert {prices, plain} <= set(names) and names == sorted(names)
    assert everything["count"] == everything["total"] == len(names)
    assert not [n for n in names if n.startswith(("sys.", "telemetry"))]


async def test_measurements_bad_paging_is_400(client: Any) -> None:
    """limit and offset must be non-negative integers."""
    body = await assert_error(await client.get("/api/questdb/measurements?limit=-1"), 400, "invalid_parameter")
    assert body["parameter"] == "limit"


async def test_measurements_stats_failure_and_bounded_concurrency(start_app: Any, aiohttp_server: Any) -> None:
    """One table whose statistics fail gets 0 and null bounds; statistics run concurrently, at most 8 at a time."""
    tables = [[f"m{i:02d}", "timestamp", "DAY"] for i in range(20)] + [["sys.x", None, "NONE"]]
    fake = FakeQuestDB([("FROM tables()", 200, exec_answer(["table_name", "designatedTimestamp", "partitionBy"],
                                                           tables)),
                        ('FROM "m03"', 400, {"query": "", "error": "boom", "position": 0}),
                        ("count()", 200, exec_answer(["row_count", "first_ts", "last_ts"],
                                                     [[7, "2024-01-01T00:00:00.000000Z", None]]))], delay=0.05)
    server = await aiohttp_server(fake.app())
    client = await start_app(questdb_http=f"http://127.0.0.1:{server.port}")
    body = await (await client.get("/api/questdb/measurements")).json()
    assert body["total"] == 20 and [m["name"] for m in body["measurements"]] == [t[0] for t in tables[:20]]
    assert body["measurements"][3] == {"name": "m03", "designatedTimestamp": "timestamp", "partitionBy": "DAY",
                                       "row_count": 0, "first_ts": None, "last_ts": None}
    assert body["measurements"][4]["row_count"] == 7 and body["measurements"][4]["first_ts"] == "2024-01-01T00:00:00Z"
    assert 1 < fake.peak <= 8


async def test_measurement_detail_has_columns(client: Any, qtable: Any) -> None:
    """The list item plus columns [{name, type, designated}] in table order."""
    name = await price_table(qtable)
    body = await (await client.get(f"/api/questdb/measurement/{name}")).json()
    assert body == {"name": name, "designatedTimestamp": "ts", "partitionBy": "DAY", "row_count": 3,
                    "first_ts": "2024-01-01T00:00:00.123Z", "last_ts": "2024-01-03T00:00:00Z",
                    "columns": [{"name": "ts", "type": "TIMESTAMP", "designated": True},
                                {"name": "price", "type": "DOUBLE", "designated": False},
                                {"name": "n", "type": "LONG", "designated": False},
                                {"name": "tag", "type": "SYMBOL", "designated": False}]}


async def test_measurement_detail_errors(client: Any, qtable: Any) -> None:
    """An invalid name → 400 invalid_measurement; a table that does not exist → 404 measurement_not_found."""
    await assert_error(await client.get("/api/questdb/measurement/bad..name"), 400, "invalid_measurement")
    await assert_error(await client.get(f"/api/questdb/measurement/{qtable()}"), 404, "measurement_not_found")


# GET /api/runs/{id}/predictions (§3.4.7)

PREDICTIONS_HEADER = ("timestamp,bar_index,fold_number,prediction,target,long_threshold,short_threshold,"
                      "roc_threshold,short_entry_threshold,fold_score,fold_profit_factor")
BAR_MS = 1_731_700_800_000                 # 2024-11-15T20:00:00Z


def prediction_line(table: str, ts_ns: int, **fields: Any) -> str:
    """One ILP line as the desktop writes it (§5.2): LONGs with `i`, DOUBLEs via repr, nulls omitted."""
    values = ",".join(f"{k}={v}i" if isinstance(v, int) else f"{k}={v!r}" for k, v in fields.items())
    return f"{table} {values} {ts_ns}\n"


async def predictions_table(qtable: Any) -> str:
    """A predictions table in the desktop's layout: a duplicated row, omitted thresholds, out-of-order rows,
    a sub-millisecond timestamp, and two bars sharing one timestamp."""
    name = qtable("_wf1731700000")
    full = dict(long_threshold=0.1, short_threshold=-0.1, roc_threshold=0.05, short_entry_threshold=-0.05,
                fold_score=0.61, fold_profit_factor=1.5)
    first = prediction_line(name, BAR_MS * 1_000_000, bar_index=100, fold_number=50, prediction=0.25,
                            target_value=-0.5, **full)
    await ilp_send([
        first,
        prediction_line(name, (BAR_MS + 14_400_000) * 1_000_000 + 123_456_789, bar_index=101, fold_number=50,
                        prediction=0.30000000000000004, target_value=1e-07, long_threshold=0.1),
        prediction_line(name, (BAR_MS - 14_400_000) * 1_000_000, bar_index=99, fold_number=49, prediction=-1.0,
                        target_value=2.0, **full),
        prediction_line(name, (BAR_MS + 28_800_000) * 1_000_000, bar_index=103, fold_number=51, prediction=1.0,
                        target_value=0.0),
        prediction_line(name, (BAR_MS + 28_800_000) * 1_000_000, bar_index=102, fold_number=51, prediction=2.0,
                        target_value=0.0),
        first,                                       # the desktop rewrites every row on each save attempt
    ])
    await wait_count(name, 6)
    return name


EXPECTED_PREDICTIONS = [
    [BAR_MS - 14_400_000, 99, 49, -1.0, 2.0, 0.1, -0.1, 0.05, -0.05, 0.61, 1.5],
    [BAR_MS, 100, 50, 0.25, -0.5, 0.1, -0.1, 0.05, -0.05, 0.61, 1.5],
    [BAR_MS + 14_400_123, 101, 50, 0.30000000000000004, 1e-07, 0.1, None, None, None, None, None],
    [BAR_MS + 28_800_000, 102, 51, 2.0, 0.0, None, None, None, None, None, None],
    [BAR_MS + 28_800_000, 103, 51, 1.0, 0.0, None, None, None, None, None, None],
]


async def insert_run(pool: aiopg.Pool, measurement: str | None, walk_config: dict[str, Any] | None = None) -> str:
    """A run row written directly (POST /api/runs is tested elsewhere)."""
    run_id = str(uuid.uuid4())
    await sql(pool, "INSERT INTO walkforward_runs (run_id, dataset_id, prediction_measurement, walk_config) "
                    "VALUES (%s, %s, %s, %s)", (run_id, str(uuid.uuid4()), measurement, json.dumps(walk_config or {})))
    return run_id


async def test_predictions_csv_is_exact(client: Any, pg_pool: aiopg.Pool, qtable: Any) -> None:
    """CSV: the fixed header, rows by timestamp then bar_index, each row once, ms timestamps, repr floats,
    integers without a decimal point and empty fields for nulls, streamed chunked."""
    run_id = await insert_run(pg_pool, await predictions_table(qtable))
    resp = await client.get(f"/api/runs/{run_id}/predictions")
    assert resp.status == 200 and resp.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert resp.headers.get("Transfer-Encoding") == "chunked"
    lines = [PREDICTIONS_HEADER] + [",".join("" if v is None else repr(v) for v in row)
                                    for row in EXPECTED_PREDICTIONS]
    assert await resp.text() == "\n".join(lines) + "\n"
    assert lines[3] == f"{BAR_MS + 14_400_123},101,50,0.30000000000000004,1e-07,0.1,,,,,"


async def test_predictions_json_is_exact(client: Any, pg_pool: aiopg.Pool, qtable: Any) -> None:
    """format=json: columns, dataset and count (written last), integers as JSON integers, nulls as null."""
    table = await predictions_table(qtable)
    run_id = await insert_run(pg_pool, "", {"prediction_measurement": table})     # the walk_config fallback
    resp = await client.get(f"/api/runs/{run_id.upper()}/predictions?format=json")
    assert resp.status == 200 and resp.content_type == "application/json"
    text = await resp.text()
    assert json.loads(text) == {"columns": PREDICTIONS_HEADER.split(","), "dataset": EXPECTED_PREDICTIONS,
                                "count": 5}
    assert text.endswith(',"count":5}') and f"[{BAR_MS},100,50,0.25," in text


async def test_predictions_errors_before_the_first_byte(client: Any, pg_pool: aiopg.Pool, qtable: Any) -> None:
    """Unknown or non-UUID run → 404 run_not_found; no table or no measurement → 404 predictions_missing;
    a bad format → 400 invalid_parameter."""
    await assert_error(await client.get(f"/api/runs/{uuid.uuid4()}/predictions"), 404, "run_not_found")
    await assert_error(await client.get("/api/runs/not-a-uuid/predictions"), 404, "run_not_found")
    absent = await insert_run(pg_pool, qtable("_wf1731700000"))
    await assert_error(await client.get(f"/api/runs/{absent}/predictions"), 404, "predictions_missing")
    empty = await insert_run(pg_pool, None)
    await assert_error(await client.get(f"/api/runs/{empty}/predictions?format=json"), 404, "predictions_missing")
    body = await assert_error(await client.get(f"/api/runs/{absent}/predictions?format=xml"), 400,
                              "invalid_parameter")
    assert body["parameter"] == "format"


async def test_predictions_questdb_down_is_503(start_app: Any, pg_pool: aiopg.Pool) -> None:
    """QuestDB unreachable → 503 before anything is streamed."""
    client = await start_app(questdb_http=f"http://127.0.0.1:{free_port()}")
    run_id = await insert_run(pg_pool, "btc_4h_v2_ind_wf1731700000")
    await assert_error(await client.get(f"/api/runs/{run_id}/predictions"), 503, "questdb_unavailable")


async def test_predictions_cut_by_questdb_abort_the_connection(start_app: Any, pg_pool: aiopg.Pool,
                                                               aiohttp_server: Any) -> None:
    """QuestDB failing mid-stream gives a broken body, not a short table that looks complete."""
    columns = exec_answer(["column", "type", "designated"], [["timestamp", "TIMESTAMP", True],
                                                             ["bar_index", "LONG", False]])
    fake = FakeQuestDB([("FROM tables()", 200, exec_answer(["table_name", "designatedTimestamp", "partitionBy"],
                                                           [["p_wf1", "timestamp", "DAY"]])),
                        ("table_columns('p_wf1')", 200, columns)],
                       exp_head=b'"o_timestamp","o_bar_index"\n1731700800000000,1\n')
    server = await aiohttp_server(fake.app())
    client = await start_app(questdb_http=f"http://127.0.0.1:{server.port}")
    run_id = await insert_run(pg_pool, "p_wf1")
    resp = await client.get(f"/api/runs/{run_id}/predictions?format=json")
    assert resp.status == 200
    with pytest.raises(s1.aiohttp.ClientPayloadError):
        await resp.read()
    assert fake.queries[-1].startswith('SELECT cast("timestamp" AS LONG) AS "o_timestamp"')


def test_prediction_plan_resolves_aliases_and_undesignated_timestamps() -> None:
    """Older tables: alias names are used, non-numeric columns are ignored, and without a designated
    timestamp the first alias of §2.5 is normalised (N)."""
    columns = [{"name": n, "type": t, "designated": False} for n, t in
               [("ts", "LONG"), ("timestamp_ms", "DOUBLE"), ("index", "LONG"), ("fold", "INT"),
                ("prediction", "STRING"), ("prediction_value", "DOUBLE"), ("target", "DOUBLE"),
                ("best_score", "FLOAT")]]
    plan = s1.prediction_plan("old_wf1", columns)
    assert plan.outputs == ("timestamp", "bar_index", "fold_number", "prediction", "target", "fold_score")
    assert plan.time_unit == "epoch" and '"timestamp_ms" AS "o_timestamp"' in plan.sql
    assert 'last("prediction_value") AS "o_prediction"' in plan.sql
    assert plan.sql.endswith('GROUP BY "o_timestamp", "o_bar_index", "o_fold_number" '
                             'ORDER BY "o_timestamp", "o_bar_index"')
    assert plan.convert(["1731700800.5", "7", "50", "0.5", "", "1.0E20"]) == \
        [1_731_700_800_500, 7, 50, 0.5, None, None, None, None, None, 1e20, None]
