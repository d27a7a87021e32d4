"""Tests for stage1_server. Real PostgreSQL and QuestDB from scripts/services.sh; small fakes only for fault
injection (a TCP proxy that can take a dependency down and bring it back, a fake QuestDB).

Sections: services · app · fakes · helpers · config · transport and errors · health · jobs API · workers
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import copy
import gzip
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

import aiohttp
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
           "STAGE1_WORKER_SLOTS": "0", "STAGE1_QUESTDB_TIMEOUT_S": "10",
           "STAGE1_HEALTH_CACHE_MS": "0"}          # health tests see every change at once; caching has its own
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
    Used to take PostgreSQL or QuestDB away from a running server and bring it back. With a pause, it passes
    the stream on `read_bytes` at a time and waits that long after each read: a slow service."""

    def __init__(self, target_port: int, read_bytes: int = 65536, pause_s: float = 0.0) -> None:
        self.target_port, self.read_bytes, self.pause_s = target_port, read_bytes, pause_s
        self.port = free_port()
        self.server: asyncio.base_events.Server | None = None
        self.pipes: set[asyncio.Task[None]] = set()
        self.connections = self.reads = 0

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
        self.connections += 1
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            writer.close()
            return
        for source, sink in ((reader, up_writer), (up_reader, writer)):
            task = asyncio.create_task(self._pipe(source, sink))
            self.pipes.add(task)
            task.add_done_callback(self.pipes.discard)

    async def _pipe(self, source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
        try:
            while data := await source.read(self.read_bytes):
                self.reads += 1
                sink.write(data)
                await sink.drain()
                await asyncio.sleep(self.pause_s)
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


def table_name() -> str:
    """A unique QuestDB table per test: QuestDB tables are never dropped and re-created between tests."""
    return f"t_{uuid.uuid4().hex[:12]}"


async def qdb_rows(sql_text: str) -> list[dict[str, Any]]:
    """Rows of a query against the real QuestDB, read directly (not through the server under test)."""
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{TEST_QUESTDB_HTTP}/exec", params={"query": sql_text}) as resp:
            body = await resp.json()
    assert "error" not in body, body
    names = [c["name"] for c in body.get("columns", [])]            # DDL answers {"ddl": "OK"}
    return [dict(zip(names, row)) for row in body.get("dataset", [])]


async def qdb_count(table: str) -> int:
    return (await qdb_rows(f'SELECT count() AS n FROM "{table}"'))[0]["n"]


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


def test_dotenv_is_not_read_at_import(tmp_path: Path) -> None:
    """Importing the module must not load a developer's .env (only main() does): one beside the module and in
    the working directory stays unread."""
    (tmp_path / "stage1_server.py").symlink_to(HERE / "stage1_server.py")
    (tmp_path / ".env").write_text("STAGE1_PROBE=1\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("STAGE1_") and k != "PYTHON_DOTENV_DISABLED"}
    code = "import os, stage1_server; print(sorted(k for k in os.environ if k.startswith('STAGE1_')))"
    out = subprocess.run([sys.executable, "-c", code], env={**env, "PYTHONPATH": str(tmp_path)},
                         capture_output=True, text=True, cwd=tmp_path, check=True).stdout
    assert out.strip() == "[]"


# --- Transport and errors ------------------------------------------------------------------------------------

def test_schema_statements_are_idempotent_text() -> None:
    """Every statement of the schema can run again on an existing database."""
    for statement in s1.schema_statements():
        text = " ".join(statement.split())
        assert ("IF NOT EXISTS" in text or text.startswith(("CREATE OR REPLACE TRIGGER", "DO $do$ BEGIN EXECUTE "
                                                            "format($create$ CREATE OR REPLACE FUNCTION"))
                or text.endswith("ON CONFLICT DO NOTHING") or text.startswith("ALTER TABLE stage1_jobs SET")
                or text.endswith("ENABLE ALWAYS TRIGGER " + text.split()[2] + "_log_change")), text


async def test_schema_applies_twice_and_records_version(pg_pool: aiopg.Pool) -> None:
    """Applying the schema to an existing database changes nothing and records the version."""
    await s1.apply_schema(pg_pool)
    assert await sql(pg_pool, "SELECT max(version) FROM stage1_schema") == [(s1.SCHEMA_VERSION,)]
    columns = await sql(pg_pool, "SELECT column_name FROM information_schema.columns "
                                 "WHERE table_name = 'stage1_jobs'")
    assert {"lease_token", "heartbeat_at", "cancel_requested", "attempts", "node_id"} <= {c for (c,) in columns}


async def test_schema_restores_missing_or_disabled_change_log_triggers(pg_pool: aiopg.Pool) -> None:
    """The change-log triggers, which the response cache relies on, are put back by the next start-up when
    dropped, and enabled ALWAYS again when disabled."""
    enabled = ("SELECT tgrelid::regclass::text, tgenabled FROM pg_trigger WHERE tgname LIKE '%%_log_change' "
               "AND tgrelid::regclass::text IN ('datasets', 'walkforward_runs') ORDER BY 1")
    try:
        await sql(pg_pool, "DROP TRIGGER walkforward_runs_log_change ON walkforward_runs")
        await sql(pg_pool, "ALTER TABLE datasets DISABLE TRIGGER datasets_log_change")
        assert await sql(pg_pool, enabled) == [("datasets", "D")]
    finally:
        await s1.apply_schema(pg_pool)
    assert await sql(pg_pool, enabled) == [("datasets", "A"), ("walkforward_runs", "A")]


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


async def test_cors_names_the_origin_on_every_response(start_app: Any) -> None:
    """With CORS on, a listed origin's preflight gets 204 and every answer to it names the origin: JSON,
    errors and streamed rows alike; another origin gets no CORS header."""
    client = await start_app(cors_origins="http://dash")
    dash = {"Origin": "http://dash"}
    preflight = await client.options("/api/jobs", headers={**dash, "Access-Control-Request-Method": "GET"})
    assert preflight.status == 204 and preflight.headers["Access-Control-Allow-Origin"] == "http://dash"
    assert "X-Stage1-Token" in preflight.headers["Access-Control-Allow-Headers"]
    answers = [await client.get("/api/jobs", headers=dash), await client.get("/api/nothing-here", headers=dash),
               await client.get(f"/api/datasets/{uid()}", headers=dash),
               await client.post("/api/questdb/export", json={"sql": "SELECT 1 AS x"}, headers=dash)]
    assert [resp.status for resp in answers] == [200, 404, 404, 200]
    assert all(resp.headers.get("Access-Control-Allow-Origin") == "http://dash" for resp in answers)
    assert answers[-1].headers["Transfer-Encoding"] == "chunked"          # the export was streamed
    other = await client.get("/api/nothing-here", headers={"Origin": "http://elsewhere"})
    assert "Access-Control-Allow-Origin" not in other.headers
    await assert_error(await client.options("/api/jobs", headers={"Origin": "http://elsewhere"}), 405,
                       "method_not_allowed")


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


@pytest.mark.parametrize("query", ["limit=%C2%B2", "offset=9223372036854775808", "limit=-1", "limit=1.5"])
async def test_bad_paging_parameters_are_400(client: Any, query: str) -> None:
    """limit/offset must be ASCII digits within 64 bits, else 400 invalid_parameter (never a 500)."""
    resp = await client.get(f"/api/jobs?{query}")
    assert (await assert_error(resp, 400, "invalid_parameter"))["parameter"] == query.split("=")[0]


@pytest.mark.parametrize("raw", [b'{"dataset_slug": "a\\u0000b"}', b'{"dataset_slug": "\\ud800"}',
                                 b'{"m": ' + b"[" * 5000 + b"]" * 5000 + b"}", b"{", b"", b"[1]"])
async def test_unstorable_or_broken_json_is_400(client: Any, raw: bytes) -> None:
    """NUL characters, unpaired surrogates, absurd nesting and broken JSON are refused with a 400."""
    resp = await client.post("/api/datasets", data=raw, headers={"Content-Type": "application/json"})
    assert resp.status == 400 and (await resp.json())["code"] in ("invalid_json", "invalid_body")


@pytest.mark.parametrize("text", ["9999-12-31T23:59:59-05:00", "0001-01-01T00:00:00+05:00",
                                  "2025-01-01T00:00:00+99:99", "2025-13-01T00:00:00Z"])
def test_parse_iso_refuses_out_of_range_text(text: str) -> None:
    """Zones and dates outside what datetime can hold are unparsable, not an overflow."""
    assert s1.parse_iso(text) is None


async def test_slash_variant_of_a_known_path_keeps_its_405(client: Any) -> None:
    """DELETE /api/jobs/ answers like DELETE /api/jobs: 405 with Allow, not 404."""
    status, body = await raw_request(client, "DELETE", "/api/jobs/")
    assert status == 405 and json.loads(body)["code"] == "method_not_allowed"


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


def test_iso_from_ms_equals_strftime_of_gmtime() -> None:
    """The arithmetic iso_from_ms (cached day, looked-up time of day) equals strftime, also before 1970."""
    edges = [0, 1, 999, 1000, -1, -999, -1000, 86_399_999, 86_400_000, s1.MAX_EPOCH_MS, 253_402_300_799_999]
    for ms in [*edges, *range(-10**12, 10**13, 7_919_993_117), *range(0, 10**13, 3_600_000 * 7919)]:
        seconds, millis = divmod(ms, 1000)
        text = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds))
        assert s1.iso_from_ms(ms) == (f"{text}.{millis:03d}Z" if millis else f"{text}Z"), ms


def test_dumps_splices_raw_json_verbatim() -> None:
    """RawJson text (JSON that PostgreSQL rendered) is written as is, next to ordinary and non-finite values;
    a string holding the marker next to RawJson is refused rather than mangled."""
    text = s1.dumps({"a": s1.RawJson('{"x": 1, "y": [2.5]}'), "b": [s1.RawJson("[]"), float("nan")], "c": "d"})
    assert text == '{"a":{"x": 1, "y": [2.5]},"b":[[],null],"c":"d"}'
    assert s1.dumps({"a": s1.RAW_JSON_MARK}) == '{"a":"\\u0000raw\\u0000"}'
    with pytest.raises(TypeError):
        s1.dumps({"a": s1.RawJson("1"), "b": s1.RAW_JSON_MARK})


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
    """The server starts without PostgreSQL: readyz 503, data endpoints 503 postgres_unavailable (but an id that
    is not a UUID is still 404); once the database answers, the server connects by itself and applies the schema."""
    proxy = TcpProxy(pg_port())
    client = await start_app(pg_dsn=dsn_via(proxy.port), wait_for_pg=False)
    assert (await client.get("/healthz")).status == 200
    ready = await assert_error(await client.get("/readyz"), 503, "not_ready")
    assert ready["checks"]["postgres"] == "down" and ready["checks"]["schema"] == "down"
    await assert_error(await client.get("/api/jobs"), 503, "postgres_unavailable")
    for path, code in (("/api/datasets/not-a-uuid", "dataset_not_found"), ("/api/runs/x", "run_not_found"),
                       ("/api/datasets/x/runs", "dataset_not_found")):
        await assert_error(await client.get(path), 404, code)      # no id to look up: no database needed
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


async def test_health_probes_are_reused_for_the_cache_time(start_app: Any, monkeypatch: Any) -> None:
    """With STAGE1_HEALTH_CACHE_MS, a burst of health requests probes each dependency once; without it, every
    request probes; an answer past its time is probed again."""
    probed: collections.Counter[str] = collections.Counter()
    for name, probe in list(s1.HEALTH_PROBES.items()):
        async def counted(app: Any, name: str = name, probe: Any = probe) -> Any:
            probed[name] += 1
            return await probe(app)
        monkeypatch.setitem(s1.HEALTH_PROBES, name, counted)
    client = await start_app(health_cache_ms=2000)
    bodies = await asyncio.gather(*(client.get("/api/health") for _ in range(10)), client.get("/readyz"))
    assert [b.status for b in bodies] == [200] * 11
    assert (probed["postgres"], probed["questdb"]) == (1, 1)
    age_probes(client.server.app, 2.0)                              # as if the cache time had passed
    assert (await client.get("/api/health")).status == 200 and probed["questdb"] == 2
    uncached = await start_app(health_cache_ms=0)
    for _ in range(3):
        assert (await uncached.get("/api/health")).status == 200
    assert probed["questdb"] == 5


async def test_health_answers_from_the_last_probe_while_the_next_runs(start_app: Any, monkeypatch: Any) -> None:
    """Past the cache time a request starts a new probe but gets the previous answer at once, without waiting
    for the probe; the new answer shows once that probe has ended. An answer older than the cache time plus a
    probe's timeout (after a quiet spell) is not served: the request waits for the new probe."""
    release, probe, calls = asyncio.Event(), s1.HEALTH_PROBES["questdb"], []

    async def second_probe_waits(app: Any) -> Any:
        calls.append(len(calls))
        if len(calls) == 1:
            return await probe(app)
        number = len(calls)
        await release.wait()
        return {"status": "down", "latency_ms": None, "error": f"probe {number} released by the test"}
    monkeypatch.setitem(s1.HEALTH_PROBES, "questdb", second_probe_waits)
    client = await start_app(health_cache_ms=60_000)

    async def questdb_health() -> dict[str, Any]:
        resp = await asyncio.wait_for(client.get("/api/health"), 5)
        return (await resp.json())["dependencies"]["questdb"]
    assert (await questdb_health())["status"] == "up"
    age_probes(client.server.app, 120)                              # as if the cache time had passed
    assert (await questdb_health())["status"] == "up" and len(calls) == 2
    assert (await questdb_health())["status"] == "up" and len(calls) == 2
    release.set()

    async def shows_new_answer() -> bool:
        return (await questdb_health())["error"] == "probe 2 released by the test"
    await eventually(shows_new_answer, timeout=5)
    assert len(calls) == 2
    age_probes(client.server.app, 120, settled=True)                # a quiet spell: every answer is old
    assert (await questdb_health())["error"] == "probe 3 released by the test" and len(calls) == 3


def age_probes(app: Any, seconds: float, settled: bool = False) -> None:
    """Make the health probes (and with settled, the answers they gave) `seconds` older."""
    probes = app[s1.HEALTH]
    for name, (started, task) in list(probes.answers.items()):
        probes.answers[name] = (started - seconds, task)
    for name, (at, answer) in list(probes.settled.items()) if settled else ():
        probes.settled[name] = (at - seconds, answer)


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
        env.update({"PYTHON_DOTENV_DISABLED": "1",        # a developer's .env must not fill the gaps
                    "STAGE1_PG_DSN": TEST_PG_DSN, "STAGE1_QUESTDB_HTTP": TEST_QUESTDB_HTTP,
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


async def test_handler_cancelled_by_its_own_code_fails_the_job(start_app: Any) -> None:
    """A CancelledError that escapes a handler outside shutdown ends the job FAILED: it is not released to
    PENDING, where it would be claimed and cancelled again and again."""
    calls = []

    async def cancels(ctx: s1.JobContext) -> dict[str, Any]:
        calls.append(ctx.job.attempts)
        raise asyncio.CancelledError()
    client = await start_app(job_types={"cancels": s1.JobType(cancels)})
    job = await s1.enqueue_job(client.server.app, "cancels", {})
    assert await s1.worker_step(client.server.app, "w")
    done = await job_status(client, job["job_id"])
    assert done["status"] == "FAILED" and "cancelled" in done["error"] and calls == [1]
    assert not await s1.worker_step(client.server.app, "w")                # nothing left to claim


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
    zombie.progress = 1
    with pytest.raises(s1.LeaseLost):
        await zombie.beat()
    await s1.finish_job(zombie, "FAILED", error="zombie write", result={"stale": True}, started=time.monotonic())
    await s1.release_job(zombie)
    assert await job_row(pg_pool, job["job_id"]) == before
    assert await s1.rescue_stale_jobs(app) == []


async def test_running_worker_that_loses_its_lease_stops_and_writes_nothing(start_app: Any,
                                                                             pg_pool: aiopg.Pool) -> None:
    """When another claim takes over a running job, the old worker's next heartbeat stops its handler, it
    writes nothing, and the slot goes on with other jobs."""
    stopped = asyncio.Event()

    async def slow(ctx: s1.JobContext) -> dict[str, Any]:
        try:
            await asyncio.sleep(100)                        # no checkpoints: only the heartbeat notices
        except asyncio.CancelledError:
            stopped.set()
            raise
        return {}
    client = await start_app(worker_slots=1, job_stale_s=0.6, job_types={"slow": s1.JobType(slow)})
    job = await s1.enqueue_job(client.server.app, "slow", {})
    await wait_job(client, job["job_id"], "RUNNING")
    thief = str(uuid.uuid4())
    await sql(pg_pool, "UPDATE stage1_jobs SET lease_token = %s, attempts = 2 WHERE job_id = %s",
              (thief, job["job_id"]))
    await asyncio.wait_for(stopped.wait(), 15)
    after = await s1.enqueue_job(client.server.app, "noop", {})
    await wait_job(client, after["job_id"], "COMPLETED")
    row = await job_row(pg_pool, job["job_id"])
    assert (row["status"], str(row["lease_token"]), row["result"], row["completed_at"]) == \
        ("RUNNING", thief, {}, None)


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


async def close_while_running(client: Any, pg_pool: aiopg.Pool, job_type: str, payload: dict[str, Any],
                               before_close: Any = None) -> dict[str, Any]:
    """Enqueue a job, close the app once it runs (after `before_close()`, if given) and return its row."""
    job = await s1.enqueue_job(client.server.app, job_type, payload)
    await wait_job(client, job["job_id"], "RUNNING")
    if before_close is not None:
        await before_close(job["job_id"])
    await client.close()
    return await job_row(pg_pool, job["job_id"])


async def test_shutdown_releases_running_job_to_pending(start_app: Any, pg_pool: aiopg.Pool) -> None:
    """Closing the app while a job runs past the grace period puts it back to PENDING, never left RUNNING."""
    client = await start_app(worker_slots=1, worker_grace_s=0.3)
    row = await close_while_running(client, pg_pool, "noop", {"steps": 100, "sleep_s": 100})
    assert (row["status"], row["lease_token"], row["worker_id"], row["attempts"]) == ("PENDING", None, None, 1)
    assert row["completed_at"] is None


async def test_shutdown_lets_a_short_job_finish_within_the_grace(start_app: Any, pg_pool: aiopg.Pool) -> None:
    """A job that finishes within the grace period completes normally during shutdown."""
    client = await start_app(worker_slots=1, worker_grace_s=30)
    row = await close_while_running(client, pg_pool, "noop", {"steps": 4, "sleep_s": 0.8})
    assert (row["status"], row["progress"], row["attempts"]) == ("COMPLETED", 4, 1)


async def test_shutdown_ends_a_cancel_requested_job_cancelled(start_app: Any, pg_pool: aiopg.Pool) -> None:
    """A job whose cancel was requested but not yet seen is CANCELLED at shutdown, not queued again."""
    async def deaf(ctx: s1.JobContext) -> dict[str, Any]:
        await asyncio.sleep(100)                            # never reaches a checkpoint
        return {}
    async def cancel_from_another_node(job_id: str) -> None:
        assert (await (await start_app()).post(f"/api/jobs/{job_id}/cancel")).status == 202

    client = await start_app(worker_slots=1, worker_grace_s=0.2, job_types={"deaf": s1.JobType(deaf)})
    row = await close_while_running(client, pg_pool, "deaf", {}, cancel_from_another_node)
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

def is_iso(value: Any) -> bool:
    """YYYY-MM-DDTHH:MM:SSZ, or with .mmm (§2.5)."""
    return isinstance(value, str) and value.endswith("Z") and len(value) in (20, 24) and \
        s1.parse_iso(value) is not None


def uid() -> str:
    return str(uuid.uuid4())


def new_slug() -> str:
    return f"flows_{uuid.uuid4().hex[:10]}"


def strict_json(text: str) -> Any:
    """Parse a response body, failing on any NaN/Infinity token (clients reject such documents)."""
    assert_no_float_tokens(text)
    return json.loads(text, parse_constant=lambda token: pytest.fail(f"non-finite token {token}"))


async def post_ok(client: Any, path: str, body: Any, status: int) -> dict[str, Any]:
    resp = await client.post(path, json=body)
    text = await resp.text()
    assert resp.status == status, text
    assert resp.content_type == "application/json"
    return strict_json(text)


async def get_ok(client: Any, path: str) -> dict[str, Any]:
    resp = await client.get(path, headers={"Content-Type": "application/json"})   # as both clients send it
    text = await resp.text()
    assert resp.status == 200, text
    return strict_json(text)


def assert_types(obj: dict[str, Any], ints: tuple[str, ...] = (), maybe_ints: tuple[str, ...] = (),
                 isos: tuple[str, ...] = (), objects: tuple[str, ...] = (), arrays: tuple[str, ...] = ()) -> None:
    """Each key has its JSON type: integers are ints (never floats or booleans), ISO strings end in Z."""
    for key in ints:
        assert type(obj[key]) is int, (key, obj[key])
    for key in maybe_ints:
        assert obj[key] is None or type(obj[key]) is int, (key, obj[key])
    for key in isos:
        assert obj[key] is None or is_iso(obj[key]), (key, obj[key])
    for key in objects:
        assert isinstance(obj[key], dict), (key, obj[key])
    for key in arrays:
        assert isinstance(obj[key], list), (key, obj[key])


def assert_dataset_types(d: dict[str, Any]) -> None:
    assert_types(d, ints=("bar_interval_ms", "lookback_rows", "ohlcv_row_count", "indicator_row_count", "run_count",
                          "simulation_count"),
                 maybe_ints=("first_ohlcv_ts", "first_indicator_ts"), objects=("metadata",),
                 isos=("ohlcv_first_ts", "ohlcv_last_ts", "indicator_first_ts", "indicator_last_ts", "created_at",
                       "updated_at"))
    assert d["created_at"] and d["updated_at"] and uuid.UUID(d["dataset_id"]).hex
    assert d["metadata"]["ohlcv_measurement"] == d["ohlcv_measurement"]
    assert d["metadata"]["indicator_measurement"] == d["indicator_measurement"]


def manifest(dataset_id: str, slug: str, **overrides: Any) -> dict[str, Any]:
    """The desktop's dataset manifest (§3.2.4)."""
    return {"dataset_id": dataset_id, "dataset_slug": slug, "symbol": "BTCUSDT", "granularity": "4h",
            "source": "laptop_imgui", "ohlcv_measurement": f"{slug}_ohlcv", "indicator_measurement": f"{slug}_ind",
            "bar_interval_ms": 14_400_000, "lookback_rows": 120, "ohlcv_rows": 1000, "indicator_rows": 880,
            "first_ohlcv_timestamp_ms": 1_700_000_000_000, "first_indicator_timestamp_ms": 1_700_432_000_000,
            "exported_at": "2026-11-01T10:00:00Z", **overrides}


def variant_a(dataset_id: str, slug: str, **overrides: Any) -> dict[str, Any]:
    """Export step 1: metadata as an object, symbol present."""
    return {"dataset_id": dataset_id, "dataset_slug": slug, "symbol": "BTCUSDT", "granularity": "4h",
            "bar_interval_ms": 14_400_000, "lookback_rows": 120, "first_ohlcv_ts": 1_700_000_000_000,
            "first_indicator_ts": 1_700_432_000_000, "metadata": manifest(dataset_id, slug), **overrides}


def variant_b(dataset_id: str, slug: str, **overrides: Any) -> dict[str, Any]:
    """Export step 3: metadata as a pretty-printed JSON string, no symbol, first_ohlcv_ts 0, seconds for indicators."""
    meta = manifest(dataset_id, slug, lookback_rows=121, bar_interval_ms=3_600_000,
                    exported_at="2026-11-01T10:05:00Z", first_indicator_timestamp_ms=1_700_432_000)
    return {"dataset_id": dataset_id, "dataset_slug": slug, "granularity": "4h", "bar_interval_ms": 3_600_000,
            "lookback_rows": 121, "first_ohlcv_ts": 0, "first_indicator_ts": 1_700_432_000,
            "metadata": json.dumps(meta, indent=2), **overrides}


def thin_variant(dataset_id: str, slug: str) -> dict[str, Any]:
    """The run-save path's re-post (§6.3 step 1): unknown granularity, zero interval, no first_ohlcv_ts."""
    meta = {"dataset_id": dataset_id, "dataset_slug": slug, "symbol": "unknown", "granularity": "unknown",
            "ohlcv_measurement": "", "indicator_measurement": f"{slug}_ind", "bar_interval_ms": 0,
            "lookback_rows": 37, "first_ohlcv_timestamp_ms": 0, "last_ohlcv_timestamp_ms": -1, "ohlcv_rows": 0,
            "exported_at": "2026-11-30T08:00:00Z"}
    return {"dataset_id": dataset_id, "dataset_slug": slug, "symbol": "unknown", "granularity": "unknown",
            "bar_interval_ms": 0, "lookback_rows": 37, "first_indicator_ts": 1_700_432_000, "metadata": meta}


async def test_datasets_export_flow_variant_a_then_b(client: Any) -> None:
    """§6.1 steps 1-3: variant A creates (201), GET adopts the id, variant B updates (200) and decides
    bar_interval_ms and lookback_rows; first_indicator_ts sent in seconds comes back in ms."""
    dataset_id, slug = uid(), new_slug()
    created = await post_ok(client, "/api/datasets", variant_a(dataset_id, slug), 201)
    assert_dataset_types(created)
    assert (created["dataset_id"], created["dataset_slug"], created["symbol"]) == (dataset_id, slug, "BTCUSDT")
    assert (created["first_ohlcv_ts"], created["first_indicator_ts"]) == (1_700_000_000_000, 1_700_432_000_000)
    assert (created["ohlcv_measurement"], created["indicator_measurement"]) == (f"{slug}_ohlcv", f"{slug}_ind")
    assert created["metadata"]["source"] == "laptop_imgui" and created["source"] == "laptop_imgui"
    assert await get_ok(client, f"/api/datasets/{dataset_id}") == created
    updated = await post_ok(client, "/api/datasets", variant_b(dataset_id, slug), 200)
    assert_dataset_types(updated)
    assert (updated["bar_interval_ms"], updated["lookback_rows"]) == (3_600_000, 121)
    assert (updated["first_ohlcv_ts"], updated["first_indicator_ts"]) == (1_700_000_000_000, 1_700_432_000_000)
    assert (updated["symbol"], updated["granularity"], updated["created_at"]) == ("BTCUSDT", "4h",
                                                                                  created["created_at"])
    assert updated["metadata"]["exported_at"] == "2026-11-01T10:05:00Z"
    listed = await get_ok(client, "/api/datasets?limit=200&offset=0")
    item = next(d for d in listed["datasets"] if d["dataset_id"] == dataset_id)
    assert item == updated and item["dataset_slug"] == slug


async def test_datasets_thin_repost_does_not_erase_stored_values(client: Any) -> None:
    """Empty values (unknown, 0, negative, blank) never overwrite; lookback_rows and exported_at do."""
    dataset_id, slug = uid(), new_slug()
    before = await post_ok(client, "/api/datasets", variant_a(dataset_id, slug), 201)
    after = await post_ok(client, "/api/datasets", thin_variant(dataset_id, slug), 200)
    for key in ("symbol", "granularity", "bar_interval_ms", "first_ohlcv_ts", "first_indicator_ts",
                "ohlcv_measurement", "indicator_measurement", "source"):
        assert after[key] == before[key], key
    assert after["lookback_rows"] == 37 and after["metadata"]["exported_at"] == "2026-11-30T08:00:00Z"
    for key in ("symbol", "granularity", "bar_interval_ms", "first_ohlcv_timestamp_ms", "ohlcv_rows"):
        assert after["metadata"][key] == before["metadata"][key], key
    assert after["metadata"]["lookback_rows"] == 37 and after["metadata"]["last_ohlcv_timestamp_ms"] == -1


async def test_datasets_repost_is_idempotent(client: Any, pg_pool: aiopg.Pool) -> None:
    """Repeating either variant leaves one dataset with the same values, answered 200."""
    dataset_id, slug = uid(), new_slug()
    first = await post_ok(client, "/api/datasets", variant_a(dataset_id, slug), 201)
    await post_ok(client, "/api/datasets", variant_b(dataset_id, slug), 200)
    second = await post_ok(client, "/api/datasets", variant_b(dataset_id, slug), 200)
    third = await post_ok(client, "/api/datasets", variant_b(dataset_id, slug), 200)
    assert {**second, "updated_at": None} == {**third, "updated_at": None}
    assert third["created_at"] == first["created_at"]
    assert await sql(pg_pool, "SELECT count(*) FROM datasets WHERE dataset_slug = %s", (slug,)) == [(1,)]


async def test_datasets_slug_collision_creates_a_second_dataset(client: Any) -> None:
    """dataset_slug is not unique: a new id with a known slug is a new dataset, never an error."""
    slug, ids = new_slug(), [uid(), uid()]
    for dataset_id in ids:
        await post_ok(client, "/api/datasets", variant_a(dataset_id, slug), 201)
    listed = await get_ok(client, "/api/datasets?limit=1000")
    assert sorted(d["dataset_id"] for d in listed["datasets"] if d["dataset_slug"] == slug) == sorted(ids)


async def test_datasets_without_id_reuse_the_latest_with_that_slug(client: Any) -> None:
    """No dataset_id: the most recently updated dataset with the slug is updated, else a UUID v4 is made."""
    slug, older, newer = new_slug(), uid(), uid()
    await post_ok(client, "/api/datasets", variant_a(older, slug), 201)
    await post_ok(client, "/api/datasets", variant_a(newer, slug), 201)
    body = {"dataset_slug": slug, "granularity": "1d"}
    assert (await post_ok(client, "/api/datasets", body, 200))["dataset_id"] == newer
    fresh = await post_ok(client, "/api/datasets", {"dataset_slug": new_slug()}, 201)
    assert uuid.UUID(fresh["dataset_id"]).version == 4
    assert (fresh["symbol"], fresh["granularity"], fresh["bar_interval_ms"], fresh["first_ohlcv_ts"]) == \
        ("UNKNOWN", "unknown", 0, None)


async def test_datasets_unknown_id_is_404_then_found_by_slug(client: Any) -> None:
    """§6.1 step 2's fallback: GET of an unknown id is 404 dataset_not_found (also for non-UUID text), and the
    list lets the client find the dataset by its slug; ids match case-insensitively."""
    dataset_id, slug = uid(), new_slug()
    await post_ok(client, "/api/datasets", variant_a(dataset_id, slug), 201)
    for other in (uid(), "not-a-uuid", "0"):
        await assert_error(await client.get(f"/api/datasets/{other}"), 404, "dataset_not_found")
    listed = await get_ok(client, "/api/datasets?limit=200&offset=0")
    assert [d["dataset_id"] for d in listed["datasets"] if d["dataset_slug"] == slug] == [dataset_id]
    assert (await get_ok(client, f"/api/datasets/{dataset_id.upper()}"))["dataset_id"] == dataset_id


async def test_datasets_list_wrapper_count_total_and_paging(client: Any) -> None:
    """The list is {"datasets", "count", "total"}, newest first, paged by limit/offset."""
    assert await get_ok(client, "/api/datasets") == {"datasets": [], "count": 0, "total": 0}
    ids = [uid() for _ in range(3)]
    for dataset_id in ids:
        await post_ok(client, "/api/datasets", variant_a(dataset_id, new_slug()), 201)
    page = await get_ok(client, "/api/datasets?limit=2&offset=0")
    assert (page["count"], page["total"], [d["dataset_id"] for d in page["datasets"]]) == (2, 3, ids[::-1][:2])
    for d in page["datasets"]:
        assert_dataset_types(d)
    rest = await get_ok(client, "/api/datasets?limit=2&offset=2")
    assert (rest["count"], rest["total"], rest["datasets"][0]["dataset_id"]) == (1, 3, ids[0])
    assert await get_ok(client, "/api/datasets?offset=9") == {"datasets": [], "count": 0, "total": 3}
    assert (await get_ok(client, "/api/datasets?limit=5000"))["count"] == 3


@pytest.mark.parametrize("query", ["limit=-1", "limit=abc", "offset=1.5"])
async def test_datasets_list_bad_paging_is_invalid_parameter(client: Any, query: str) -> None:
    """A bad limit/offset is 400 invalid_parameter naming the parameter."""
    body = await assert_error(await client.get(f"/api/datasets?{query}"), 400, "invalid_parameter")
    assert body["parameter"] == query.split("=")[0]


async def test_datasets_default_table_names_from_slug(client: Any) -> None:
    """Without names in body or manifest the tables are <s>_ohlcv / <s>_ind, <s> = slug with [^A-Za-z0-9_-] → _."""
    body = {"dataset_id": uid(), "dataset_slug": "BTC 4h.v2-x", "metadata": {"note": "n"}}
    d = await post_ok(client, "/api/datasets", body, 201)
    assert (d["ohlcv_measurement"], d["indicator_measurement"]) == ("BTC_4h_v2-x_ohlcv", "BTC_4h_v2-x_ind")
    assert d["metadata"] == {"note": "n", "ohlcv_measurement": "BTC_4h_v2-x_ohlcv",
                             "indicator_measurement": "BTC_4h_v2-x_ind"}


async def test_datasets_time_series_export_names_one_table_twice(client: Any) -> None:
    """The Time Series window's variant A names its indicator table as both tables; it is accepted as is."""
    dataset_id, slug = uid(), new_slug()
    meta = {"ohlcv_measurement": "ts_export_ind", "indicator_measurement": "ts_export_ind", "lookback_rows": 0}
    body = {"dataset_id": dataset_id, "dataset_slug": slug, "symbol": "ETHUSDT", "granularity": "1h",
            "bar_interval_ms": 3_600_000, "lookback_rows": 0, "first_indicator_ts": 1_700_000_000, "metadata": meta}
    d = await post_ok(client, "/api/datasets", body, 201)
    assert (d["ohlcv_measurement"], d["indicator_measurement"], d["lookback_rows"]) == \
        ("ts_export_ind", "ts_export_ind", 0)
    assert d["first_indicator_ts"] == 1_700_000_000_000


@pytest.mark.parametrize("body, status, code, field", [
    ({"granularity": "4h"}, 400, "missing_fields", None),
    ({"dataset_id": "", "dataset_slug": "  "}, 400, "missing_fields", None),
    ({"dataset_id": "nope", "dataset_slug": "x"}, 400, "invalid_uuid", "dataset_id"),
    ({"dataset_id": 5, "dataset_slug": "x"}, 400, "invalid_field", "dataset_id"),
    ({"dataset_slug": ["x"]}, 400, "invalid_field", "dataset_slug"),
    ({"dataset_slug": "x", "bar_interval_ms": "4h"}, 400, "invalid_field", "bar_interval_ms"),
    ({"dataset_slug": "x", "bar_interval_ms": 1.5}, 400, "invalid_field", "bar_interval_ms"),
    ({"dataset_slug": "x", "lookback_rows": -1}, 400, "invalid_field", "lookback_rows"),
    ({"dataset_slug": "x", "lookback_rows": 2**31}, 400, "invalid_field", "lookback_rows"),
    ({"dataset_slug": "x", "first_ohlcv_ts": "2024-01-01"}, 400, "invalid_field", "first_ohlcv_ts"),
    ({"dataset_slug": "x", "first_ohlcv_ts": 1e20}, 400, "invalid_field", "first_ohlcv_ts"),
    ({"dataset_slug": "x", "metadata": 5}, 400, "invalid_field", "metadata"),
    ({"dataset_slug": "x", "metadata": "{not json"}, 400, "invalid_field", "metadata"),
    ({"dataset_slug": "x", "metadata": "[1, 2]"}, 400, "invalid_field", "metadata"),
    ({"dataset_slug": "x", "symbol": 7}, 400, "invalid_field", "symbol"),
    ({"dataset_slug": "x", "ohlcv_measurement": "bad..name"}, 400, "invalid_measurement", None),
    ({"dataset_slug": "x", "metadata": {"indicator_measurement": "a b"}}, 400, "invalid_measurement", None),
    ({"dataset_slug": "x" * 130}, 400, "invalid_measurement", None),
])
async def test_datasets_post_rejects_bad_bodies(client: Any, pg_pool: aiopg.Pool, body: dict[str, Any],
                                                status: int, code: str, field: str | None) -> None:
    """Bad POST /api/datasets bodies get their status and code, and nothing is stored."""
    error = await assert_error(await client.post("/api/datasets", json=body), status, code)
    assert error.get("field") == field
    assert await sql(pg_pool, "SELECT count(*) FROM datasets") == [(0,)]


async def test_datasets_post_needs_a_json_object(client: Any) -> None:
    """Transport rules of §2.2 hold for this endpoint too."""
    json_type = {"Content-Type": "application/json"}
    await assert_error(await client.post("/api/datasets", data=b"[1]", headers=json_type), 400, "invalid_body")
    await assert_error(await client.post("/api/datasets", data=b"{", headers=json_type), 400, "invalid_json")
    await assert_error(await client.post("/api/datasets", data=b"{}", headers={"Content-Type": "text/plain"}),
                       415, "unsupported_media_type")


async def test_datasets_odd_manifest_values_are_kept_but_feed_no_column(client: Any) -> None:
    """A manifest value of an unexpected type does not fail the export: it stays in the manifest as posted."""
    body = {"dataset_id": uid(), "dataset_slug": new_slug(),
            "metadata": {"bar_interval_ms": "4h", "lookback_rows": -3, "symbol": 5}}
    d = await post_ok(client, "/api/datasets", body, 201)
    assert (d["bar_interval_ms"], d["lookback_rows"], d["symbol"]) == (0, 0, "UNKNOWN")
    assert (d["metadata"]["bar_interval_ms"], d["metadata"]["lookback_rows"]) == ("4h", -3)


async def test_datasets_concurrent_posts_of_one_id_lose_no_merge(client: Any) -> None:
    """Posts of the same id are merged one after another (row lock), so every manifest key survives."""
    dataset_id, slug = uid(), new_slug()
    bodies = [{"dataset_id": dataset_id, "dataset_slug": slug, "metadata": {f"k{i}": i}} for i in range(8)]
    responses = await asyncio.gather(*(client.post("/api/datasets", json=b) for b in bodies))
    assert sorted(r.status for r in responses) == [200] * 7 + [201]
    d = await get_ok(client, f"/api/datasets/{dataset_id}")
    assert {k: d["metadata"][k] for k in d["metadata"] if k.startswith("k")} == {f"k{i}": i for i in range(8)}


async def test_datasets_rows_of_the_direct_upsert_are_read(client: Any, pg_pool: aiopg.Pool) -> None:
    """A row written by the desktop's own upsert (§4.1): seconds normalised, a NULL first_ohlcv_ts falls back to
    the first stored bar, table names come from the manifest or the slug."""
    dataset_id = uid()
    await sql(pg_pool, """INSERT INTO datasets (dataset_id, dataset_slug, symbol, granularity, bar_interval_ms,
                          lookback_rows, first_ohlcv_ts, first_indicator_ts, metadata, ohlcv_first_ts)
                          VALUES (%s, 'direct v1', 'BTCUSDT', 'unknown', 0, 3, NULL, 1700432000, %s,
                                  '2023-11-14T22:13:20.250Z')""",
              (dataset_id, json.dumps({"ohlcv_measurement": "", "indicator_measurement": "direct_ind"})))
    d = await get_ok(client, f"/api/datasets/{dataset_id}")
    assert_dataset_types(d)
    assert (d["first_indicator_ts"], d["first_ohlcv_ts"]) == (1_700_432_000_000, 1_700_000_000_250)
    assert (d["ohlcv_measurement"], d["indicator_measurement"]) == ("direct_v1_ohlcv", "direct_ind")
    assert d["ohlcv_first_ts"] == "2023-11-14T22:13:20.250Z"
    assert s1.dataset_tables(await s1.load_dataset(client.server.app[s1.PG], dataset_id)) == \
        ("direct_v1_ohlcv", "direct_ind")


def test_dataset_tables_prefers_column_then_manifest_then_slug() -> None:
    """Read-time resolution of the table names (§4.1)."""
    row = {"dataset_id": "x", "dataset_slug": "a.b", "ohlcv_measurement": "col_o", "indicator_measurement": None,
           "metadata": {"ohlcv_measurement": "meta_o", "indicator_measurement": "meta_i"}}
    assert s1.dataset_tables(row) == ("col_o", "meta_i")
    assert s1.dataset_tables({**row, "ohlcv_measurement": None, "metadata": {}}) == ("a_b_ohlcv", "a_b_ind")
    assert s1.dataset_tables({**row, "metadata": '{"indicator_measurement": "bad..name"}'}) == ("col_o", "a_b_ind")


@pytest.mark.parametrize("key, value, empty", [
    ("symbol", "Unknown", True), ("granularity", " unknown ", True), ("source", "unknown", False),
    ("bar_interval_ms", 0, True), ("bar_interval_ms", 0.0, True), ("first_ohlcv_ts", -5, True),
    ("first_indicator_timestamp_ms", -1, True), ("lookback_rows", -1, False), ("exported_at", "", True),
    ("flag", False, False), ("nested", {}, False), ("x", None, True), ("ohlcv_rows", 12, False),
])
def test_merge_emptiness_rule(key: str, value: Any, empty: bool) -> None:
    """Which incoming values count as empty under §3.2.4."""
    assert s1.is_empty(key, value) is empty


def test_merge_manifest_key_by_key() -> None:
    """New keys are added even when empty; known keys are replaced unless empty; nested values whole."""
    stored = {"a": 1, "b": "x", "nested": {"p": 1, "q": 2}, "granularity": "4h"}
    incoming = {"a": 0, "b": "y", "nested": {"p": 3}, "granularity": "UNKNOWN", "c": 0}
    assert s1.merge_manifest(stored, incoming) == {"a": 1, "b": "y", "nested": {"p": 3}, "granularity": "4h", "c": 0}



async def test_datasets_legacy_manifest_string_and_infinite_time_are_read(client: Any, pg_pool: aiopg.Pool) -> None:
    """Rows the server did not write: a manifest stored as a JSON string is parsed, an empty one gets the table
    names, and an infinite time reads as the last instant Python can hold; list and detail agree."""
    legacy, empty = uid(), uid()
    await sql(pg_pool, """INSERT INTO datasets (dataset_id, dataset_slug, metadata, ohlcv_last_ts)
                          VALUES (%s, 'legacy v0', to_jsonb(%s::text), 'infinity'), (%s, 'empty v0', '{}', NULL)""",
              (legacy, json.dumps({"indicator_measurement": "legacy_ind", "ohlcv_rows": 5}), empty))
    d = await get_ok(client, f"/api/datasets/{legacy}")
    assert_dataset_types(d)
    assert d["metadata"] == {"indicator_measurement": "legacy_ind", "ohlcv_rows": 5,
                             "ohlcv_measurement": "legacy_v0_ohlcv"}
    assert (d["ohlcv_measurement"], d["indicator_measurement"]) == ("legacy_v0_ohlcv", "legacy_ind")
    assert (d["ohlcv_last_ts"], d["ohlcv_first_ts"]) == ("9999-12-31T23:59:59.999Z", None)
    e = await get_ok(client, f"/api/datasets/{empty}")
    assert e["metadata"] == {"ohlcv_measurement": "empty_v0_ohlcv", "indicator_measurement": "empty_v0_ind"}
    listed = {item["dataset_id"]: item for item in (await get_ok(client, "/api/datasets"))["datasets"]}
    assert (listed[legacy], listed[empty]) == (d, e)


# --- Dataset rows --------------------------------------------------------------------------------------------

HOUR_MS = 3_600_000
FIRST_BAR_MS = 1_700_000_000_000 - 1_700_000_000_000 % HOUR_MS


def ohlcv_rows(start: int, count: int) -> list[dict[str, Any]]:
    """Candles as the desktop sends them: epoch ms, ascending, every key present."""
    return [{"timestamp": FIRST_BAR_MS + (start + i) * HOUR_MS, "open": 100.0 + i, "high": 101.5 + i,
             "low": 99.25 + i, "close": 100.5 + i, "volume": 1000 + i} for i in range(count)]


def indicator_rows(start: int, count: int, lookback: int = 0) -> list[dict[str, Any]]:
    """Indicator rows in epoch *seconds* (data loaded from CSV), with warm-up cells omitted as the desktop does."""
    rows = []
    for i in range(start, start + count):
        row: dict[str, Any] = {"timestamp": (FIRST_BAR_MS + i * HOUR_MS) // 1000, "PCO_10_20": i * 0.5,
                               "Date": 20231114 + i, "Time": i % 24 * 100}
        if i >= lookback:
            row["TGT_115"] = (-1) ** i * 0.25 * i
        rows.append(row)
    return rows


async def new_dataset(client: Any) -> tuple[str, str]:
    dataset_id, slug = uid(), new_slug()
    await post_ok(client, "/api/datasets", variant_a(dataset_id, slug), 201)
    return dataset_id, slug


async def test_rows_export_flow_counts_and_manifest(client: Any) -> None:
    """§6.1: two variant posts, 10,000-row OHLCV and indicator batches (seconds), then the list shows the
    stored counts in the top level and in the manifest, and first_indicator_ts in ms."""
    dataset_id, slug = uid(), new_slug()
    await post_ok(client, "/api/datasets", variant_a(dataset_id, slug), 201)
    await post_ok(client, "/api/datasets", variant_b(dataset_id, slug), 200)
    for start in (0, 10_000):
        body = await post_ok(client, f"/api/datasets/{dataset_id}/ohlcv/append", {"rows": ohlcv_rows(start, 10_000)},
                             200)
        assert body == {"dataset_id": dataset_id, "measurement": f"{slug}_ohlcv", "rows_received": 10_000,
                        "rows_written": 10_000, "rows_skipped": 0, "row_count": start + 10_000}
    for start in (0, 10_000, 20_000):
        count = 10_000 if start < 20_000 else 4_000
        body = await post_ok(client, f"/api/datasets/{dataset_id}/indicators/append",
                             {"rows": indicator_rows(start + 120, count, lookback=300)}, 200)
        assert body["row_count"] == min(start + 10_000, 24_000)
    listed = await get_ok(client, "/api/datasets?limit=200&offset=0")
    item = next(d for d in listed["datasets"] if d["dataset_id"] == dataset_id)
    assert_dataset_types(item)
    assert (item["ohlcv_row_count"], item["indicator_row_count"]) == (20_000, 24_000)
    assert (item["metadata"]["ohlcv_rows"], item["metadata"]["indicator_rows"]) == (20_000, 24_000)
    assert item["metadata"]["first_indicator_timestamp_ms"] == FIRST_BAR_MS + 120 * HOUR_MS
    assert item["first_indicator_ts"] == 1_700_432_000_000          # posted in seconds, served in ms
    assert item["ohlcv_first_ts"] == s1.iso_from_ms(FIRST_BAR_MS)
    assert item["ohlcv_last_ts"] == s1.iso_from_ms(FIRST_BAR_MS + 19_999 * HOUR_MS)
    assert item["metadata"]["last_ohlcv_timestamp_ms"] == FIRST_BAR_MS + 19_999 * HOUR_MS


async def test_rows_append_refreshes_only_the_figures_of_its_table(start_app: Any, pg_pool: aiopg.Pool) -> None:
    """An OHLCV append stores the OHLCV table's count and bounds and leaves the indicator figures as they are: a
    concurrent indicator append's newer figures are never put back to what this append read before it."""
    client = await start_app()
    dataset_id, _ = await new_dataset(client)
    await sql(pg_pool, "UPDATE datasets SET indicator_row_count = 999 WHERE dataset_id = %s", (dataset_id,))
    await post_ok(client, f"/api/datasets/{dataset_id}/ohlcv/append", {"rows": ohlcv_rows(0, 3)}, 200)
    assert await sql(pg_pool, "SELECT ohlcv_row_count, indicator_row_count FROM datasets WHERE dataset_id = %s",
                     (dataset_id,)) == [(3, 999)]


async def test_rows_load_flow_reads_back_every_row(client: Any) -> None:
    """§6.2: all bars ascending with integer ms; OHLCV (ms) and indicators (seconds) agree on the instant;
    row 0 carries every indicator column (null where the desktop omitted it); no numeric timestamp_unix."""
    dataset_id, slug = await new_dataset(client)
    candles = ohlcv_rows(0, 500)
    await post_ok(client, f"/api/datasets/{dataset_id}/ohlcv/append", {"rows": candles}, 200)
    await post_ok(client, f"/api/datasets/{dataset_id}/indicators/append", {"rows": indicator_rows(0, 500, 10)}, 200)
    ohlcv = await get_ok(client, f"/api/datasets/{dataset_id}/ohlcv")
    assert list(ohlcv) == ["dataset_id", "measurement", "rows", "count"] and ohlcv["count"] == 500
    assert ohlcv["rows"][0] == {"timestamp_ms": FIRST_BAR_MS, "timestamp": s1.iso_from_ms(FIRST_BAR_MS),
                                "open": 100.0, "high": 101.5, "low": 99.25, "close": 100.5, "volume": 1000.0}
    assert [r["timestamp_ms"] for r in ohlcv["rows"]] == [c["timestamp"] for c in candles]
    indicators = await get_ok(client, f"/api/datasets/{dataset_id}/indicators")
    assert indicators["columns"] == ["PCO_10_20", "Date", "Time", "TGT_115"]
    first = indicators["rows"][0]
    assert first == {"timestamp_ms": FIRST_BAR_MS, "timestamp": s1.iso_from_ms(FIRST_BAR_MS), "PCO_10_20": 0.0,
                     "Date": 20231114.0, "Time": 0.0, "TGT_115": None}
    assert "timestamp_unix" not in first
    assert indicators["rows"][10]["TGT_115"] == 2.5
    assert [r["timestamp_ms"] for r in indicators["rows"]] == [r["timestamp_ms"] for r in ohlcv["rows"]]
    for row in indicators["rows"]:
        assert type(row["timestamp_ms"]) is int and list(row)[2:] == indicators["columns"]


async def test_rows_append_skips_bad_timestamps_and_dedupes(client: Any) -> None:
    """A zero, negative or missing timestamp skips the row (still 2xx); within a request and across requests
    the last row for a timestamp wins; ±1e+9999 and null are stored as null."""
    dataset_id, _ = await new_dataset(client)
    path = f"/api/datasets/{dataset_id}/ohlcv/append"
    raw = ('{"rows": [{"timestamp": 0, "open": 1}, {"timestamp": -5, "open": 1}, {"open": 2},'
           f'{{"timestamp": {FIRST_BAR_MS}, "open": 1e+9999, "high": -1e+9999, "close": null, "volume": 3}},'
           f'{{"timestamp": {FIRST_BAR_MS}, "open": 7, "volume": 4}}]}}')
    resp = await client.post(path, data=raw, headers={"Content-Type": "application/json"})
    body = strict_json(await resp.text())
    assert resp.status == 200
    assert (body["rows_received"], body["rows_skipped"], body["rows_written"], body["row_count"]) == (5, 3, 2, 1)
    await post_ok(client, path, {"rows": [{"timestamp": FIRST_BAR_MS, "open": 1e300, "high": None}]}, 200)
    rows = (await get_ok(client, f"/api/datasets/{dataset_id}/ohlcv"))["rows"]
    assert rows == [{"timestamp_ms": FIRST_BAR_MS, "timestamp": s1.iso_from_ms(FIRST_BAR_MS), "open": 1e300,
                     "high": None, "low": None, "close": None, "volume": None}]
    all_skipped = await post_ok(client, path, {"rows": [{"timestamp": 0}]}, 200)
    assert (all_skipped["rows_written"], all_skipped["rows_skipped"], all_skipped["row_count"]) == (0, 1, 1)
    assert (await post_ok(client, path, {"rows": []}, 200))["rows_written"] == 0


async def test_rows_read_back_iso_has_millis_only_when_non_zero(client: Any) -> None:
    """QuestDB formats the rows' ISO text: fraction digits only when the milliseconds are non-zero (§2.4), the
    same text as iso_from_ms gives, also at the last storable instant."""
    dataset_id, _ = await new_dataset(client)
    stamps = [10**12, 10**12 + 1, 10**12 + 999, FIRST_BAR_MS, FIRST_BAR_MS + 250, FIRST_BAR_MS + 60_007,
              s1.MAX_EPOCH_MS]
    await post_ok(client, f"/api/datasets/{dataset_id}/indicators/append",
                  {"rows": [{"timestamp_ms": ms, "x": 1.0} for ms in stamps]}, 200)
    rows = (await get_ok(client, f"/api/datasets/{dataset_id}/indicators"))["rows"]
    assert [(r["timestamp_ms"], r["timestamp"]) for r in rows] == [(ms, s1.iso_from_ms(ms)) for ms in stamps]


async def test_rows_same_instant_in_seconds_and_ms_is_one_bar(client: Any) -> None:
    """Indicator timestamps in seconds and in ms normalise to one stored row (dedup on the timestamp)."""
    dataset_id, _ = await new_dataset(client)
    path = f"/api/datasets/{dataset_id}/indicators/append"
    await post_ok(client, path, {"rows": [{"timestamp": FIRST_BAR_MS // 1000, "x": 1}]}, 200)
    body = await post_ok(client, path, {"rows": [{"timestamp_ms": FIRST_BAR_MS, "x": 2}]}, 200)
    assert body["row_count"] == 1
    rows = (await get_ok(client, f"/api/datasets/{dataset_id}/indicators"))["rows"]
    assert [(r["timestamp_ms"], r["x"]) for r in rows] == [(FIRST_BAR_MS, 2.0)]


async def test_rows_new_column_in_a_later_batch_is_added(client: Any) -> None:
    """A column first seen later is added; earlier rows read null there, and case is kept exactly."""
    dataset_id, _ = await new_dataset(client)
    path = f"/api/datasets/{dataset_id}/indicators/append"
    await post_ok(client, path, {"rows": [{"timestamp": FIRST_BAR_MS, "a": 1, "flag": True}]}, 200)
    await post_ok(client, path, {"rows": [{"timestamp": FIRST_BAR_MS + HOUR_MS, "a": 2, "Close Price": 3.5,
                                           "rsi_14": 61}]}, 200)
    body = await get_ok(client, f"/api/datasets/{dataset_id}/indicators")
    assert body["columns"] == ["a", "flag", "Close Price", "rsi_14"]
    assert [list(r.values())[2:] for r in body["rows"]] == [[1.0, 1.0, None, None], [2.0, None, 3.5, 61.0]]


async def test_rows_without_any_value_are_stored_as_empty_bars(client: Any) -> None:
    """Warm-up rows carrying only a timestamp are stored (every column null), on a new table too."""
    dataset_id, _ = await new_dataset(client)
    path = f"/api/datasets/{dataset_id}/indicators/append"
    body = await post_ok(client, path, {"rows": [{"timestamp": FIRST_BAR_MS}]}, 200)
    assert (body["rows_written"], body["row_count"]) == (1, 1)
    await post_ok(client, path, {"rows": [{"timestamp": FIRST_BAR_MS + HOUR_MS, "x": 1},
                                          {"timestamp": FIRST_BAR_MS + 2 * HOUR_MS}]}, 200)
    rows = (await get_ok(client, f"/api/datasets/{dataset_id}/indicators"))["rows"]
    assert [r["x"] for r in rows] == [None, 1.0, None]


async def test_rows_without_any_value_in_a_table_without_double_column(client: Any) -> None:
    """A table of LONG columns only (written by another program): a batch mixing bars with values and bars
    without any stores both (the latter by SQL, as ILP cannot write a line without a field)."""
    dataset_id, slug = uid(), new_slug()
    table = f"{slug}_long"
    await post_ok(client, "/api/datasets", variant_a(dataset_id, slug, metadata=manifest(
        dataset_id, slug, ohlcv_measurement=table, indicator_measurement=table)), 201)
    await qdb_rows(f'CREATE TABLE "{table}" (n LONG, timestamp TIMESTAMP) TIMESTAMP(timestamp) PARTITION BY DAY WAL')
    body = await post_ok(client, f"/api/datasets/{dataset_id}/indicators/append", {"rows": [
        {"timestamp": FIRST_BAR_MS, "n": 7}, {"timestamp": FIRST_BAR_MS + HOUR_MS, "n": None}]}, 200)
    assert (body["rows_written"], body["row_count"]) == (2, 2)
    rows = (await get_ok(client, f"/api/datasets/{dataset_id}/indicators"))["rows"]
    assert [r["n"] for r in rows] == [7, None]


async def test_rows_rejected_batch_adds_no_column(client: Any) -> None:
    """A batch refused for one value (a fraction for an integer column) changes nothing: no new column."""
    dataset_id, slug = uid(), new_slug()
    table = f"{slug}_x"
    await post_ok(client, "/api/datasets", variant_a(dataset_id, slug, metadata=manifest(
        dataset_id, slug, indicator_measurement=table)), 201)
    await qdb_rows(f'CREATE TABLE "{table}" (n LONG, timestamp TIMESTAMP) TIMESTAMP(timestamp) '
                   "PARTITION BY DAY WAL DEDUP UPSERT KEYS(timestamp)")
    resp = await client.post(f"/api/datasets/{dataset_id}/indicators/append",
                             json={"rows": [{"timestamp": FIRST_BAR_MS, "n": 1.5, "brand_new": 1}]})
    error = await assert_error(resp, 400, "invalid_field")
    assert (error["field"], error["row_index"]) == ("rows[0].n", 0)
    columns = await qdb_rows(f"SELECT \"column\" FROM table_columns('{table}')")
    assert [c["column"] for c in columns] == ["n", "timestamp"]


@pytest.mark.parametrize("body, status, code, extra", [
    ({"rows": {}}, 400, "invalid_body", {}),
    ({}, 400, "invalid_body", {}),
    ({"rows": [1]}, 400, "invalid_rows", {"row_index": 0}),
    ({"rows": [{"timestamp": 1, "x": 1}, {"timestamp": 2, "x": "7"}]}, 400, "invalid_field",
     {"field": "rows[1].x", "row_index": 1}),
    ({"rows": [{"timestamp": "1700000000", "x": 1}]}, 400, "invalid_field", {"field": "rows[0].timestamp"}),
    ({"rows": [{"timestamp": 9_300_000_000_000, "x": 1}]}, 400, "invalid_field", {"row_index": 0}),
    ({"rows": [{"timestamp": 1, "a.b": 1}]}, 400, "invalid_column", {}),
    ({"rows": [{"timestamp": 1, "abc": 1, "ABC": 2}]}, 400, "invalid_column", {}),
    ({"rows": [{"timestamp": 1, "x": [1]}]}, 400, "invalid_field", {"field": "rows[0].x"}),
    ({"rows": [{"timestamp": 10 ** 400, "x": 1}]}, 400, "invalid_field", {"field": "rows[0].timestamp"}),
    ({"rows": [{"timestamp": 1, "x": 10 ** 400}]}, 400, "invalid_field", {"field": "rows[0].x"}),
    ({"rows": [{"timestamp": 1, "Timestamp": 5}]}, 400, "invalid_column", {}),
])
async def test_rows_append_rejects_bad_input_and_writes_nothing(client: Any, body: dict[str, Any], status: int,
                                                                code: str, extra: dict[str, Any]) -> None:
    """Validation covers the whole request before anything is written: a 400 leaves no table behind."""
    dataset_id, slug = await new_dataset(client)
    error = await assert_error(await client.post(f"/api/datasets/{dataset_id}/indicators/append", json=body),
                               status, code)
    assert {k: error[k] for k in extra} == extra
    assert await qdb_rows(f"SELECT table_name FROM tables() WHERE table_name = '{slug}_ind'") == []


async def test_rows_column_differing_only_in_case_is_409(client: Any) -> None:
    """A key that matches a stored column only case-insensitively is a conflict (QuestDB ignores case)."""
    dataset_id, _ = await new_dataset(client)
    path = f"/api/datasets/{dataset_id}/indicators/append"
    await post_ok(client, path, {"rows": [{"timestamp": FIRST_BAR_MS, "rsi": 1}]}, 200)
    await assert_error(await client.post(path, json={"rows": [{"timestamp": FIRST_BAR_MS, "RSI": 1}]}), 409,
                       "column_conflict")


async def test_rows_unknown_dataset_is_404(client: Any) -> None:
    """Appends and reads of an unknown (or malformed) dataset id answer 404 dataset_not_found."""
    for path in (f"/api/datasets/{uid()}/ohlcv/append", "/api/datasets/not-a-uuid/indicators/append"):
        await assert_error(await client.post(path, json={"rows": []}), 404, "dataset_not_found")
    for suffix in ("ohlcv", "indicators", "manifest", "index_map"):
        await assert_error(await client.get(f"/api/datasets/{uid()}/{suffix}"), 404, "dataset_not_found")


async def test_rows_registered_dataset_without_table_reads_empty(client: Any) -> None:
    """A dataset whose tables do not exist yet gives rows [] (and columns [] for indicators)."""
    dataset_id, slug = await new_dataset(client)
    assert await get_ok(client, f"/api/datasets/{dataset_id}/ohlcv") == \
        {"dataset_id": dataset_id, "measurement": f"{slug}_ohlcv", "rows": [], "count": 0}
    assert (await get_ok(client, f"/api/datasets/{dataset_id}/indicators"))["columns"] == []


async def test_rows_read_filters(client: Any) -> None:
    """limit/offset page the ascending rows; desc reverses; start_ms/end_ms window; columns selects."""
    dataset_id, _ = await new_dataset(client)
    await post_ok(client, f"/api/datasets/{dataset_id}/indicators/append", {"rows": indicator_rows(0, 10)}, 200)
    base = f"/api/datasets/{dataset_id}/indicators"

    async def stamps(query: str) -> list[int]:
        return [(r["timestamp_ms"] - FIRST_BAR_MS) // HOUR_MS for r in (await get_ok(client, base + query))["rows"]]
    assert await stamps("?limit=3&offset=2") == [2, 3, 4]
    assert await stamps("?limit=0") == list(range(10))
    assert await stamps("?offset=8") == [8, 9]
    assert await stamps("?desc=true&limit=2") == [9, 8]
    assert await stamps(f"?start_ms={FIRST_BAR_MS + 3 * HOUR_MS}&end_ms={FIRST_BAR_MS + 5 * HOUR_MS}") == [3, 4]
    body = await get_ok(client, base + "?columns=Time,PCO_10_20&limit=1")
    assert body["columns"] == ["PCO_10_20", "Time"] and list(body["rows"][0]) == ["timestamp_ms", "timestamp",
                                                                                 "PCO_10_20", "Time"]
    resp = await client.get(base + "?limit=-1")
    assert (await assert_error(resp, 400, "invalid_parameter"))["parameter"] == "limit"
    resp = await client.get(base + "?start_ms=99999999999999999")
    assert (await assert_error(resp, 400, "invalid_parameter"))["parameter"] == "start_ms"


async def test_rows_table_written_by_another_program(client: Any) -> None:
    """A Time Series export table (designated timestamp, dataset_id SYMBOL, Date/Time LONG, no dedup): reads
    leave out the symbol, appends convert to LONG and turn dedup on."""
    dataset_id, slug = uid(), new_slug()
    table = f"{slug}_ts"
    await post_ok(client, "/api/datasets", variant_a(dataset_id, slug, metadata=manifest(
        dataset_id, slug, ohlcv_measurement=table, indicator_measurement=table)), 201)
    await qdb_rows(f'CREATE TABLE "{table}" (dataset_id SYMBOL, "Date" LONG, "Time" LONG, rsi DOUBLE, '
                   "timestamp TIMESTAMP) TIMESTAMP(timestamp) PARTITION BY DAY WAL")
    body = await post_ok(client, f"/api/datasets/{dataset_id}/indicators/append",
                         {"rows": [{"timestamp": FIRST_BAR_MS, "Date": 20231114, "Time": 100.0, "rsi": 55.5}]}, 200)
    assert body["row_count"] == 1
    read = await get_ok(client, f"/api/datasets/{dataset_id}/indicators")
    assert read["columns"] == ["Date", "Time", "rsi"]
    assert read["rows"][0]["Date"] == 20231114 and type(read["rows"][0]["Date"]) is int
    await assert_error(await client.post(f"/api/datasets/{dataset_id}/indicators/append",
                                         json={"rows": [{"timestamp": FIRST_BAR_MS, "Date": 1.5}]}), 400,
                       "invalid_field")
    assert (await qdb_rows(f"SELECT dedup FROM tables() WHERE table_name = '{table}'")) == [{"dedup": True}]


async def test_rows_of_a_nanosecond_table_read_in_ms(client: Any) -> None:
    """A TIMESTAMP_NS table written by another program: read-back, its time window, index_map and the
    manifest's bounds count in ms (truncated) like any other table."""
    dataset_id, slug = uid(), new_slug()
    table = f"{slug}_ns"
    await post_ok(client, "/api/datasets", variant_a(dataset_id, slug, metadata=manifest(
        dataset_id, slug, ohlcv_measurement=table, indicator_measurement=table)), 201)
    await qdb_rows(f'CREATE TABLE "{table}" (ts TIMESTAMP_NS, rsi DOUBLE) TIMESTAMP(ts) PARTITION BY DAY BYPASS WAL')
    day = s1.iso_from_ms(FIRST_BAR_MS)[:-1]
    await qdb_rows(f"INSERT INTO \"{table}\" VALUES ('{day}.000000001Z', 1.5), ('{day}.250999999Z', 2.5), "
                   f"('{s1.iso_from_ms(FIRST_BAR_MS + HOUR_MS)}', 3.5)")
    stamps = [FIRST_BAR_MS, FIRST_BAR_MS + 250, FIRST_BAR_MS + HOUR_MS]
    rows = (await get_ok(client, f"/api/datasets/{dataset_id}/indicators"))["rows"]
    assert rows == [{"timestamp_ms": ms, "timestamp": s1.iso_from_ms(ms), "rsi": rsi}
                    for ms, rsi in zip(stamps, (1.5, 2.5, 3.5))]
    window = f"start_ms={FIRST_BAR_MS + 1}&end_ms={FIRST_BAR_MS + HOUR_MS}"
    assert [r["rsi"] for r in (await get_ok(client, f"/api/datasets/{dataset_id}/indicators?{window}"))["rows"]] \
        == [2.5]
    index_map = await get_ok(client, f"/api/datasets/{dataset_id}/index_map")
    assert [r["timestamp_ms"] for r in index_map["rows"]] == stamps
    bounds = await get_ok(client, f"/api/datasets/{dataset_id}/manifest")
    assert (bounds["first_indicator_timestamp_ms"], bounds["last_indicator_timestamp_ms"]) == (stamps[0], stamps[2])


async def test_manifest_of_a_legacy_string_row_survives_reads_and_appends(client: Any, pg_pool: aiopg.Pool) -> None:
    """A manifest stored as a JSON string (an old row) serves GET manifest, and an append's statistics are
    merged into the object it spells instead of turning the column into an array."""
    dataset_id, slug = uid(), new_slug()
    await sql(pg_pool, "INSERT INTO datasets (dataset_id, dataset_slug, metadata) VALUES (%s, %s, to_jsonb(%s::text))",
              (dataset_id, slug, json.dumps({"note": "kept"})))
    assert (await get_ok(client, f"/api/datasets/{dataset_id}/manifest"))["note"] == "kept"
    await post_ok(client, f"/api/datasets/{dataset_id}/ohlcv/append", {"rows": ohlcv_rows(0, 3)}, 200)
    (stored,), = await sql(pg_pool, "SELECT metadata FROM datasets WHERE dataset_id = %s", (dataset_id,))
    assert stored["note"] == "kept" and stored["ohlcv_rows"] == 3
    assert (await get_ok(client, f"/api/datasets/{dataset_id}"))["metadata"]["note"] == "kept"


async def test_manifest_overlays_current_values(client: Any) -> None:
    """The manifest keeps posted keys and sets the standard ones from the dataset and its stored rows."""
    dataset_id, slug = await new_dataset(client)
    await post_ok(client, f"/api/datasets/{dataset_id}/ohlcv/append", {"rows": ohlcv_rows(0, 3)}, 200)
    body = await get_ok(client, f"/api/datasets/{dataset_id}/manifest")
    assert (body["version"], body["dataset_id"], body["ohlcv_measurement"]) == (1, dataset_id, f"{slug}_ohlcv")
    assert (body["ohlcv_rows"], body["indicator_rows"], body["bar_interval_ms"]) == (3, 880, 14_400_000)
    assert body["first_ohlcv_timestamp_ms"] == FIRST_BAR_MS
    assert body["last_ohlcv_timestamp_ms"] == FIRST_BAR_MS + 2 * HOUR_MS
    assert body["first_indicator_timestamp_ms"] == 1_700_432_000_000 and body["exported_at"] == "2026-11-01T10:00:00Z"


@pytest.mark.parametrize("granularity, interval", [("15m", 900_000), ("250ms", 250), ("1d", 86_400_000),
                                                   ("unknown", HOUR_MS)])
async def test_manifest_bar_interval_fallbacks(client: Any, granularity: str, interval: int) -> None:
    """bar_interval_ms 0: derived from granularity, else from the gap between the first two bars."""
    dataset_id, slug = uid(), new_slug()
    await post_ok(client, "/api/datasets", variant_a(dataset_id, slug, granularity=granularity, bar_interval_ms=0,
                                                     metadata={}), 201)
    await post_ok(client, f"/api/datasets/{dataset_id}/ohlcv/append", {"rows": ohlcv_rows(0, 2)}, 200)
    assert (await get_ok(client, f"/api/datasets/{dataset_id}/manifest"))["bar_interval_ms"] == interval


async def test_index_map_windows_match_read_order(client: Any) -> None:
    """index_map returns one row per index of [start_idx, end_idx), clipped, in the read-back order."""
    dataset_id, _ = await new_dataset(client)
    await post_ok(client, f"/api/datasets/{dataset_id}/indicators/append", {"rows": indicator_rows(0, 20)}, 200)
    body = await get_ok(client, f"/api/datasets/{dataset_id}/index_map?start_idx=5&end_idx=8&type=indicator")
    assert body["rows"] == [{"index": i, "timestamp_ms": FIRST_BAR_MS + i * HOUR_MS} for i in (5, 6, 7)]
    assert (body["start_index"], body["end_index"], body["count"], body["type"]) == (5, 8, 3, "indicator")
    clipped = await get_ok(client, f"/api/datasets/{dataset_id}/index_map?start_idx=18&end_idx=50")
    assert (clipped["end_index"], [r["index"] for r in clipped["rows"]]) == (20, [18, 19])
    everything = await get_ok(client, f"/api/datasets/{dataset_id}/index_map")
    assert everything["count"] == 20
    missing = await get_ok(client, f"/api/datasets/{dataset_id}/index_map?type=ohlcv")
    assert (missing["rows"], missing["end_index"]) == ([], 0)


@pytest.mark.parametrize("query, parameter", [("start_idx=-1", "start_idx"), ("end_idx=x", "end_idx"),
                                              ("start_idx=5&end_idx=2", "end_idx"), ("type=candles", "type")])
async def test_index_map_bad_parameters(client: Any, query: str, parameter: str) -> None:
    """Bad index_map parameters are 400 invalid_parameter naming the parameter."""
    dataset_id, _ = await new_dataset(client)
    resp = await client.get(f"/api/datasets/{dataset_id}/index_map?{query}")
    assert (await assert_error(resp, 400, "invalid_parameter"))["parameter"] == parameter


async def test_rows_questdb_down_is_503(start_app: Any) -> None:
    """With QuestDB unreachable, appends and reads answer 503 questdb_unavailable quickly."""
    client = await start_app(questdb_http=f"http://127.0.0.1:{free_port()}")
    dataset_id, _ = await new_dataset(client)
    await assert_error(await client.post(f"/api/datasets/{dataset_id}/ohlcv/append",
                                         json={"rows": ohlcv_rows(0, 1)}), 503, "questdb_unavailable")
    await assert_error(await client.get(f"/api/datasets/{dataset_id}/ohlcv"), 503, "questdb_unavailable")



def test_row_encoder_writes_every_column_with_null_for_gaps() -> None:
    """Lines as rows_sql() selects them (a null cell, ms, ISO, values, gap mark): empty cells, ±Infinity and a
    short line all become null; keys are JSON-escaped, a % too. A block without a mark or an Infinity takes the
    fast path to the same shapes, with LF or CRLF line ends; a short or blank line there goes the careful way."""
    encoder = s1.RowEncoder(["a", 'q"b', "c%"])
    iso, iso_250 = '"2023-11-14T22:13:20Z"', '"2023-11-14T22:13:20.250Z"'
    head = {"timestamp_ms": 1_700_000_000_000, "timestamp": "2023-11-14T22:13:20Z"}
    head_250 = {"timestamp_ms": 1_700_000_000_250, "timestamp": "2023-11-14T22:13:20.250Z"}
    lines = [f",1700000000000,{iso},1.5,,,g", f",1700000000250,{iso_250},,-2,3e-05,g",
             f",1700000000000,{iso},Infinity,-Infinity,4,", f",1700000000000,{iso},7"]
    text, count = encoder.encode("\r\n".join(lines) + "\r")
    assert count == 4
    assert strict_json(f"[{text}]") == [{**head, "a": 1.5, 'q"b': None, "c%": None},
                                        {**head_250, "a": None, 'q"b': -2, "c%": 3e-05},
                                        {**head, "a": None, 'q"b': None, "c%": 4},
                                        {**head, "a": 7, 'q"b': None, "c%": None}]
    full = [{**head, "a": 1, 'q"b': 2.5, "c%": -3e-05}, {**head_250, "a": 4, 'q"b': 5, "c%": 6}]
    for end in ("\r\n", "\n"):
        text, count = encoder.encode(f",1700000000000,{iso},1,2.5,-3e-05,{end},1700000000250,{iso_250},4,5,6,")
        assert (count, strict_json(f"[{text}]")) == (2, full)
    for odd in (f",1700000000250,{iso_250},4,5", f",1700000000250,{iso_250},4,5,6,\n"):
        text, count = encoder.encode(f",1700000000000,{iso},1,2.5,-3e-05,\n{odd}")
        assert (count, strict_json(f"[{text}]")[0]) == (2, full[0])
    assert strict_json(f"[{encoder.encode(f',1700000000250,{iso_250},4,5')[0]}]") == [
        {**head_250, "a": 4, 'q"b': 5, "c%": None}]
    assert s1.RowEncoder([]).encode(f",1700000000000,{iso},") == (json.dumps(head, separators=(",", ":")), 1)
    assert encoder.encode("") == ("", 0) and encoder.encode("\r") == ("", 0)


async def test_relay_csv_lines_reassembles_lines_split_anywhere() -> None:
    """Whatever the chunking: the header is skipped, CRLF and blank lines are handled, and a last line without
    a newline is kept."""
    body = b'"t","v"\r\n1000000,1.5\r\n\r\n2000000,\r\n3000000,2'

    class Upstream:
        def __init__(self, chunks: list[bytes]) -> None:
            self.content = self
            self.chunks = chunks

        async def iter_any(self) -> AsyncIterator[bytes]:
            for chunk in self.chunks:
                yield chunk

    class Response:
        def __init__(self) -> None:
            self.out = b""

        async def write(self, data: bytes) -> None:
            self.out += data

    splits = [[body[:i], body[i:]] for i in range(len(body) + 1)] + [[body[i:i + 1] for i in range(len(body))]]
    for chunks in splits:
        response = Response()
        count = await s1.relay_csv_lines(Upstream(chunks), response, quote_lines)  # type: ignore[arg-type]
        assert (count, response.out) == (3, b'"1000000,1.5","2000000,","3000000,2"'), chunks


def quote_lines(text: str) -> tuple[str, int]:
    """A block encoder for relay tests: each non-empty line as a JSON string."""
    lines = [line for line in text.splitlines() if line]
    return ",".join(map(json.dumps, lines)), len(lines)


def test_append_rows_keep_float_tokens_and_store_overflow_as_null() -> None:
    """loads_rows keeps a float as its JSON token: parse_append gives the same values as after loads() (1e+9999
    is null, and as a timestamp alias absent, so the next alias wins); the digits go to ILP as they came, except
    a token QuestDB would refuse (a non-zero underflow) or a very long one, which go as repr(float)."""
    long_token = "0." + "1" * 45
    raw = (b'{"rows": [{"timestamp_unix": 1e+9999, "timestamp_ms": 1.7e12, "open": -1e+9999, "a": 1e+9999,'
           b' "b": -1e+9999, "c": NaN, "d": 2.50, "e": true, "f": 3, "g": 1E-5, "h": -1e-400, "i": '
           + long_token.encode() + b'}, {"timestamp": -1e+9999, "a": 1}]}')
    for kind in ("indicator", "ohlcv"):
        fast, slow = (s1.parse_append(decode(raw), kind) for decode in (s1.loads_rows, s1.loads))
        as_floats = {ts: (index, {key: float(value) if isinstance(value, bytes) else value
                                  for key, value in values.items()}) for ts, (index, values) in fast.rows.items()}
        assert (as_floats, fast.rows_skipped, fast.columns) == (slow.rows, slow.rows_skipped, slow.columns)
    batch = s1.parse_append(s1.loads_rows(raw), "indicator")
    assert (batch.rows, batch.rows_skipped) == ({1_700_000_000_000: (0, {
        "open": None, "a": None, "b": None, "c": None, "d": b"2.50", "e": 1.0, "f": 3, "g": b"1E-5", "h": -0.0,
        "i": float(long_token)})}, 1)
    columns = [s1.IlpColumn(name, "double") for name in batch.columns]
    line = s1.format_double_rows("t", columns, batch.rows, None).decode()
    assert line == f"t d=2.50,e=1.0,f=3.0,g=1E-5,h=-0.0,i={float(long_token)!r} 1700000000000000000\n"


def test_format_double_rows_writes_what_format_ilp_rows_writes() -> None:
    """The all-DOUBLE append formatter (fields by name from each row's dict) writes the same fields as
    typed_values() + format_ilp_rows(), including the NaN filler of a row without any value."""
    columns = [s1.IlpColumn(name, "double") for name in ("a", "b c", "d=e")]
    rows = {1_700_000_000_000: (0, {"a": 1.5, "b c": None, "d=e": 3}), 1_700_000_001_000: (1, {"a": None}),
            1_700_000_002_000: (2, {"d=e": -0.0, "a": 0.1})}
    typed = [(ts, s1.typed_values(values, ["a", "b c", "d=e"], columns, index)) for ts, (index, values) in rows.items()]

    def fields(text: str) -> list[tuple[list[str], str]]:
        lines = [line.rsplit(" ", 1) for line in text.splitlines()]
        assert all(head.startswith("my\\ t ") for head, _ts in lines)
        return [(sorted(head[len("my\\ t "):].split(",")), ts) for head, ts in lines]

    fast = s1.format_double_rows("my t", columns, rows, s1.null_filler(["b c"])).decode()
    assert fields(fast) == fields(s1.format_ilp_rows("my t", columns, typed, s1.null_filler(["b c"])))
    assert fields(fast)[1] == (["b\\ c=NaN"], "1700000001000000000")


# --- Runs ----------------------------------------------------------------------------------------------------

PREDICTIONS = "btc_4h_v2_ind_wf1731700000"


def make_fold(number: int, offset: int = 0, **overrides: Any) -> dict[str, Any]:
    """A fold as the desktop posts it: nine thresholds, metrics with integers and booleans."""
    start = offset * 50
    thresholds = {"long_optimal": 0.25, "short_optimal": -0.25, "prediction_scaled": 1.5,
                  "prediction_original": 0.01, "dynamic_positive": 0.2, "short_scaled": -1.5,
                  "short_original": -0.01, "long_percentile": 90, "short_percentile": 10}
    metrics = {"hit_rate": 0.55, "short_hit_rate": 0.5, "profit_factor_test": 1.25, "n_signals": 12,
               "n_short_signals": 3, "model_learned_nothing": False, "used_cached_model": True, "signal_sum": 0.0}
    return {"fold_number": number, "train_start_idx": start, "train_end_idx": start + 650,
            "test_start_idx": start + 650, "test_end_idx": start + 700, "samples_train": 650, "samples_test": 50,
            "best_iteration": 120, "best_score": 0.5, "thresholds": thresholds, "metrics": metrics, **overrides}


def run_body(run_id: str, dataset_id: str, folds: list[dict[str, Any]], **overrides: Any) -> dict[str, Any]:
    """The desktop's nested POST /api/runs body (§3.4.1)."""
    run = {"run_id": run_id, "dataset_id": dataset_id, "prediction_measurement": PREDICTIONS,
           "target_column": "TGT_115", "feature_columns": ["PCO_10_20", "RSI_14"],
           "hyperparameters": {"n_estimators": 650, "learning_rate": 0.5, "subsample": 1},
           "walk_config": {"train_size": 650, "test_size": 50, "start_fold": 50, "prediction_measurement": PREDICTIONS},
           "summary_metrics": {"folds": len(folds), "hit_rate": 0.55}, "status": "COMPLETED",
           "started_at": "2026-11-29T10:00:00Z", "completed_at": "2026-11-29T10:05:00Z", "duration_ms": 300_000,
           **overrides}
    return {"run": run, "folds": folds}


def assert_run_types(run: dict[str, Any]) -> None:
    assert_types(run, ints=("fold_count",), maybe_ints=("duration_ms",), arrays=("feature_columns",),
                 objects=("hyperparameters", "walk_config", "summary_metrics"),
                 isos=("started_at", "completed_at", "created_at", "updated_at"))
    assert isinstance(run["prediction_measurement"], str) and run["prediction_measurement"]
    assert isinstance(run["dataset_slug"], str)
    for fold in run.get("folds", []):
        assert_types(fold, ints=("fold_number", "train_start_idx", "train_end_idx", "test_start_idx", "test_end_idx"),
                     maybe_ints=("samples_train", "samples_test", "best_iteration", "train_start_ts_ms",
                                 "train_end_ts_ms", "test_start_ts_ms", "test_end_ts_ms"),
                     objects=("thresholds", "metrics"))


async def test_runs_save_flow_500_folds_from_50(client: Any) -> None:
    """§6.3: 500 folds numbered from 50 for an unknown dataset are stored; GET returns them sorted 50…549;
    four identical re-posts keep 500; the walkforward alias answers identically."""
    run_id, dataset_id = uid(), uid()
    body = run_body(run_id, dataset_id, [make_fold(50 + i, i) for i in range(500)])
    saved = await post_ok(client, "/api/runs", body, 201)
    assert saved == {"run_id": run_id, "dataset_id": dataset_id, "fold_count": 500, "folds_received": 500}
    for _ in range(4):
        assert (await post_ok(client, "/api/runs", body, 200))["fold_count"] == 500
    run = await get_ok(client, f"/api/runs/{run_id}")
    assert_run_types(run)
    assert [f["fold_number"] for f in run["folds"]] == list(range(50, 550))
    assert run["fold_count"] == 500 and run["dataset_id"] == dataset_id
    assert await get_ok(client, f"/api/walkforward/runs/{run_id}") == run
    assert await get_ok(client, f"/api/runs/{run_id.upper()}") == run


async def test_runs_keep_posted_values_and_integer_ness(client: Any) -> None:
    """Numbers come back as posted (650 stays 650, 0.5 stays 0.5, "subsample": 1 stays 1), booleans stay
    booleans, and the debugger's top-level fold values are copied from metrics and thresholds."""
    run_id = uid()
    await post_ok(client, "/api/runs", run_body(run_id, uid(), [make_fold(50)]), 201)
    resp = await client.get(f"/api/runs/{run_id}")
    text = await resp.text()
    assert '"n_estimators":650' in text and '"learning_rate":0.5' in text and '"subsample":1' in text
    run = strict_json(text)
    assert run["hyperparameters"] == {"n_estimators": 650, "learning_rate": 0.5, "subsample": 1}
    assert type(run["walk_config"]["train_size"]) is int and run["feature_columns"] == ["PCO_10_20", "RSI_14"]
    fold = run["folds"][0]
    assert type(fold["metrics"]["n_signals"]) is int and fold["metrics"]["model_learned_nothing"] is False
    assert fold["thresholds"]["long_percentile"] == 90 and type(fold["thresholds"]["long_percentile"]) is int
    assert (fold["hit_rate"], fold["short_hit_rate"], fold["profit_factor_test"]) == (0.55, 0.5, 1.25)
    assert (fold["long_threshold"], fold["short_threshold"], fold["best_score"]) == (0.25, -0.25, 0.5)
    assert (run["status"], run["duration_ms"], run["started_at"]) == ("COMPLETED", 300_000, "2026-11-29T10:00:00Z")
    assert (run["target_column"], run["prediction_measurement"]) == ("TGT_115", PREDICTIONS)


async def test_runs_fold_numbers_with_gaps_are_kept(client: Any) -> None:
    """Folds are never renumbered: gaps where a fold failed come back as posted."""
    run_id, numbers = uid(), [50, 51, 53, 60, 100]
    await post_ok(client, "/api/runs", run_body(run_id, uid(), [make_fold(n) for n in reversed(numbers)]), 201)
    assert [f["fold_number"] for f in (await get_ok(client, f"/api/runs/{run_id}"))["folds"]] == numbers


async def test_runs_accept_aliases_strings_and_legacy_forms(client: Any) -> None:
    """train_start… aliases, JSON strings holding objects/arrays, null objects, a flat body and run.folds."""
    run_id = uid()
    fold = {"fold_number": 7, "train_start": 0, "train_end": 10, "test_start": 10, "test_end": 12,
            "thresholds": '{"long_optimal": 0.1}', "run_id": run_id.upper()}
    flat = {"run_id": run_id, "dataset_id": uid(), "prediction_measurement": "", "feature_columns": '["a", "b"]',
            "hyperparameters": '{"depth": 6}', "summary_metrics": None,
            "walk_config": {"prediction_measurement": "x_ind_wf1"}, "folds": [fold]}
    assert (await post_ok(client, "/api/runs", flat, 201))["fold_count"] == 1
    run = await get_ok(client, f"/api/runs/{run_id}")
    assert (run["feature_columns"], run["hyperparameters"], run["summary_metrics"]) == (["a", "b"], {"depth": 6}, {})
    assert (run["prediction_measurement"], run["dataset_slug"], run["status"]) == ("x_ind_wf1", "x_ind", "UNKNOWN")
    got = run["folds"][0]
    assert [got[k] for k in ("train_start_idx", "train_end_idx", "test_start_idx", "test_end_idx")] == [0, 10, 10, 12]
    assert got["thresholds"] == {"long_optimal": 0.1} and got["long_threshold"] == 0.1 and got["hit_rate"] is None
    nested = {"run": {**flat, "folds": [make_fold(8)], "prediction_measurement": "y_ind_wf2"}}
    assert (await post_ok(client, "/api/runs", nested, 200))["fold_count"] == 2


async def test_runs_upsert_keeps_created_at_and_absent_folds(client: Any) -> None:
    """A later body updates the run and its own folds; stored folds it does not name stay unchanged."""
    run_id, dataset_id = uid(), uid()
    await post_ok(client, "/api/runs", run_body(run_id, dataset_id, [make_fold(n) for n in range(50, 55)]), 201)
    first = await get_ok(client, f"/api/runs/{run_id}")
    later = run_body(run_id, dataset_id, [make_fold(n, best_score=0.75) for n in range(53, 57)], status="INCOMPLETE")
    assert (await post_ok(client, "/api/runs", later, 200))["fold_count"] == 7
    run = await get_ok(client, f"/api/runs/{run_id}")
    assert run["created_at"] == first["created_at"] and run["status"] == "INCOMPLETE"
    assert [(f["fold_number"], f["best_score"]) for f in run["folds"]] == \
        [(50, 0.5), (51, 0.5), (52, 0.5), (53, 0.75), (54, 0.75), (55, 0.75), (56, 0.75)]


DELETE = object()


def changed(body: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """body with each change applied; keys are paths like "run.status" or "folds.1.test_end_idx", and the
    value DELETE removes the key."""
    for path, value in changes.items():
        *parents, last = path.split(".")
        container: Any = body
        for part in parents:
            container = container[int(part) if isinstance(container, list) else part]
        key = int(last) if isinstance(container, list) else last
        if value is DELETE:
            del container[key]
        else:
            container[key] = value
    return body


def bad_run(changes: dict[str, Any]) -> dict[str, Any]:
    body = run_body("5b0c1f64-1f7e-4b55-9c55-8d5c1c6c3a01", "9e3c2a10-7d4b-4c1e-8f0a-2b6d9c7e5f42",
                    [make_fold(50), make_fold(51)])
    return changed(body, changes)


@pytest.mark.parametrize("body, code, detail", [
    (bad_run({"run": "x"}), "invalid_field", {"field": "run"}),
    (bad_run({"folds": {"fold_number": 1}}), "invalid_field", {"field": "folds"}),
    (bad_run({"folds": [make_fold(50), 7]}), "invalid_field", {"field": "folds[1]"}),
    (bad_run({"run.run_id": DELETE}), "missing_fields", {"missing_fields": ["run.run_id"]}),
    (bad_run({"run.dataset_id": ""}), "missing_fields", {"missing_fields": ["run.dataset_id"]}),
    (bad_run({"run.prediction_measurement": "", "run.walk_config": {}}), "missing_fields",
     {"missing_fields": ["run.prediction_measurement"]}),
    (bad_run({"folds.1.test_end_idx": DELETE, "folds.0.fold_number": None}), "missing_fields",
     {"missing_fields": ["folds[0].fold_number", "folds[1].test_end_idx"]}),
    (bad_run({"run.prediction_measurement": "bad name"}), "invalid_measurement", {}),
    (bad_run({"folds.1.fold_number": 50}), "duplicate_fold", {}),
    (bad_run({"folds.1.run_id": "0f0f0f0f-1f7e-4b55-9c55-8d5c1c6c3a01"}), "run_id_mismatch", {}),
    (bad_run({"folds.0.run_id": "nope"}), "invalid_uuid", {"field": "folds[0].run_id"}),
    (bad_run({"run.run_id": "nope"}), "invalid_uuid", {"field": "run.run_id"}),
    (bad_run({"run.dataset_id": 7}), "invalid_field", {"field": "run.dataset_id"}),
    (bad_run({"run.feature_columns": 5}), "invalid_field", {"field": "run.feature_columns"}),
    (bad_run({"run.feature_columns": ["a", 1]}), "invalid_field", {"field": "run.feature_columns[1]"}),
    (bad_run({"run.hyperparameters": [1]}), "invalid_field", {"field": "run.hyperparameters"}),
    (bad_run({"run.walk_config": 3}), "invalid_field", {"field": "run.walk_config"}),
    (bad_run({"run.started_at": "yesterday"}), "invalid_timestamp", {"field": "run.started_at"}),
    (bad_run({"run.duration_ms": -5}), "invalid_field", {"field": "run.duration_ms"}),
    (bad_run({"folds.0.fold_number": -1}), "invalid_field", {"field": "folds[0].fold_number"}),
    (bad_run({"folds.0.fold_number": 2**31}), "invalid_field", {"field": "folds[0].fold_number"}),
    (bad_run({"folds.0.fold_number": 1.5}), "invalid_field", {"field": "folds[0].fold_number"}),
    (bad_run({"folds.0.samples_train": 2**31}), "invalid_field", {"field": "folds[0].samples_train"}),
    (bad_run({"folds.0.train_start_idx": "0"}), "invalid_field", {"field": "folds[0].train_start_idx"}),
    (bad_run({"folds.1.test_end_idx": DELETE, "folds.1.test_end": -3}), "invalid_field",
     {"field": "folds[1].test_end"}),
    (bad_run({"folds.0.thresholds": [0.1]}), "invalid_field", {"field": "folds[0].thresholds"}),
    (bad_run({"folds.0.best_score": "high"}), "invalid_field", {"field": "folds[0].best_score"}),
])
async def test_runs_post_rejects_bad_bodies_and_writes_nothing(client: Any, pg_pool: aiopg.Pool,
                                                               body: dict[str, Any], code: str,
                                                               detail: dict[str, Any]) -> None:
    """Each bad body gets 400 with its code (and field or missing_fields paths); no run or fold is stored."""
    error = await assert_error(await client.post("/api/runs", json=body), 400, code)
    assert {key: error.get(key) for key in detail} == detail
    assert await sql(pg_pool, "SELECT (SELECT count(*) FROM walkforward_runs) + "
                              "(SELECT count(*) FROM walkforward_folds)") == [(0,)]


async def test_runs_failed_repost_leaves_the_stored_run_untouched(client: Any) -> None:
    """One transaction: a body whose fold 3 is bad changes nothing of an existing run."""
    run_id, dataset_id = uid(), uid()
    await post_ok(client, "/api/runs", run_body(run_id, dataset_id, [make_fold(50)]), 201)
    before = await get_ok(client, f"/api/runs/{run_id}")
    folds = [make_fold(n, best_score=0.9) for n in range(50, 53)] + [make_fold(53, samples_test="x")]
    await assert_error(await client.post("/api/runs", json=run_body(run_id, dataset_id, folds)), 400,
                       "invalid_field")
    assert await get_ok(client, f"/api/runs/{run_id}") == before


@pytest.mark.parametrize("path", ["/api/runs/{id}", "/api/walkforward/runs/{id}"])
async def test_runs_unknown_id_is_404_run_not_found(client: Any, path: str) -> None:
    """An unknown or non-UUID run id is 404 run_not_found (the desktop's 'Run not found')."""
    for run_id in (uid(), "not-a-uuid"):
        await assert_error(await client.get(path.format(id=run_id)), 404, "run_not_found")


async def test_runs_lists_filter_order_and_404(client: Any) -> None:
    """GET /api/runs and /api/datasets/{id}/runs: wrapper, filter, started_at desc (nulls last), no folds."""
    dataset_id, slug = uid(), new_slug()
    await post_ok(client, "/api/datasets", variant_a(dataset_id, slug), 201)
    empty = await get_ok(client, f"/api/datasets/{dataset_id}/runs?limit=200&offset=0")
    assert empty == {"runs": [], "count": 0, "total": 0}
    starts = {uid(): "2026-11-01T00:00:00Z", uid(): None, uid(): "2026-11-03T00:00:00Z"}
    for run_id, started in starts.items():
        await post_ok(client, "/api/runs", run_body(run_id, dataset_id, [make_fold(50)], started_at=started), 201)
    offline = uid()
    await post_ok(client, "/api/runs", run_body(uid(), offline, [make_fold(1), make_fold(2)]), 201)
    listed = await get_ok(client, f"/api/datasets/{dataset_id}/runs?limit=200&offset=0")
    order = [r["run_id"] for r in listed["runs"]]
    assert order == [list(starts)[2], list(starts)[0], list(starts)[1]] and listed["total"] == 3
    for run in listed["runs"]:
        assert_run_types(run)
        assert "folds" not in run and run["fold_count"] == 1 and run["dataset_slug"] == slug
    assert (await get_ok(client, f"/api/runs?dataset_id={dataset_id}"))["runs"] == listed["runs"]
    page = await get_ok(client, "/api/runs?limit=1&offset=1")
    assert (page["count"], page["total"]) == (1, 4)
    by_offline = await get_ok(client, f"/api/datasets/{offline}/runs")
    assert by_offline["total"] == 1 and by_offline["runs"][0]["fold_count"] == 2
    assert (await get_ok(client, f"/api/datasets/{dataset_id}"))["run_count"] == 3
    for unknown in (uid(), "nope"):
        await assert_error(await client.get(f"/api/datasets/{unknown}/runs"), 404, "dataset_not_found")
    error = await assert_error(await client.get("/api/runs?dataset_id=nope"), 400, "invalid_parameter")
    assert error["parameter"] == "dataset_id"


async def test_runs_dataset_slug_resolution_order(client: Any) -> None:
    """dataset_slug: the known dataset's slug, else the posted one, else prediction_measurement minus _wfN."""
    known, slug = uid(), new_slug()
    await post_ok(client, "/api/datasets", variant_a(known, slug), 201)
    cases = [(known, {"dataset_slug": "posted"}, slug), (uid(), {"dataset_slug": "posted"}, "posted"),
             (uid(), {}, "btc_4h_v2_ind")]
    for dataset_id, extra, expected in cases:
        run_id = uid()
        await post_ok(client, "/api/runs", run_body(run_id, dataset_id, [], **extra), 201)
        assert (await get_ok(client, f"/api/runs/{run_id}"))["dataset_slug"] == expected



async def test_runs_detail_folds_rendered_by_postgres_equal_fold_json(client: Any, pg_pool: aiopg.Pool) -> None:
    """The fold objects PostgreSQL renders equal fold_json() of the stored rows (nulls, copies that are not
    numbers, a NaN best_score, big and tiny numbers), and an old row holding a JSON string is still parsed."""
    run_id = uid()
    folds = [make_fold(50), make_fold(51, 1, best_score=None, thresholds={}, metrics={
                 "hit_rate": True, "short_hit_rate": "x", "nested": [1, {"y": None}], "big": 2**62, "tiny": 1e-300}),
             make_fold(53, 2, best_iteration=None, samples_train=None, train_start_ts_ms=1_700_000_000_000)]
    await post_ok(client, "/api/runs", run_body(run_id, uid(), folds), 201)
    await sql(pg_pool, "UPDATE walkforward_folds SET best_score = 'NaN' WHERE run_id = %s AND fold_number = 53",
              (run_id,))
    got = (await get_ok(client, f"/api/runs/{run_id}"))["folds"]
    rows = await client.server.app[s1.PG].fetchall(s1.SQL_GET_FOLDS, {"run_id": run_id})
    assert got == json.loads(s1.dumps([s1.fold_json(row) for row in rows]))
    assert (got[1]["hit_rate"], got[1]["short_hit_rate"], got[1]["metrics"]["tiny"]) == (None, None, 1e-300)
    assert (got[2]["best_score"], got[2]["best_iteration"], got[2]["train_start_ts_ms"]) == (None, None,
                                                                                              1_700_000_000_000)
    await sql(pg_pool, "UPDATE walkforward_folds SET thresholds = to_jsonb(%s::text) WHERE fold_number = 50 "
              "AND run_id = %s", (json.dumps({"long_optimal": 0.75}), run_id))
    got = (await get_ok(client, f"/api/runs/{run_id}"))["folds"]
    assert (got[0]["thresholds"], got[0]["long_threshold"], len(got)) == ({"long_optimal": 0.75}, 0.75, 3)


# --- Response cache ------------------------------------------------------------------------------------------

async def test_cache_answers_a_repeated_get_without_building_it_again(client: Any, monkeypatch: Any) -> None:
    """The second identical GET is the first one's bytes, served without running the list again."""
    await post_ok(client, "/api/datasets", {"dataset_slug": new_slug()}, 201)
    built = []
    original = s1.list_datasets

    async def counting_list(*args: Any) -> dict[str, Any]:
        built.append(args[1:])
        return await original(*args)

    monkeypatch.setattr(s1, "list_datasets", counting_list)
    first, second = [await (await client.get("/api/datasets?limit=5")).read() for _ in range(2)]
    await client.get("/api/datasets?limit=6")
    assert first == second and built == [(5, 0), (6, 0)]


async def test_cache_sees_writes_that_bypass_the_server(client: Any, pg_pool: aiopg.Pool) -> None:
    """The desktop writes datasets and runs directly (§4.1): a cached list, detail and run count still change."""
    dataset_id = uid()
    await post_ok(client, "/api/datasets", {"dataset_id": dataset_id, "dataset_slug": new_slug(),
                                            "symbol": "BTCUSDT"}, 201)
    assert (await get_ok(client, f"/api/datasets/{dataset_id}"))["symbol"] == "BTCUSDT"
    assert (await get_ok(client, "/api/datasets"))["datasets"][0]["symbol"] == "BTCUSDT"
    await sql(pg_pool, "UPDATE datasets SET symbol = 'ETHUSDT' WHERE dataset_id = %s", (dataset_id,))
    await sql(pg_pool, "INSERT INTO walkforward_runs (run_id, dataset_id) VALUES (%s, %s)", (uid(), dataset_id))
    detail = await get_ok(client, f"/api/datasets/{dataset_id}")
    listed = (await get_ok(client, "/api/datasets"))["datasets"][0]
    assert (detail["symbol"], detail["run_count"]) == (listed["symbol"], listed["run_count"]) == ("ETHUSDT", 1)
    await sql(pg_pool, "DELETE FROM datasets WHERE dataset_id = %s", (dataset_id,))
    assert (await get_ok(client, "/api/datasets"))["count"] == 0
    await assert_error(await client.get(f"/api/datasets/{dataset_id}"), 404, "dataset_not_found")


async def test_cache_shows_an_open_transaction_only_once_committed(client: Any, pg_pool: aiopg.Pool) -> None:
    """The change stamp is written inside the writer's transaction: a GET while it is open caches the old state,
    and the first GET after its commit shows the new one."""
    dataset_id = uid()
    await post_ok(client, "/api/datasets", {"dataset_id": dataset_id, "dataset_slug": new_slug(),
                                            "symbol": "BTCUSDT"}, 201)
    async with pg_pool.acquire() as conn, conn.cursor() as cur:
        await cur.execute("BEGIN")
        await cur.execute("UPDATE datasets SET symbol = 'ETHUSDT' WHERE dataset_id = %s", (dataset_id,))
        assert (await get_ok(client, f"/api/datasets/{dataset_id}"))["symbol"] == "BTCUSDT"
        await cur.execute("COMMIT")
    assert (await get_ok(client, f"/api/datasets/{dataset_id}"))["symbol"] == "ETHUSDT"


async def test_cache_run_detail_follows_a_repost(client: Any) -> None:
    """A cached run detail is replaced when the run is posted again with other folds."""
    run_id, dataset_id = uid(), uid()
    await post_ok(client, "/api/runs", run_body(run_id, dataset_id, [make_fold(1)]), 201)
    assert len((await get_ok(client, f"/api/runs/{run_id}"))["folds"]) == 1
    await post_ok(client, "/api/runs", run_body(run_id, dataset_id, [make_fold(1), make_fold(2, 1)]), 200)
    assert [f["fold_number"] for f in (await get_ok(client, f"/api/runs/{run_id}"))["folds"]] == [1, 2]


async def test_change_version_reads_share_the_next_query_never_the_running_one() -> None:
    """Requests arriving while a version query runs share one later query (its snapshot follows their arrival);
    a failed query fails its waiters only, and the next read queries again."""
    gates: list[asyncio.Event] = []

    class GatedCursor:
        async def execute(self, sql_text: str) -> None:
            assert sql_text == s1.SQL_CHANGE_VERSION
            gates.append(gate := asyncio.Event())
            await gate.wait()
            if len(gates) == 3:
                raise s1.ApiError(503, "postgres_unavailable", "down")

        async def fetchone(self) -> tuple[int, int]:
            return 7, len(gates)

    class GatedPg:
        @contextlib.asynccontextmanager
        async def cursor(self, dict_rows: bool = True) -> AsyncIterator[GatedCursor]:
            yield GatedCursor()

    versions = s1.ChangeVersion(GatedPg())
    first = asyncio.create_task(versions.read())
    await eventually(lambda: asyncio.sleep(0, len(gates) == 1))
    later = [asyncio.create_task(versions.read()) for _ in range(5)]         # arrive while query 1 runs
    await asyncio.sleep(0.01)
    assert len(gates) == 1
    gates[0].set()
    assert await first == (7, 1)
    await eventually(lambda: asyncio.sleep(0, len(gates) == 2))
    gates[1].set()
    assert await asyncio.gather(*later) == [(7, 2)] * 5 and len(gates) == 2
    failing = asyncio.create_task(versions.read())
    await eventually(lambda: asyncio.sleep(0, len(gates) == 3))
    gates[2].set()
    with pytest.raises(s1.ApiError):
        await failing
    recovered = asyncio.create_task(versions.read())
    await eventually(lambda: asyncio.sleep(0, len(gates) == 4))
    gates[3].set()
    assert await recovered == (7, 4)


async def test_cache_prunes_a_long_change_log_and_stays_fresh(client: Any, pg_pool: aiopg.Pool,
                                                              monkeypatch: Any) -> None:
    """Past CHANGE_LOG_PRUNE_AT rows a read empties the log and bumps the epoch (one transaction); the version
    keeps growing and a write after the prune still shows in the next response."""
    monkeypatch.setattr(s1, "CHANGE_LOG_PRUNE_AT", 3)
    dataset_id = uid()
    for symbol in ("A", "B", "C", "D", "E"):
        await post_ok(client, "/api/datasets", {"dataset_id": dataset_id, "dataset_slug": "prune", "symbol": symbol},
                      201 if symbol == "A" else 200)
    (epoch_before,), = await sql(pg_pool, "SELECT epoch FROM stage1_change_epoch")
    version = await client.server.app[s1.CHANGE_VERSION].read()
    await eventually(lambda: sql(pg_pool, f"SELECT 1 FROM stage1_change_epoch WHERE epoch > {epoch_before}"))
    assert (await sql(pg_pool, "SELECT count(*) FROM stage1_change_log")) == [(0,)]
    assert await client.server.app[s1.CHANGE_VERSION].read() > version
    assert (await get_ok(client, f"/api/datasets/{dataset_id}"))["symbol"] == "E"
    await sql(pg_pool, "UPDATE datasets SET symbol = 'F' WHERE dataset_id = %s", (dataset_id,))
    assert (await get_ok(client, f"/api/datasets/{dataset_id}"))["symbol"] == "F"


def test_cache_bounds_its_bytes_and_keeps_only_the_newest_version(monkeypatch: Any) -> None:
    cache = s1.ResponseCache(max_bytes=10)
    cache.put((1, 1), "x", b"123456")
    cache.put((1, 1), "y", b"1234")
    assert (cache.get((1, 1), "x"), cache.get((1, 1), "y"), cache.get((1, 2), "x")) == (b"123456", b"1234", None)
    cache.put((1, 1), "z", b"12")                   # over 10 bytes: the oldest entry goes
    assert (cache.get((1, 1), "x"), cache.get((1, 1), "z"), cache.size) == (None, b"12", 6)
    cache.put((2, 0), "y", b"9")                    # a newer version: everything older is dropped
    assert (cache.get((2, 0), "z"), cache.get((2, 0), "y"), cache.size) == (None, b"9", 1)
    cache.put((1, 5), "z", b"8")                    # a slow build of an older version is not stored
    assert (cache.get((2, 0), "y"), cache.get((1, 5), "z")) == (b"9", None)
    cache.put(None, "n", b"1")                      # no version (the epoch row is gone): never cached
    assert cache.get(None, "n") is None
    monkeypatch.setattr(s1, "RESPONSE_CACHE_MAX_AGE_S", 0.0)
    assert cache.get((2, 0), "y") is None           # older than the age bound


# --- Simulations ---------------------------------------------------------------------------------------------

def make_trades(simulation_id: str, count: int, start_ms: int = 1_700_000_000_000) -> list[dict[str, Any]]:
    """Trades as the desktop posts them, each with its own hash-derived trade_id."""
    return [{"trade_id": str(uuid.uuid5(uuid.NAMESPACE_DNS, f"{simulation_id}:trade:{i + 1}")),
             "fold_index": 50 + i // 20, "side": "long" if i % 2 else "short", "size": 1.0,
             "entry_price": 100.0 + i, "exit_price": 101.5 + i, "pnl": 1.5, "return_pct": 0.015,
             "entry_signal": 0.7, "exit_signal": 0.1, "entry_timestamp": start_ms + i * 3_600_000,
             "exit_timestamp": start_ms + i * 3_600_000 + 1_800_000} for i in range(count)]


def make_buckets(*sides: str) -> list[dict[str, Any]]:
    return [{"side": side, "trade_count": 10, "win_count": 6, "profit_factor": 1.4, "avg_return_pct": 0.2,
             "max_drawdown_pct": 3.5, "notes": f"{side} bucket"} for side in sides]


def simulation_body(simulation_id: str, trades: list[dict[str, Any]], buckets: list[dict[str, Any]] | None = None,
                    **overrides: Any) -> dict[str, Any]:
    """The desktop's POST /api/simulations body (§3.5.1)."""
    return {"simulation_id": simulation_id, "run_id": uid(), "dataset_id": uid(),
            "input_run_measurement": "btc_4h_v2_ind_wf1731700000", "questdb_namespace": "btc_4h_v2_ind_sim1",
            "mode": "dual", "status": "COMPLETED", "started_at": "2026-11-29T11:00:00Z",
            "completed_at": "2026-11-29T11:00:05Z", "config": {"fee_bps": 5, "slippage": 0.5},
            "summary_metrics": {"trades": len(trades), "pnl": 12.5},
            "buckets": make_buckets("short", "dual", "long") if buckets is None else buckets, "trades": trades,
            **overrides}


def assert_simulation_types(sim: dict[str, Any]) -> None:
    assert_types(sim, ints=("trade_count",), objects=("config", "summary_metrics"), arrays=("buckets",),
                 isos=("started_at", "completed_at", "created_at", "updated_at"))
    for bucket in sim["buckets"]:
        assert_types(bucket, maybe_ints=("trade_count", "win_count"))


def assert_trade_types(trade: dict[str, Any]) -> None:
    assert_types(trade, maybe_ints=("fold_index", "entry_timestamp_ms", "exit_timestamp_ms"),
                 isos=("bar_timestamp",), objects=("metadata",))
    assert trade["side"] in ("long", "short")


async def test_simulations_save_flow_1759_trades(client: Any, pg_pool: aiopg.Pool) -> None:
    """§6.5: 1 759 trades and 3 buckets for an unknown dataset are stored; an identical re-post changes nothing;
    a re-post with 100 trades and 2 buckets leaves exactly those."""
    simulation_id = uid()
    body = simulation_body(simulation_id, make_trades(simulation_id, 1759))
    assert await post_ok(client, "/api/simulations", body, 201) == \
        {"simulation_id": simulation_id, "trade_count": 1759, "bucket_count": 3}
    sim = await get_ok(client, f"/api/simulations/{simulation_id}")
    assert_simulation_types(sim)
    assert sim["trade_count"] == 1759 and [b["side"] for b in sim["buckets"]] == ["dual", "long", "short"]
    assert sim["buckets"][0] == {"side": "dual", "trade_count": 10, "win_count": 6, "profit_factor": 1.4,
                                 "avg_return_pct": 0.2, "max_drawdown_pct": 3.5, "notes": "dual bucket"}
    assert (sim["dataset_id"], sim["config"], sim["mode"]) == (body["dataset_id"], body["config"], "dual")
    assert await post_ok(client, "/api/simulations", body, 200) == \
        {"simulation_id": simulation_id, "trade_count": 1759, "bucket_count": 3}
    again = await get_ok(client, f"/api/simulations/{simulation_id}")
    assert {**again, "updated_at": None} == {**sim, "updated_at": None}
    smaller = simulation_body(simulation_id, make_trades(simulation_id, 100), make_buckets("long", "short"))
    assert (await post_ok(client, "/api/simulations", smaller, 200))["trade_count"] == 100
    sim = await get_ok(client, f"/api/simulations/{simulation_id}")
    assert sim["trade_count"] == 100 and [b["side"] for b in sim["buckets"]] == ["long", "short"]
    assert await sql(pg_pool, "SELECT count(*) FROM simulation_trades") == [(100,)]


async def test_simulations_trade_pages_concatenate_in_entry_order(client: Any) -> None:
    """§6.6: pages of 1 000 concatenate to `total` trades, by entry time, trades without one last."""
    simulation_id = uid()
    trades = make_trades(simulation_id, 2500)
    trades.reverse()                                   # posted newest first: the server orders them
    trades[10]["entry_timestamp"], trades[20]["entry_timestamp"] = 0, -5
    await post_ok(client, "/api/simulations", simulation_body(simulation_id, trades), 201)
    listed = await get_ok(client, "/api/simulations?limit=1000")
    assert [s["simulation_id"] for s in listed["simulations"]] == [simulation_id]
    collected, offset = [], 0
    while True:
        page = await get_ok(client, f"/api/simulations/{simulation_id}/trades?limit=1000&offset={offset}")
        assert page["simulation_id"] == simulation_id and page["total"] == 2500
        collected += page["trades"]
        offset += 1000
        if page["count"] < 1000:
            break
    assert len(collected) == 2500 and len({t["trade_id"] for t in collected}) == 2500
    times = [t["entry_timestamp_ms"] for t in collected]
    assert times[-2:] == [None, None] and times[:-2] == sorted(times[:-2])
    assert [t["trade_index"] for t in collected[-2:]] == [11, 21]
    for trade in collected[:5] + collected[-2:]:
        assert_trade_types(trade)
    assert (await get_ok(client, f"/api/simulations/{simulation_id}/trades"))["count"] == 1000
    assert (await get_ok(client, f"/api/simulations/{simulation_id}/trades?limit=999999"))["count"] == 2500


async def test_simulations_trade_id_of_another_simulation_is_409(client: Any, pg_pool: aiopg.Pool) -> None:
    """A trade_id stored under a different simulation → 409 trade_conflict, and nothing of the body is written."""
    first, second = uid(), uid()
    trades = make_trades(first, 5)
    await post_ok(client, "/api/simulations", simulation_body(first, trades), 201)
    stolen = make_trades(second, 3) + [trades[2]]
    error = await assert_error(await client.post("/api/simulations", json=simulation_body(second, stolen)), 409,
                               "trade_conflict")
    assert (error["trade_id"], error["simulation_id"]) == (trades[2]["trade_id"], first)
    await assert_error(await client.get(f"/api/simulations/{second}"), 404, "simulation_not_found")
    assert await sql(pg_pool, "SELECT simulation_id::text, count(*) FROM simulation_trades GROUP BY 1") == \
        [(first, 5)]


async def test_simulations_trade_fields_are_normalised(client: Any) -> None:
    """Derived trade_id (uuid5 of '<simulation_id>:trade:<n>'), lowercase side, timestamps (0 → null, seconds
    → ms, _ms aliases), unknown keys merged into metadata, 1-based trade_index, bar_timestamp = entry."""
    simulation_id = uid()
    trades = [{"side": "LONG", "entry_timestamp": 1_700_000_000, "exit_timestamp_ms": 1_700_003_600_250,
               "size": 2, "fold_index": 3, "exit_reason": "tp", "metadata": {"note": "a"}},
              {"side": "Short", "entry_timestamp_ms": 0, "exit_timestamp": -1, "pnl": None}]
    body = simulation_body(simulation_id, trades, [], run_id=None, dataset_id=None, config='{"fee_bps": 5}')
    await post_ok(client, "/api/simulations", body, 201)
    await post_ok(client, "/api/simulations", body, 200)              # derived ids make a re-post idempotent
    page = await get_ok(client, f"/api/simulations/{simulation_id}/trades")
    first, second = page["trades"]
    assert first["trade_id"] == str(uuid.uuid5(uuid.NAMESPACE_URL, f"{simulation_id}:trade:1"))
    assert (first["side"], first["trade_index"], first["fold_index"], first["size"]) == ("long", 1, 3, 2)
    assert (first["entry_timestamp_ms"], first["exit_timestamp_ms"]) == (1_700_000_000_000, 1_700_003_600_250)
    assert first["bar_timestamp"] == "2023-11-14T22:13:20Z"
    assert first["metadata"] == {"note": "a", "exit_reason": "tp"}
    assert (second["side"], second["trade_index"], second["entry_timestamp_ms"], second["exit_timestamp_ms"],
            second["bar_timestamp"], second["metadata"], second["pnl"]) == ("short", 2, None, None, None, {}, None)
    for trade in page["trades"]:
        assert_trade_types(trade)
    sim = await get_ok(client, f"/api/simulations/{simulation_id}")
    assert (sim["run_id"], sim["dataset_id"], sim["config"], sim["buckets"]) == (None, None, {"fee_bps": 5}, [])


def bad_simulation(changes: dict[str, Any]) -> dict[str, Any]:
    simulation_id = "3d4c5b6a-1f7e-4b55-9c55-8d5c1c6c3a01"
    return changed(simulation_body(simulation_id, make_trades(simulation_id, 3)), changes)


@pytest.mark.parametrize("body, code, detail", [
    (bad_simulation({"simulation_id": DELETE}), "missing_fields", {"missing_fields": ["simulation_id"]}),
    (bad_simulation({"simulation_id": "nope"}), "invalid_uuid", {"field": "simulation_id"}),
    (bad_simulation({"run_id": "nope"}), "invalid_uuid", {"field": "run_id"}),
    (bad_simulation({"dataset_id": 5}), "invalid_field", {"field": "dataset_id"}),
    (bad_simulation({"config": [1]}), "invalid_field", {"field": "config"}),
    (bad_simulation({"trades": {"side": "long"}}), "invalid_field", {"field": "trades"}),
    (bad_simulation({"buckets": "dual"}), "invalid_field", {"field": "buckets"}),
    (bad_simulation({"started_at": "soon"}), "invalid_timestamp", {"field": "started_at"}),
    (bad_simulation({"buckets.1.side": "short"}), "invalid_rows", {"row_index": 1}),
    (bad_simulation({"buckets.0.side": DELETE}), "missing_fields", {"missing_fields": ["buckets[0].side"]}),
    (bad_simulation({"buckets.0.trade_count": -1}), "invalid_field", {"field": "buckets[0].trade_count"}),
    (bad_simulation({"trades.2.trade_id": "0f0f0f0f-0000-4000-8000-000000000000",
                     "trades.1.trade_id": "0F0F0F0F-0000-4000-8000-000000000000"}), "invalid_rows", {"row_index": 2}),
    (bad_simulation({"trades.1.side": "flat"}), "invalid_rows", {"row_index": 1}),
    (bad_simulation({"trades.0.side": DELETE}), "invalid_rows", {"row_index": 0}),
    (bad_simulation({"trades.0.trade_id": "nope"}), "invalid_uuid", {"field": "trades[0].trade_id"}),
    (bad_simulation({"trades.1.size": "1"}), "invalid_field", {"field": "trades[1].size"}),
    (bad_simulation({"trades.1.fold_index": 1.5}), "invalid_field", {"field": "trades[1].fold_index"}),
    (bad_simulation({"trades.2.entry_timestamp": 1e20}), "invalid_field",
     {"field": "trades[2].entry_timestamp"}),
    (bad_simulation({"trades.0.metadata": [1]}), "invalid_field", {"field": "trades[0].metadata"}),
])
async def test_simulations_post_rejects_bad_bodies(client: Any, pg_pool: aiopg.Pool, body: dict[str, Any],
                                                   code: str, detail: dict[str, Any]) -> None:
    """Bad simulation bodies get 400 with their code (and field, row_index or paths); nothing is written."""
    error = await assert_error(await client.post("/api/simulations", json=body), 400, code)
    assert {key: error.get(key) for key in detail} == detail
    assert await sql(pg_pool, "SELECT count(*) FROM simulation_runs") == [(0,)]


async def test_simulations_list_filters_and_404s(client: Any) -> None:
    """GET /api/simulations filters by run_id and dataset_id (UUIDs, else invalid_parameter); unknown ids 404."""
    run_id, dataset_id, ids = uid(), uid(), [uid() for _ in range(3)]
    await post_ok(client, "/api/datasets", variant_a(dataset_id, new_slug()), 201)
    for index, simulation_id in enumerate(ids):
        body = simulation_body(simulation_id, [], run_id=run_id if index < 2 else uid(),
                               dataset_id=dataset_id if index == 0 else uid())
        await post_ok(client, "/api/simulations", body, 201)
    by_run = await get_ok(client, f"/api/simulations?run_id={run_id}")
    assert (by_run["count"], by_run["total"], [s["simulation_id"] for s in by_run["simulations"]]) == \
        (2, 2, [ids[1], ids[0]])
    for sim in by_run["simulations"]:
        assert_simulation_types(sim)
    both = await get_ok(client, f"/api/simulations?run_id={run_id}&dataset_id={dataset_id.upper()}")
    assert [s["simulation_id"] for s in both["simulations"]] == [ids[0]]
    page = await get_ok(client, "/api/simulations?limit=1&offset=1")
    assert (page["count"], page["total"]) == (1, 3)
    assert (await get_ok(client, f"/api/datasets/{dataset_id}"))["simulation_count"] == 1
    for name in ("run_id", "dataset_id"):
        error = await assert_error(await client.get(f"/api/simulations?{name}=x"), 400, "invalid_parameter")
        assert error["parameter"] == name
    for unknown in (uid(), "nope"):
        await assert_error(await client.get(f"/api/simulations/{unknown}"), 404, "simulation_not_found")
        await assert_error(await client.get(f"/api/simulations/{unknown}/trades"), 404, "simulation_not_found")
    assert await get_ok(client, f"/api/simulations/{ids[2]}/trades") == \
        {"simulation_id": ids[2], "trades": [], "count": 0, "total": 0}


# --- Imports -------------------------------------------------------------------------------------------------

IMPORT_CSV = ("timestamp_unix,prediction,n,flag,label\n"
              "1700000000,0.5,1,true,a\n1700000060,1.5,2,false,b b\n"
              "1700000120,,3,true,\"c,\"\"q\"\n1700000180,2e-3,4,false,d\n")


async def import_client(start_app: Any, tmp_path: Path, **overrides: Any) -> Any:
    return await start_app(**{"worker_slots": 1, "worker_poll_ms": 100, "upload_dir": tmp_path, **overrides})


async def import_sync(client: Any, measurement: str, data: str, **params: Any) -> dict[str, Any]:
    resp = await client.post("/api/questdb/import", json={"measurement": measurement, "data": data, **params})
    assert resp.status == 200, await resp.text()
    return await resp.json()


def uploads(tmp_path: Path) -> list[Path]:
    return list(tmp_path.glob("*" + s1.UPLOAD_SUFFIX))


async def test_import_json_form_completes_with_verified_counts(start_app: Any, tmp_path: Path) -> None:
    """A JSON import ends COMPLETED only once QuestDB shows the rows: written = verified = data rows."""
    client, table = await import_client(start_app, tmp_path), table_name()
    job = await import_sync(client, table, IMPORT_CSV, filename="preds.csv")
    assert job["status"] == "COMPLETED", job
    result = job["result"]
    assert (result["rows_total"], result["rows_written"], result["rows_verified"], result["rows_rejected"]) == \
        (4, 4, 4, 0)
    assert job["progress"] == job["total"] == 4 and job["payload"]["source"] == "json"
    assert await qdb_count(table) == 4
    assert uploads(tmp_path) == []


async def test_import_infers_column_types_and_writes_values_exactly(start_app: Any, tmp_path: Path) -> None:
    """Integers → LONG, numbers → DOUBLE, true/false → BOOLEAN, text → STRING; quoting and empty cells kept."""
    client, table = await import_client(start_app, tmp_path), table_name()
    await import_sync(client, table, IMPORT_CSV)
    types = {r["column"]: r["type"] for r in await qdb_rows(f"SELECT \"column\", type FROM table_columns('{table}')")}
    assert types == {"timestamp": "TIMESTAMP", "prediction": "DOUBLE", "n": "LONG", "flag": "BOOLEAN",
                     "label": "STRING"}
    rows = await qdb_rows(f'SELECT * FROM "{table}"')
    assert [r["label"] for r in rows] == ["a", "b b", 'c,"q', "d"]
    assert [r["prediction"] for r in rows] == [0.5, 1.5, None, 0.002]
    assert rows[0]["timestamp"] == "2023-11-14T22:13:20.000000Z"


async def test_import_raw_csv_body_with_query_parameters(start_app: Any, tmp_path: Path) -> None:
    """A text/csv body with ?measurement= is streamed to disk and imported."""
    client, table = await import_client(start_app, tmp_path), table_name()
    resp = await client.post("/api/questdb/import", data=IMPORT_CSV.encode(),
                             params={"measurement": table, "filename": "raw.csv"},
                             headers={"Content-Type": "text/csv"})
    job = await resp.json()
    assert job["status"] == "COMPLETED" and job["payload"]["source"] == "csv", job
    assert await qdb_count(table) == 4


async def test_import_multipart_async_then_poll(start_app: Any, tmp_path: Path) -> None:
    """The documented flow (§6.9): multipart to /import/async → 202 + poll_url → COMPLETED → count visible."""
    client, table = await import_client(start_app, tmp_path), table_name()
    form = aiohttp.FormData()
    form.add_field("measurement", table)
    form.add_field("file", IMPORT_CSV.encode(), filename="upload.csv", content_type="text/csv")
    resp = await client.post("/api/questdb/import/async", data=form)
    assert resp.status == 202
    body = await resp.json()
    assert body["status"] == "PENDING" and body["measurement"] == table
    assert body["poll_url"] == f"/api/jobs/{body['job_id']}" == resp.headers["Location"]
    job = await wait_job(client, body["job_id"], "COMPLETED", "FAILED")
    assert job["status"] == "COMPLETED" and job["payload"]["filename"] == "upload.csv", job
    query = await client.post("/api/questdb/query", json={"sql": f'SELECT count() FROM "{table}"'})
    assert (await query.json())["dataset"] == [[4]]


async def test_import_gzip_file_bom_crlf(start_app: Any, tmp_path: Path) -> None:
    """A gzipped upload with a UTF-8 BOM and CRLF line ends imports like a plain file."""
    client, table = await import_client(start_app, tmp_path), table_name()
    text = "\ufeff" + IMPORT_CSV.replace("\n", "\r\n")
    form = aiohttp.FormData()
    form.add_field("measurement", table)
    form.add_field("file", gzip.compress(text.encode()), filename="upload.csv.gz")
    job = await (await client.post("/api/questdb/import", data=form)).json()
    assert job["status"] == "COMPLETED", job
    assert [c["name"] for c in job["result"]["columns"]] == ["prediction", "n", "flag", "label"]
    assert await qdb_count(table) == 4


@pytest.mark.parametrize("column, cells", [
    ("timestamp_unix", ["1700000000", "1700000060"]),                  # seconds
    ("timestamp_ms", ["1700000000000", "1700000060000"]),              # milliseconds
    ("timestamp", ["1700000000000000", "1700000060000000"]),           # microseconds
    ("ts", ["1700000000000000000", "1700000060000000000"]),            # nanoseconds
    ("timestamp", ["2023-11-14T22:13:20Z", "2023-11-14 22:14:20"]),    # ISO, with and without zone
])
async def test_import_timestamp_units_land_on_the_same_instant(start_app: Any, tmp_path: Path, column: str,
                                                               cells: list[str]) -> None:
    """Seconds, ms, µs, ns epochs and ISO text are normalised to the same stored time."""
    client, table = await import_client(start_app, tmp_path), table_name()
    job = await import_sync(client, table, f"{column},v\n{cells[0]},1\n{cells[1]},2\n")
    assert job["status"] == "COMPLETED", job
    rows = await qdb_rows(f'SELECT timestamp FROM "{table}"')
    assert [r["timestamp"] for r in rows] == ["2023-11-14T22:13:20.000000Z", "2023-11-14T22:14:20.000000Z"]


async def test_import_overflowing_number_is_stored_as_null(start_app: Any, tmp_path: Path) -> None:
    """A cell such as 1e400 overflows to infinity: it is omitted (null), never sent for QuestDB to reject."""
    client, table = await import_client(start_app, tmp_path), table_name()
    data = ("timestamp_unix,v\n1700000000,1.5\n1700000060,1e400\n1700000120,2e3\n1700000180,1e-400\n"
            "1700000240,-1E+400\n1700000300,2E-3\n")
    job = await import_sync(client, table, data)
    assert job["status"] == "COMPLETED", job
    assert [r["v"] for r in await qdb_rows(f'SELECT v FROM "{table}"')] == [1.5, None, 2000.0, 0.0, None, 0.002]
    # without a three-digit exponent, long digit runs leave the range too (checked on pass 1's fast path)
    huge, tiny = "9" * 250 + "e99", "0." + "0" * 230 + "1e-99"
    job = await import_sync(client, table := table_name(), "timestamp_unix,v\n1700000000,1.5\n"
                            f"1700000060,{huge}\n1700000120,{tiny}\n1700000180,{'9' * 209}e99\n")
    assert job["status"] == "COMPLETED", job
    assert [r["v"] for r in await qdb_rows(f'SELECT v FROM "{table}"')] == [1.5, None, 0.0, float("9" * 209 + "e99")]


async def test_import_text_after_an_overflowing_number_makes_a_text_column(start_app: Any, tmp_path: Path) -> None:
    """A column holding 1e400 and, later in the batch, text is STRING: every cell is checked, not only those
    before the first overflow."""
    client, table = await import_client(start_app, tmp_path), table_name()
    job = await import_sync(client, table, "timestamp_unix,v\n1700000000,1e400\n1700000060,abc\n")
    assert job["status"] == "COMPLETED", job
    assert job["result"]["columns"] == [{"name": "v", "type": "STRING"}]
    assert [r["v"] for r in await qdb_rows(f'SELECT v FROM "{table}"')] == ["1e400", "abc"]


def test_import_three_digit_exponents_are_found_in_either_case() -> None:
    assert [s1.out_of_double_range(text) for text in ("1e400", "1E-400", "2,-1e+308\n", "1e99,2E10", "7.5e-12")] == \
        [True, True, True, False, False]


async def test_import_bad_rows_fail_the_job_and_write_nothing(start_app: Any, tmp_path: Path) -> None:
    """on_error=fail (default): rows that cannot be converted fail the job before anything is sent."""
    client, table = await import_client(start_app, tmp_path), table_name()
    data = "timestamp_unix,v\n1700000000,1\nnot-a-time,2\n1700000120,3,extra\n1700000180,4\n"
    job = await import_sync(client, table, data)
    assert job["status"] == "FAILED"
    assert "2 of 4 rows cannot be imported" in job["error"] and "line 3" in job["error"]
    assert job["result"]["rows_rejected"] == 2 and job["result"]["rows_written"] == 0
    assert job["result"]["errors"][0].startswith("line 3: timestamp 'not-a-time'")
    assert job["result"]["errors"][1] == "line 4: expected 2 fields, got 3"
    assert await qdb_rows(f"SELECT table_name FROM tables() WHERE table_name = '{table}'") == []
    assert uploads(tmp_path) == []


async def test_import_skip_mode_imports_the_good_rows(start_app: Any, tmp_path: Path) -> None:
    """on_error=skip imports the other rows and reports how many were rejected, with line numbers."""
    client, table = await import_client(start_app, tmp_path), table_name()
    data = "timestamp_unix,v\n1700000000,1\n,2\n1700000120,3\n"
    job = await import_sync(client, table, data, on_error="skip")
    assert job["status"] == "COMPLETED"
    assert (job["result"]["rows_written"], job["result"]["rows_verified"], job["result"]["rows_rejected"]) == (2, 2, 1)
    assert job["result"]["errors"] == ["line 3: timestamp '' is empty, unparsable or outside 1970-2262"]
    assert await qdb_count(table) == 2


async def test_import_into_existing_table_converts_to_its_types(start_app: Any, tmp_path: Path) -> None:
    """An existing LONG column takes integers; a non-numeric cell there is a rejected row."""
    client, table = await import_client(start_app, tmp_path), table_name()
    await qdb_rows(f'CREATE TABLE "{table}" (timestamp TIMESTAMP, n LONG) TIMESTAMP(timestamp) '
                   "PARTITION BY DAY WAL")
    job = await import_sync(client, table, "timestamp_unix,n\n1700000000,7\n1700000060,x\n", on_error="skip")
    assert job["status"] == "COMPLETED" and job["result"]["rows_rejected"] == 1
    assert job["result"]["errors"] == ["line 3: n: 'x' is not a valid LONG"]
    assert (await qdb_rows(f'SELECT n FROM "{table}"')) == [{"n": 7}]
    assert (await qdb_rows(f"SELECT dedup FROM tables() WHERE table_name = '{table}'")) == [{"dedup": True}]


async def test_import_rejects_a_row_without_value_when_no_double_can_carry_it(start_app: Any,
                                                                             tmp_path: Path) -> None:
    """A row with only a timestamp cannot go over ILP without a DOUBLE column to hold NaN (null): pass 1 rejects
    it, so on_error=fail writes nothing even when the row comes batches after the first, and skip imports the
    rest. This holds for a table that exists and for one the file's types create."""
    client, stored, new = await import_client(start_app, tmp_path, import_batch_rows=2), table_name(), table_name()
    await qdb_rows(f'CREATE TABLE "{stored}" (timestamp TIMESTAMP, n LONG) TIMESTAMP(timestamp) '
                   "PARTITION BY DAY WAL")
    for table, column, value in ((stored, "n", "7"), (new, "s", "abc")):
        data = f"timestamp_unix,{column}\n" + "".join(f"{1700000000 + 60 * i},{value}\n" for i in range(6))
        data += "1700009000,\n"
        job = await import_sync(client, table, data)
        assert job["status"] == "FAILED" and "line 8: the row has no value" in job["error"], job
        assert job["result"]["rows_written"] == 0
        assert await qdb_rows(f"SELECT table_name FROM tables() WHERE table_name = '{table}'") == \
            ([{"table_name": stored}] if table == stored else [])
        job = await import_sync(client, table, data, on_error="skip")
        assert job["status"] == "COMPLETED", job
        assert (job["result"]["rows_written"], job["result"]["rows_verified"], job["result"]["rows_rejected"]) \
            == (6, 6, 1)
        assert job["result"]["errors"] == [
            "line 8: the row has no value, and the table has no DOUBLE column to write it with null"]
        assert await qdb_count(table) == 6


def test_import_rejected_rows_without_value_take_their_place_among_the_errors() -> None:
    """Rejected after pass 1, rows without a value are counted and listed in line order with pass 1's errors,
    within the cap of MAX_REPORTED_ERRORS."""
    plan = s1.plan_import(["timestamp_ms", "n"], None, [])
    plan.columns[0].kind = "long"
    for line in range(100, 109):
        plan.reject(line, "bad")
    plan.valueless = [(2, 1_000), (3, 2_000), (200, 3_000)]
    s1.settle_valueless(plan, None)
    assert plan.rows_rejected == 12 and plan.filler is None and list(plan.keys) == []
    assert [line for line, _ in plan.errors] == [2, 3, *range(100, 108)]


async def test_import_writes_a_row_without_value_with_null_in_a_double_column(start_app: Any,
                                                                             tmp_path: Path) -> None:
    """A row with only a timestamp is written with null values when the file or the table has a DOUBLE column
    (the table's, which the file does not name; the file's; a stored FLOAT), and verified like the others."""
    client, table = await import_client(start_app, tmp_path), table_name()
    await qdb_rows(f'CREATE TABLE "{table}" (timestamp TIMESTAMP, n LONG, x DOUBLE) TIMESTAMP(timestamp) '
                   "PARTITION BY DAY WAL")
    job = await import_sync(client, table, "timestamp_unix,n\n1700000000,7\n1700000060,\n")
    assert job["status"] == "COMPLETED", job
    assert (job["result"]["rows_written"], job["result"]["rows_verified"]) == (2, 2)
    assert await qdb_rows(f'SELECT n, x FROM "{table}"') == [{"n": 7, "x": None}, {"n": None, "x": None}]
    # the same through a DOUBLE column of the file, and through a stored FLOAT column
    job = await import_sync(client, new := table_name(), "timestamp_unix,x\n1700000000,1.5\n1700000060,\n")
    assert job["status"] == "COMPLETED" and job["result"]["rows_verified"] == 2, job
    assert await qdb_rows(f'SELECT x FROM "{new}"') == [{"x": 1.5}, {"x": None}]
    await qdb_rows(f'CREATE TABLE "{(floats := table_name())}" (timestamp TIMESTAMP, n LONG, f FLOAT) '
                   "TIMESTAMP(timestamp) PARTITION BY DAY WAL")
    job = await import_sync(client, floats, "timestamp_unix,n\n1700000000,7\n1700000060,\n")
    assert job["status"] == "COMPLETED" and job["result"]["rows_verified"] == 2, job
    assert await qdb_rows(f'SELECT n, f FROM "{floats}"') == [{"n": 7, "f": None}, {"n": None, "f": None}]


async def test_import_column_without_any_value_is_double_and_carries_the_null(start_app: Any,
                                                                            tmp_path: Path) -> None:
    """In a new table, a column of the file that holds no value at all is DOUBLE (not LONG), so a row without
    any value is written through it, with null, instead of being rejected."""
    client, table = await import_client(start_app, tmp_path), table_name()
    job = await import_sync(client, table, "timestamp_unix,n,x\n1700000000,7,\n1700000060,,\n")
    assert job["status"] == "COMPLETED", job
    assert job["result"]["columns"] == [{"name": "n", "type": "LONG"}, {"name": "x", "type": "DOUBLE"}]
    assert (job["result"]["rows_written"], job["result"]["rows_verified"]) == (2, 2)
    assert await qdb_rows(f'SELECT n, x FROM "{table}"') == [{"n": 7, "x": None}, {"n": None, "x": None}]


async def test_import_into_a_nanosecond_table_verifies_its_rows(start_app: Any, tmp_path: Path) -> None:
    """A TIMESTAMP_NS table: verification counts the file's time range in ns, and a re-import that replaces
    rows is verified too; a stored row off a whole µs inside the range is counted, never taken for a key."""
    client, table = await import_client(start_app, tmp_path), table_name()
    await qdb_rows(f'CREATE TABLE "{table}" (ts TIMESTAMP_NS, v DOUBLE) TIMESTAMP(ts) PARTITION BY DAY WAL '
                   "DEDUP UPSERT KEYS(ts)")
    await qdb_rows(f"INSERT INTO \"{table}\" VALUES ('2023-11-14T22:13:30.000000001Z', 0.5)")
    await wait_count(table, 1)
    data = "timestamp_unix,v\n1700000000,1\n1700000060,2\n"
    for attempt in range(2):
        job = await import_sync(client, table, data)
        assert job["status"] == "COMPLETED", job
        assert (job["result"]["rows_written"], job["result"]["rows_verified"]) == (2, 2), attempt
    assert [r["v"] for r in await qdb_rows(f'SELECT v FROM "{table}"')] == [1.0, 0.5, 2.0]


async def test_import_checks_integers_against_the_stored_column_type(start_app: Any, tmp_path: Path) -> None:
    """An integer outside an existing INT or LONG column's range is a rejected row (QuestDB would reject the
    line and drop the connection), found before anything is sent."""
    client, table = await import_client(start_app, tmp_path), table_name()
    await qdb_rows(f'CREATE TABLE "{table}" (timestamp TIMESTAMP, i INT, n LONG) TIMESTAMP(timestamp) '
                   "PARTITION BY DAY WAL")
    data = ("timestamp_unix,i,n\n1700000000,7,8\n1700000060,3000000000,1\n"
            "1700000120,1,99999999999999999999\n1700000180,-5,-9\n")
    job = await import_sync(client, table, data)
    assert job["status"] == "FAILED" and job["result"]["rows_written"] == 0 and await qdb_count(table) == 0
    job = await import_sync(client, table, data, on_error="skip")
    assert job["status"] == "COMPLETED", job
    assert job["result"]["errors"] == ["line 3: i: '3000000000' is not a valid INT",
                                       "line 4: n: '99999999999999999999' is not a valid LONG"]
    assert (await qdb_rows(f'SELECT i, n FROM "{table}"')) == [{"i": 7, "n": 8}, {"i": -5, "n": -9}]


async def test_import_twice_never_duplicates_rows(start_app: Any, tmp_path: Path) -> None:
    """DEDUP on the designated timestamp: a repeated import leaves the same rows, last values win."""
    client, table = await import_client(start_app, tmp_path), table_name()
    await import_sync(client, table, IMPORT_CSV)
    job = await import_sync(client, table, IMPORT_CSV.replace("0.5,1,true,a", "9.5,1,true,a"))
    assert job["status"] == "COMPLETED" and job["result"]["rows_verified"] == 4, job
    assert await qdb_count(table) == 4
    assert (await qdb_rows(f'SELECT prediction FROM "{table}" LIMIT 1')) == [{"prediction": 9.5}]


@pytest.mark.parametrize(("second", "waits"), [("timestamp_unix,v\n1700000300,5\n", False),
                                                ("timestamp_unix,v\n1700000000,7\n", True),
                                                ("timestamp_unix,v\n1700000600,1\n1700000600,2\n", True)],
                         ids=["new-keys", "stored-key", "key-twice-in-file"])
async def test_import_waits_for_the_close_commit_only_when_rows_replace_others(
        start_app: Any, tmp_path: Path, monkeypatch: Any, second: str, waits: bool) -> None:
    """The count proves rows that add one; a row replacing a stored row, or an earlier row of its own file,
    leaves the count as it is, so then verification also waits for the commit the ILP close makes."""
    calls: list[int | None] = []
    verify = s1.verify_import

    async def spy(app: Any, info: Any, plan: Any, expected: int, before: int, committed_txn: int | None) -> None:
        calls.append(committed_txn)
        await verify(app, info, plan, expected, before, committed_txn)

    monkeypatch.setattr(s1, "verify_import", spy)
    client, table = await import_client(start_app, tmp_path), table_name()
    assert (await import_sync(client, table, "timestamp_unix,v\n1700000000,1\n"))["status"] == "COMPLETED"
    job = await import_sync(client, table, second)
    assert job["status"] == "COMPLETED", job
    assert (calls[1] is not None) == waits
    assert (await qdb_rows(f'SELECT v FROM "{table}" ORDER BY timestamp DESC LIMIT 1'))[0]["v"] == \
        float(second.strip().rsplit(",", 1)[1])


async def test_import_overlapping_range_counts_only_new_keys(start_app: Any, tmp_path: Path) -> None:
    """Verification is exact when the file overlaps stored rows: stored + new distinct keys."""
    client, table = await import_client(start_app, tmp_path), table_name()
    await import_sync(client, table, "timestamp_unix,v\n1700000000,1\n1700000120,3\n")
    job = await import_sync(client, table, "timestamp_unix,v\n1700000000,1\n1700000060,2\n1700000120,3\n")
    assert job["status"] == "COMPLETED", job
    assert await qdb_count(table) == 3


async def test_table_write_lock_passes_the_writers_own_errors_through(client: Any) -> None:
    """A file or QuestDB error inside the lock stays what it is (not a 503 about PostgreSQL), and the lock is
    free again afterwards."""
    app, table = client.server.app, table_name()
    with pytest.raises(FileNotFoundError):
        async with s1.table_write_lock(app, table):
            raise FileNotFoundError("upload gone")
    await asyncio.wait_for(take_table_lock(app, table), 5)


async def take_table_lock(app: Any, table: str, waiting: Any = None) -> None:
    """Take the table's write lock and give it back at once."""
    async with s1.table_write_lock(app, table, waiting):
        pass


async def test_table_write_lock_bounds_the_wait_behind_another_writer(start_app: Any) -> None:
    """Behind a writer of the same process, another writer answers 503 after STAGE1_QUESTDB_TIMEOUT_S, and an
    import's checkpoint is called while it waits (so a cancel is heard); both get the table once it is free.
    A writer in another server process (another app on the same database) holds it off just the same."""
    client, other, table = await start_app(questdb_timeout_s=0.5), await start_app(), table_name()
    app, checkpoints = client.server.app, []

    async def checkpoint() -> None:
        checkpoints.append(None)
    async with s1.table_write_lock(app, table):
        with pytest.raises(s1.ApiError) as busy:
            await asyncio.wait_for(take_table_lock(app, table), 5)
        assert (busy.value.status, busy.value.code) == (503, "questdb_timeout")
        assert "busy with another writer" in busy.value.message
        waiter = asyncio.ensure_future(take_table_lock(app, table, checkpoint))
        await eventually(lambda: asyncio.sleep(0, len(checkpoints) >= 2), timeout=5)
        assert not waiter.done()
    await asyncio.wait_for(waiter, 5)
    async with s1.table_write_lock(other.server.app, table):                # only PostgreSQL's lock is shared
        with pytest.raises(s1.ApiError) as busy:
            await asyncio.wait_for(take_table_lock(app, table), 5)
        assert busy.value.code == "questdb_timeout"
    await asyncio.wait_for(take_table_lock(app, table), 5)


async def test_concurrent_imports_into_one_table_both_verify(start_app: Any, tmp_path: Path) -> None:
    """Two imports into the same table run one after the other (a per-table lock), so both verify exactly."""
    client, table = await import_client(start_app, tmp_path, worker_slots=2), table_name()
    files = ["timestamp_unix,v\n" + "".join(f"{1600000000 + 2 * i + k},{i}\n" for i in range(5000)) for k in (0, 1)]
    jobs = [await (await client.post("/api/questdb/import/async", json={"measurement": table, "data": data})).json()
            for data in files]
    finished = [await wait_job(client, job["job_id"], "COMPLETED", "FAILED", timeout=60) for job in jobs]
    assert [job["status"] for job in finished] == ["COMPLETED", "COMPLETED"], finished
    assert await qdb_count(table) == 10_000


async def test_import_dedup_keys_keep_several_series(start_app: Any, tmp_path: Path) -> None:
    """dedup_keys extend the upsert key, so two series may share timestamps; a re-import still dedupes."""
    client, table = await import_client(start_app, tmp_path), table_name()
    data = "timestamp_unix,series,v\n1700000000,1,0.5\n1700000000,2,0.7\n1700000060,1,0.9\n"
    for _ in range(2):
        job = await import_sync(client, table, data, dedup_keys=["series"])
        assert job["status"] == "COMPLETED", job
    assert await qdb_count(table) == 3


def cut_into_pieces(monkeypatch: Any, piece_bytes: int | None) -> list[int]:
    """With piece_bytes, pass 1 cuts files into pieces of that size; the list records how many pieces each
    import's file_pieces() returned."""
    counts: list[int] = []
    if piece_bytes:
        monkeypatch.setattr(s1, "IMPORT_PIECE_BYTES", piece_bytes)
        file_pieces = s1.file_pieces
        monkeypatch.setattr(s1, "file_pieces", lambda *args: counts.append(len(pieces := file_pieces(*args)))
                            or pieces)
    return counts


@pytest.mark.parametrize("piece_bytes", [None, 200_000], ids=["whole-file", "in-pieces"])
async def test_import_cancel_while_running_stops_at_a_batch(start_app: Any, tmp_path: Path, monkeypatch: Any,
                                                            piece_bytes: int | None) -> None:
    """Cancelling a running import stops it at the next batch (or piece): CANCELLED, partial result, upload
    deleted."""
    pieces = cut_into_pieces(monkeypatch, piece_bytes)
    client, table = await import_client(start_app, tmp_path, import_batch_rows=500), table_name()
    data = "timestamp_unix,v\n" + "".join(f"{1600000000 + i},{i}\n" for i in range(200_000))
    resp = await client.post("/api/questdb/import/async", json={"measurement": table, "data": data})
    job_id = (await resp.json())["job_id"]
    await wait_job(client, job_id, "RUNNING")
    cancel = await client.post(f"/api/jobs/{job_id}/cancel")
    assert cancel.status in (200, 202)
    job = await wait_job(client, job_id, "CANCELLED", "COMPLETED", "FAILED")
    assert job["status"] == "CANCELLED", job
    assert job["result"]["rows_written"] < 200_000 and job["result"]["rows_written"] % 500 == 0   # whole batches
    assert uploads(tmp_path) == [] and (pieces[0] > 1 if piece_bytes else pieces == [])


async def test_cancelled_pending_import_loses_its_upload(start_app: Any, tmp_path: Path) -> None:
    """A queued import that is cancelled never runs, and its upload is swept away."""
    client, table = await start_app(upload_dir=tmp_path), table_name()
    resp = await client.post("/api/questdb/import/async", json={"measurement": table, "data": IMPORT_CSV})
    job_id = (await resp.json())["job_id"]
    assert len(uploads(tmp_path)) == 1
    assert (await client.post(f"/api/jobs/{job_id}/cancel")).status == 200
    await s1.sweep_uploads(client.server.app)
    assert uploads(tmp_path) == []


async def test_orphan_uploads_are_removed_at_start(start_app: Any, tmp_path: Path) -> None:
    """An old upload no unfinished job refers to (left by a crash) is deleted when the server starts."""
    orphan = tmp_path / f"{uuid.uuid4()}{s1.UPLOAD_SUFFIX}"
    orphan.write_text("timestamp_unix,v\n1,2\n")
    os.utime(orphan, (time.time() - 3600, time.time() - 3600))
    client = await start_app(upload_dir=tmp_path)
    await eventually(lambda: asyncio.sleep(0, not orphan.exists()))
    assert (await client.get("/healthz")).status == 200


@pytest.mark.parametrize("body, code, extra", [
    ({"data": IMPORT_CSV}, "missing_fields", {"missing_fields": ["measurement"]}),
    ({"measurement": "bad name!", "data": IMPORT_CSV}, "invalid_measurement", {}),
    ({"measurement": "m", "data": IMPORT_CSV, "on_error": "ignore"}, "invalid_field", {"field": "on_error"}),
    ({"measurement": "m", "data": 5}, "invalid_field", {"field": "data"}),
    ({"measurement": "m"}, "missing_fields", {"missing_fields": ["data"]}),
    ({"measurement": "m", "data": ""}, "invalid_csv", {}),
    ({"measurement": "m", "data": "timestamp_unix,v\n"}, "invalid_csv", {}),
    ({"measurement": "m", "data": "timestamp_unix,v,v\n1,2,3\n"}, "invalid_csv", {}),
    ({"measurement": "m", "data": "timestamp_unix\n1700000000\n"}, "invalid_csv", {}),
    ({"measurement": "m", "data": "timestamp_unix,a/b\n1,2\n"}, "invalid_column", {}),
    ({"measurement": "m", "data": "time,v\n1,2\n"}, "missing_columns",
     {"missing_fields": ["timestamp_unix"], "timestamp_columns": ["timestamp_unix", "timestamp_ms", "timestamp", "ts"]}),
    ({"measurement": "m", "data": "ts,v\n1,2\n", "required_columns": ["prediction", "v", "target"]},
     "missing_columns", {"missing_fields": ["prediction", "target"]}),
    ({"measurement": "m", "data": "v\n1\n", "required_columns": ["prediction"], "dedup_keys": ["series"]},
     "missing_columns", {"missing_fields": ["timestamp_unix", "prediction", "series"]}),
])
async def test_import_validation_rejects_before_queueing(start_app: Any, tmp_path: Path, body: dict[str, Any],
                                                         code: str, extra: dict[str, Any]) -> None:
    """Invalid imports get a 400 naming the problem; no job is queued and no upload is left behind."""
    client = await start_app(upload_dir=tmp_path)
    error = await assert_error(await client.post("/api/questdb/import/async", json=body), 400, code)
    assert {k: error[k] for k in extra} == extra
    assert (await (await client.get("/api/jobs")).json())["total"] == 0
    assert uploads(tmp_path) == []


@pytest.mark.parametrize("params, parameter", [({}, "measurement"), ({"measurement": "a b"}, "measurement"),
                                               ({"measurement": "m", "on_error": "x"}, "on_error")])
async def test_raw_csv_parameter_errors_are_invalid_parameter(start_app: Any, tmp_path: Path,
                                                              params: dict[str, str], parameter: str) -> None:
    """In the raw-CSV form the import parameters are query parameters: errors are 400 invalid_parameter."""
    client = await start_app(upload_dir=tmp_path)
    resp = await client.post("/api/questdb/import/async", data=IMPORT_CSV.encode(), params=params,
                             headers={"Content-Type": "text/csv"})
    assert (await assert_error(resp, 400, "invalid_parameter"))["parameter"] == parameter


async def test_import_other_content_type_is_415(client: Any) -> None:
    """Only JSON, text/csv and multipart bodies are imports."""
    resp = await client.post("/api/questdb/import", data=b"x", headers={"Content-Type": "application/xml"})
    await assert_error(resp, 415, "unsupported_media_type")


async def test_import_upload_over_limit_is_413_and_leaves_nothing(start_app: Any, tmp_path: Path) -> None:
    """A streamed upload past STAGE1_MAX_UPLOAD_MB is cut off with 413 and its partial file removed."""
    client = await start_app(upload_dir=tmp_path, max_upload_mb=1)

    async def body() -> AsyncIterator[bytes]:        # chunked: no Content-Length to refuse up front
        yield b"timestamp_unix,v\n"
        for _ in range(40):
            yield b"1700000000,1\n" * 5000
    resp = await client.post("/api/questdb/import/async", data=body(), params={"measurement": "m"},
                             headers={"Content-Type": "text/csv"})
    await assert_error(resp, 413, "payload_too_large")
    assert uploads(tmp_path) == []


class FlakyIlp(TcpProxy):
    """An ILP proxy to the real QuestDB that cuts the first connection after `cut_after` bytes."""

    def __init__(self, cut_after: int) -> None:
        super().__init__(TEST_QUESTDB_ILP_PORT)
        self.cut_after = cut_after

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.connections:                        # the first one was cut: the others pass
            return await super()._accept(reader, writer)
        self.connections += 1
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        received = 0
        while received < self.cut_after and (data := await reader.read(4096)):
            up_writer.write(data[: self.cut_after - received])
            received += len(data)
        writer.transport.abort()
        up_writer.close()


@pytest.mark.parametrize("piece_bytes", [None, 8000], ids=["whole-file", "in-pieces"])
async def test_import_resends_after_a_dropped_connection(start_app: Any, tmp_path: Path, monkeypatch: Any,
                                                         piece_bytes: int | None) -> None:
    """ILP connection reset mid-stream (pass 1 read the file whole or in pieces): everything is resent, DEDUP
    absorbs the repeats, counts and values verify."""
    pieces = cut_into_pieces(monkeypatch, piece_bytes)
    proxy = FlakyIlp(cut_after=20_000)
    await proxy.up()
    try:
        client = await import_client(start_app, tmp_path, questdb_ilp_port=proxy.port, import_batch_rows=200)
        table = table_name()
        data = "timestamp_unix,v\n" + "".join(f"{1600000000 + i},{i}.5\n" for i in range(5000))
        job = await import_sync(client, table, data)
        assert job["status"] == "COMPLETED", job
        assert job["result"]["rows_verified"] == 5000 and proxy.connections >= 2
        assert pieces[0] > 1 if piece_bytes else pieces == []
        assert await qdb_rows(f'SELECT count() n, sum(v) s FROM "{table}"') == [{"n": 5000, "s": 12_500_000.0}]
    finally:
        await proxy.down()


def ilp_heavy_csv() -> tuple[str, int, float]:
    """A CSV whose ILP is about three times the import worker's socket send buffer (4 MiB asked, which the kernel
    doubles): a sender to a QuestDB that reads slowly, or not at all, has to wait. Its rows and the sum of v."""
    rows = 3 * s1.IMPORT_SEND_BUFFER // 40            # about 45 bytes of ILP a row
    text = "timestamp_ms,v\n" + "".join(f"{1600000000000 + i},{i % 997}.25\n" for i in range(rows))
    return text, rows, sum(i % 997 + 0.25 for i in range(rows))


async def test_import_through_a_slow_questdb_completes_exactly(start_app: Any, tmp_path: Path) -> None:
    """QuestDB taking the ILP stream slowly but steadily is no failure, even when the whole stream takes longer
    than STAGE1_QUESTDB_TIMEOUT_S (the limit applies to each batch): one connection, every row once."""
    proxy = TcpProxy(TEST_QUESTDB_ILP_PORT, read_bytes=65536, pause_s=0.02)
    await proxy.up()
    try:
        client = await import_client(start_app, tmp_path, questdb_ilp_port=proxy.port, questdb_timeout_s=2)
        data, rows, total = ilp_heavy_csv()
        job = await import_sync(client, table := table_name(), data)
        assert job["status"] == "COMPLETED", job
        assert job["result"]["rows_verified"] == rows and job["progress"] == job["total"] == rows
        assert proxy.connections == 1 and proxy.reads * proxy.pause_s > 2     # slower than the limit, not resent
        assert await qdb_rows(f'SELECT count() n, sum(v) s FROM "{table}"') == [{"n": rows, "s": total}]
    finally:
        await proxy.down()


async def test_import_fails_clearly_when_questdb_stops_reading(start_app: Any, tmp_path: Path) -> None:
    """An ILP port that accepts but never reads (a hung QuestDB): once the socket buffers are full, each attempt
    gives up after STAGE1_QUESTDB_TIMEOUT_S; after three the job is FAILED, saying so, with nothing verified."""
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)     # inherited by accepted connections
    listener.bind(("127.0.0.1", 0))
    held: list[asyncio.StreamWriter] = []

    async def hold(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)                                             # open, never read

    server = await asyncio.start_server(hold, sock=listener)
    try:
        client = await import_client(start_app, tmp_path, questdb_ilp_port=listener.getsockname()[1],
                                     questdb_timeout_s=1)
        data, rows, _ = ilp_heavy_csv()
        job = await import_sync(client, table := table_name(), data)
        assert job["status"] == "FAILED", job
        assert "QuestDB ILP connection failed 3 times" in job["error"] and "timed out" in job["error"], job
        assert len(held) == 3 and job["result"]["rows_verified"] == 0 and job["result"]["rows_total"] == rows
        assert await qdb_count(table) == 0 and uploads(tmp_path) == []
    finally:
        server.close()
        for writer in held:
            writer.close()


async def test_import_fails_clearly_when_questdb_ilp_is_down(start_app: Any, tmp_path: Path) -> None:
    """QuestDB's ILP port closed when the job starts sending: FAILED with an error naming the connection."""
    client = await import_client(start_app, tmp_path, questdb_ilp_port=free_port())
    job = await import_sync(client, table_name(), IMPORT_CSV)
    assert job["status"] == "FAILED" and "cannot connect to QuestDB ILP" in job["error"], job
    assert uploads(tmp_path) == []


async def test_import_fails_on_a_questdb_that_does_not_answer(start_app: Any, tmp_path: Path) -> None:
    """A QuestDB HTTP API that hangs gives a FAILED job with a timeout error, not a stuck one."""
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(30)
    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    try:
        client = await import_client(start_app, tmp_path, questdb_timeout_s=1,
                                     questdb_http=f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}")
        job = await import_sync(client, table_name(), IMPORT_CSV)
        assert job["status"] == "FAILED" and "did not answer in time" in job["error"], job
    finally:
        server.close()


async def test_sync_import_answers_202_when_the_wait_runs_out(start_app: Any, tmp_path: Path) -> None:
    """With no worker to run it, the synchronous import falls back to the async 202 body after its wait."""
    client = await start_app(upload_dir=tmp_path, import_sync_wait_s=0.2)
    resp = await client.post("/api/questdb/import", json={"measurement": table_name(), "data": IMPORT_CSV})
    assert resp.status == 202 and (await resp.json())["status"] == "PENDING"


def test_ilp_formatting_escapes_and_types() -> None:
    """ILP text: escaped names, i-suffixed integers, quoted escaped strings, omitted nulls, ns timestamps."""
    columns = [s1.IlpColumn("Close Price", "double"), s1.IlpColumn("n", "long"), s1.IlpColumn("ok", "boolean"),
               s1.IlpColumn("note", "string"), s1.IlpColumn("a=b", "double")]
    text = s1.format_ilp_rows("my table", columns, [(1700000000000, (1.5, 3, True, 'say "hi"\n', None)),
                                                    (1700000000001, (float("nan"), None, None, None, None))],
                             s1.null_filler(["Close Price"]))
    assert text == ('my\\ table Close\\ Price=1.5,n=3i,ok=t,note="say \\"hi\\"\\\n" 1700000000000000000\n'
                    "my\\ table Close\\ Price=NaN 1700000000001000000\n")


def test_import_token_classes_match_float_and_int() -> None:
    """Pass 1's split-free check of plain CSV text agrees with int() and float() on every cell of up to five
    characters made of digits, point, exponent, signs and a letter, alone and next to other cells."""
    import itertools

    def expected(cell: str) -> str | None:
        if cell == "":
            return "_"
        for kind, parse in (("i", int), ("f", float)):
            with contextlib.suppress(ValueError):
                parse(cell)
                return kind
        return None

    def classes(text: str, width: int, rows: int) -> list[str] | None:
        found = s1.token_classes(text, width, rows)
        if found is None or any(column.translate(None, b"imf_") for column in found):
            return None
        return [chr(c).replace("m", "f") for row in zip(*found) for c in row]

    for cell in ("".join(chars) for n in range(6) for chars in itertools.product("09.eE+-a", repeat=n)):
        assert classes(cell + "\n", 1, 1) == (None if expected(cell) is None else [expected(cell)]), cell
    near = ["".join(chars) for n in range(4) for chars in itertools.product("9.e-", repeat=n)]
    for a, b in itertools.product(near, near):
        want = [expected(a), expected(b), expected(b), expected(a)]
        assert classes(f"{a},{b}\n{b},{a}\n", 2, 2) == (None if None in want else want), (a, b)
    assert s1.token_classes("1,2\n3\n", 2, 2) is None and s1.token_classes("1,2,3\n4\n", 2, 2) is None


def test_import_csv_slices_read_like_csv_reader(tmp_path: Path) -> None:
    """csv_batches gives the rows, line numbers and ragged rows csv.reader gives, whether a slice is split at
    commas or parsed by csv.reader: quotes across lines, CRLF, bare CR, blank lines, gzip, any slice size."""
    import csv
    import random

    rng, cells = random.Random(7), ["1", "2.5", "", "-3e5", '"a,b"', '"x\ny"', '"q""q"', "abc", " 7 "]
    for trial in range(400):
        width, lines = rng.randint(1, 4), []
        for _ in range(rng.randint(1, 30)):
            fields = width + (rng.choice([-1, 1]) if rng.random() < 0.05 else 0)
            pool = cells[:4] if rng.random() < 0.7 else cells
            lines.append("" if rng.random() < 0.05 else ",".join(rng.choice(pool) for _ in range(fields)))
        end = rng.choice(["\n", "\r\n", "\n", "\r"])
        text = ",".join(f"h{i}" for i in range(width)) + end + end.join(lines) + rng.choice([end, ""])
        path = tmp_path / f"t{trial}.csv"
        path.write_bytes(gzip.compress(text.encode()) if trial % 5 == 0 else text.encode())
        with s1.open_csv(path) as f:
            reader = csv.reader(f)
            next(reader)
            rows = [(reader.line_num, row) for row in reader if row]
        want = [(n, row) for n, row in rows if len(row) == width]
        want_ragged = {n: f"expected {width} fields, got {len(row)}" for n, row in rows if len(row) != width}
        for size in (1, 3, 1000):
            got, ragged, total = [], {}, 0
            for batch in s1.csv_batches(path, size):
                batch = s1.batch_cells(batch)
                got += [(n, [column[i] for column in batch.cols]) for i, n in enumerate(batch.lines)]
                ragged.update(batch.ragged)
                total += batch.rows
            assert (got, ragged, total) == (want, want_ragged, len(rows)), (text, size)


def scan_summary(plan: s1.ImportPlan) -> tuple[Any, ...]:
    """What pass 1 hands to pass 2 and to the job's result."""
    s1.settle_types(plan)
    columns = [(c.qtype, c.raw_ok if c.kind == "double" else None) for c in plan.columns]
    keys = sorted(plan.keys) if isinstance(plan.keys, set) else list(plan.keys)
    return (plan.rows_total, plan.rows_rejected, plan.error_texts(), keys, plan.min_us, plan.max_us, columns,
            plan.valueless)


def scan_in_pieces(path: Path, start: s1.ImportPlan, piece_bytes: int) -> s1.ImportPlan | None:
    """Pass 1 as scan_pieces runs it (pieces scanned from one starting plan, merged in order), in this process."""
    merged, lines = copy.deepcopy(start), 1
    if not (pieces := s1.file_pieces(path, piece_bytes, len(start.header))):
        return None
    for piece in pieces:
        s1.merge_scan(merged, s1.scan_piece(copy.deepcopy(start), path, piece), lines)
        lines += piece.lines
    return merged


def test_import_pass_one_in_pieces_equals_one_pass(tmp_path: Path, monkeypatch: Any) -> None:
    """Cut into pieces, pass 1 learns exactly what one pass learns: counts, rejected lines (numbered across
    pieces), keys (also with dedup_keys), time range, column types (new columns turning float or text late,
    columns of an existing table, empty cells, 400-digit numbers, CRLF, blank lines) and the rows without any
    value; and the plain path (token classes) learns what the cell-by-cell path learns. A file whose rows may
    span lines (a quote, a bare CR, also in the header) is never cut."""
    import random

    rng = random.Random(11)
    values = ["1", "25", "-3", "2.5", "-0.125", "7e-5", "", "1E3", "9" * 400, "0." + "0" * 300 + "1"]
    stored = s1.TableInfo(name="t", columns={"timestamp": "TIMESTAMP", "a": "DOUBLE", "b": "LONG"},
                          designated="timestamp", wal=True, dedup=True)
    for trial in range(160):
        end = rng.choice(["\n", "\r\n"])
        lines = ["timestamp_ms,a,b,c"]
        for row in range(rng.randint(20, 200)):
            ts = str(1_700_000_000_000 + 60_000 * row)
            cells = [ts] + [rng.choice(values[:3] if rng.random() < 0.8 else values) for _ in range(3)]
            roll = rng.random()
            if roll < 0.02:
                cells[0] = "not-a-time"
            elif roll < 0.04:
                cells.append("9")
            elif roll < 0.05:
                cells[2] = "text"
            elif roll < 0.06:
                cells = []
            elif roll < 0.08:
                cells[1:] = ["", "", ""]
            lines.append(",".join(cells))
        if trial % 10 == 0:
            lines[rng.randrange(1, len(lines))] += ',"q"'
        if trial % 15 == 0:
            lines[rng.randrange(1, len(lines))] += "\r"
        if trial % 15 == 7:
            lines[0] += "\r" + lines.pop(1)                # the header line ends at a bare CR
        text = end.join(lines) + rng.choice([end, ""])
        path = tmp_path / f"p{trial}.csv"
        path.write_text(text, newline="")
        header = ["timestamp_ms", "a", "b", "c"]
        start = s1.plan_import(header, stored if trial % 4 == 2 else None, ["a"] if trial % 4 == 1 else [])
        *_, whole = s1.scan_steps(copy.deepcopy(start), path, 1000)
        with monkeypatch.context() as patch:
            patch.setattr(s1, "scan_plain", lambda plan, batch: False)
            *_, cell_by_cell = s1.scan_steps(copy.deepcopy(start), path, 1000)
        assert scan_summary(copy.deepcopy(cell_by_cell)) == scan_summary(copy.deepcopy(whole)), text
        for piece_bytes in (7, 64, 500):
            pieces = scan_in_pieces(path, start, piece_bytes)
            if '"' in text or "\r" in text.replace("\r\n", ""):
                assert pieces is None or len(s1.file_pieces(path, piece_bytes, 4)) <= 1, (text, piece_bytes)
            elif len(text) >= 2 * piece_bytes:
                assert pieces is not None and scan_summary(pieces) == scan_summary(copy.deepcopy(whole)), \
                    (text, piece_bytes)


def test_import_file_pieces_cut_at_newlines_and_cover_the_rows(tmp_path: Path) -> None:
    data = b"h1,h2\n" + b"".join(b"%d,%d\n" % (i, i * i) for i in range(1000))
    path = tmp_path / "rows.csv"
    path.write_bytes(data)
    pieces = s1.file_pieces(path, 1000, 2)
    assert len(pieces) > 5 and pieces[0].start == len(b"h1,h2\n") and pieces[-1].end == len(data)
    assert all(a.end == b.start for a, b in zip(pieces, pieces[1:]))
    assert all(data[p.end - 1:p.end] == b"\n" for p in pieces)
    assert s1.file_pieces(path, len(data), 2) == []                   # too small to gain from cutting
    path.write_bytes(gzip.compress(data))
    assert s1.file_pieces(path, 10, 2) == []


async def test_import_in_pieces_on_the_worker_processes(start_app: Any, tmp_path: Path, monkeypatch: Any) -> None:
    """A file cut into pieces (small pieces here) is checked by the worker processes: skipped rows are reported
    with their real line numbers and every good row is verified in QuestDB; one with a quote is read whole."""
    monkeypatch.setattr(s1, "IMPORT_PIECE_BYTES", 2000)
    merged: list[int] = []
    merge_scan = s1.merge_scan
    monkeypatch.setattr(s1, "merge_scan", lambda plan, piece, lines: merged.append(lines) or merge_scan(
        plan, piece, lines))
    read_whole: list[Path] = []
    scan_batches = s1.scan_batches

    async def recorded_scan_batches(ctx: Any, plan: Any, path: Path) -> None:
        read_whole.append(path)
        await scan_batches(ctx, plan, path)
    monkeypatch.setattr(s1, "scan_batches", recorded_scan_batches)
    proxy = FlakyIlp(cut_after=10**12)                 # cuts nothing: counts the ILP connections (pass 2 has one)
    await proxy.up()
    client, table = await import_client(start_app, tmp_path, questdb_ilp_port=proxy.port), table_name()
    lines = [f"{1_700_000_000 + 60 * i},{i * 0.5},{i}" for i in range(1500)]
    lines[700], lines[1400] = "bad,1,2", "1700100000,1,2,3"
    data = "timestamp_unix,price,n\n" + "\n".join(lines) + "\n"
    try:
        job = await import_sync(client, table, data, on_error="skip")
    finally:
        await proxy.down()
    assert job["status"] == "COMPLETED", job
    assert job["result"]["errors"] == ["line 702: timestamp 'bad' is empty, unparsable or outside 1970-2262",
                                       "line 1402: expected 3 fields, got 4"]
    assert (job["result"]["rows_verified"], proxy.connections) == (1498, 1) and len(merged) > 10
    assert await qdb_rows(f'SELECT count() n, sum(n) s FROM "{table}"') == \
        [{"n": 1498, "s": sum(range(1500)) - 700 - 1400}]
    assert [c["type"] for c in job["result"]["columns"]] == ["DOUBLE", "LONG"] and read_whole == []
    quoted_table = table_name()
    job = await import_sync(client, quoted_table, data.replace("bad,1,2", '1700042000,"1",2'))
    assert job["status"] == "FAILED" and job["result"]["errors"] == ["line 1402: expected 3 fields, got 4"]
    assert len(read_whole) == 1


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
