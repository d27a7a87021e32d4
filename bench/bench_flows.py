"""Flows benchmark (issue 5): dataset list, run detail, indicator read-back and append of a real server process.

Run:   .venv/bin/python bench/bench_flows.py            (or `make bench`; needs scripts/services.sh up)
Env:   BENCH_FLOWS_PG_DSN  database for the server (default stage1_bench, schema bench_flows, which is DROPPED and
                           recreated on every run); BENCH_SECONDS (5) per load phase and side, BENCH_ROUNDS (2)
                           alternations of ours/bare, BENCH_CLIENTS (16), BENCH_ROWS (200000), BENCH_COLUMNS (40),
                           BENCH_BATCH (10000), BENCH_DATASETS (200), BENCH_FOLDS (500)
Setup: the stage1_bench database, which `scripts/services.sh up` (or `make services`) creates
Needs: aiohttp, and psycopg2 to reset the schema (both already in requirements.txt).

What it measures, with `stage1_server.py` on default settings (STAGE1_WORKER_SLOTS=0, INFO logging to bench/out/):
(a) GET /api/runs/{id} (500 folds) and GET /api/datasets?limit=200&offset=0 (200 datasets): requests/s, p50 and
    p99 at 16 concurrent keep-alive clients, alternating with a bare aiohttp process that serves the very bytes our
    server answered from memory; ratio ours/bare (target >= 0.5 for the dataset list). (a) and (b) run on a server
    process started after the appends.
(b) GET /api/datasets/{id}/indicators over 200,000 rows x 40 columns, whole body read and rows counted, against
    QuestDB's own /exp CSV export of SELECT * FROM the same table, 3 runs each, alternating, after one untimed
    read of each: rows/s, ratio (target >= 0.5), and the server's peak RSS growth (VmRSS sampled every 20 ms
    against the value just before the request; target <= 100 MB).
(c) the 20 appends of 10,000 rows x 40 columns that build (b)'s table: each timed end to end (request sent ->
    response, which the server sends only once QuestDB shows the rows); median of the last 5, and all five.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from _process import OUT, SERVER, Process, percentile, server_env

SCHEMA = "bench_flows"
DSN = os.environ.get("BENCH_FLOWS_PG_DSN",
                     f"postgresql://stage1:stage1@127.0.0.1:5432/stage1_bench?options=-csearch_path%3D{SCHEMA}")
QUESTDB = os.environ.get("BENCH_QUESTDB_HTTP", "http://127.0.0.1:9000")
SECONDS = float(os.environ.get("BENCH_SECONDS", "5"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "2"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "16"))
ROWS = int(os.environ.get("BENCH_ROWS", "200000"))
COLUMNS = int(os.environ.get("BENCH_COLUMNS", "40"))
BATCH = int(os.environ.get("BENCH_BATCH", "10000"))
DATASETS = int(os.environ.get("BENCH_DATASETS", "200"))
FOLDS = int(os.environ.get("BENCH_FOLDS", "500"))
EXPORT_RUNS = 3
TARGET_SLUG = "bench_flows"                 # its indicator table is bench_flows_ind
JSON_HEADERS = {"Content-Type": "application/json"}


# --- Processes ---------------------------------------------------------------------------------------------

def start_server(name: str) -> Process:
    return Process(name, SERVER, server_env(STAGE1_PG_DSN=DSN, STAGE1_WORKER_SLOTS="0"))


async def answers_200(session: aiohttp.ClientSession, url: str) -> bool:
    async with session.get(url) as resp:
        return resp.status == 200


def start_bare(bodies: dict[str, bytes], directory: Path) -> Process:
    """The bare server: one aiohttp handler per path, answering the captured bytes from memory."""
    index = {}
    for number, (path, body) in enumerate(bodies.items()):
        (directory / f"{number}.json").write_bytes(body)
        index[path] = f"{number}.json"
    (directory / "index.json").write_text(json.dumps(index))
    return Process("bare-flows", [sys.executable, __file__, "--bare", str(directory)], dict(os.environ))


def bare_main(directory: Path, port: int) -> None:
    index = json.loads((directory / "index.json").read_text())
    app = web.Application()
    for path, name in index.items():
        body = (directory / name).read_bytes()

        async def handler(_request: web.Request, body: bytes = body) -> web.Response:
            return web.Response(body=body, content_type="application/json", charset="utf-8")

        app.router.add_get(path, handler)
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None)


def reset_schema() -> None:
    import psycopg2

    base = DSN.split("?", 1)[0]
    with psycopg2.connect(base) as conn, conn.cursor() as cur:
        cur.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
        cur.execute(f"CREATE SCHEMA {SCHEMA}")
    conn.close()


class RssSampler:
    """VmRSS of a process every 20 ms in a thread: peak growth over the value read at start()."""

    def __init__(self, pid: int) -> None:
        self.path = Path(f"/proc/{pid}/status")
        self.baseline = self.peak = self.read()
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def read(self) -> int:
        for line in self.path.read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
        raise RuntimeError("no VmRSS")

    def run(self) -> None:
        while not self.stopped.wait(0.02):
            self.peak = max(self.peak, self.read())

    def stop(self) -> int:
        self.stopped.set()
        self.thread.join()
        self.peak = max(self.peak, self.read())
        return self.peak - self.baseline


# --- Seed data ---------------------------------------------------------------------------------------------

def dataset_body(number: int, slug: str) -> dict[str, Any]:
    """A variant-A desktop export body (§3.2.4) with a realistic manifest."""
    first_ms = 1_600_000_000_000 + number * 3_600_000
    symbol = ("BTCUSDT", "ETHUSDT", "SOLUSDT", "BNBUSDT")[number % 4]
    manifest = {
        "dataset_id": str(uuid.UUID(int=number + 1)), "dataset_slug": slug, "symbol": symbol,
        "granularity": "1h", "source": "laptop_imgui", "bar_interval_ms": 3_600_000, "lookback_rows": 200,
        "ohlcv_measurement": f"{slug}_ohlcv", "indicator_measurement": f"{slug}_ind",
        "ohlcv_rows": 50_000 + number, "indicator_rows": 49_800 + number,
        "first_ohlcv_timestamp_ms": first_ms, "last_ohlcv_timestamp_ms": first_ms + 50_000 * 3_600_000,
        "first_indicator_timestamp_ms": first_ms + 200 * 3_600_000,
        "last_indicator_timestamp_ms": first_ms + 50_000 * 3_600_000,
        "exported_at": "2025-11-09T19:12:15Z", "exporter_version": "stage1-desktop 0.9.4",
        "feature_count": COLUMNS, "notes": f"bench dataset {number}",
    }
    return {"dataset_id": manifest["dataset_id"], "dataset_slug": slug, "symbol": symbol, "granularity": "1h",
            "bar_interval_ms": 3_600_000, "lookback_rows": 200, "first_ohlcv_ts": first_ms,
            "first_indicator_ts": (first_ms + 200 * 3_600_000) // 1000, "metadata": manifest}


def run_body(dataset_id: str, rng: random.Random) -> dict[str, Any]:
    """A desktop run save (§3.4.1): 500 folds with 9 thresholds and 22 + 2 + 2 metrics each."""
    run_id = str(uuid.UUID(int=10**12))
    metric_names = ["hit_rate", "short_hit_rate", "profit_factor_test", "profit_factor_train", "long_pf",
                    "short_pf", "signal_sum", "short_signal_sum", "running_sum", "short_running_sum", "wins",
                    "losses", "short_wins", "short_losses", "avg_win", "avg_loss", "max_drawdown", "sharpe",
                    "sortino", "accuracy", "precision", "recall"]
    threshold_names = ["long_optimal", "short_optimal", "prediction_scaled", "prediction_original",
                       "dynamic_positive", "short_scaled", "short_original", "long_percentile", "short_percentile"]
    folds = []
    for index in range(FOLDS):
        start = index * 24
        metrics: dict[str, Any] = {name: rng.uniform(-3, 3) for name in metric_names}
        metrics.update(n_signals=rng.randrange(500), n_short_signals=rng.randrange(500),
                       model_learned_nothing=rng.random() < 0.05, used_cached_model=rng.random() < 0.5)
        folds.append({"fold_number": 50 + index, "train_start_idx": start, "train_end_idx": start + 650,
                      "test_start_idx": start + 650, "test_end_idx": start + 674, "samples_train": 650,
                      "samples_test": 24, "best_iteration": rng.randrange(1000), "best_score": rng.random(),
                      "thresholds": {name: rng.uniform(-1, 1) for name in threshold_names}, "metrics": metrics})
    features = [f"IND_{i:02d}" for i in range(COLUMNS)]
    run = {"run_id": run_id, "dataset_id": dataset_id, "prediction_measurement": f"{TARGET_SLUG}_ind_wf1731700000",
           "target_column": "TGT_115", "feature_columns": features, "status": "COMPLETED",
           "started_at": "2025-11-09T19:12:15Z", "completed_at": "2025-11-09T20:12:15Z", "duration_ms": 3_600_000,
           "hyperparameters": {"learning_rate": 0.05, "max_depth": 6, "num_leaves": 31, "subsample": 1,
                               "colsample_bytree": 0.8, "min_child_samples": 20, "n_estimators": 1000,
                               "reg_alpha": 0.0, "reg_lambda": 1.0, "early_stopping_rounds": 50},
           "walk_config": {"train_size": 650, "test_size": 24, "step_size": 24, "start_fold": 50,
                           "end_fold": 50 + FOLDS, "prediction_measurement": f"{TARGET_SLUG}_ind_wf1731700000"},
           "summary_metrics": {"folds": FOLDS, **{name: rng.uniform(-3, 3) for name in metric_names}}}
    return {"run": run, "folds": folds}


def indicator_batch(number: int, rng: random.Random) -> bytes:
    """BATCH hourly rows (timestamps in ms) of COLUMNS doubles; the very first rows omit a few warm-up cells."""
    rows = []
    base = 1_600_000_000_000 + number * BATCH * 3_600_000
    names = [f"IND_{i:02d}" for i in range(COLUMNS)]
    for i in range(BATCH):
        row: dict[str, Any] = {"timestamp": base + i * 3_600_000}
        for column, name in enumerate(names):
            if number == 0 and i < 50 and column % 7 == 3:
                continue
            row[name] = rng.gauss(0, 50)
        rows.append(row)
    return json.dumps({"rows": rows}).encode()


# --- Measurements ------------------------------------------------------------------------------------------

async def load(session: aiohttp.ClientSession, url: str, seconds: float, expected: int) -> tuple[int, float,
                                                                                                  list[float]]:
    """CLIENTS workers GETting url back to back for `seconds`: (requests, elapsed s, latencies ms)."""
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds

    async def worker() -> None:
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            async with session.get(url, headers=JSON_HEADERS) as resp:
                body = await resp.read()
            if resp.status != 200 or len(body) != expected:
                raise SystemExit(f"GET {url}: HTTP {resp.status}, {len(body)} bytes (expected {expected})")
            latencies.append((time.perf_counter() - started) * 1000)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(CLIENTS)))
    return len(latencies), time.perf_counter() - started, latencies


async def compare(session: aiohttp.ClientSession, name: str, ours: str, bare: str, expected: int) -> float:
    results: dict[str, list[Any]] = {"ours": [0, 0.0, []], "bare": [0, 0.0, []]}
    for url in (ours, bare):                                        # warm-up of both, untimed
        await load(session, url, 1.0, expected)
    for _ in range(ROUNDS):
        for side, url in (("ours", ours), ("bare", bare)):
            count, elapsed, latencies = await load(session, url, SECONDS, expected)
            results[side][0] += count
            results[side][1] += elapsed
            results[side][2] += latencies
    rates = {side: count / elapsed for side, (count, elapsed, _) in results.items()}
    for side, (count, _elapsed, latencies) in results.items():
        print(f"(a) {name:34s} {side}: {rates[side]:8.1f} req/s  p50 {percentile(latencies, 0.5):7.1f} ms  "
              f"p99 {percentile(latencies, 0.99):7.1f} ms  (n={count})")
    ratio = rates["ours"] / rates["bare"]
    print(f"(a) {name:34s} ratio ours/bare {ratio:.2f}  ({expected:,} bytes per response)")
    return ratio


async def read_rows(session: aiohttp.ClientSession, url: str, params: dict[str, str] | None, marker: bytes
                    ) -> tuple[int, int]:
    """GET url and read the whole body: (marker occurrences, bytes)."""
    count, size, tail = 0, 0, b""
    async with session.get(url, params=params, headers=JSON_HEADERS,
                           timeout=aiohttp.ClientTimeout(total=600)) as resp:
        if resp.status != 200:
            raise SystemExit(f"GET {url}: HTTP {resp.status}: {(await resp.read())[:300]!r}")
        async for chunk in resp.content.iter_any():
            size += len(chunk)
            data = tail + chunk
            count += data.count(marker)
            tail = data[-(len(marker) - 1):] if len(marker) > 1 else b""   # shorter than marker: no recount
    return count, size


async def read_back(session: aiohttp.ClientSession, server: Process, dataset_id: str, table: str) -> None:
    """(b): ours versus QuestDB /exp, alternating, EXPORT_RUNS times each after one untimed read of each (the
    first query of a statement also pays for QuestDB compiling it and faulting the table's files in)."""
    ours: list[tuple[float, int]] = []
    exp: list[float] = []
    await read_rows(session, f"{server.base}/api/datasets/{dataset_id}/indicators", None, b'{"timestamp_ms":')
    await read_rows(session, f"{QUESTDB}/exp", {"query": f'SELECT * FROM "{table}"'}, b"\n")
    for run in range(EXPORT_RUNS):
        sampler = RssSampler(server.proc.pid)
        started = time.perf_counter()
        rows, size = await read_rows(session, f"{server.base}/api/datasets/{dataset_id}/indicators", None,
                                     b'{"timestamp_ms":')
        elapsed = time.perf_counter() - started
        growth = sampler.stop()
        if rows != ROWS:
            raise SystemExit(f"indicators returned {rows} rows, expected {ROWS}")
        ours.append((elapsed, growth))
        print(f"(b) run {run + 1} ours: {rows:,} rows, {size / 1e6:,.1f} MB in {elapsed:.2f} s = "
              f"{rows / elapsed:,.0f} rows/s, server RSS +{growth / 2**20:.1f} MiB "
              f"(baseline {sampler.baseline / 2**20:.1f} MiB)")
        started = time.perf_counter()
        lines, size = await read_rows(session, f"{QUESTDB}/exp", {"query": f'SELECT * FROM "{table}"'}, b"\n")
        elapsed = time.perf_counter() - started
        if lines - 1 != ROWS:
            raise SystemExit(f"/exp returned {lines - 1} rows, expected {ROWS}")
        exp.append(elapsed)
        print(f"(b) run {run + 1} /exp: {lines - 1:,} rows, {size / 1e6:,.1f} MB in {elapsed:.2f} s = "
              f"{ROWS / elapsed:,.0f} rows/s")
    ours_rate = ROWS / statistics.median(e for e, _ in ours)
    exp_rate = ROWS / statistics.median(exp)
    peak = max(g for _, g in ours)
    print(f"(b) indicators {ROWS:,} x {COLUMNS}: ours {ours_rate:,.0f} rows/s, QuestDB /exp {exp_rate:,.0f} rows/s "
          f"(medians of {EXPORT_RUNS}), ratio {ours_rate / exp_rate:.2f}; peak server RSS growth "
          f"{peak / 2**20:.1f} MiB")


async def append_all(session: aiohttp.ClientSession, server: Process, dataset_id: str) -> None:
    """(c): the BATCH-row appends that fill the table, each timed end to end."""
    rng = random.Random(7)
    timings = []
    for number in range(ROWS // BATCH):
        body = indicator_batch(number, rng)
        started = time.perf_counter()
        async with session.post(f"{server.base}/api/datasets/{dataset_id}/indicators/append", data=body,
                                headers=JSON_HEADERS, timeout=aiohttp.ClientTimeout(total=300)) as resp:
            answer = await resp.json()
        timings.append(time.perf_counter() - started)
        if resp.status != 200 or answer["row_count"] != (number + 1) * BATCH:
            raise SystemExit(f"append {number}: HTTP {resp.status} {answer}")
    last = timings[-5:]
    print(f"(c) append {BATCH:,} x {COLUMNS} ({len(body) / 1e6:.1f} MB JSON) all {len(timings)} batches (s): "
          + " ".join(f"{t:.2f}" for t in timings))
    print(f"(c) append {BATCH:,} x {COLUMNS} end to end incl. visibility: median of the last 5 "
          f"{statistics.median(last):.3f} s  (those five: {', '.join(f'{t:.3f}' for t in last)}; "
          f"the first, which creates the table: {timings[0]:.3f} s)")


async def seed(session: aiohttp.ClientSession, server: Process) -> tuple[str, str]:
    """DATASETS datasets (the last one is the target of (b)/(c)) and one FOLDS-fold run: (dataset_id, run_id)."""
    async def post(number: int) -> str:
        slug = TARGET_SLUG if number == DATASETS - 1 else f"bench_flows_{number:03d}"
        async with session.post(f"{server.base}/api/datasets", json=dataset_body(number, slug)) as resp:
            answer = await resp.json()
        if resp.status not in (200, 201):
            raise SystemExit(f"POST /api/datasets: HTTP {resp.status} {answer}")
        return answer["dataset_id"]

    ids = [await post(number) for number in range(DATASETS)]   # sequential: distinct created_at order
    body = run_body(ids[-1], random.Random(5))
    async with session.post(f"{server.base}/api/runs", json=body) as resp:
        answer = await resp.json()
    if resp.status not in (200, 201) or answer["fold_count"] != FOLDS:
        raise SystemExit(f"POST /api/runs: HTTP {resp.status} {answer}")
    return ids[-1], body["run"]["run_id"]


async def questdb_exec(session: aiohttp.ClientSession, sql: str) -> None:
    async with session.get(f"{QUESTDB}/exec", params={"query": sql}) as resp:
        if resp.status != 200:
            raise SystemExit(f"QuestDB {sql}: HTTP {resp.status} {await resp.text()}")


def load_line() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f}"


async def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    print(f"machine: os.cpu_count()={os.cpu_count()}, {load_line()}; Python {sys.version.split()[0]}, "
          f"aiohttp {aiohttp.__version__}; {CLIENTS} clients, {ROUNDS} x {SECONDS:g} s per side")
    reset_schema()
    processes: list[Process] = []
    connector = aiohttp.TCPConnector(limit=CLIENTS)
    async with aiohttp.ClientSession(connector=connector) as session:
        try:
            await questdb_exec(session, f'DROP TABLE IF EXISTS "{TARGET_SLUG}_ind"')
            server = start_server("server-flows-write")
            processes.append(server)
            await server.wait_until(lambda: answers_200(session, server.base + "/readyz"))
            dataset_id, run_id = await seed(session, server)
            await append_all(session, server, dataset_id)
            server.stop()                   # (a) and (b) on a fresh process: the appends' heap is not (b)'s baseline
            server = start_server("server-flows-read")
            processes.append(server)
            await server.wait_until(lambda: answers_200(session, server.base + "/readyz"))

            paths = {"/api/datasets": "limit=200&offset=0", f"/api/runs/{run_id}": ""}
            bodies = {}
            for path, query in paths.items():
                async with session.get(f"{server.base}{path}?{query}", headers=JSON_HEADERS) as resp:
                    bodies[path] = await resp.read()
            listed = json.loads(bodies["/api/datasets"])
            assert listed["count"] == DATASETS, listed["count"]
            assert len(json.loads(bodies[f"/api/runs/{run_id}"])["folds"]) == FOLDS
            with tempfile.TemporaryDirectory() as directory:
                bare = start_bare(bodies, Path(directory))
                processes.append(bare)
                await bare.wait_until(lambda: answers_200(session, bare.base + "/api/datasets"))
                print(f"-- {load_line()}")
                for (path, query), name in zip(paths.items(), (f"GET /api/datasets ({DATASETS})",
                                                               f"GET /api/runs/{{id}} ({FOLDS} folds)")):
                    await compare(session, name, f"{server.base}{path}?{query}", f"{bare.base}{path}?{query}",
                                  len(bodies[path]))
            print(f"-- {load_line()}")
            await read_back(session, server, dataset_id, f"{TARGET_SLUG}_ind")
            print(f"-- {load_line()}")
        finally:
            for process in processes:
                process.stop()


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "--bare":
        bare_main(Path(sys.argv[2]), int(sys.argv[sys.argv.index("--port") + 1]))
    else:
        asyncio.run(main())
