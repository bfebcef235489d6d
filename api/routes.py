"""The API's endpoints, one router per resource."""

from __future__ import annotations

import contextlib
import json
import tempfile
from pathlib import Path
from typing import Any, Literal

import orjson
from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from pydantic import BaseModel, Field

from api import guard
from api.app import audited, require
from api.pinyin_index import is_pinyin_query
from graph.ontology import ONTOLOGY
from queries.library import get, library, run_named
from visualizations import render, subgraph

V1 = "/api/v1"
MAX_PAGE = 1000
LabelName = Literal[tuple(ONTOLOGY.nodes)]  # type: ignore[valid-type]


# -- models: the API contract -----------------------------------------------------------------
class GraphView(BaseModel):
    nodes: list[dict[str, Any]] = Field(description="{id, label, name, properties}")
    edges: list[dict[str, Any]] = Field(description="{source, source_label, target, target_label, type, properties}")
    left_out: int = Field(description="节点上限截去的节点数 nodes the limit left out")


class PatternInfo(BaseModel):
    name: str
    title: str
    zh: str
    en: str
    parameters: dict[str, dict[str, Any]]
    columns: dict[str, str]


class PatternRun(BaseModel):
    params: dict[str, Any] = Field(default_factory=dict, description="查询参数 query parameters")
    limit: int = Field(100, ge=1, le=MAX_PAGE, description=f"每页行数 rows per page (≤ {MAX_PAGE})")
    offset: int = Field(0, ge=0, description="起始行 rows to skip")


class Table(BaseModel):
    columns: list[str]
    rows: list[list[Any]]


class Rows(Table):
    total: int = Field(description="全部行数 rows in the whole result")
    limit: int
    offset: int


class CypherRequest(BaseModel):
    query: str = Field(max_length=20_000, description="只读 Cypher read-only Cypher")
    params: dict[str, Any] = Field(default_factory=dict)
    limit: int = Field(1000, ge=1, le=5000, description="行数上限 row cap (≤ 5000)")


class CypherRows(Table):
    truncated: bool = Field(description="是否因行数上限截断 cut at the row cap")
    row_cap: int
    timeout_ms: int


class IngestRequest(BaseModel):
    records: list[dict[str, Any]] = Field(max_length=50_000, description="节点或关系记录 node or relationship records")


class DocumentUpload(BaseModel):
    name: str = Field(min_length=1, max_length=200, pattern=r"^[^/\\\x00-\x1f]+$",
                      description="文档名, 用作出处 document name, used in provenance")
    text: str = Field(min_length=1, max_length=5_000_000, description="报告全文 the report's text")
    format: Literal["text", "markdown", "html"] = Field("text", description="文本格式 text, markdown or html")


class IngestResult(BaseModel):
    nodes: int
    relationships: int
    rejected: int
    rejects: list[dict[str, Any]]


class NewKey(BaseModel):
    role: Literal["viewer", "investigator", "admin"]
    name: str = Field("", max_length=200)


# -- helpers -------------------------------------------------------------------------------
def _ctx(request: Request):
    return request.app.state.ctx


async def _view(request: Request, what: dict, build, fmt: str, title: str) -> Response:
    """Serve a view from the cache when the graph has not changed since it was built, else build it
    (in the thread pool: building waits on the store) and cache it; audit it either way.
    `build(version)` reads the graph; the version read here is passed on, not read again."""
    ctx = _ctx(request)
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


# what a view answers: the graph as JSON, or with format=html the interactive picture
VIEW = {200: {"model": GraphView, "description": "子图 the subgraph (json) 或交互图 or its picture (format=html)",
              "content": {"text/html": {"schema": {"type": "string"}}}}}
FORMAT = Query("json", pattern="^(json|html)$", description="json 或 html 交互图 (interactive picture)")

health = APIRouter(tags=["health"])
views = APIRouter(prefix=V1, tags=["views 关系视图"], dependencies=[Depends(require("viewer"))])
patterns = APIRouter(prefix=V1 + "/patterns", tags=["patterns 检测查询"], dependencies=[Depends(require("viewer"))])
search = APIRouter(prefix=V1, tags=["search 检索"], dependencies=[Depends(require("viewer"))])
cypher = APIRouter(prefix=V1, tags=["cypher 只读查询"], dependencies=[Depends(require("investigator"))])
admin = APIRouter(prefix=V1, tags=["admin 管理"], dependencies=[Depends(require("admin"))])


@health.get("/health", summary="存储是否可达及数量 store reachable, counts",
            description="hubs_warm: 枢纽节点的邻居已预先统计 the hubs' neighbours have been counted for views "
                        "(a server does it in the background at start and after writes)")
def get_health(request: Request) -> dict[str, Any]:
    ctx = _ctx(request)
    try:
        counts = ctx.store.counts()
        version = ctx.store.version()
    except Exception:  # noqa: BLE001 - health says "down", never why in detail
        return {"status": "down"}
    return {"status": "ok", "nodes": sum(counts["nodes"].values()),
            "relationships": sum(counts["relationships"].values()),
            "hubs_warm": version is not None and ctx.hubs.completed(version, "warm")}


TYPES = Query(None, description="只经由这些关系 only these relationship types")


@views.get("/leaders/{leader_id}/neighbourhood", response_model=None, responses=VIEW,
           summary="领导干部关系网 a leader's neighbourhood")
async def leader_neighbourhood(request: Request, leader_id: str, depth: int = Query(1, ge=1, le=3),
                               types: list[str] | None = TYPES,
                               since: str | None = Query(None, pattern=r"^\d{4}-\d{2}-\d{2}$"),
                               until: str | None = Query(None, pattern=r"^\d{4}-\d{2}-\d{2}$"),
                               limit: int = Query(500, ge=1, le=5000), format: str = FORMAT):
    unknown = sorted(set(types or ()) - set(ONTOLOGY.relationships))
    if unknown:
        raise HTTPException(400, f"未知关系类型 (unknown relationship types): {', '.join(unknown)}")

    def build(version: str | None):
        sub = subgraph.neighbourhood(_ctx(request).store, "Leader", leader_id, depth=depth,
                                     types=set(types) if types else None, limit=limit, version=version)
        if since or until:  # date window: keep relationships whose own date falls inside it
            sub.edges = {k: p for k, p in sub.edges.items()
                         if _in_window(p.get("date") or p.get("start"), since, until)}
        return sub

    return await _view(request, {"leader": leader_id, "depth": depth, "types": types}, build, format,
                       f"领导干部 {leader_id}")


def _in_window(day: str | None, since: str | None, until: str | None) -> bool:
    if day is None:
        return True
    return (since is None or day >= since) and (until is None or day <= until)


@views.get("/units/{unit_id}/tree", response_model=None, responses=VIEW, summary="单位树 a unit's tree")
async def unit_tree(request: Request, unit_id: str, limit: int = Query(500, ge=1, le=5000), format: str = FORMAT):
    return await _view(request, {"unit": unit_id},
                       lambda version: subgraph.unit_tree(_ctx(request).store, unit_id, limit=limit, version=version),
                       format, f"单位 {unit_id}")


@views.get("/cases/{case_id}/links", response_model=None, responses=VIEW, summary="案件关联 a case's links")
async def case_links(request: Request, case_id: str, limit: int = Query(500, ge=1, le=5000), format: str = FORMAT):
    return await _view(request, {"case": case_id},
                       lambda version: subgraph.case_view(_ctx(request).store, case_id, limit=limit, version=version),
                       format, f"案件 {case_id}")


@views.get("/path", response_model=None, responses=VIEW, summary="两节点之间的路径 a path between two nodes")
async def path(request: Request, from_label: LabelName, from_id: str, to_label: LabelName, to_id: str,
               max_hops: int = Query(4, ge=1, le=6), format: str = FORMAT):
    def build(version: str | None):
        return subgraph.path(_ctx(request).store, (from_label, from_id), (to_label, to_id), max_hops,
                             version=version)

    what = {"from": f"{from_label}:{from_id}", "to": f"{to_label}:{to_id}", "max_hops": max_hops}
    return await _view(request, what, build, format, f"路径 {from_id} → {to_id}")


@patterns.get("", summary="检测查询列表 the named patterns")
def list_patterns() -> list[PatternInfo]:
    return [PatternInfo(name=q.name, title=q.title, zh=q.zh, en=q.en, columns=q.columns,
                        parameters={p.name: {"type": p.type, "default": p.default, "min": p.minimum, "doc": p.doc}
                                    for p in q.params.values()}) for q in library().values()]


@patterns.post("/{name}", summary="运行检测查询 run a named pattern (paginated)")
def run_pattern(request: Request, name: str, body: PatternRun) -> Rows:
    get(name)  # unknown names are a 400 with the list of known ones
    result = audited(request, {"pattern": name, "params": body.params},
                     lambda: run_named(name, _ctx(request).store, **body.params), lambda r: len(r.rows))
    page = result.rows[body.offset: body.offset + body.limit]
    return Rows(columns=result.columns, rows=page, total=len(result.rows), limit=body.limit, offset=body.offset)


@patterns.post("/{name}/graph", response_model=None, responses=VIEW,
               summary="检测结果的子图 the subgraph of a pattern's result")
async def pattern_graph(request: Request, name: str, body: PatternRun, format: str = FORMAT):
    get(name)
    return await _view(request, {"pattern": name, "params": body.params},
                       lambda version: subgraph.query_view(_ctx(request).store, name, body.params,
                                                           limit=body.limit * 5, version=version)[0],
                       format, f"{name}")


SEARCH_Q = "名称/别名前缀, 或拼音前缀/首字母 (liangr, lry) name or alias prefix, or pinyin prefix or initials"


@search.get("/search", summary="按名称、别名、拼音前缀检索节点 find nodes by name, alias, or pinyin prefix")
def find(request: Request, q: str = Query(min_length=1, max_length=100, description=SEARCH_Q),
         label: LabelName | None = None, limit: int = Query(20, ge=1, le=200)) -> list[dict[str, Any]]:
    labels = [label] if label else list(ONTOLOGY.nodes)
    ctx = _ctx(request)

    def run():
        if is_pinyin_query(q):
            return ctx.pinyin.search(ctx.store, q, label, limit)
        found = []
        for lb in labels:
            rows = ctx.store.run(
                f"MATCH (n:{lb}) WHERE n.name STARTS WITH $q OR n.id = $q "
                "OR any(a IN coalesce(n.aliases, []) WHERE a STARTS WITH $q) "
                "RETURN n.id, n.name, n.aliases LIMIT $limit", {"q": q, "limit": limit}, read_only=True).rows
            found += [{"id": i, "label": lb, "name": n, "aliases": a or []} for i, n, a in rows]
        return found[:limit]

    return audited(request, {"search": q, "label": label}, run, len)


@cypher.post("/cypher", summary="只读 Cypher guarded read-only Cypher")
def run_cypher(request: Request, body: CypherRequest) -> CypherRows:
    ctx = _ctx(request)
    what = {"query": body.query, "params": body.params}

    def run():
        try:
            guard.check(body.query)
        except guard.Rejected as exc:
            raise HTTPException(400, str(exc)) from None
        return ctx.store.run(body.query, body.params, read_only=True, timeout_ms=ctx.cypher_timeout_ms)

    result = audited(request, what, run, lambda r: len(r.rows))
    cap = min(body.limit, ctx.max_rows)
    return CypherRows(columns=result.columns, rows=result.rows[:cap], truncated=len(result.rows) > cap, row_cap=cap,
                      timeout_ms=ctx.cypher_timeout_ms)


@admin.post("/ingest", summary="导入记录 ingest records (same checks as the CLI)")
def ingest_records(request: Request, body: IngestRequest) -> IngestResult:
    from ingest.loader import ingest

    ctx = _ctx(request)

    def run():
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "api-upload.jsonl"
            path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in body.records), encoding="utf-8")
            return ingest(ctx.store, [path], rejects_dir=ctx.data_dir / "rejects")

    report = audited(request, {"ingest": len(body.records)}, run, lambda r: r.nodes + r.relationships)
    ctx.pinyin.invalidate()
    rejects = [{"line": r.line, "field": r.field, "reason": r.reason} for r in report.first_rejects]
    return IngestResult(nodes=report.nodes, relationships=report.relationships, rejected=report.rejected,
                        rejects=rejects)


@admin.post("/ingest/document", summary="导入一篇报告 ingest one Chinese report (extract, then merge into the graph)")
def ingest_report(request: Request, body: DocumentUpload) -> IngestResult:
    from ingest.text.document import DocumentError, parse_document
    from ingest.text.load import ingest_document, known_places

    ctx = _ctx(request)

    def run():
        try:
            document = parse_document(body.text.encode("utf-8"), f"api:{body.name}", body.format)
        except DocumentError as exc:
            raise HTTPException(400, str(exc)) from None
        nodes, rels = ingest_document(ctx.store, document, known_places(ctx.store))
        return IngestResult(nodes=nodes, relationships=rels, rejected=0, rejects=[])

    result = audited(request, {"ingest_document": body.name, "chars": len(body.text)}, run,
                     lambda r: r.nodes + r.relationships)
    ctx.pinyin.invalidate()
    return result


@admin.post("/keys", summary="新建 API 密钥 create a key (shown once)")
def create_key(request: Request, body: NewKey) -> dict[str, str]:
    key = audited(request, {"created_role": body.role}, lambda: _ctx(request).keys.create(body.role, body.name),
                  lambda _: None)
    return {"key": key, "role": body.role}


@admin.delete("/keys/{key_id}", summary="吊销密钥 revoke a key")
def revoke_key(request: Request, key_id: str) -> dict[str, bool]:
    def run():
        if not _ctx(request).keys.revoke(key_id):
            raise HTTPException(404, "没有该密钥或已吊销 (no such key, or already revoked)")
        return True

    return {"revoked": audited(request, {"revoked": key_id}, run, lambda _: None)}


ROUTERS = [health, views, patterns, search, cypher, admin]
