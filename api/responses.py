"""How a view is answered: from the view cache while the graph has not changed, else built in
the thread pool (building waits on the store), cached, and audited either way."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable

import orjson
from fastapi import Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from jiandu.api.deps import audited, context
from jiandu.api.schemas import GraphView
from jiandu.views import Subgraph
from jiandu.visualizations import render

# what a view answers: the graph as JSON, or with format=html the interactive picture
VIEW = {200: {"model": GraphView, "description": "子图 the subgraph (json) 或交互图 or its picture (format=html)",
              "content": {"text/html": {"schema": {"type": "string"}}}}}
FORMAT = Query("json", pattern="^(json|html)$", description="json 或 html 交互图 (interactive picture)")


async def serve_view(request: Request, what: dict, build: Callable[[str | None], Subgraph], fmt: str,
                     title: str) -> Response:
    """`build(version)` reads the graph; the version read here is passed on, not read again."""
    ctx = context(request)
    version = ctx.store.version()
    ctx.warm_hubs(version)  # the graph was written to since the hubs were counted
    # the path, every query parameter (depth, types, dates, limit, format) and the body's (what)
    key = json.dumps([request.url.path, sorted(request.query_params.multi_items()), what], sort_keys=True,
                     default=str, ensure_ascii=False)
    cached = ctx.views.get(version, key) if version is not None else None
    if cached is not None:
        body, _ = audited(request, {**what, "cached": True}, lambda: cached, lambda r: r[1])
    else:
        def run() -> tuple[bytes, int]:
            sub = build(version)
            page = render.page(sub, title).encode() if fmt == "html" else orjson.dumps(sub.as_json())
            if version is not None:
                ctx.views.put(version, key, page, len(sub.nodes))
            return page, len(sub.nodes)

        async with ctx.builds or contextlib.nullcontext():  # None: the app was not started by a server
            body, _ = await run_in_threadpool(audited, request, what, run, lambda r: r[1])
    return Response(body, media_type="text/html; charset=utf-8" if fmt == "html" else "application/json")
