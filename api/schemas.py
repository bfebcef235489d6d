"""The API's contract: pydantic models of what endpoints take and return."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from jiandu.api.keys import ROLES
from jiandu.api.params import Day
from jiandu.views import FileEntry

MAX_PAGE = 1000


class GraphView(BaseModel):
    nodes: list[dict[str, Any]] = Field(description="{id, label, name, properties}")
    edges: list[dict[str, Any]] = Field(description="{source, source_label, target, target_label, type, properties}")
    left_out: int = Field(description="节点上限截去的节点数 nodes the limit left out")
    as_of: str | None = Field(None, description="基准日 the reference date of a pattern's answer (null elsewhere)")


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
    as_of: str | None = Field(description="基准日 the reference date in force: given, else the latest date in the data")
    params: dict[str, Any] = Field(description="生效参数 the parameters in force, defaults filled in")
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
    warnings: list[str] = Field(default_factory=list,
                                description="可能误导之处: 方言差异、本体中没有的名称 what may mislead: dialect "
                                            "differences, names the ontology lacks")


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
    conflicts: int = Field(0, description="两条记录同一属性取值不同, 以后者为准 properties two records gave "
                                          "different values (the later one wins)")
    conflicting: list[dict[str, Any]] = Field(default_factory=list, description="the first 50 conflicts")
    notices: list[str] = Field(default_factory=list)


class NewKey(BaseModel):
    role: Literal[ROLES]  # type: ignore[valid-type]
    name: str = Field("", max_length=200)


class LeaderFileOut(BaseModel):
    leader: dict[str, Any] = Field(description="领导干部的属性 the leader's properties")
    entries: list[FileEntry] = Field(description="post 任职 / supervised 监督 / clue 线索 / audit 审计 / "
                                                  "finding 问题 / case 案件 / sanction 处分 / ledger 台账, by section "
                                                  "and date")


class UnitPortraitOut(BaseModel):
    unit: dict[str, Any] = Field(description="单位的属性 the unit's properties")
    indicators: dict[str, Any] = Field(description="政治生态指标与得分 indicators and score (unit_portrait)")
    as_of: str = Field(description="基准日 the day the indicators are computed for")
    ledger: list[dict[str, Any]] = Field(default_factory=list, description="本单位的台账问题 the unit's ledger "
                                                                           "items, most urgent first")


class LedgerItemOut(BaseModel):
    id: str
    name: str
    origin: str | None
    state: str | None = Field(description="open / assigned / in_rectification / submitted / accepted / closed")
    state_zh: str
    loop: str = Field(description="五步闭环中的环节 the loop's step the state belongs to")
    version: int = Field(description="版本: 修改时须回传 send it back with a change (optimistic concurrency)")
    opened: str | None
    deadline: str | None
    state_date: str | None
    colour: str | None = Field(description="预警颜色 蓝/黄/红 as of the listing's date, null: none")
    overdue_days: int | None
    unit_id: str | None
    unit: str | None
    leader_id: str | None = Field(description="第一责任人 the unit's 一把手 when it was opened")
    leader: str | None
    committee_id: str | None = Field(description="报送上级党委 the superior Party committee")
    committee: str | None
    source: str | None = Field(description="问题出处 'Label:id' it was raised from")
    alert: str | None
    alert_key: str | None
    next_steps: list[str]
    entries: list[dict[str, Any]] = Field(description="记录 every entry in order (only for one item)")


class LedgerPage(BaseModel):
    as_of: str = Field(description="基准日 the day colours and overdue days are reckoned on")
    total: int
    by_state: dict[str, int]
    by_colour: dict[str, int]
    items: list[LedgerItemOut]


class LedgerStepRequest(BaseModel):
    version: int = Field(ge=0, description="你读到的版本 the version you read: a change to an item that has moved on "
                                            "since is refused with 409")
    date: Day | None = Field(None, description="日期 (default: today)")
    note: str | None = Field(None, max_length=2000, description="说明或理由 note, reason (note and reopen need it)")
    owner: str | None = Field(None, max_length=200, description="责任人 (assign needs it)")
    due: Day | None = Field(None, description="任务期限 a task's due date")


class LedgerOpen(BaseModel):
    finding_ids: list[str] = Field(default_factory=list, max_length=10_000)
    clue_ids: list[str] = Field(default_factory=list, max_length=10_000)
    unit_id: str | None = Field(None, description="手工立账的整改单位 (with name)")
    name: str | None = Field(None, max_length=500, description="手工立账的问题 the problem, by hand")
    date: Day | None = None
    deadline: Day | None = None


class AlertsRun(BaseModel):
    names: list[str] = Field(default_factory=list, description="预警名 (empty: all)")
    as_of: Day | None = None
    params: dict[str, Any] = Field(default_factory=dict)
