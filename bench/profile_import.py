"""CPU cost of the import job's two passes, without a server or QuestDB (the harness behind bench_import.py).

Run:   .venv/bin/python bench/profile_import.py [--rows N] [--batch ROWS] [--profile]
       (the CSV comes from bench_import.py's generator: bench/out/import_<N>.csv)

Times csv_batches + scan_batch (pass 1) and csv_batches + ilp_batch (pass 2) over the whole file in this process,
as the job runs them when it cannot cut the file (the job checks a large plain file in 16 MB pieces on two worker
processes: the same code per piece); --profile prints the cProfile top functions of each pass instead.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
import stage1_server as s1  # noqa: E402
from bench_import import generate_csv  # noqa: E402


def pass1(path: Path, batch: int) -> s1.ImportPlan:
    *_, plan = s1.scan_steps(s1.plan_import(s1.read_header(path), None, []), path, batch)
    s1.settle_types(plan)
    s1.settle_valueless(plan, None)
    return plan


def pass2(path: Path, batch: int, plan: s1.ImportPlan) -> tuple[int, int]:
    sent = size = 0
    for data, count in s1.ilp_chunks(plan, "bench", path, batch):
        sent, size = sent + count, size + len(data)
    return sent, size


def timed(label: str, rows: int, fn, *args, profile: bool):
    profiler = cProfile.Profile() if profile else None
    started, cpu = time.perf_counter(), time.process_time()
    if profiler:
        profiler.enable()
    result = fn(*args)
    if profiler:
        profiler.disable()
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(f"{label:8s} {elapsed:6.2f} s  {rows / elapsed:>10,.0f} rows/s  (CPU {cpu:.2f} s)")
    if profiler:
        pstats.Stats(profiler).sort_stats("tottime").print_stats(12)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=s1.Config().import_batch_rows)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    path = generate_csv(args.rows)
    plan = timed("pass 1", args.rows, pass1, path, args.batch, profile=args.profile)
    sent, size = timed("pass 2", args.rows, pass2, path, args.batch, plan, profile=args.profile)
    print(f"rows {plan.rows_total:,} sent {sent:,} ILP {size / 1e6:.1f} MB  raw_ok "
          f"{all(c.raw_ok for c in plan.columns)}")


if __name__ == "__main__":
    main()
