"""FalkorDB stores: the embedded default and a server someone else runs."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import re
import time
from collections.abc import Callable
from json.encoder import encode_basestring
from pathlib import Path
from typing import Any

import redis
from falkordb import FalkorDB
from falkordb.helpers import quote_string

from jiandu.graph import schema
from jiandu.graph.embedded import EmbeddedServer
from jiandu.graph.falkordb_reply import statistics, table
from jiandu.graph.store import GRAPH_NAME, QueryTimeout, Result, Store, StoreError, StoreUnavailable, WriteRefused

# No single call may wait longer than this for the server: a wedged server becomes an error,
# not a hang. Queries that need a limit of their own pass timeout_ms, enforced by the engine.
SOCKET_TIMEOUT = 600
MEMO_SECONDS = 24 * 3600  # how long a remembered answer is kept (it is exact only while the version holds)

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_ODD_CONTROL = re.compile(r"[\x00-\x07\x0b\x0e-\x1f]")


def literal(value: Any) -> str:
    """A Cypher literal for FalkorDB's parameter header.

    The client's own serializer walks every value in Python; batches of thousands of rows
    spent more time there than in the engine. JSON's C string escaper writes escapes that
    FalkorDB reads back exactly (newline, tab, quote, backslash), except its unicode escapes
    for rare control characters: those strings go raw through the client's quoting instead.
    """
    if isinstance(value, str):
        return quote_string(value) if _ODD_CONTROL.search(value) else encode_basestring(value)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(map(literal, value)) + "]"
    if isinstance(value, dict):
        return "{" + ",".join(
            f"{k if _IDENTIFIER.match(k) else '`' + k + '`'}:{literal(v)}" for k, v in value.items()
        ) + "}"
    if isinstance(value, (dt.date, dt.datetime)):
        return encode_basestring(value.isoformat())
    raise StoreError(f"不支持的参数类型 (unsupported parameter type): {type(value).__name__}")


_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode


def _keys(value: Any, into: set[str]) -> set[str]:
    """Every map key inside `value` (maps and lists are walked; other values are not)."""
    if isinstance(value, dict):
        into.update(value)
        for v in value.values():
            if isinstance(v, (dict, list)):
                _keys(v, into)
    elif isinstance(value, list) and value and isinstance(value[0], (dict, list)):
        for v in value:
            _keys(v, into)
    return into


def _json_literal(value: Any) -> str | None:
    """`value` as a Cypher literal through the C JSON encoder, or None where it cannot be.

    A batch of rows is mostly strings, and walking it in Python was most of a batch's cost on
    our side. JSON differs from a Cypher literal only in its quoted map keys, which become bare
    keys here. A structural key is the only place the text ``"key":`` can occur (a quote inside
    a string is escaped), so replacing it is exact; whatever is left undone (a key that needs
    backticks, a unicode escape for a control character) sends the value the slow way.
    """
    try:
        text = _JSON(value)
    except (TypeError, ValueError):  # a date object, a float that is not finite
        return None
    if "\\u" in text:
        return None
    for key in _keys(value, set()):
        if not _IDENTIFIER.match(key):
            return None
        text = text.replace(f'"{key}":', f"{key}:")
    return None if '":' in text else text


def _with_params(cypher: str, params: dict[str, Any] | None) -> str:
    if not params:
        return cypher
    for name in params:
        if not _IDENTIFIER.match(name):
            raise StoreError(f"参数名无效 (invalid parameter name): {name!r}")
    return "CYPHER " + " ".join(f"{k}={_param(v)}" for k, v in params.items()) + " " + cypher


def _param(value: Any) -> str:
    if isinstance(value, (list, dict)):
        fast = _json_literal(value)
        if fast is not None:
            return fast
    return literal(value)


class FalkorStore(Store):
    backend = "falkordb"

    def __init__(self, db: FalkorDB, url: str, graph: str = GRAPH_NAME):
        self.db = db
        self.url = url
        self.graph_name = graph
        self.graph = db.select_graph(graph)
        self._version_key = f"jiandu:version:{graph}"

    @classmethod
    def connect(cls, host: str, port: int, username: str | None, password: str | None,
                graph: str = GRAPH_NAME) -> FalkorStore:
        try:
            db = FalkorDB(host=host, port=port, username=username, password=password,
                          socket_timeout=SOCKET_TIMEOUT)
        except (redis.ConnectionError, OSError) as exc:
            raise StoreUnavailable(f"无法连接 FalkorDB (cannot reach FalkorDB) at {host}:{port}: {exc}") from None
        return cls(db, f"falkordb://{host}:{port}", graph)

    def run(self, cypher: str, params: dict[str, Any] | None = None, *, read_only: bool = False,
            timeout_ms: int | None = None) -> Result:
        return self._execute(_with_params(cypher, params), read_only=read_only, timeout_ms=timeout_ms)

    def prepare_batch(self, cypher: str, rows: list[dict[str, Any]], **params: Any) -> Callable[[], Result]:
        query = _with_params(cypher, {"rows": rows, **params})
        return lambda: self._execute(query)

    def _execute(self, query: str, *, read_only: bool = False, timeout_ms: int | None = None,
                 _retried: bool = False) -> Result:
        command: list[Any] = ["GRAPH.RO_QUERY" if read_only else "GRAPH.QUERY", self.graph_name, query, "--compact"]
        if timeout_ms is not None:
            command += ["timeout", int(timeout_ms)]
        try:
            reply = self.graph.execute_command(*command)
            for part in (reply[0], reply[-1]):  # errors found while running come inside the reply
                if isinstance(part, redis.ResponseError):
                    raise part
            columns, rows = table(reply, self.graph)
        except redis.ResponseError as exc:
            msg = str(exc)
            if read_only and "empty key" in msg and not _retried:
                # no graph until the first write: make the empty one, so `RETURN 1` answers a row
                self.graph.execute_command("GRAPH.QUERY", self.graph_name, "RETURN 0", "--compact")
                return self._execute(query, read_only=True, timeout_ms=timeout_ms, _retried=True)
            if "timed out" in msg.lower():
                raise QueryTimeout(f"查询超时 (query timed out after {timeout_ms} ms)") from None
            if "read-only" in msg:
                raise WriteRefused("只读查询不能写入 (a read-only query may not write)") from None
            raise StoreError(msg) from None
        except (redis.ConnectionError, redis.TimeoutError, OSError) as exc:
            raise StoreUnavailable(f"与 FalkorDB 的连接中断 (lost the FalkorDB connection): {exc}") from None
        if not read_only:
            self._written()
        return Result(columns, rows, statistics(reply))

    def ensure_schema(self) -> None:
        created = False
        existing = {(r[0], r[1]) for r in self._existing_indexes()}
        for stmt in schema.falkordb_indexes():
            label = stmt.split(":", 1)[1].split(")", 1)[0]
            prop = stmt.rsplit(".", 1)[1].rstrip(")")
            if (label, prop) not in existing:
                self.run(stmt)
                created = True
        have = {r[0] for r in self.run("CALL db.constraints() YIELD label RETURN label").rows}
        for args in schema.falkordb_constraints():
            if args[2] not in have:
                self.db.connection.execute_command("GRAPH.CONSTRAINT", "CREATE", self.graph_name, *args)
                created = True
        self._wait_for_constraints()
        if created:
            self._compact_log()

    def _wait_for_constraints(self) -> None:
        # constraints are built in the background; ingest must not start before they hold
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            status = self.run("CALL db.constraints() YIELD status RETURN status").rows
            if all(s == "OPERATIONAL" for (s,) in status):
                return
            if any(s == "FAILED" for (s,) in status):
                raise StoreError("唯一约束创建失败 (a uniqueness constraint failed: duplicate ids in the graph?)")
            time.sleep(0.02)

    def _compact_log(self) -> None:
        """Hook for stores with an append-only file to fold schema changes into a snapshot."""

    def _existing_indexes(self) -> list[tuple[str, str]]:
        try:
            rows = self.run("CALL db.indexes() YIELD label, properties RETURN label, properties").rows
        except StoreError:
            return []  # no graph yet
        return [(label, p) for label, props in rows for p in props]

    def clear(self) -> None:
        with contextlib.suppress(redis.ResponseError):  # no graph yet: nothing to delete
            self.graph.delete()
        self.graph = self.db.select_graph(self.graph_name)
        self._written()

    def _written(self) -> None:
        # one counter per graph, next to it in the same server: every jiandu writer bumps it
        try:
            self.db.connection.incr(self._version_key)
        except (redis.RedisError, OSError) as exc:
            raise StoreUnavailable(f"与 FalkorDB 的连接中断 (lost the FalkorDB connection): {exc}") from None

    def version(self) -> str | None:
        try:
            value = self.db.connection.get(self._version_key)
        except (redis.RedisError, OSError) as exc:
            raise StoreUnavailable(f"与 FalkorDB 的连接中断 (lost the FalkorDB connection): {exc}") from None
        return (value or b"0").decode() if isinstance(value, bytes) else str(value or 0)

    def remembered(self, name: str, compute: Callable[[], Any]) -> Any:
        """Kept in the server beside the version counter, for a day at most: every jiandu process
        that asks while the graph is unchanged gets the answer without computing it again."""
        version = self.version()
        key = f"jiandu:memo:{self.graph_name}:{hashlib.sha1(name.encode()).hexdigest()}"
        kept = self.db.connection.get(key)
        if kept is not None:
            seen, value = json.loads(kept)
            if seen == version:
                return value
        value = compute()
        with contextlib.suppress(redis.RedisError):  # a server that refuses the key: no memory, same answer
            self.db.connection.set(key, json.dumps([version, value], ensure_ascii=False), ex=MEMO_SECONDS)
        return value

    def close(self) -> None:
        with contextlib.suppress(Exception):  # closing a dead connection must not mask the real error
            self.db.connection.close()


class EmbeddedFalkorStore(FalkorStore):
    """FalkorDB started by us in a data folder, shared between jiandu processes."""

    def __init__(self, path: str | Path, graph: str = GRAPH_NAME):
        self.server = EmbeddedServer(path)
        socket = self.server.acquire()
        try:
            db = FalkorDB(unix_socket_path=str(socket), socket_timeout=SOCKET_TIMEOUT)
        except Exception:
            self.server.release()
            raise
        super().__init__(db, f"falkordb+embedded://{self.server.path}", graph)

    def _compact_log(self) -> None:
        """Rewrite the append-only file after a schema change, and wait for it.

        FalkorDB 4.x replays index and constraint commands out of step with the data (index
        builds are asynchronous): replaying a log that dropped and re-created a graph's schema
        logged thousands of "missing supporting exact-match index" errors here, and once
        crashed the server on start. After a rewrite the schema lives in the snapshot at the
        head of the log, and only data changes follow it.
        """
        conn = self.db.connection
        with contextlib.suppress(redis.ResponseError):  # a rewrite already running is fine
            conn.bgrewriteaof()
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            info = conn.info("persistence")
            if not info.get("aof_rewrite_in_progress") and not info.get("aof_rewrite_scheduled"):
                return
            time.sleep(0.02)

    def close(self) -> None:
        super().close()
        self.server.release()
