"""CSV import benchmark (issue 4): our import job against the official QuestDB Python client, same file.

Run:   .venv/bin/pip install -r bench/requirements-bench.txt     (once; questdb, pandas, numpy)
       .venv/bin/python bench/bench_import.py [--rows N]         (default 1,000,000; needs scripts/services.sh up)
Env:   BENCH_IMPORT_PG_DSN  database for the server (default .../stage1_bench, schema bench_import, created here)
Setup: the stage1_bench database, which `scripts/services.sh up` (or `make services`) creates

What it does:
- generates bench/out/import_<N>.csv once (fixed seed): `timestamp_ms` one minute apart, then 12 DOUBLE
  columns with 6 significant digits (prices, volumes, small signed indicators)
- ours: starts `stage1_server.py` (default worker settings) on a free port, POSTs the file as multipart to
  /api/questdb/import/async (streamed from disk), polls the job until COMPLETED and checks rows_verified;
  meanwhile /api/health is sampled every 10 ms and VmRSS (/proc/<pid>/status) every 50 ms
- official: pandas.read_csv of the same file + `Sender.dataframe()` over ILP/TCP into a table pre-created with
  the same WAL/DEDUP shape as ours, then polls `SELECT count()` until every row is visible
- prints rows/s of both, the ratio ours/official (target >= 0.8), the RSS growth of the server and its child
  processes (target <= 200 MB), the health latency p50/p99/max (target p99 <= 50 ms) and the CPU each party
  used meanwhile; then the same import once more without the health sampler (--no-quiet-run skips it), since
  on a small machine the sampler itself takes much of the CPU; every table is dropped afterwards
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import time
import uuid
from datetime import datetime
from pathlib import Path

import aiohttp
import aiopg

from _process import OUT, ROOT, SERVER, Process, percentile, server_env

PG_DSN = os.environ.get("BENCH_IMPORT_PG_DSN", "postgresql://stage1:stage1@127.0.0.1:5432/stage1_bench")
SCHEMA = "bench_import"
QDB_HTTP = os.environ.get("STAGE1_QUESTDB_HTTP", "http://127.0.0.1:9000")
ILP_CONF = "tcp::addr=127.0.0.1:9009;"
COLUMNS = [f"c{i:02d}" for i in range(1, 13)]
START_MS = 1_600_000_000_000


# --- Data ----------------------------------------------------------------------------------------------------

def generate_csv(rows: int) -> Path:
    """bench/out/import_<rows>.csv, written once (same seed, same bytes)."""
    path = OUT / f"import_{rows}.csv"
    if path.exists():
        return path
    import numpy as np

    OUT.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(20240404)
    ts = START_MS + np.arange(rows, dtype=np.int64) * 60_000
    walk = 30_000 * np.exp(np.cumsum(rng.normal(0, 0.001, rows)))          # a price around 30,000
    cols = [walk, walk * (1 + rng.uniform(0, 0.002, rows)), walk * (1 - rng.uniform(0, 0.002, rows)),
            walk * (1 + rng.normal(0, 0.0005, rows)),                      # open, high, low, close
            rng.lognormal(3, 1.2, rows) * 10,                              # volume
            rng.normal(0, 0.01, rows), rng.normal(0, 1, rows), rng.uniform(0, 100, rows),
            rng.normal(0, 0.0003, rows), rng.uniform(0.5, 2.0, rows), rng.normal(50, 15, rows),
            rng.normal(0, 250, rows)]
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", newline="") as out:
        out.write(",".join(["timestamp_ms", *COLUMNS]) + "\n")
        step = 100_000
        for lo in range(0, rows, step):
            block = [ts[lo:lo + step].astype(str)] + [np.char.mod("%.6g", c[lo:lo + step]) for c in cols]
            out.write("\n".join(",".join(r) for r in zip(*block)) + "\n")
    tmp.rename(path)
    return path


# --- QuestDB -------------------------------------------------------------------------------------------------

async def qdb_exec(http: aiohttp.ClientSession, sql: str) -> dict:
    async with http.get(f"{QDB_HTTP}/exec", params={"query": sql}) as resp:
        body = await resp.json(content_type=None)
        if resp.status != 200:
            raise RuntimeError(f"QuestDB: {body}")
        return body


async def qdb_count(http: aiohttp.ClientSession, table: str) -> int:
    return int((await qdb_exec(http, f'SELECT count() FROM "{table}"'))["dataset"][0][0])


async def wait_count(http: aiohttp.ClientSession, table: str, rows: int, timeout_s: float = 300) -> None:
    deadline = time.monotonic() + timeout_s
    while (count := await qdb_count(http, table)) != rows:
        if time.monotonic() > deadline:
            raise RuntimeError(f"{table}: {count} rows visible, expected {rows}")
        await asyncio.sleep(0.05)


# --- Server --------------------------------------------------------------------------------------------------

def server_dsn() -> str:
    return f"{PG_DSN}{'&' if '?' in PG_DSN else '?'}options=-csearch_path%3D{SCHEMA}"


async def prepare_schema() -> None:
    async with aiopg.connect(PG_DSN) as conn, conn.cursor() as cur:
        await cur.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")


def start_server() -> Process:
    # its own session, as a service would be: with autogroup scheduling it then does not share one CPU slice
    # with this client (the samplers, the official client)
    return Process("server-import", SERVER, server_env(
        STAGE1_PG_DSN=server_dsn(), STAGE1_QUESTDB_HTTP=QDB_HTTP, STAGE1_UPLOAD_DIR=str(OUT / "uploads"),
        STAGE1_QUESTDB_TIMEOUT_S="120"), start_new_session=True)


async def answers_200(http: aiohttp.ClientSession, url: str) -> bool:
    async with http.get(url) as resp:
        return resp.status == 200


def server_phases(log_path: Path, table: str, job_id: str) -> str:
    """Seconds from job claim to table creation (pass 1) and on to the job's end (pass 2 + verification),
    from the server's own log lines."""
    stamps = {}
    for line in log_path.read_text(errors="replace").splitlines():
        for key, marker in (("claimed", f"job claimed job_id={job_id}"), ("created", f"table created table={table}"),
                            ("finished", f"job finished job_id={job_id}")):
            if marker in line and key not in stamps:
                stamps[key] = datetime.strptime(line[:23], "%Y-%m-%d %H:%M:%S,%f")
    if len(stamps) < 3:
        return "n/a"
    first = (stamps["created"] - stamps["claimed"]).total_seconds()
    second = (stamps["finished"] - stamps["created"]).total_seconds()
    return f"claim -> table created (pass 1) {first:.2f} s, -> finished (pass 2 + verify) {second:.2f} s"


def rss_kb(pid: int) -> dict[str, int]:
    out = {"VmRSS": 0, "VmHWM": 0}
    with contextlib.suppress(OSError), open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(("VmRSS:", "VmHWM:")):
                out[line.split(":")[0]] = int(line.split()[1])
    return out


def tree_pids(pid: int) -> list[int]:
    """pid and its descendants (the server's two import worker processes and multiprocessing's helper)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            with open(f"/proc/{entry}/stat") as stat:
                children.setdefault(int(stat.read().rsplit(")", 1)[1].split()[1]), []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        found.append(todo.pop())
        todo += children.get(found[-1], [])
    return found


def tree_rss_kb(pids: list[int]) -> int:
    return sum(rss_kb(p)["VmRSS"] for p in pids)


def cpu_groups(server_pid: int) -> dict[str, list[int]]:
    """The processes whose CPU time is reported: the server (and its children), QuestDB, PostgreSQL."""
    groups: dict[str, list[int]] = {"server": tree_pids(server_pid), "questdb": [], "postgres": []}
    for entry in filter(str.isdigit, os.listdir("/proc")):
        with contextlib.suppress(OSError):
            with open(f"/proc/{entry}/cmdline", "rb") as cmdline:
                command = cmdline.read()
            if b"io.questdb" in command:
                groups["questdb"].append(int(entry))
            elif command.startswith(b"postgres"):
                groups["postgres"].append(int(entry))
    return groups


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError, ValueError, IndexError), open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


# --- Samplers ------------------------------------------------------------------------------------------------

async def sample_health(http: aiohttp.ClientSession, base: str, stop: asyncio.Event, out: list[float],
                        every_s: float = 0.010, probes: dict[str, list[float]] | None = None) -> None:
    """GET /api/health every 10 ms (back to back when one takes longer); latencies in ms, and in probes the
    latency_ms the server reports for its own PostgreSQL and QuestDB checks."""
    next_at = time.perf_counter()
    while not stop.is_set() and every_s > 0:
        started = time.perf_counter()
        async with http.get(f"{base}/api/health") as resp:
            body = await resp.json()
            if resp.status != 200:
                raise RuntimeError(f"/api/health answered {resp.status}")
        out.append((time.perf_counter() - started) * 1000)
        for name, found in (probes or {}).items():
            found.append(body["dependencies"][name]["latency_ms"] or 0)
        next_at = max(next_at + every_s, time.perf_counter())
        await asyncio.sleep(next_at - time.perf_counter())


async def sample_rss(pid: int, stop: asyncio.Event, out: list[int], hwm: dict[int, int]) -> None:
    """Summed VmRSS of the server and its child processes every 50 ms (the process list is renewed each second);
    hwm keeps each process's VmHWM."""
    pids, listed = [pid], 0.0
    while not stop.is_set():
        if time.monotonic() - listed > 1:
            pids, listed = tree_pids(pid), time.monotonic()
        out.append(tree_rss_kb(pids))
        for p in pids:
            hwm[p] = max(hwm.get(p, 0), rss_kb(p)["VmHWM"])
        await asyncio.sleep(0.05)


# --- The two imports -----------------------------------------------------------------------------------------

async def run_ours(http: aiohttp.ClientSession, base: str, pid: int, path: Path, table: str, rows: int,
                   health_s: float) -> dict:
    baseline = max(tree_rss_kb(tree_pids(pid)) for _ in range(3))
    stop, health, rss, hwm, probes = asyncio.Event(), [], [], {}, {"postgres": [], "questdb": []}
    groups = cpu_groups(pid)
    cpu_before = {name: cpu_seconds(pids) for name, pids in groups.items()}
    cpu_before["bench client"] = time.process_time()
    samplers = [asyncio.create_task(sample_health(http, base, stop, health, health_s, probes)),
                asyncio.create_task(sample_rss(pid, stop, rss, hwm))]
    started = time.perf_counter()
    try:
        with path.open("rb") as f:
            form = aiohttp.FormData()
            form.add_field("measurement", table)
            form.add_field("file", f, filename=path.name, content_type="text/csv")
            async with http.post(f"{base}/api/questdb/import/async", data=form) as resp:
                body = await resp.json()
                if resp.status != 202:
                    raise RuntimeError(f"import answered {resp.status}: {body}")
        uploaded = time.perf_counter() - started
        verifying = None
        while True:
            async with http.get(f"{base}{body['poll_url']}") as resp:
                job = await resp.json()
            if verifying is None and (job.get("message") or "").startswith("verifying"):
                verifying = time.perf_counter() - started
            if job["status"] in ("COMPLETED", "FAILED", "CANCELLED"):
                break
            await asyncio.sleep(0.02)
        elapsed = time.perf_counter() - started
        groups["server"] = tree_pids(pid)
        cpu = {name: cpu_seconds(pids) - cpu_before[name] for name, pids in groups.items()}
        cpu["bench client"] = time.process_time() - cpu_before["bench client"]
    finally:
        stop.set()
        await asyncio.gather(*samplers, return_exceptions=True)
    result = job.get("result") or {}
    if job["status"] != "COMPLETED" or result.get("rows_verified") != rows:
        raise RuntimeError(f"import job ended {job['status']}: {job.get('error')} result={result}")
    return {"seconds": elapsed, "upload_s": uploaded, "verifying_s": verifying, "health": health,
            "rss_growth_kb": max(rss) - baseline, "rss_baseline_kb": baseline, "hwm_kb": sum(hwm.values()),
            "processes": len(hwm), "job_ms": result.get("duration_ms"), "cpu": cpu, "job_id": job["job_id"],
            "probes": probes}


def official_send(path: Path, table: str) -> None:
    import pandas as pd
    from questdb import Sender

    df = pd.read_csv(path, engine="c")
    df["timestamp"] = pd.to_datetime(df.pop("timestamp_ms"), unit="ms").astype("datetime64[ns]")
    with Sender.from_conf(ILP_CONF) as sender:
        sender.dataframe(df, table_name=table, at="timestamp")
        sender.flush()


async def run_official(http: aiohttp.ClientSession, path: Path, table: str, rows: int) -> dict:
    columns = ", ".join(f'"{c}" DOUBLE' for c in COLUMNS)
    await qdb_exec(http, f'CREATE TABLE "{table}" ("timestamp" TIMESTAMP, {columns}) TIMESTAMP("timestamp") '
                         'PARTITION BY MONTH WAL DEDUP UPSERT KEYS("timestamp")')
    started = time.perf_counter()
    await asyncio.to_thread(official_send, path, table)
    sent = time.perf_counter() - started
    await wait_count(http, table, rows)
    return {"seconds": time.perf_counter() - started, "send_s": sent}


# --- Main ----------------------------------------------------------------------------------------------------

async def bench(rows: int, keep: bool, health_s: float, quiet_run: bool) -> None:
    print(f"load avg at start  {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    path = generate_csv(rows)
    suffix = uuid.uuid4().hex[:8]
    ours_table, official_table = f"bench_import_ours_{suffix}", f"bench_import_official_{suffix}"
    quiet_table, quiet = f"bench_import_quiet_{suffix}", None
    await prepare_schema()
    server = start_server()
    base, pid, log_path = server.base, server.proc.pid, server.log_path
    timeout = aiohttp.ClientTimeout(total=600)
    try:
        async with aiohttp.ClientSession(timeout=timeout) as http:
            await server.wait_until(lambda: answers_200(http, base + "/readyz"))
            idle: list[float] = []                                  # warms the pools; the idle reference
            stop = asyncio.Event()
            sampler = asyncio.create_task(sample_health(http, base, stop, idle))
            await asyncio.sleep(2)
            stop.set()
            await sampler
            ours = await run_ours(http, base, pid, path, ours_table, rows, health_s)
            if quiet_run and health_s > 0:                          # the same import without the sampler
                quiet = await run_ours(http, base, pid, path, quiet_table, rows, 0)
            server.stop()
            official = await run_official(http, path, official_table, rows)
            ours["idle_health"] = idle
            ours["phases"] = server_phases(log_path, ours_table, ours["job_id"])
            if quiet:
                quiet["phases"] = server_phases(log_path, quiet_table, quiet["job_id"])
            if not keep:
                for table in (ours_table, quiet_table, official_table):
                    await qdb_exec(http, f'DROP TABLE IF EXISTS "{table}"')
    finally:
        server.stop()
    report(rows, path, ours, official, quiet)


def report(rows: int, path: Path, ours: dict, official: dict, quiet: dict | None) -> None:
    health = ours["health"]
    ours_rate, official_rate = rows / ours["seconds"], rows / official["seconds"]
    print(f"file               {path.relative_to(ROOT)} ({path.stat().st_size / 1e6:.1f} MB)")
    print(f"rows x columns     {rows:,} x {len(COLUMNS)} DOUBLE + timestamp_ms")
    print(f"ours               {ours['seconds']:7.2f} s  {ours_rate:>10,.0f} rows/s   (upload {ours['upload_s']:.2f} s,"
          f" job duration_ms {ours['job_ms']})")
    print(f"  server log       {ours['phases']}")
    if ours["verifying_s"] is not None:
        print(f"  verification     {ours['seconds'] - ours['verifying_s']:.2f} s (from the job's 'verifying' message)")
    cores = ", ".join(f"{name} {used / ours['seconds']:.2f}" for name, used in ours["cpu"].items())
    print(f"  CPU cores used   {cores} (of {os.cpu_count()}, averaged over the import)")
    print(f"official           {official['seconds']:7.2f} s  {official_rate:>10,.0f} rows/s   "
          f"(read_csv + dataframe + flush {official['send_s']:.2f} s)")
    print(f"ratio ours/official {ours_rate / official_rate:6.2f}   (target >= 0.8)")
    if quiet:
        quiet_rate = rows / quiet["seconds"]
        print(f"ours, no sampler   {quiet['seconds']:7.2f} s  {quiet_rate:>10,.0f} rows/s   ratio "
              f"{quiet_rate / official_rate:.2f}   (a second import right after, without /api/health sampling)")
        print(f"  server log       {quiet['phases']}")
    print(f"server RSS growth  {ours['rss_growth_kb'] / 1024:7.1f} MB  (server and its {ours['processes'] - 1} child "
          f"processes: baseline {ours['rss_baseline_kb'] / 1024:.1f} MB, summed VmHWM {ours['hwm_kb'] / 1024:.1f} MB; "
          "target <= 200 MB)")
    if health:
        print(f"/api/health        p50 {percentile(health, 0.5):.1f} ms  p99 {percentile(health, 0.99):.1f} ms  "
              f"max {max(health):.1f} ms  (n={len(health)}; target p99 <= 50 ms)")
        checks = ", ".join(f"{name} p50 {percentile(ms, 0.5):.0f} ms p99 {percentile(ms, 0.99):.0f} ms"
                           for name, ms in ours["probes"].items())
        print(f"  its own checks   {checks} (the latency_ms the server reports in the body)")
    idle = ours["idle_health"]
    print(f"  idle, before     p50 {percentile(idle, 0.5):.1f} ms  p99 {percentile(idle, 0.99):.1f} ms  "
          f"max {max(idle):.1f} ms  (n={len(idle)})")
    print(f"cpu_count          {os.cpu_count()}   load avg {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows in the generated CSV")
    parser.add_argument("--keep", action="store_true", help="keep both QuestDB tables")
    parser.add_argument("--health-ms", type=float, default=10, help="/api/health sampling period (0: off)")
    parser.add_argument("--no-quiet-run", action="store_true", help="skip the second import without the sampler")
    args = parser.parse_args()
    asyncio.run(bench(args.rows, args.keep, args.health_ms / 1000, not args.no_quiet_run))


if __name__ == "__main__":
    main()
