"""API load benchmark: a leader's neighbourhood at depth 2, 20 concurrent clients, 60 s.

    python bench/api.py --scale 100 [--clients 20] [--seconds 60]

Generates and ingests a world, starts `jiandu serve` on a loopback port (its own process),
creates a viewer key, then runs the clients (threads with keep-alive HTTP connections) against
random current leaders. Prints requests per second, p50/p99 latency and errors, then stops
the server (and with it the embedded database).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from api.keys import KeyStore  # noqa: E402
from graph.store import open_store  # noqa: E402
from ingest.generator import generate  # noqa: E402
from ingest.loader import ingest  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=100)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="jiandu-abench-"))
    server = None
    try:
        generate(work / "data", scale=args.scale, seed=1, noise=0.02)
        url = f"falkordb+embedded://{work / 'db'}"
        with open_store(url) as store:
            report = ingest(store, [work / "data"], rejects_dir=work / "rejects")
            leaders = [r[0] for r in store.run("MATCH (l:Leader)-[p:HOLDS_POST]->() WHERE p.end IS NULL "
                                               "RETURN l.id LIMIT 5000").rows]
        print(f"scale {args.scale}: {report.nodes:,} nodes, {report.relationships:,} relationships")
        token = KeyStore(work / "db" / "api_keys.json").create("viewer", "bench")
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        server = subprocess.Popen([sys.executable, "-m", "jiandu.cli", "--store", url, "serve", "--port", str(port),
                                   "--workers", str(args.workers)],
                                  cwd=ROOT, env={**os.environ, "JIANDU_STORE": url})
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(base + "/health", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        latencies: list[float] = []
        errors = [0]
        lock = threading.Lock()
        stop_at = time.monotonic() + args.seconds

        def client(seed: int) -> None:
            rng = random.Random(seed)
            with httpx.Client(base_url=base, headers={"X-API-Key": token}, timeout=30) as http:
                while time.monotonic() < stop_at:
                    started = time.perf_counter()
                    try:
                        ok = http.get(f"/api/v1/leaders/{rng.choice(leaders)}/neighbourhood?depth=2").status_code == 200
                    except httpx.HTTPError:
                        ok = False
                    elapsed = time.perf_counter() - started
                    with lock:
                        latencies.append(elapsed)
                        errors[0] += not ok

        threads = [threading.Thread(target=client, args=(i,)) for i in range(args.clients)]
        began = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.monotonic() - began
        cuts = statistics.quantiles(latencies, n=100)
        print(f"{len(latencies):,} requests in {wall:.1f} s with {args.clients} clients: "
              f"{len(latencies) / wall:,.1f} requests/s, p50 {cuts[49] * 1000:.1f} ms, p99 {cuts[98] * 1000:.1f} ms, "
              f"errors {errors[0]}")
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=60)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
