"""Job worker benchmark: pickup latency and drain throughput of a real `stage1_server.py` process.

Run:   .venv/bin/python bench/bench_jobs.py            (or `make bench`; needs scripts/services.sh up)
Env:   BENCH_PG_DSN   database to use (default .../stage1_bench; its stage1_jobs table is TRUNCATEd)
       BENCH_PICKUP_JOBS (500), BENCH_DRAIN_JOBS (5000)
Setup: the stage1_bench database, which `scripts/services.sh up` (or `make services`) creates

What it measures, with the server on default settings (2 slots, 1 s poll, INFO logging to bench/out/):
- reference: this machine's raw PostgreSQL round trips through aiopg (SELECT 1; a one-row UPDATE that commits)
- pickup: insert one noop job the way enqueue_job does (INSERT + pg_notify), wait until it is COMPLETED, repeat;
  latency = started_at - created_at, both stamped by PostgreSQL (no clock skew between client and server)
- drain: 5,000 noop jobs inserted while the server is down, then the server starts; jobs/s over
  max(completed_at) - min(started_at), plus the wall time from process start for reference
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

import aiopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
import stage1_server as s1  # noqa: E402
from _process import OUT, SERVER, Process, percentile, server_env  # noqa: E402

DSN = os.environ.get("BENCH_PG_DSN", "postgresql://stage1:stage1@127.0.0.1:5432/stage1_bench")
PICKUP_JOBS = int(os.environ.get("BENCH_PICKUP_JOBS", "500"))
DRAIN_JOBS = int(os.environ.get("BENCH_DRAIN_JOBS", "5000"))


def summary(values_ms: list[float]) -> str:
    return (f"p50 {percentile(values_ms, 0.5):7.2f} ms   p95 {percentile(values_ms, 0.95):7.2f} ms   "
            f"mean {statistics.fmean(values_ms):7.2f} ms   max {max(values_ms):7.2f} ms   (n={len(values_ms)})")


async def execute(pool: aiopg.Pool, sql: str, params: object = None) -> list[tuple]:
    async with pool.acquire() as conn, conn.cursor() as cur:
        await cur.execute(sql, params)
        return await cur.fetchall() if cur.description else []


async def reference(pool: aiopg.Pool, rounds: int = 500) -> dict[str, list[float]]:
    """Raw round trips on one connection: the floor under any per-job statement."""
    await execute(pool, "CREATE TABLE IF NOT EXISTS bench_ref (id INT PRIMARY KEY, n BIGINT)")
    await execute(pool, "INSERT INTO bench_ref VALUES (1, 0) ON CONFLICT DO NOTHING")
    timings: dict[str, list[float]] = {"SELECT 1": [], "UPDATE 1 row + commit": []}
    async with pool.acquire() as conn, conn.cursor() as cur:
        for name, sql in (("SELECT 1", "SELECT 1"), ("UPDATE 1 row + commit", "UPDATE bench_ref SET n = n + 1")):
            for _ in range(rounds):
                started = time.perf_counter()
                await cur.execute(sql)
                timings[name].append((time.perf_counter() - started) * 1000)
    return timings


def start_server(name: str) -> Process:
    """`python stage1_server.py` on default settings (only the DSN and port set), logging to bench/out/."""
    return Process(f"server-{name}", SERVER, server_env(STAGE1_PG_DSN=DSN))


async def workers_running(server: Process) -> bool:
    """Whether /api/health reports the worker loops running."""
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    writer.write(b"GET /api/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    body = await reader.read()
    writer.close()
    return b'"worker":{"status":"running"' in body


async def pickup(pool: aiopg.Pool, count: int) -> tuple[list[float], list[float]]:
    """Sequential jobs: (server-side started_at - created_at, client-observed insert → seen RUNNING/COMPLETED)."""
    server_ms, client_ms = [], []
    params = {"job_type": "noop", "payload": "{}", "total": 0, "max_attempts": 3, "node_id": None}
    async with pool.acquire() as conn, conn.cursor() as cur:
        for _ in range(count):
            job_id = str(uuid.uuid4())
            started = time.perf_counter()
            await cur.execute(s1.SQL_INSERT_JOB, {**params, "job_id": job_id})
            seen = None
            while True:
                await cur.execute("SELECT status, extract(epoch FROM started_at - created_at) * 1000 "
                                  "FROM stage1_jobs WHERE job_id = %s", (job_id,))
                status, latency = await cur.fetchone()
                if seen is None and status != "PENDING":
                    seen = (time.perf_counter() - started) * 1000
                if status == "COMPLETED":
                    break
                await asyncio.sleep(0.0005)
            server_ms.append(float(latency))
            client_ms.append(seen)
    return server_ms, client_ms


async def drain(pool: aiopg.Pool, count: int) -> tuple[float, float]:
    """Pre-insert count jobs with the server down, start it, wait for all COMPLETED: (jobs/s, wall s)."""
    await execute(pool, "TRUNCATE stage1_jobs")
    await execute(pool, "INSERT INTO stage1_jobs (job_id, job_type, created_at) "
                        "SELECT gen_random_uuid(), 'noop', now() + i * interval '1 microsecond' "
                        "FROM generate_series(1, %s) AS i", (count,))
    server = start_server("drain")
    try:
        async def drained() -> bool:
            return (await execute(pool, "SELECT count(*) FROM stage1_jobs WHERE status = 'COMPLETED'"))[0][0] >= count
        await server.wait_until(drained, timeout_s=600)
        wall = time.perf_counter() - server.spawned
    finally:
        server.stop()
    (span,), = await execute(pool, "SELECT extract(epoch FROM max(completed_at) - min(started_at)) "
                                   "FROM stage1_jobs")
    (attempts,), = await execute(pool, "SELECT max(attempts) FROM stage1_jobs")
    assert attempts == 1, f"a job was claimed {attempts} times"
    return count / float(span), wall


async def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    async with aiopg.create_pool(DSN, minsize=1, maxsize=2) as pool:
        await s1.apply_schema(pool)
        await execute(pool, "TRUNCATE stage1_jobs")
        (pg_version,), = await execute(pool, "SHOW server_version")
        (sync_commit,), = await execute(pool, "SHOW synchronous_commit")
        (fsync,), = await execute(pool, "SHOW fsync")
        print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, PostgreSQL {pg_version} "
              f"(fsync={fsync}, synchronous_commit={sync_commit}); server on default settings")
        for name, values in (await reference(pool)).items():
            print(f"reference  {name:24s} {summary(values)}")

        server = start_server("pickup")
        try:
            await server.wait_until(lambda: workers_running(server))
            await pickup(pool, 20)                    # warm-up: connections, plans, JIT of nothing
            server_ms, client_ms = await pickup(pool, PICKUP_JOBS)
        finally:
            server.stop()
        print(f"pickup     insert → started_at (DB) {summary(server_ms)}")
        print(f"pickup     insert → seen (client)   {summary(client_ms)}")

        rate, wall = await drain(pool, DRAIN_JOBS)
        print(f"drain      {DRAIN_JOBS} pre-inserted noop jobs: {rate:,.0f} jobs/s "
              f"(first claim → last completion); {wall:.2f} s wall from process start")
        await execute(pool, "TRUNCATE stage1_jobs")


if __name__ == "__main__":
    asyncio.run(main())
