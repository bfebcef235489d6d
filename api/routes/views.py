"""Relationship views: a leader's neighbourhood, a unit's tree, a case's links, a path."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request

from jiandu.api.deps import audited, context, require
from jiandu.api.names import close_matches
from jiandu.api.params import Day
from jiandu.api.responses import FORMAT, VIEW, serve_view
from jiandu.api.schemas import LeaderFileOut, UnitPortraitOut
from jiandu.graph.ontology import ONTOLOGY
from jiandu.views import Subgraph

router = APIRouter(prefix="/api/v1", tags=["views 关系视图"], dependencies=[Depends(require("viewer"))])
LabelName = Literal[tuple(ONTOLOGY.nodes)]  # type: ignore[valid-type]
TYPES = Query(None, description="只经由这些关系 only these relationship types: types=A,B 或 or types=A&types=B")


@router.get("/leaders/{leader_id}/neighbourhood", response_model=None, responses=VIEW,
            summary="领导干部关系网 a leader's neighbourhood")
async def leader_neighbourhood(request: Request, leader_id: str, depth: int = Query(1, ge=1, le=3),
                               types: list[str] | None = TYPES,
                               since: Day | None = Query(None),
                               until: Day | None = Query(None),
                               limit: int = Query(500, ge=1, le=5000), format: str = FORMAT):
    types = relationship_types(types)

    def build(version: str | None) -> Subgraph:
        sub = context(request).model.neighbourhood("Leader", leader_id, depth=depth,
                                                   types=set(types) or None, limit=limit,
                                                   version=version)
        if since or until:  # date window: keep relationships whose own date falls inside it
            sub.edges = {k: p for k, p in sub.edges.items()
                         if _in_window(p.get("date") or p.get("start"), since, until)}
        return sub

    return await serve_view(request, {"leader": leader_id, "depth": depth, "types": types}, build, format,
                            f"领导干部 {leader_id}")


@router.get("/leaders/{leader_id}/file", summary="一人一档 a leader's file")
def leader_file(request: Request, leader_id: str) -> LeaderFileOut:
    found = audited(request, {"leader_file": leader_id}, lambda: context(request).model.leader_file(leader_id),
                    lambda f: len(f.entries))
    return LeaderFileOut(leader=found.leader, entries=found.entries)


@router.get("/units/{unit_id}/portrait", summary="单位画像 a unit's political-ecology portrait")
def unit_portrait(request: Request, unit_id: str, months: int = Query(12, ge=1),
                  as_of: Day | None = Query(None)) -> UnitPortraitOut:
    given = {"months": months, **({"as_of": as_of} if as_of else {})}
    found = audited(request, {"unit_portrait": unit_id, **given},
                    lambda: context(request).model.unit_portrait(unit_id, given), lambda _: 1)
    return UnitPortraitOut(unit=found.unit, indicators=found.indicators, as_of=found.as_of)


def relationship_types(given: list[str] | None) -> list[str]:
    """`types=A,B` and `types=A&types=B` alike, checked against the ontology, sorted."""
    names = sorted({t.strip() for value in given or () for t in value.split(",") if t.strip()})
    unknown = [t for t in names if t not in ONTOLOGY.relationships]
    if unknown:
        hints = {t: close_matches(t, ONTOLOGY.relationships) for t in unknown}
        said = "; ".join(f"{t}" + (f" (是否指 did you mean {', '.join(h)}?)" if h else "") for t, h in hints.items())
        raise HTTPException(400, f"未知关系类型 (unknown relationship types): {said}; "
                                 f"已知 known: {', '.join(ONTOLOGY.relationships)}")
    return names


def _in_window(day: str | None, since: str | None, until: str | None) -> bool:
    if day is None:
        return True
    return (since is None or day >= since) and (until is None or day <= until)


@router.get("/units/{unit_id}/tree", response_model=None, responses=VIEW, summary="单位树 a unit's tree")
async def unit_tree(request: Request, unit_id: str, limit: int = Query(500, ge=1, le=5000), format: str = FORMAT):
    return await serve_view(
        request, {"unit": unit_id},
        lambda version: context(request).model.unit_tree(unit_id, limit=limit, version=version),
        format, f"单位 {unit_id}")


@router.get("/cases/{case_id}/links", response_model=None, responses=VIEW, summary="案件关联 a case's links")
async def case_links(request: Request, case_id: str, limit: int = Query(500, ge=1, le=5000), format: str = FORMAT):
    return await serve_view(
        request, {"case": case_id},
        lambda version: context(request).model.case_network(case_id, limit=limit, version=version),
        format, f"案件 {case_id}")


@router.get("/path", response_model=None, responses=VIEW, summary="两节点之间的路径 a path between two nodes")
async def path(request: Request, from_label: LabelName, from_id: str, to_label: LabelName, to_id: str,
               max_hops: int = Query(4, ge=1, le=6), format: str = FORMAT):
    def build(version: str | None) -> Subgraph:
        return context(request).model.path((from_label, from_id), (to_label, to_id), max_hops, version=version)

    what = {"from": f"{from_label}:{from_id}", "to": f"{to_label}:{to_id}", "max_hops": max_hops}
    return await serve_view(request, what, build, format, f"路径 {from_id} → {to_id}")
