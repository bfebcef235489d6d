"""The HTTP API: `create_app()` wires the store, the keys and the audit log into FastAPI.

Every endpoint but /health needs an `X-API-Key` header; roles nest viewer < investigator <
admin. Errors are short JSON messages: no stack traces, paths or store internals.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import hashlib
import os
import threading
import time
from collections.abc import Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.security import APIKeyHeader

from api.audit import AuditLog
from api.keys import Key, KeyStore
from api.pinyin_index import PinyinIndex
from graph.cache import FolderCache
from graph.store import QueryTimeout, Store, StoreError, WriteRefused, open_store
from queries.library import QueryError
from visualizations import subgraph

# a hub's rows are at most 2 × 60 neighbours, 16 KB for a median one: room for all ~3,000 hubs of a
# million-node graph (47 MB) and those that views through chosen relationship types find
HUB_CACHE_BYTES = 256 * 1024 * 1024
HUB_SETTLE_SECONDS = 10.0  # a graph written to must stay unchanged this long before its hubs are counted
API_KEY = APIKeyHeader(name="X-API-Key", auto_error=False, description="jiandu keys create --role …")


class Context:
    """What every request needs: the store, the keys, the audit log, the limits."""

    def __init__(self, store: Store, data_dir: Path, cypher_timeout_ms: int = 10_000, max_rows: int = 5_000):
        self.store = store
        self.keys = KeyStore(data_dir / "api_keys.json")
        self.audit = AuditLog(data_dir / "audit.jsonl")
        self.data_dir = data_dir
        self.cypher_timeout_ms = cypher_timeout_ms
        self.max_rows = max_rows
        self.pinyin = PinyinIndex(data_dir)
        # JIANDU_VIEW_CACHE_MB (set by `jiandu serve --view-cache-mb`): 0 turns the cache off; one
        # folder per store and graph, so servers of different graphs never read each other's views
        store_id = hashlib.sha1(f"{store.url}#{getattr(store, 'graph_name', '')}".encode()).hexdigest()[:12]
        cache_bytes = int(float(os.environ.get("JIANDU_VIEW_CACHE_MB", "256")) * 1024 * 1024)
        self.views = FolderCache(data_dir / "views" / store_id, cache_bytes)
        # hubs' neighbour rows, shared by the workers the same way (each worker also keeps its own);
        # not turned off with the view cache: counting a hub's relationships is work, not an answer
        self.hubs = FolderCache(data_dir / "hubs" / store_id, HUB_CACHE_BYTES, listed=True)
        subgraph.share_hubs(self.hubs)
        self._hubs_version: str | None = None  # the version whose hubs this process has seen to
        # Views this process builds at once; the rest wait their turn, first come first served.
        # Built all at once, 20 views share the cores and each is stretched: with 20 clients and
        # no view cache, p99 was 2.7 times p50; one at a time per worker, 1.7–1.9 times.
        self.builds_at_once = int(os.environ.get("JIANDU_VIEW_BUILDS", "4"))
        self.builds: asyncio.Semaphore | None = None  # made in the server's event loop (lifespan)
        self.closing = threading.Event()  # set when the app stops: hub counting waiting to start gives up

    def warm_hubs(self, version: str | None, settle: float = HUB_SETTLE_SECONDS) -> None:
        """Have the hubs of the graph at `version` counted in the background, once per version by
        one of the server's processes (`subgraph.warm_hubs`), `settle` seconds from now if the
        graph is still at that version then: writes come in batches, and each batch is a version."""
        if version is None or version == self._hubs_version:
            return
        self._hubs_version = version
        threading.Thread(target=self._warm_hubs, args=(version, settle), daemon=True, name="jiandu-hubs").start()

    def _warm_hubs(self, version: str, settle: float) -> None:
        if self.closing.wait(settle):
            return
        with contextlib.suppress(Exception):  # only a head start: unwarmed, each view counts its hubs itself
            if self.store.version() == version:
                self.hubs.run_once(version, "warm", lambda: subgraph.warm_hubs(self.store, version))


def require(role: str) -> Callable[..., Key]:
    """A dependency: the caller's key, which must carry at least `role`."""

    # async: a stat and a hash, no I/O wait; a sync dependency would cost every request a hop
    # to the thread pool (and one more GIL hand-off) before the endpoint's own
    async def check(request: Request, presented: str | None = Depends(API_KEY)) -> Key:
        key = request.app.state.ctx.keys.verify(presented)
        if key is None:
            raise HTTPException(401, "缺少或无效的 API 密钥 (missing, unknown or revoked API key)")
        if not key.can(role):
            raise HTTPException(403, f"角色 {key.role} 无权访问，需要 {role} (role {key.role} may not; needs {role})")
        request.state.key = key
        return key

    return check


def audited(request: Request, what: dict[str, Any], run: Callable[[], Any], rows: Callable[[Any], int]) -> Any:
    """Run a data request and write its audit line, whatever the outcome."""
    ctx: Context = request.app.state.ctx
    key: Key = request.state.key
    started = time.perf_counter()
    outcome, count = "ok", None
    try:
        result = run()
        count = rows(result)
        return result
    except HTTPException as exc:
        outcome = f"refused {exc.status_code}"
        raise
    except Exception as exc:  # noqa: BLE001 - logged, then mapped to a safe response by the handlers
        outcome = f"error {type(exc).__name__}"
        raise
    finally:
        ctx.audit.write(key_id=key.key_id, role=key.role, method=request.method, endpoint=request.url.path,
                        **what, rows=count, duration_ms=round((time.perf_counter() - started) * 1000, 1),
                        outcome=outcome)


def create_app(store_url: str | None = None, data_dir: Path | None = None, store: Store | None = None,
               **limits: int) -> FastAPI:
    from api import routes

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        if store is None:  # else a caller's store: the context was set up already
            the_store = open_store(store_url)
            folder = data_dir or getattr(getattr(the_store, "server", None), "path", None) or Path(".jiandu").resolve()
            app.state.ctx = Context(the_store, Path(folder), **limits)

            def warm() -> None:
                app.state.ctx.pinyin.warm(the_store)
                gc.freeze()  # the index's columns are long-lived too

            threading.Thread(target=warm, daemon=True, name="jiandu-pinyin").start()
            app.state.ctx.warm_hubs(the_store.version(), settle=0)
            # A server's process is ours: what it holds once started (FastAPI, pydantic, the
            # ontology: about 158k objects) lives as long as the process, yet every full garbage
            # collection walked it, 100-120 ms each, and those pauses were the API's slowest
            # requests. Frozen, they are never walked again (a full collection: under 1 ms).
            gc.freeze()
        app.state.ctx.builds = asyncio.Semaphore(app.state.ctx.builds_at_once)
        try:
            yield
        finally:
            app.state.ctx.closing.set()
            if store is None:
                app.state.ctx.audit.close()
                app.state.ctx.store.close()

    app = FastAPI(
        title="jiandu 监督图谱 API",
        version="1",
        description="一把手监督关系图谱：关系视图、检测查询、只读 Cypher。\n\nRelationship views, named detection "
                    "patterns and guarded read-only Cypher over the supervision graph. Send `X-API-Key`.",
        lifespan=lifespan,
    )
    for router in routes.ROUTERS:
        app.include_router(router)
    if store is not None:
        app.state.ctx = Context(store, Path(data_dir or Path(".jiandu").resolve()), **limits)

    @app.exception_handler(QueryError)
    async def _bad_query(_: Request, exc: QueryError):
        return JSONResponse({"detail": str(exc)}, status_code=400)

    @app.exception_handler(QueryTimeout)
    async def _timeout(_: Request, exc: QueryTimeout):
        return JSONResponse({"detail": str(exc)}, status_code=408)

    @app.exception_handler(WriteRefused)
    async def _write(_: Request, exc: WriteRefused):
        return JSONResponse({"detail": str(exc)}, status_code=400)

    @app.exception_handler(StoreError)
    async def _store(_: Request, exc: StoreError):
        # the engine's message may name internals: say only that the store refused
        return JSONResponse({"detail": "存储拒绝了该请求 (the store refused the request)"}, status_code=400)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError):
        problems = [{"loc": e.get("loc"), "msg": e.get("msg")} for e in exc.errors()]
        return JSONResponse({"detail": problems}, status_code=422)

    @app.exception_handler(Exception)
    async def _anything(_: Request, exc: Exception):
        return JSONResponse({"detail": "内部错误 (internal error)"}, status_code=500)

    return app
