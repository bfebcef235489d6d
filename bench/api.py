"""API load benchmark: a leader's neighbourhood at depth 2, 20 concurrent clients, 60 s.

    python bench/api.py --scale 100 [--clients 20] [--seconds 60]

Generates and ingests a world, starts `jiandu serve` on a loopback port (its own process),
creates a viewer key, then runs the clients (asyncio, one keep-alive HTTP connection each) against
random current leaders (5,000 distinct ones unless --leaders N; 0 draws from all of them, the worst
case for the caches; drawn uniformly, so the view cache helps only as far as leaders repeat;
--view-cache-mb 0 measures every view computed afresh). Prints
requests per second, p50/p99 latency, errors, the spread over clients and the share of views
served from the cache (which starts empty) and the CPU time each request cost the API's processes,
FalkorDB and the load generator (read from /proc: a figure that compares across machines better than
latency does), then stops the server and the embedded database.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from jiandu.api.keys import KeyStore
from jiandu.graph.connect import open_store
from jiandu.graph.embedded import EmbeddedServer
from jiandu.ingest.generator import generate
from jiandu.ingest.loader import ingest

ROOT = Path(__file__).resolve().parent.parent


async def load(port: int, token: str, leaders: list[str], clients: int,
               seconds: float) -> tuple[list[float], int, float, list[int]]:
    """Closed-loop clients on keep-alive connections, written on bare asyncio streams: the load
    generator shares the machine's cores with the server, so it must cost as little as possible
    (an httpx client in threads used most of a core by itself)."""
    latencies: list[float] = []
    errors = 0
    done = [0] * clients  # requests per client: closed-loop clients on a slower worker finish fewer
    stop_at = time.monotonic() + seconds

    async def client(seed: int) -> None:
        nonlocal errors
        rng = random.Random(seed)
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while time.monotonic() < stop_at:
                path = f"/api/v1/leaders/{rng.choice(leaders)}/neighbourhood?depth=2"
                started = time.perf_counter()
                writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-API-Key: {token}\r\n\r\n".encode())
                head = await reader.readuntil(b"\r\n\r\n")
                status = int(head.split(b" ", 2)[1])
                length = int(next(line.split(b":", 1)[1] for line in head.split(b"\r\n")
                                  if line.lower().startswith(b"content-length:")))
                body = await reader.readexactly(length)
                latencies.append(time.perf_counter() - started)
                done[seed] += 1
                errors += status != 200 or not body.startswith(b"{")
        finally:
            writer.close()

    began = time.monotonic()
    await asyncio.gather(*(client(i) for i in range(clients)))
    return latencies, errors, time.monotonic() - began, done


def _stat(pid: int | str) -> list[str] | None:
    """The fields of /proc/PID/stat after the command name (state, parent, …), or None if it is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None


def cpu_seconds(pids: set[int]) -> float:
    """User and system CPU time of these processes (all their threads) so far; gone ones count 0."""
    stats = [fields for fields in map(_stat, pids) if fields]
    return sum(int(f[11]) + int(f[12]) for f in stats) / os.sysconf("SC_CLK_TCK")  # utime, stime


def descendants(pid: int) -> set[int]:
    """`pid` and every process below it (the API's workers)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _stat(entry.name)):
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = set(), [pid]
    while todo:
        found.add(todo[-1])
        todo += children.get(todo.pop(), [])
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=100)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, help="API worker processes (default: jiandu serve's own)")
    parser.add_argument("--leaders", type=int, default=5000,
                        help="distinct current leaders the clients draw from, uniformly (0: all of them; "
                        "more leaders, fewer cache hits)")
    parser.add_argument("--warmup", type=float, default=120,
                        help="at most this many seconds to wait after start for the server to count its hubs")
    parser.add_argument("--view-cache-mb", type=float, default=256, help="0 measures every view computed afresh")
    parser.add_argument("--reuse", type=Path, help="an embedded data folder already holding a generated world "
                        "(skips generating and ingesting; it is left in place)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="jiandu-abench-"))
    server = None
    try:
        db = args.reuse or work / "db"
        url = f"falkordb+embedded://{db}"
        if args.reuse is None:
            generate(work / "data", scale=args.scale, seed=1, noise=0.02)
        with open_store(url) as store:
            if args.reuse is None:
                ingest(store, [work / "data"], rejects_dir=work / "rejects")
            counts = store.counts()
            leaders = [r[0] for r in store.run("MATCH (l:Leader)-[p:HOLDS_POST]->() WHERE p.end IS NULL "
                                               "RETURN DISTINCT l.id" + (" LIMIT $n" if args.leaders else ""),
                                               {"n": args.leaders}, read_only=True).rows]
        print(f"{sum(counts['nodes'].values()):,} nodes, {sum(counts['relationships'].values()):,} relationships; "
              f"drawing from {len(leaders):,} current leaders")
        token = KeyStore(db / "api_keys.json").create("viewer", "bench")
        for cache in ("views", "hubs"):  # every run starts with empty caches
            shutil.rmtree(db / cache, ignore_errors=True)
        audit = db / "audit.jsonl"
        audited_before = audit.stat().st_size if audit.exists() else 0
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        workers = ["--workers", str(args.workers)] if args.workers else []
        server = subprocess.Popen([sys.executable, "-m", "jiandu", "--store", url, "serve", "--port", str(port),
                                   *workers, "--view-cache-mb", str(args.view_cache_mb)],
                                  cwd=ROOT, env={**os.environ, "JIANDU_STORE": url})
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(base + "/health", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        # the server counts the graph's hubs in the background; a user's first views would meet
        # it at work, so the load waits until /health says it is done
        warming = time.monotonic()
        while time.monotonic() - warming < args.warmup:
            if httpx.get(base + "/health", timeout=30).json()["hubs_warm"]:
                break
            time.sleep(1)
        print(f"warm-up {time.monotonic() - warming:.0f} s (until the hubs were counted)", flush=True)
        parties = {"API": descendants(server.pid), "FalkorDB": {EmbeddedServer(db).server_pid() or -1},
                   "load generator": {os.getpid()}}
        before = {name: cpu_seconds(pids) for name, pids in parties.items()}
        latencies, errors, wall, done = asyncio.run(load(port, token, leaders, args.clients, args.seconds))
        spent = {name: cpu_seconds(pids) - before[name] for name, pids in parties.items()}
        cuts = statistics.quantiles(latencies, n=100)
        print(f"{len(latencies):,} requests in {wall:.1f} s with {args.clients} clients: "
              f"{len(latencies) / wall:,.1f} requests/s, p50 {cuts[49] * 1000:.1f} ms, p99 {cuts[98] * 1000:.1f} ms, "
              f"errors {errors}")
        print(f"requests per client: min {min(done):,}, median {statistics.median(done):,.0f}, max {max(done):,}")
        print("CPU per request: " + ", ".join(f"{name} {seconds / len(latencies) * 1000:.2f} ms"
                                              for name, seconds in spent.items())
              + f"; in all {sum(spent.values()) / len(latencies) * 1000:.2f} ms "
              f"({sum(spent.values()) / wall:.2f} of {os.cpu_count()} cores busy)")
        with audit.open("rb") as log:  # the audit log says which views came from the cache
            log.seek(audited_before)
            lines = log.read().splitlines()
        hits = sum(b'"cached": true' in line for line in lines)
        print(f"served from the view cache: {hits:,} of {len(lines):,} audited requests "
              f"({hits / max(len(lines), 1):.0%}; the rest computed afresh)")
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=60)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
