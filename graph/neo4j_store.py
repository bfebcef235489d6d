"""Neo4j 5 through the official driver: the production and scale-out store.

py2neo is not used: it is end-of-life and cannot speak the Bolt versions newer Neo4j prefers.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterator
from typing import Any

from jiandu.graph import schema
from jiandu.graph.store import QueryTimeout, Result, Store, StoreError, StoreUnavailable, WriteRefused, plain


def _plain(value: Any) -> Any:
    import neo4j.graph
    import neo4j.time

    if isinstance(value, neo4j.graph.Node):
        return {"id": value.get("id"), "labels": sorted(value.labels), "properties": _plain(dict(value))}
    if isinstance(value, neo4j.graph.Relationship):
        return {"type": value.type, "source": value.start_node.element_id,
                "target": value.end_node.element_id, "properties": _plain(dict(value))}
    if isinstance(value, neo4j.graph.Path):
        return {"nodes": [_plain(n) for n in value.nodes], "edges": [_plain(r) for r in value.relationships]}
    if isinstance(value, (neo4j.time.Date, neo4j.time.DateTime)):
        return value.iso_format()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return plain(value)


class Neo4jStore(Store):
    backend = "neo4j"

    def __init__(self, uri: str, user: str, password: str, database: str | None = None,
                 retry_seconds: float = 5.0):
        import neo4j

        self.url = uri
        self.database = database
        try:
            self.driver = neo4j.GraphDatabase.driver(uri, auth=(user, password),
                                                     max_transaction_retry_time=retry_seconds,
                                                     connection_acquisition_timeout=max(retry_seconds, 5.0),
                                                     # the server's hints ("property key does not exist")
                                                     # would be logged to every CLI user's terminal
                                                     notifications_min_severity="OFF")
            self.driver.verify_connectivity()
        except Exception as exc:  # noqa: BLE001 - every driver failure becomes one clear message
            raise StoreUnavailable(f"无法连接 Neo4j (cannot reach Neo4j) at {uri}: {exc}") from None

    def run(self, cypher: str, params: dict[str, Any] | None = None, *, read_only: bool = False,
            timeout_ms: int | None = None) -> Result:
        import neo4j

        @neo4j.unit_of_work(timeout=timeout_ms / 1000 if timeout_ms else None)
        def work(tx):
            res = tx.run(cypher, params or {})
            rows = [[_plain(v) for v in rec.values()] for rec in res]
            return list(res.keys()), rows, res.consume().counters

        mode = neo4j.READ_ACCESS if read_only else neo4j.WRITE_ACCESS
        with self._errors(timeout_ms), self.driver.session(database=self.database, default_access_mode=mode) as session:
            columns, rows, counters = (session.execute_read if read_only else session.execute_write)(work)
        stats = {"nodes_created": counters.nodes_created,
                 "relationships_created": counters.relationships_created,
                 "properties_set": counters.properties_set}
        return Result(columns, rows, {k: v for k, v in stats.items() if v})

    @contextlib.contextmanager
    def _errors(self, timeout_ms: int | None = None) -> Iterator[None]:
        """Neo4j's status codes as our errors, with messages a user can act on."""
        from neo4j.exceptions import DriverError, Neo4jError

        try:
            yield
        except Neo4jError as exc:
            code = exc.code or ""
            if "TransactionTimedOut" in code:
                raise QueryTimeout(f"查询超时 (query timed out after {timeout_ms} ms)") from None
            if code.endswith(("Statement.AccessMode", "ForbiddenOnReadOnlyDatabase")):
                raise WriteRefused("只读查询不能写入 (a read-only query may not write)") from None
            if code.endswith(("DatabaseUnavailable", "Unavailable")):
                raise StoreUnavailable(f"Neo4j 数据库不可用 (the database is unavailable): {exc.message}") from None
            raise StoreError(exc.message or str(exc)) from None
        except DriverError as exc:  # the server is down or unreachable
            raise StoreUnavailable(f"与 Neo4j 的连接中断 (lost the Neo4j connection): {exc}") from None

    def ensure_schema(self) -> None:
        for stmt in schema.neo4j_statements():
            self.run(stmt)

    def version(self) -> str | None:
        """The database's last committed transaction, as Neo4j reports it: a read transaction's
        bookmark names the newest transaction it could see, so any write, by any client, changes it."""
        with self._errors(), self.driver.session(database=self.database) as session:
            session.run("RETURN 1").consume()
            marks = sorted(session.last_bookmarks().raw_values)
        return hashlib.sha1("|".join(marks).encode()).hexdigest()[:16] if marks else None

    def clear(self, batch: int = 10_000) -> None:
        """Delete every node and relationship, `batch` nodes per inner transaction (`CALL { } IN
        TRANSACTIONS`: one transaction for a large database would hold every deletion in memory
        at once). Constraints and indexes stay: they are the ontology's, the same for any data,
        and making them again costs a schema transaction each."""
        with self._errors(), self.driver.session(database=self.database) as session:
            session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF $batch ROWS",
                        {"batch": batch}).consume()

    def close(self) -> None:
        self.driver.close()
