"""The workbench: the single-page app at `/`, and what it asks of the graph beyond the views:
the ontology's names and colours, one node's expansion by relationship type, a saved view reopened."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import FileResponse, Response
from pydantic import BaseModel, Field

from jiandu.api.deps import audited, context, require
from jiandu.api.responses import VIEW, serve_view
from jiandu.api.routes.views import TYPES, LabelName, relationship_types
from jiandu.graph.ontology import ONTOLOGY
from jiandu.views import Subgraph

MAX_SAVED = 5000
# an expansion reads this many relationships per direction; the page folds many into one edge or group
EXPAND_PER_NODE = 400

page = APIRouter(tags=["workbench 工作台"])
router = APIRouter(prefix="/api/v1", tags=["workbench 工作台"], dependencies=[Depends(require("viewer"))])


def bundle_folder() -> Path:
    """The built front end, inside the installed package (``jiandu.visualizations``)."""
    from jiandu import visualizations

    return Path(visualizations.__file__).parent / "workbench" / "dist"


@page.get("/", include_in_schema=False)
def index() -> Response:
    # the page holds no data: it asks for a key, then calls the API with it
    return FileResponse(bundle_folder() / "index.html", media_type="text/html; charset=utf-8",
                        headers={"Cache-Control": "no-cache"})


def display_ontology(data_day: str | None) -> dict[str, Any]:
    """What the workbench shows of the ontology: names, colours, each kind's date on the time axis."""
    return {
        "nodes": {label: {"zh": t.zh, "en": t.en, "color": t.style.get("color"), "since": t.style.get("since")}
                  for label, t in ONTOLOGY.nodes.items()},
        "relationships": {name: {"zh": t.zh, "en": t.en, "group": t.style.get("group", True)}
                          for name, t in ONTOLOGY.relationships.items()},
        "data_day": data_day,
    }


@router.get("/ontology", summary="本体：名称、颜色、时间轴日期 node kinds and relationship types for display")
def ontology(request: Request) -> dict[str, Any]:
    return display_ontology(context(request).model.data_day())


@router.get("/nodes/{label}/{node_id}/expand", response_model=None, responses=VIEW,
            summary="展开节点的邻居（可按关系类型）a node's neighbours, optionally of some relationship types")
async def expand(request: Request, label: LabelName, node_id: str,
                 types: list[str] | None = TYPES,
                 limit: int = Query(500, ge=1, le=5000),
                 per_node: int = Query(EXPAND_PER_NODE, ge=1, le=2000,
                                       description="每个方向最多取的关系数 relationships read per direction: a hub's "
                                                   "acts repeat a few neighbours, so more are read than a view's 60")
                 ) -> Response:
    chosen = relationship_types(types)

    def build(version: str | None) -> Subgraph:
        return context(request).model.neighbourhood(label, node_id, 1, set(chosen) or None, limit, per_node,
                                                    version=version)

    return await serve_view(request, {"expand": f"{label}:{node_id}", "types": chosen, "per_node": per_node}, build,
                            "json", f"{label} {node_id}")


@router.get("/nodes/{label}/{node_id}/degrees", summary="节点各类关系的数量 relationships of each type at a node")
def degrees(request: Request, label: LabelName, node_id: str) -> dict[str, int]:
    return audited(request, {"degrees": f"{label}:{node_id}"},
                   lambda: context(request).model.degrees(label, node_id), len)


class SavedView(BaseModel):
    nodes: list[tuple[str, str]] = Field(max_length=MAX_SAVED, description="[[label, id], …] 视图中的节点")


@router.post("/subgraph", response_model=None, responses=VIEW,
             summary="重新打开保存的视图：节点及其间的关系 a saved view: these nodes and the relationships among them")
async def subgraph(request: Request, body: SavedView) -> Response:
    keys = [(label, node_id) for label, node_id in body.nodes]
    return await serve_view(request, {"subgraph": len(keys), "nodes": keys},
                            lambda version: context(request).model.induced(keys, version=version), "json", "saved")


@router.get("/sources", summary="来源原文：DOC#起-止 所指的文字 the text a source span points at")
def source_text(request: Request, ref: str = Query(min_length=3, max_length=2000,
                                                    description='"DOC#START-END" (一条 sources 记录 one sources entry)')
                ) -> dict[str, Any]:
    found = audited(request, {"source": ref}, lambda: context(request).model.excerpt(ref),
                    lambda f: len(f["spans"]) if f else 0)
    if found is None:
        raise HTTPException(404, "此来源不是已存原文的文档片段 (not a span of a stored document)")
    return found
