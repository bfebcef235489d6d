"""The one small interface every store offers (``jiandu.graph.connect`` opens one by URL)."""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from jiandu.graph.ontology import ONTOLOGY

GRAPH_NAME = "jiandu"


class StoreError(RuntimeError):
    """A store refused or failed a query; the message is safe to show a user."""


class StoreUnavailable(StoreError):
    """The store is down or cannot be reached; the same request may succeed once it is back."""


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


def together(parts: list[tuple[str, list[dict[str, Any]]]], **params: Any) -> tuple[str, dict[str, Any]]:
    """The one statement (and its parameters) that ``Store.write_together`` runs for `parts`."""
    calls = " ".join(f"CALL {{ {cypher.replace(' AS written', f' AS written{i}')} }}"
                     for i, (cypher, _) in enumerate(parts))
    columns = ", ".join(f"written{i}" for i in range(len(parts)))
    bound = {f"rows{i}": rows for i, (_, rows) in enumerate(parts)}
    return f"{calls} RETURN {columns}", {**bound, **params}


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

    def write_together(self, parts: list[tuple[str, list[dict[str, Any]]]], **params: Any) -> list[int]:
        """Run several batch statements as one statement, so that all of them land or none does.

        Each part is (cypher, rows): a statement reading its rows from the parameter named in it
        (``$rows0``, ``$rows1`` …, in order) and returning one count column, ``written``. The
        parts run in order, each inside a ``CALL { }`` that sees what the ones before it wrote,
        and one transaction holds them all (FalkorDB undoes a query that fails; Neo4j rolls
        back the transaction). Returns each part's count.
        """
        if not parts:
            return []
        cypher, bound = together(parts, **params)
        row = self.run(cypher, bound).rows
        return [int(v or 0) for v in row[0]] if row else [0] * len(parts)

    @abstractmethod
    def ensure_schema(self) -> None:
        """Create the indexes and constraints the ontology asks for (idempotent)."""

    @abstractmethod
    def clear(self) -> None:
        """Delete the whole graph (FalkorDB: with its schema; Neo4j keeps the ontology's constraints
        and indexes)."""

    @abstractmethod
    def close(self) -> None: ...

    def version(self) -> str | None:
        """A token that changes whenever data is written through a jiandu store, so readers can
        cache what they computed from the graph. None where the backend cannot say (no caching)."""
        return None

    def remembered(self, name: str, compute: Callable[[], Any]) -> Any:
        """`compute()`, a JSON value; a store that can keeps it under its version and answers
        from it, for any process, until the next write (this one cannot: it computes)."""
        return compute()

    def counts(self) -> dict[str, dict[str, int]]:
        """Node counts per label and relationship counts per type, from the ontology's names."""
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
