"""The engines a benchmark can run on, each started fresh in a work folder and stopped after:
embedded FalkorDB, and Neo4j 5 from the local launcher (neo4j-local/, no Docker)."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "neo4j-local"))
from neo4j_local import LocalNeo4j  # noqa: E402

from jiandu.graph.connect import open_store  # noqa: E402

ENGINES = ("falkordb", "neo4j")


@dataclass
class Engine:
    name: str
    url: str
    pid: int  # the database server's process

    def peak_rss(self) -> int:
        """The server's peak resident memory so far (bytes), from /proc."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
        return 0


@contextlib.contextmanager
def running(name: str, work: Path) -> Iterator[Engine]:
    """Start `name` on an empty folder under `work`; child processes reach it by `Engine.url`."""
    if name == "falkordb":
        url = f"falkordb+embedded://{work / 'falkordb'}"
        with open_store(url) as holder:  # holds the server while children come and go
            yield Engine(name, url, holder.server.server_pid())
        return
    if name != "neo4j":
        raise SystemExit(f"unknown engine {name!r}; known: {', '.join(ENGINES)}")
    server = LocalNeo4j(work / "neo4j")
    server.start()
    try:
        os.environ["NEO4J_USER"], os.environ["NEO4J_PASSWORD"] = "neo4j", server.password  # for the children
        yield Engine(name, server.uri, server.pid)
    finally:
        server.stop()


def names(given: str) -> list[str]:
    """`--store falkordb,neo4j` as a list, checked."""
    found = [n.strip() for n in given.split(",") if n.strip()]
    unknown = [n for n in found if n not in ENGINES]
    if unknown:
        raise SystemExit(f"unknown engine(s) {', '.join(unknown)}; known: {', '.join(ENGINES)}")
    return found
