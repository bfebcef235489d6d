"""POST /cypher: guarded read-only Cypher, with a time limit and a row cap."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Request

from jiandu.api.deps import audited, context, require
from jiandu.api.schemas import CypherRequest, CypherRows
from jiandu.queries import guard
from jiandu.queries.asked import EngineRefused, ask

router = APIRouter(prefix="/api/v1", tags=["cypher 只读查询"], dependencies=[Depends(require("investigator"))])


@router.post("/cypher", summary="只读 Cypher guarded read-only Cypher")
def run_cypher(request: Request, body: CypherRequest) -> CypherRows:
    ctx = context(request)
    timeout_ms = ctx.settings.cypher_timeout_ms

    def run():
        try:
            return ask(ctx.store, body.query, body.params, timeout_ms=timeout_ms)
        except (guard.Rejected, EngineRefused) as exc:
            raise HTTPException(400, str(exc)) from None

    asked = audited(request, {"query": body.query, "params": body.params}, run, lambda a: len(a.result.rows))
    result, cap = asked.result, min(body.limit, ctx.settings.max_rows)
    return CypherRows(columns=result.columns, rows=result.rows[:cap], truncated=len(result.rows) > cap, row_cap=cap,
                      timeout_ms=timeout_ms, warnings=[str(w) for w in asked.warnings])
