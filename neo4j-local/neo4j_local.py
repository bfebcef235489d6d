"""A real Neo4j 5 Community on loopback, without Docker: the Java launcher beside this file.

    python neo4j-local/neo4j_local.py --home .neo4j --port 7687 --password …   # until Ctrl-C

Tests and benchmarks start it with `LocalNeo4j`; it is built with Maven on first use
(`mvn package` on this folder's pom.xml). Standard library only: the product never imports it.
The settings mirror the `neo4j` service of docker-compose.yml (the same 5.x line, auth on, a
password for user neo4j, loopback only); `tests/test_compose.py` checks that they agree.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CLASSPATH = HERE / "target" / "classpath.txt"
SOURCES = [HERE / "pom.xml", *sorted((HERE / "src").rglob("*.java"))]
USER = "neo4j"
HEAP = "2G"  # compose: NEO4J_server_memory_heap_max__size
PAGECACHE_MB = 2048  # compose: NEO4J_server_memory_pagecache_size (allocated as pages are used)


class Neo4jLocalError(RuntimeError):
    """The launcher could not be built or did not come up; the message says why."""


def build() -> str:
    """The launcher's class path, built with Maven when missing or older than its sources."""
    if not CLASSPATH.exists() or CLASSPATH.stat().st_mtime < max(p.stat().st_mtime for p in SOURCES):
        mvn = shutil.which("mvn")
        if mvn is None:
            raise Neo4jLocalError("Maven (mvn) not found: it builds the Neo4j launcher (see README)")
        done = subprocess.run([mvn, "-q", "-B", "-f", str(HERE / "pom.xml"), "package"], capture_output=True,
                              text=True, timeout=1800)
        if done.returncode != 0:
            raise Neo4jLocalError(f"mvn package failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return f"{HERE / 'target' / 'classes'}:{CLASSPATH.read_text().strip()}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class LocalNeo4j:
    """One launcher process serving `home`; `start` waits for Bolt, `stop` always ends it."""

    def __init__(self, home: Path | str, port: int | None = None, password: str = "jiandu-local",
                 start_timeout: float = 240.0) -> None:
        self.home = Path(home).resolve()
        self.port = port or free_port()
        self.password = password
        self.start_timeout = start_timeout
        self.version: str | None = None
        self.process: subprocess.Popen | None = None
        self._log: list[str] = []

    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process and self.process.poll() is None else None

    def java(self, main: str, *args: str, heap: str = HEAP) -> list[str]:
        return ["java", f"-Xmx{heap}", "-XX:+UseG1GC", "-cp", build(), main, *args]

    def start(self) -> LocalNeo4j:
        self.home.mkdir(parents=True, exist_ok=True)
        command = self.java("jiandu.Neo4jLocal", str(self.home), str(self.port), self.password, str(PAGECACHE_MB))
        # stdin is the launcher's lifeline: when this process ends, so does the database
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, text=True, start_new_session=True)
        ready = threading.Event()

        def read() -> None:
            for line in self.process.stdout:  # type: ignore[union-attr]
                self._log.append(line.rstrip())
                del self._log[:-200]
                if line.startswith("READY "):
                    self.version = line.split()[2]
                    ready.set()

        threading.Thread(target=read, daemon=True, name="neo4j-local-log").start()
        deadline = time.monotonic() + self.start_timeout
        while not ready.wait(0.2):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise Neo4jLocalError("Neo4j did not start:\n" + "\n".join(self._log[-40:]))
        return self

    def kill(self) -> None:
        """SIGKILL, as a crash would: no shutdown, no flush."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(30)

    def stop(self, timeout: float = 60.0) -> None:
        """A clean shutdown (stdin closed), then SIGTERM, then SIGKILL: it never outlives us."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        with contextlib.suppress(OSError):
            process.stdin.close()  # type: ignore[union-attr]
        for sig in (None, signal.SIGTERM, signal.SIGKILL):
            if sig is not None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, sig)
            try:
                process.wait(timeout)
                return
            except subprocess.TimeoutExpired:
                continue

    def admin(self, *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
        """`neo4j-admin …` on this home (the database must be stopped for an import). It runs in the
        home, so what it writes beside itself (an import's import.report) stays there."""
        env = {**os.environ, "NEO4J_HOME": str(self.home)}
        self.home.mkdir(parents=True, exist_ok=True)
        return subprocess.run(self.java("org.neo4j.cli.AdminTool", *args), env=env, capture_output=True,
                              text=True, timeout=timeout, cwd=self.home)

    def __enter__(self) -> LocalNeo4j:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description="Neo4j 5 Community on 127.0.0.1, until Ctrl-C")
    parser.add_argument("--home", type=Path, default=Path(".neo4j"))
    parser.add_argument("--port", type=int, default=7687)
    parser.add_argument("--password", default=os.environ.get("NEO4J_PASSWORD") or "jiandu-local")
    args = parser.parse_args()
    with LocalNeo4j(args.home, args.port, args.password) as server:
        print(f"Neo4j {server.version} on {server.uri} (user {USER}); Ctrl-C to stop", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            while server.process and server.process.poll() is None:
                time.sleep(0.5)
    return 0


if __name__ == "__main__":
    sys.exit(main())
