"""GET /search: nodes by name, alias, id, or pinyin."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request

from jiandu.api.deps import audited, context, require
from jiandu.api.routes.views import LabelName

router = APIRouter(prefix="/api/v1", tags=["search 检索"], dependencies=[Depends(require("viewer"))])
SEARCH_Q = "名称/别名前缀, 或拼音前缀/首字母 (liangr, lry) name or alias prefix, or pinyin prefix or initials"


@router.get("/search", summary="按名称、别名、拼音前缀检索节点 find nodes by name, alias, or pinyin prefix")
def find(request: Request, q: str = Query(min_length=1, max_length=100, description=SEARCH_Q),
         label: LabelName | None = None, limit: int = Query(20, ge=1, le=200),
         contains: bool = Query(False, description="另含名称包含 q 或编号以 q 开头者 also names holding q anywhere "
                                                   "and ids starting with it (a case number)")) -> list[dict[str, Any]]:
    return audited(request, {"search": q, "label": label, "contains": contains},
                   lambda: context(request).model.search(q, label, limit, contains), len)
