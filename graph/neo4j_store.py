"""Neo4j 5 through the official driver: the production and scale-out store.

py2neo is not used: it is end-of-life and cannot speak the Bolt versions newer Neo4j prefers.
"""

from __future__ import annotations

from typing import Any

from jiandu.graph import schema
from jiandu.graph.store import QueryTimeout, Result, Store, StoreError, WriteRefused, plain


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

    def __init__(self, uri: str, user: str, password: str, database: str | None = None):
        import neo4j

        self.url = uri
        self.database = database
        try:
            self.driver = neo4j.GraphDatabase.driver(uri, auth=(user, password))
            self.driver.verify_connectivity()
        except Exception as exc:  # noqa: BLE001 - every driver failure becomes one clear message
            raise StoreError(f"无法连接 Neo4j (cannot reach Neo4j) at {uri}: {exc}") from None

    def run(self, cypher: str, params: dict[str, Any] | None = None, *, read_only: bool = False,
            timeout_ms: int | None = None) -> Result:
        import neo4j
        from neo4j.exceptions import ClientError, Neo4jError

        query = neo4j.Query(cypher, timeout=timeout_ms / 1000 if timeout_ms else None)
        mode = neo4j.READ_ACCESS if read_only else neo4j.WRITE_ACCESS

        def work(tx):
            res = tx.run(query, params or {})
            rows = [[_plain(v) for v in rec.values()] for rec in res]
            return list(res.keys()), rows, res.consume().counters

        try:
            with self.driver.session(database=self.database, default_access_mode=mode) as session:
                runner = session.execute_read if read_only else session.execute_write
                columns, rows, counters = runner(work)
        except ClientError as exc:
            code = exc.code or ""
            if "TransactionTimedOut" in code or "Timeout" in code:
                raise QueryTimeout(f"查询超时 (query timed out after {timeout_ms} ms)") from None
            if "AccessMode" in code or "ForbiddenOnReadOnlyDatabase" in code:
                raise WriteRefused("只读查询不能写入 (a read-only query may not write)") from None
            raise StoreError(exc.message or str(exc)) from None
        except Neo4jError as exc:
            raise StoreError(exc.message or str(exc)) from None
        stats = {"nodes_created": counters.nodes_created,
                 "relationships_created": counters.relationships_created,
                 "properties_set": counters.properties_set}
        return Result(columns, rows, {k: v for k, v in stats.items() if v})

    def ensure_schema(self) -> None:
        for stmt in schema.neo4j_statements():
            self.run(stmt)

    def clear(self, batch: int = 10_000) -> None:
        """Delete everything, `batch` nodes per transaction: one transaction for a large database
        would hold every deletion in memory at once."""
        while self.run("MATCH (n) WITH n LIMIT $batch DETACH DELETE n RETURN count(*)", {"batch": batch}).scalar():
            pass

    def close(self) -> None:
        self.driver.close()
