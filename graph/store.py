"""The one small interface every store offers, and ``open_store`` to pick one by URL.

URLs:
  falkordb+embedded://PATH   our own FalkorDB on a unix socket in PATH (default ./.jiandu)
  falkordb://HOST:PORT       a FalkorDB server someone else runs (optionally user:pass@)
  neo4j://… / bolt://… (and +s / +ssc variants)   Neo4j 5 through the official driver;
                             user and password from the URL or NEO4J_USER / NEO4J_PASSWORD

The URL comes from ``--store``, else the JIANDU_STORE environment variable, else the default.
"""

from __future__ import annotations

import datetime as dt
import os
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlsplit

DEFAULT_URL = "falkordb+embedded://./.jiandu"
GRAPH_NAME = "jiandu"
ENV_URL = "JIANDU_STORE"


class StoreError(RuntimeError):
    """A store refused or failed a query; the message is safe to show a user."""


class QueryTimeout(StoreError):
    """A query ran past its time limit."""


class WriteRefused(StoreError):
    """A read-only query tried to write."""


@dataclass
class Result:
    """Named scalar columns and rows of plain Python values (dates as ISO strings)."""

    columns: list[str]
    rows: list[list[Any]]
    stats: dict[str, Any] = field(default_factory=dict)

    def records(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]

    def scalar(self) -> Any:
        return self.rows[0][0] if self.rows else None


def plain(value: Any) -> Any:
    """Dates to ISO strings, containers recursively; nodes/edges are handled by each store."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


class Store(ABC):
    """Run Cypher with parameters, write batches, ensure the schema. Nothing more."""

    url: str
    backend: str  # "falkordb" or "neo4j": the schema and guard code branch on this

    @abstractmethod
    def run(
        self,
        cypher: str,
        params: dict[str, Any] | None = None,
        *,
        read_only: bool = False,
        timeout_ms: int | None = None,
    ) -> Result:
        """Run one statement. ``read_only`` makes the engine itself refuse writes."""

    def write_batch(self, cypher: str, rows: list[dict[str, Any]], **params: Any) -> Result:
        """Run ``cypher`` once with ``$rows`` bound to the batch (an UNWIND statement)."""
        return self.run(cypher, {"rows": rows, **params})

    def prepare_batch(self, cypher: str, rows: list[dict[str, Any]], **params: Any) -> Callable[[], Result]:
        """Do the caller-side work of a batch now (encoding), and return what sends it.

        Ingest prepares batch k+1 in its own thread while a writer thread sends batch k.
        """
        return lambda: self.write_batch(cypher, rows, **params)

    @abstractmethod
    def ensure_schema(self) -> None:
        """Create the indexes and constraints the ontology asks for (idempotent)."""

    @abstractmethod
    def clear(self) -> None:
        """Delete the whole graph (and its schema)."""

    @abstractmethod
    def close(self) -> None: ...

    def version(self) -> str | None:
        """A token that changes whenever data is written through a jiandu store, so readers can
        cache what they computed from the graph. None where the backend cannot say (no caching)."""
        return None

    def counts(self) -> dict[str, dict[str, int]]:
        """Node counts per label and relationship counts per type, from the ontology's names."""
        from graph.ontology import ONTOLOGY

        nodes = {
            label: int(self.run(f"MATCH (n:{label}) RETURN count(n)", read_only=True).scalar() or 0)
            for label in ONTOLOGY.nodes
        }
        rels = {
            rtype: int(self.run(f"MATCH ()-[r:{rtype}]->() RETURN count(r)", read_only=True).scalar() or 0)
            for rtype in ONTOLOGY.relationships
        }
        return {"nodes": nodes, "relationships": rels}

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def resolve_url(url: str | None = None) -> str:
    return url or os.environ.get(ENV_URL) or DEFAULT_URL


def open_store(url: str | None = None, *, graph: str = GRAPH_NAME) -> Store:
    """Open the store named by ``url`` (or $JIANDU_STORE, or the embedded default)."""
    url = resolve_url(url)
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "falkordb+embedded":
        from graph.falkordb_store import EmbeddedFalkorStore

        path = unquote(parts.netloc + parts.path) or "./.jiandu"
        return EmbeddedFalkorStore(path, graph=graph)
    if scheme in ("falkordb", "redis"):
        from graph.falkordb_store import FalkorStore

        return FalkorStore.connect(
            host=parts.hostname or "localhost",
            port=parts.port or 6379,
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            graph=graph,
        )
    if scheme.split("+")[0] in ("neo4j", "bolt"):
        from graph.neo4j_store import Neo4jStore

        user = unquote(parts.username) if parts.username else os.environ.get("NEO4J_USER", "neo4j")
        password = unquote(parts.password) if parts.password else os.environ.get("NEO4J_PASSWORD", "")
        netloc = parts.hostname + (f":{parts.port}" if parts.port else "")
        database = parts.path.strip("/") or os.environ.get("NEO4J_DATABASE") or None
        return Neo4jStore(f"{parts.scheme}://{netloc}", user=user, password=password, database=database)
    raise StoreError(
        f"无法识别的存储地址 (unknown store URL) {url!r}: "
        "use falkordb+embedded://PATH, falkordb://HOST:PORT or neo4j://HOST:PORT"
    )
