"""What the benchmark scripts share: a free port, percentiles, and the server processes they start, stop and
wait for (`make bench` skips `_` files)."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
SERVER = [sys.executable, str(ROOT / "stage1_server.py")]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def percentile(values: list[float], q: float) -> float:
    """The value at quantile q (nearest rank); NaN for no values."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] if ordered else float("nan")


def server_env(**settings: str) -> dict[str, str]:
    """This environment without a developer's STAGE1_* settings or .env file, plus `settings`: the server runs
    on its defaults otherwise."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("STAGE1_")}
    return {**env, "PYTHON_DOTENV_DISABLED": "1", **settings}


def stop(proc: subprocess.Popen) -> None:
    """SIGTERM (the server's graceful stop), then SIGKILL if it is still running after 30 s."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class Process:
    """`argv --port <free port>` started in the project folder, its output in bench/out/<name>.log; stop() is
    safe to call twice."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], **popen: Any) -> None:
        OUT.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = OUT / f"{name}.log"
        with self.log_path.open("wb") as log:
            self.proc = subprocess.Popen([*argv, "--port", str(self.port)], env=env, cwd=ROOT, stdout=log,
                                         stderr=subprocess.STDOUT, **popen)
        self.spawned = time.perf_counter()

    async def wait_until(self, ready: Callable[[], Awaitable[bool]], timeout_s: float = 60) -> None:
        """Poll ready() (an error counts as not yet) until it is true; SystemExit when the process exits first
        or after timeout_s."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"{self.log_path.stem} exited with {self.proc.returncode}; see {self.log_path}")
            try:
                if await ready():
                    return
            except Exception:
                pass
            await asyncio.sleep(0.05)
        raise SystemExit(f"{self.log_path.stem} not ready within {timeout_s:.0f} s; see {self.log_path}")

    def stop(self) -> None:
        stop(self.proc)
