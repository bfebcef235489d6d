"""Named patterns: the query library, its rows (paginated) and the subgraph of its result."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from jiandu.api.deps import audited, context, require
from jiandu.api.responses import FORMAT, VIEW, serve_view
from jiandu.api.schemas import PatternInfo, PatternRun, Rows
from jiandu.queries.library import get, library

router = APIRouter(prefix="/api/v1/patterns", tags=["patterns 检测查询"], dependencies=[Depends(require("viewer"))])


@router.get("", summary="检测查询列表 the named patterns")
def list_patterns() -> list[PatternInfo]:
    return [PatternInfo(name=q.name, title=q.title, zh=q.zh, en=q.en, columns=q.columns,
                        parameters={p.name: {"type": p.type, "default": p.default, "min": p.minimum, "doc": p.doc,
                                              "values": list(p.values) or None}
                                    for p in q.params.values()}) for q in library().values()]


@router.post("/{name}", summary="运行检测查询 run a named pattern (paginated)")
def run_pattern(request: Request, name: str, body: PatternRun) -> Rows:
    get(name)  # unknown names are a 400 with the list of known ones
    found = audited(request, {"pattern": name, "params": body.params},
                    lambda: context(request).model.pattern(name, body.params), lambda a: len(a.result.rows))
    result = found.result
    page = result.rows[body.offset: body.offset + body.limit]
    return Rows(columns=result.columns, rows=page, total=len(result.rows), limit=body.limit, offset=body.offset,
                as_of=found.as_of, params=found.params)


@router.post("/{name}/graph", response_model=None, responses=VIEW,
             summary="检测结果的子图 the subgraph of a pattern's result")
async def pattern_graph(request: Request, name: str, body: PatternRun, format: str = FORMAT):
    get(name)
    model = context(request).model
    return await serve_view(
        request, {"pattern": name, "params": body.params},
        lambda version: model.pattern_graph(model.pattern(name, body.params), limit=body.limit * 5, version=version),
        format, name)
