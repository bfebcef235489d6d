"""The one path an investigator's own Cypher takes, from `jiandu cypher` and `POST /api/v1/cypher`
alike: the guard (one bounded, read-only statement), the lint (what may mislead), then the store
in read-only mode with a time limit."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from jiandu.graph.store import QueryTimeout, Result, Store, StoreError, StoreUnavailable, WriteRefused
from jiandu.queries import guard
from jiandu.queries.lint import Warning, lint


@dataclass
class Asked:
    result: Result
    warnings: list[Warning]


class EngineRefused(StoreError):
    """The engine refused a query jiandu let through; the message names the construct when the
    lint knows it, with the portable way."""


def vet(query: str) -> list[Warning]:
    """The warnings for `query`; raises `guard.Rejected` with the reason when it may not run."""
    guard.check(query)
    return lint(query)


def ask(store: Store, query: str, params: dict[str, Any] | None = None, *, timeout_ms: int,
        vetted: list[Warning] | None = None) -> Asked:
    """Run a user's query (`vetted`: what `vet` already said of it)."""
    warnings = vet(query) if vetted is None else vetted
    try:
        return Asked(store.run(query, params or {}, read_only=True, timeout_ms=timeout_ms), warnings)
    except (StoreUnavailable, QueryTimeout, WriteRefused):
        raise
    except StoreError as exc:
        dialect = [str(w) for w in warnings if w.kind == "dialect"]
        raise EngineRefused("; ".join(dialect) or f"存储拒绝了该查询 (the engine refused the query): {exc}") from None
