"""The supervision ledger: list and read items (viewer), open items and work them (investigator),
accept and close (supervisor, as the ontology's rules say for each step), run alerts, export.

A change names the version the caller read; an item that has moved on since answers 409 and
nothing is written. Every request is in the audit log."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import Response

from jiandu.api.deps import audited, context, require
from jiandu.api.keys import Key
from jiandu.api.params import Day
from jiandu.api.schemas import AlertsRun, LedgerItemOut, LedgerOpen, LedgerPage, LedgerStepRequest
from jiandu.ledger import RULES, Item, Listing, run_alerts
from jiandu.ledger.intake import by_hand, from_clues, from_findings

router = APIRouter(prefix="/api/v1", tags=["ledger 监督台账"])
STEPS = [name for name in RULES.steps if name != "open"]


def _actor(key: Key) -> str:
    return f"{key.name or key.key_id} (api:{key.key_id})"


def _item(item: Item) -> LedgerItemOut:
    return LedgerItemOut(**item.as_json())


def _listing(request: Request, what: dict[str, Any], limit: int | None, offset: int, **filters: Any) -> Listing:
    ledger = context(request).ledger
    return audited(request, what, lambda: ledger.list(limit=limit, offset=offset, **filters), lambda r: len(r.items))


@router.get("/ledger", summary="台账列表 ledger items, most urgent first, with counts by state and colour",
            dependencies=[Depends(require("viewer"))])
def list_items(request: Request, state: str | None = Query(None, description="open / assigned / …"),
               colour: str | None = Query(None, description="蓝/黄/红/无 or blue/yellow/red/none"),
               unit: str | None = None, leader: str | None = None, overdue: bool = False,
               as_of: Day | None = Query(None, description="基准日 (default: the data's latest day)"),
               limit: int = Query(50, ge=1, le=1000), offset: int = Query(0, ge=0)) -> LedgerPage:
    filters = {"state": state, "colour_name": colour, "unit": unit, "leader": leader, "overdue": overdue,
               "as_of": as_of}
    found = _listing(request, {"ledger": "list", **filters}, limit, offset, **filters)
    return LedgerPage(as_of=found.as_of, total=found.total, by_state=found.by_state, by_colour=found.by_colour,
                      items=[_item(i) for i in found.items])


@router.get("/ledger/export", summary="导出台账 the ledger as CSV or XLSX (sheet 记录: every entry)",
            response_class=Response, dependencies=[Depends(require("viewer"))],
            responses={200: {"content": {"text/csv": {}, "application/vnd.openxmlformats-officedocument."
                                                             "spreadsheetml.sheet": {}}}})
def export(request: Request, format: str = Query("csv", pattern="^(csv|xlsx)$"), state: str | None = None,
           colour: str | None = None, unit: str | None = None, overdue: bool = False,
           as_of: Day | None = Query(None)) -> Response:
    filters = {"state": state, "colour_name": colour, "unit": unit, "overdue": overdue, "as_of": as_of}
    found = _listing(request, {"ledger": f"export {format}", **filters}, None, 0, **filters)
    ledger = context(request).ledger
    if format == "xlsx":
        return Response(ledger.to_xlsx(found), headers={"Content-Disposition": "attachment; filename=ledger.xlsx"},
                        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    return Response(ledger.to_csv(found).encode("utf-8-sig"), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": "attachment; filename=ledger.csv"})


@router.get("/ledger/{item_id}", summary="一项台账及其全部记录 one item and its timeline",
            dependencies=[Depends(require("viewer"))])
def show(request: Request, item_id: str, as_of: Day | None = Query(None)) -> LedgerItemOut:
    item = audited(request, {"ledger": "show", "item": item_id},
                   lambda: context(request).ledger.show(item_id, as_of=as_of), lambda _: 1)
    return _item(item)


@router.post("/ledger/{item_id}/{step}", summary="推进一步 take a step: assign, letter, note, submit (investigator); "
             "accept, close, reopen (supervisor)", dependencies=[Depends(require("investigator"))])
def take(request: Request, item_id: str, step: str, body: LedgerStepRequest) -> LedgerItemOut:
    key: Key = request.state.key
    if step not in STEPS:
        raise HTTPException(404, f"没有环节 {step} (no such step); 可用 (known): {', '.join(STEPS)}")
    needed = RULES.steps[step].role
    if not key.can(needed):
        raise HTTPException(403, f"角色 {key.role} 不能{RULES.steps[step].zh} (role {key.role} may not {step}; "
                                 f"needs {needed})")
    ledger = context(request).ledger
    item = audited(request, {"ledger": step, "item": item_id, "version": body.version, "note": body.note},
                   lambda: ledger.take(item_id, step, actor=_actor(key), date=body.date, version=body.version,
                                       note=body.note, owner=body.owner, due=body.due,
                                       source=f"api:{key.key_id}"), lambda _: 1)
    return _item(item)


@router.post("/ledger", summary="立账 open items from findings, clues, or a problem described by hand",
             dependencies=[Depends(require("investigator"))])
def open_items(request: Request, body: LedgerOpen) -> dict[str, list]:
    ledger, key = context(request).ledger, request.state.key
    actor, source = _actor(key), f"api:{key.key_id}"

    def run() -> dict[str, list]:
        opened: list[str] = []
        had: list[str] = []
        for ids, bring in ((body.finding_ids, from_findings), (body.clue_ids, from_clues)):
            if ids:
                new, old = bring(ledger, ids, actor=actor, source=source)
                opened, had = opened + new, had + old
        if body.unit_id or body.name:
            if not (body.unit_id and body.name):
                raise HTTPException(400, "手工立账需要 unit_id 与 name (by hand: unit_id and name)")
            new, old = by_hand(ledger, unit=body.unit_id, name=body.name, opened=ledger.as_of(body.date),
                               deadline=body.deadline, origin="日常监督", actor=actor, source=source)
            opened, had = opened + new, had + old
        return {"opened": opened, "already": had}

    return audited(request, {"ledger": "open", "findings": len(body.finding_ids), "clues": len(body.clue_ids)}, run,
                   lambda r: len(r["opened"]))


@router.post("/alerts/run", summary="运行预警 run alerts and bring their rows into the ledger",
             dependencies=[Depends(require("investigator"))])
def alerts(request: Request, body: AlertsRun) -> list[dict[str, Any]]:
    ledger, key = context(request).ledger, request.state.key
    runs = audited(request, {"alerts": body.names or "all", "as_of": body.as_of, "params": body.params},
                   lambda: run_alerts(ledger, body.names, as_of=body.as_of, params=body.params, actor=_actor(key)),
                   lambda r: sum(len(x.new) for x in r))
    return [r.as_json() for r in runs]
