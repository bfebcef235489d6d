"""Admin: ingest records and reports, create and revoke keys."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Request

from jiandu.api.deps import audited, context, require
from jiandu.api.schemas import DocumentUpload, IngestRequest, IngestResult, NewKey
from jiandu.ingest.loader import Records, ingest
from jiandu.ingest.text.document import DocumentError, parse_document
from jiandu.ingest.text.load import ingest_document, known_places

router = APIRouter(prefix="/api/v1", tags=["admin 管理"], dependencies=[Depends(require("admin"))])
UPLOAD = "api-upload"  # how provenance names records that came through the API


@router.post("/ingest", summary="导入记录 ingest records (same checks as the CLI)")
def ingest_records(request: Request, body: IngestRequest) -> IngestResult:
    ctx = context(request)
    report = audited(request, {"ingest": len(body.records)},
                     lambda: ingest(ctx.store, [Records(UPLOAD, body.records)], rejects_dir=ctx.data_dir / "rejects",
                                    max_field=ctx.settings.max_field_chars),
                     lambda r: r.nodes + r.relationships)
    ctx.model.pinyin.invalidate()
    rejects = [{"line": r.line, "field": r.field, "reason": r.reason} for r in report.first_rejects]
    conflicting = [{"line": c.line, "field": c.field, "reason": c.reason, **c.record} for c in report.first_conflicts]
    return IngestResult(nodes=report.nodes, relationships=report.relationships, rejected=report.rejected,
                        rejects=rejects, conflicts=report.conflicts, conflicting=conflicting, notices=report.notices)


@router.post("/ingest/document", summary="导入一篇报告 ingest one Chinese report (extract, then merge into the graph)")
def ingest_report(request: Request, body: DocumentUpload) -> IngestResult:
    ctx = context(request)

    def run() -> IngestResult:
        try:
            document = parse_document(body.text.encode("utf-8"), f"api:{body.name}", body.format)
        except DocumentError as exc:
            raise HTTPException(400, str(exc)) from None
        nodes, rels = ingest_document(ctx.store, document, known_places(ctx.store))
        return IngestResult(nodes=nodes, relationships=rels, rejected=0, rejects=[])

    result = audited(request, {"ingest_document": body.name, "chars": len(body.text)}, run,
                     lambda r: r.nodes + r.relationships)
    ctx.model.pinyin.invalidate()
    return result


@router.post("/keys", summary="新建 API 密钥 create a key (shown once)")
def create_key(request: Request, body: NewKey) -> dict[str, str]:
    key = audited(request, {"created_role": body.role}, lambda: context(request).keys.create(body.role, body.name),
                  lambda _: None)
    return {"key": key, "role": body.role}


@router.delete("/keys/{key_id}", summary="吊销密钥 revoke a key")
def revoke_key(request: Request, key_id: str) -> dict[str, bool]:
    def run() -> bool:
        if not context(request).keys.revoke(key_id):
            raise HTTPException(404, "没有该密钥或已吊销 (no such key, or already revoked)")
        return True

    return {"revoked": audited(request, {"revoked": key_id}, run, lambda _: None)}
