"""GET /health: is the store reachable, and how much does it hold."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from jiandu.api.deps import context

router = APIRouter(tags=["health"])


@router.get("/health", summary="存储是否可达及数量 store reachable, counts",
            responses={503: {"description": "存储不可达 the store is down; the API reconnects by itself once it is "
                                            "back (embedded: `jiandu server start`)"}},
            description="hubs_warm: 枢纽节点的邻居已预先统计 the hubs' neighbours have been counted for views "
                        "(a server does it in the background at start and after writes)")
def get_health(request: Request, response: Response) -> dict[str, Any]:
    ctx = context(request)
    try:
        counts = ctx.store.counts()
        version = ctx.store.version()
    except Exception:  # noqa: BLE001 - health says "down", never why in detail
        response.status_code = 503
        return {"status": "down"}
    return {"status": "ok", "nodes": sum(counts["nodes"].values()),
            "relationships": sum(counts["relationships"].values()),
            "hubs_warm": version is not None and ctx.hubs.completed(version, "warm")}
