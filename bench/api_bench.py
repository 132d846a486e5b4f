"""HTTP API throughput and latency: POST /v1/check of example E1 on loopback.

The app runs under uvicorn (one process, one worker, as `firecheck serve` starts it) in a
subprocess, on a fresh embedded store loaded with the built-in pack in a temp directory (never
the user's). An httpx async client keeps `c` requests in flight (c = 1, 8, 32) until it has sent
`--requests` requests or `--seconds` have passed; each concurrency is run `--repeats` times and
the medians of p50, p99 and throughput are reported, with ratios to the concurrency-1 run.
The same load is repeated from a minimal asyncio client, to tell the server's limit from the
client's: client and server share the machine's CPUs.

    python -m bench.api_bench            # print the table
    python -m bench.api_bench --write    # and update the "## HTTP API" section of docs/benchmarks.md
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
from bench import docs

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "benchmarks.md"
SECTION = "## HTTP API"
DESIGN = ROOT / "examples" / "E1-office-highrise.design.json"
CONCURRENCY = (1, 8, 32)


@dataclass
class Run:
    concurrency: int
    requests: int
    seconds: float
    latencies_ms: list[float]

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies_ms)
        index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))
        return ordered[index]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(workdir: Path, port: int) -> subprocess.Popen:
    from graph.ladybug_store import LadybugStore
    from graph.open import ensure_builtin_pack

    store = workdir / "rules.lbdb"
    with LadybugStore(store) as target:
        ensure_builtin_pack(target)
    env = {**os.environ, "FIRECHECK_STORE": str(store), "XDG_DATA_HOME": str(workdir / "xdg")}
    env.pop("FIRECHECK_API_KEYS", None)
    command = [sys.executable, "-m", "uvicorn", "--factory", "api.app:create_app",
               "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning",
               "--no-access-log"]
    return subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)


def wait_ready(base: str, server: subprocess.Popen, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("uvicorn exited:\n" + server.stdout.read().decode())  # type: ignore[union-attr]
        try:
            if httpx.get(base + "/readyz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError("uvicorn did not become ready")


async def run_load(base: str, body: bytes, concurrency: int, total: int, seconds: float) -> Run:
    latencies: list[float] = []
    sent = 0
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    headers = {"Content-Type": "application/json"}
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:
        # Untimed: open the `concurrency` keep-alive connections first, so that a run measures
        # the steady state rather than connection set-up.
        await asyncio.gather(*(client.post("/v1/check", content=body, headers=headers)
                               for _ in range(concurrency)))
        started = time.perf_counter()
        deadline = started + seconds

        async def worker() -> None:
            nonlocal sent
            while sent < total and time.perf_counter() < deadline:
                sent += 1
                t0 = time.perf_counter()
                response = await client.post("/v1/check", content=body, headers=headers)
                latencies.append((time.perf_counter() - t0) * 1000)
                if response.status_code != 200 or response.json()["summary"]["fail"] != 3:
                    raise RuntimeError(f"unexpected answer {response.status_code}: {response.text[:200]}")

        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return Run(concurrency, len(latencies), elapsed, latencies)


async def run_raw(port: int, body: bytes, concurrency: int, total: int, seconds: float) -> Run:
    """The same load from a minimal client: pre-built HTTP/1.1 requests over asyncio streams, so
    that the client's own CPU time (httpx's is considerable) does not limit the server."""
    request = (b"POST /v1/check HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
               b"Content-Length: %d\r\n\r\n" % len(body)) + body

    async def one(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(request)
        await writer.drain()
        head = await reader.readuntil(b"\r\n\r\n")
        status = head.split(b" ", 2)[1]
        length = next(int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                      if line.lower().startswith(b"content-length:"))
        payload = await reader.readexactly(length)
        if status != b"200" or json.loads(payload)["summary"]["fail"] != 3:
            raise RuntimeError(f"unexpected answer {status!r}: {payload[:200]!r}")

    connections = [await asyncio.open_connection("127.0.0.1", port) for _ in range(concurrency)]
    await asyncio.gather(*(one(r, w) for r, w in connections))  # untimed, as above
    latencies: list[float] = []
    sent = 0
    started = time.perf_counter()
    deadline = started + seconds

    async def worker(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal sent
        while sent < total and time.perf_counter() < deadline:
            sent += 1
            t0 = time.perf_counter()
            await one(reader, writer)
            latencies.append((time.perf_counter() - t0) * 1000)

    await asyncio.gather(*(worker(r, w) for r, w in connections))
    elapsed = time.perf_counter() - started
    for _, writer in connections:
        writer.close()
    return Run(concurrency, len(latencies), elapsed, latencies)


def measure(base: str, port: int, repeats: int, total: int, seconds: float
            ) -> tuple[dict[int, list[Run]], dict[int, list[Run]]]:
    body = DESIGN.read_bytes()
    asyncio.run(run_load(base, body, 4, 100, 10))  # warm-up: the rule cache, the ask index
    runs: dict[int, list[Run]] = {c: [] for c in CONCURRENCY}
    raw: dict[int, list[Run]] = {c: [] for c in CONCURRENCY}
    for _ in range(repeats):
        for concurrency in CONCURRENCY:
            runs[concurrency].append(asyncio.run(run_load(base, body, concurrency, total, seconds)))
            raw[concurrency].append(asyncio.run(run_raw(port, body, concurrency, total, seconds)))
    return runs, raw


def table(runs: dict[int, list[Run]]) -> tuple[str, dict[int, dict[str, float]]]:
    medians: dict[int, dict[str, float]] = {}
    for concurrency, items in runs.items():
        medians[concurrency] = {
            "p50": statistics.median(r.percentile(50) for r in items),
            "p99": statistics.median(r.percentile(99) for r in items),
            "rps": statistics.median(r.throughput for r in items),
            "requests": statistics.median(r.requests for r in items),
        }
    base = medians[CONCURRENCY[0]]
    lines = ["| concurrency | requests / run | p50 (ms) | p99 (ms) | throughput (req/s) | "
             "× c=1 throughput | × c=1 p50 |", "|---:|---:|---:|---:|---:|---:|---:|"]
    for concurrency, m in medians.items():
        lines.append(f"| {concurrency} | {m['requests']:.0f} | {m['p50']:.1f} | {m['p99']:.1f} | "
                     f"{m['rps']:.0f} | {m['rps'] / base['rps']:.2f} | {m['p50'] / base['p50']:.2f} |")
    return "\n".join(lines), medians


def describe(runs: dict[int, list[Run]], raw: dict[int, list[Run]], repeats: int, total: int,
             seconds: float) -> str:
    text, medians = table(runs)
    raw_text, raw_medians = table(raw)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    design = json.loads(DESIGN.read_text(encoding="utf-8"))
    top = max(CONCURRENCY)
    return f"""\
`POST /v1/check` of example E1 ({len(design['elements'])} elements, 36 findings, report ≈ 16 KB) on \
loopback, medians of {repeats} runs per concurrency; each run sends up to {total} requests or stops \
after {seconds:g} s, after untimed requests that open the connections. Server: \
`uvicorn --factory api.app:create_app`, one process, one worker, embedded LadybugDB store with the \
built-in pack (the compiled rule set is cached, so a check does not touch the store). Python \
{platform.python_version()} on {platform.machine()} ({os.cpu_count()} CPUs shared by client and server, \
load average {load} when the run ended — other work was running on the machine).

Client: one httpx AsyncClient keeping `c` requests in flight over keep-alive connections.

{text}

The same load from a minimal client (pre-built HTTP/1.1 requests over asyncio streams, `c` \
keep-alive connections), which leaves the CPUs to the server:

{raw_text}

One worker process checks one request at a time (the GIL; a design this small is checked on the \
event loop), so concurrency beyond a few requests adds queueing, not throughput: p50 grows with \
the requests in flight. With the minimal client the server's throughput at c={top} stays near its c=8 level \
({raw_medians[8]['rps']:.0f} and {raw_medians[top]['rps']:.0f} req/s); with httpx it falls at \
c={top} ({medians[top]['rps']:.0f} req/s, p99 {medians[top]['p99']:.0f} ms) because the client's own \
CPU time for {top} concurrent connections competes with the server on {os.cpu_count()} CPUs. More \
throughput comes from more worker processes (`uvicorn --workers N` against a Neo4j store; the \
embedded store is a single-process file).

Reproduce: `.venv/bin/python -m bench.api_bench` (add `--write` to update this section)."""


def write_section(body: str, path: Path = DOC) -> None:
    """Replace the body of this benchmark's section of docs/benchmarks.md."""
    docs.write_section(SECTION, body, path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3, help="runs per concurrency")
    parser.add_argument("--requests", type=int, default=600, help="requests per run, at most")
    parser.add_argument("--seconds", type=float, default=15, help="seconds per run, at most")
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    args = parser.parse_args(argv)

    workdir = Path(tempfile.mkdtemp(prefix="firecheck-api-bench-"))
    port = _free_port()
    server = start_server(workdir, port)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_ready(base, server)
        runs, raw = measure(base, port, args.repeats, args.requests, args.seconds)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(workdir, ignore_errors=True)
    body = describe(runs, raw, args.repeats, args.requests, args.seconds)
    print(body)
    if args.write:
        write_section(body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
