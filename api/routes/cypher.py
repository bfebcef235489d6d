"""POST /cypher: guarded read-only Cypher, with a time limit and a row cap."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Request

from jiandu.api.deps import audited, context, require
from jiandu.api.schemas import CypherRequest, CypherRows
from jiandu.queries import guard
from jiandu.queries.lint import lint

router = APIRouter(prefix="/api/v1", tags=["cypher 只读查询"], dependencies=[Depends(require("investigator"))])


@router.post("/cypher", summary="只读 Cypher guarded read-only Cypher")
def run_cypher(request: Request, body: CypherRequest) -> CypherRows:
    ctx = context(request)
    timeout_ms = ctx.settings.cypher_timeout_ms

    def run():
        try:
            guard.check(body.query)
        except guard.Rejected as exc:
            raise HTTPException(400, str(exc)) from None
        return ctx.store.run(body.query, body.params, read_only=True, timeout_ms=timeout_ms)

    result = audited(request, {"query": body.query, "params": body.params}, run, lambda r: len(r.rows))
    cap = min(body.limit, ctx.settings.max_rows)
    return CypherRows(columns=result.columns, rows=result.rows[:cap], truncated=len(result.rows) > cap, row_cap=cap,
                      timeout_ms=timeout_ms, warnings=[str(w) for w in lint(body.query)])
