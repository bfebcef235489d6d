"""The HTTP API's factory: ``create_app(settings)`` wires the store, the read model, the keys and
the audit log into FastAPI.

Every endpoint but /health needs an `X-API-Key` header; roles nest viewer < investigator <
supervisor < admin. Errors are short JSON messages: no stack traces, paths or store internals.
"""

from __future__ import annotations

import asyncio
import gc
import threading
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline
from starlette.exceptions import HTTPException as StarletteHTTPException

from jiandu.api.audit import AuditRequests
from jiandu.api.deps import Context
from jiandu.api.limits import BodyLimit
from jiandu.api.names import UnknownPatterns, not_found_body
from jiandu.api.routes import ROUTERS
from jiandu.api.routes.workbench import bundle_folder
from jiandu.graph.connect import open_store
from jiandu.graph.embedded import EmbeddedError
from jiandu.graph.store import QueryTimeout, Store, StoreError, StoreUnavailable, WriteRefused
from jiandu.ledger import LedgerError, NoSuchItem, VersionConflict
from jiandu.queries.library import NoSuchNode, QueryError
from jiandu.settings import Settings

RETRY_AFTER_SECONDS = 5  # a store that is down: the embedded one restarts, Neo4j's cluster elects a leader
DESCRIPTION = ("一把手监督关系图谱：关系视图、检测查询、只读 Cypher。\n\nRelationship views, named detection "
               "patterns and guarded read-only Cypher over the supervision graph. Send `X-API-Key`.")


def create_app(settings: Settings | None = None, *, store: Store | None = None) -> FastAPI:
    """The app. With `store`, requests use that open store (tests, notebooks) and the caller closes
    it; without, the app opens the settings' store when it starts and closes it when it stops."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        if store is None:
            app.state.ctx = _serving_context(open_store(settings.store, settings=settings), settings)
        ctx: Context = app.state.ctx
        ctx.builds = asyncio.Semaphore(settings.view_builds or 4)
        try:
            yield
        finally:
            ctx.closing.set()
            if store is None:
                ctx.audit.close()
                ctx.store.close()

    # /docs and /redoc with Swagger UI and ReDoc served from the package, not from a CDN
    app = FastAPIOffline(title="jiandu 监督图谱 API", version="1", description=DESCRIPTION, lifespan=lifespan)
    for router in ROUTERS:
        app.include_router(router)
    # the workbench's script and styles, built from visualizations/workbench and shipped in the package
    app.mount("/workbench", StaticFiles(directory=bundle_folder(), check_dir=False), name="workbench")
    app.add_middleware(UnknownPatterns)
    app.add_middleware(BodyLimit, max_bytes=int(settings.max_body_mb * 1024 * 1024))
    app.add_middleware(AuditRequests)  # outermost of ours: it sees the status every client gets
    if store is not None:
        app.state.ctx = Context(store, settings)
    _add_error_handlers(app)
    return app


def _serving_context(store: Store, settings: Settings) -> Context:
    """The context of a server process: the pinyin index and the hubs warmed in the background, and
    what the process holds once started frozen out of the garbage collector's walks."""
    ctx = Context(store, settings)

    def warm() -> None:
        ctx.model.pinyin.warm(store)
        gc.freeze()  # the index's columns are long-lived too

    threading.Thread(target=warm, daemon=True, name="jiandu-pinyin").start()
    ctx.warm_hubs(store.version(), settle=0)
    # FastAPI, pydantic and the ontology (about 158k objects) live as long as the process, yet
    # every full collection walked them, and those pauses were the API's slowest requests.
    # Frozen, they are never walked again.
    gc.freeze()
    return ctx


def _templates(app: FastAPI, path: str) -> list[str]:
    """Every documented path, its {parameters} filled from `path` where the two have as many parts."""
    parts = path.split("/")
    found = []
    for template in app.openapi()["paths"]:
        pieces = template.split("/")
        if len(pieces) == len(parts):
            pieces = [p if t.startswith("{") else t for t, p in zip(pieces, parts, strict=True)]
        found.append("/".join(pieces))
    return found


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        if exc.status_code == 404 and "endpoint" not in request.scope:  # no route has this path
            return Response(not_found_body("路径", "path", request.url.path, _templates(app, request.url.path)),
                            status_code=404, media_type="application/json")
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(LedgerError)
    async def _ledger(_: Request, exc: LedgerError):
        status = 409 if isinstance(exc, VersionConflict) else 404 if isinstance(exc, NoSuchItem) else 400
        return JSONResponse({"detail": str(exc)}, status_code=status)

    @app.exception_handler(QueryError)
    async def _bad_query(_: Request, exc: QueryError):
        return JSONResponse({"detail": str(exc)}, status_code=404 if isinstance(exc, NoSuchNode) else 400)

    @app.exception_handler(QueryTimeout)
    async def _timeout(_: Request, exc: QueryTimeout):
        return JSONResponse({"detail": str(exc)}, status_code=408)

    @app.exception_handler(WriteRefused)
    async def _write(_: Request, exc: WriteRefused):
        return JSONResponse({"detail": str(exc)}, status_code=400)

    @app.exception_handler(StoreUnavailable)
    @app.exception_handler(EmbeddedError)
    async def _down(_: Request, exc: Exception):
        said = "存储暂时不可达，请稍后重试 (the store is down or unreachable; try again shortly)"
        return JSONResponse({"detail": said}, status_code=503, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})

    @app.exception_handler(StoreError)
    async def _store(_: Request, exc: StoreError):
        # the engine's message may name internals: say only that the store refused
        return JSONResponse({"detail": "存储拒绝了该请求 (the store refused the request)"}, status_code=400)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError):
        problems = [{"loc": e.get("loc"), "msg": e.get("msg"), "type": e.get("type")} for e in exc.errors()]
        return JSONResponse({"detail": problems}, status_code=422)

    @app.exception_handler(Exception)
    async def _anything(_: Request, exc: Exception):
        return JSONResponse({"detail": "内部错误 (internal error)"}, status_code=500)
