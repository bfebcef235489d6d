"""One row of an announcement list → an ``Announcement``: the person, the post, the place chain,
the rank and the status, with what the file leaves empty inferred from the position text.

Where the file gives a place or a rank, the file wins; a disagreement with the text is kept in
``disagreements``. A row without a name or a position is rejected with the reason, never dropped.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from jiandu.ingest.announcements.position import Position, is_top, read_position
from jiandu.ingest.announcements.table import Row
from jiandu.ingest.text.lexicon import MASK
from jiandu.ingest.text.places import Gazetteer, Place

RANKS = ("省部级", "厅局级", "县处级", "乡科级")
# Rank of a unit's head and of its deputies, by the level of the place the unit belongs to:
# the place's own leading bodies (党委, 政府, 人大, 政协) rank one step above its departments.
_RANK_BY_LEVEL = {"省": (0, 1), "市": (1, 2), "县": (2, 3), "乡": (3, 3)}
_LEADING_BODIES = ("委", "委员会", "党委", "人民代表大会常务委员会", "人民政府", "政府", "人大常委会", "人大", "政协",
                   "纪委", "纪委监委", "监委")
_GOVERNMENT_HEADS = ("省长", "市长", "县长", "区长", "州长", "旗长", "盟长", "镇长", "乡长", "主席")
# Status words, most advanced first: the row's status is the first one its reason names.
STATUSES = (
    ("移送检察机关", ("移送检察机关", "移送司法机关", "移送审查起诉", "移送起诉", "提起公诉", "判处", "判决")),
    ("开除党籍", ("开除党籍", "双开", "开除公职")),
    ("处分", ("处分", "撤销党内职务", "留党察看", "严重警告", "警告处分", "记过", "记大过", "降级", "撤职", "降为")),
    ("审查调查", ("审查调查", "纪律审查", "监察调查", "审查和调查", "立案审查", "立案调查", "接受审查", "被查")),
    ("问责", ("问责", "免职", "诫勉", "通报批评", "责令辞职")),
)
_DATE = re.compile(r"(\d{4})(?:\s*[-./年]\s*(\d{1,2})(?:\s*[-./月]\s*(\d{1,2}))?)?")


@dataclass
class Announcement:
    row: int
    name: str
    province: str | None = None
    prefecture: str | None = None
    county: str | None = None
    unit: str | None = None
    titles: list[str] = field(default_factory=list)
    former: bool = False
    rank: str | None = None
    status: str | None = None
    date: str | None = None            # YYYY, YYYY-MM or YYYY-MM-DD as the file allows
    gender: str | None = None
    masked: bool = False
    position: str = ""
    reason: str | None = None
    inferred: list[str] = field(default_factory=list)        # fields read from the position text
    disagreements: list[str] = field(default_factory=list)   # the file and the text differ
    posts: list[dict[str, Any]] = field(default_factory=list)
    top_leader: bool = False

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Rejected:
    row: int
    field: str
    reason: str
    cells: dict[str, str]

    def as_json(self) -> dict[str, Any]:
        return {"row": self.row, "rejected": True, "field": self.field, "reason": self.reason, "cells": self.cells}


def clean_name(raw: str) -> tuple[str, str | None]:
    """The name without spaces and notes such as (女); and the gender such a note gives."""
    gender = None
    m = re.search(r"[（(]\s*(女|男)[^）)]*[）)]", raw)
    if m:
        gender = m.group(1)
    name = re.sub(r"[（(][^）)]*[）)]", "", raw)
    return re.sub(r"[\s\u3000·•]", "", name).strip(), gender


def clean_date(raw: str) -> str | None:
    m = _DATE.search(raw or "")
    if not m:
        return None
    year, month, day = m.group(1), m.group(2), m.group(3)
    if not 1949 <= int(year) <= 2100:
        return None
    if month is None or not 1 <= int(month) <= 12:
        return year
    if day is None or not 1 <= int(day) <= 31:
        return f"{year}-{int(month):02d}"
    return f"{year}-{int(month):02d}-{int(day):02d}"


def status_of(reason: str | None) -> str | None:
    text = reason or ""
    return next((status for status, words in STATUSES if any(w in text for w in words)), None)


def rank_base(raw: str | None) -> str | None:
    """The four-level rank a cell or bracket writes (副厅级, 正处, 厅局级 → 厅局级)."""
    text = raw or ""
    for rank, key in zip(RANKS, ("省", "厅", "处", "科"), strict=True):
        if key in text.replace("省份", ""):
            return rank
    if "部级" in text:
        return "省部级"
    if "局级" in text:
        return "厅局级"
    return None


def infer_rank(position: Position) -> str | None:
    """The rank the highest post implies: its place's level, whether the unit is one of the
    place's leading bodies, and whether the title is a head or a deputy."""
    best: int | None = None
    for post in position.posts:
        level = post.place.level if post.place is not None else post.level
        if level not in _RANK_BY_LEVEL or post.unit is None:
            continue
        head_rank, dept_rank = _RANK_BY_LEVEL[level]
        leading = post.body in _LEADING_BODIES or not post.body  # a place alone: 内蒙古自治区主席
        for title in post.titles:
            deputy = title.startswith("副") or "常委" in title or title in ("委员", "党组成员", "党委委员") \
                or title.startswith(("常务副", "专职副"))
            head = not deputy and (is_top(title) or title.endswith(_GOVERNMENT_HEADS) or title.endswith("书记"))
            # a deputy shares the head's level at a deputy grade: 副市长 is 副厅局级 like 市长's 正厅局级
            rank = (head_rank if leading else dept_rank) if (head or deputy) else None
            if rank is not None and (best is None or rank < best):
                best = rank
    return RANKS[best] if best is not None else None


def _place_named(name: str, level: str, chain: list[Place], gaz: Gazetteer) -> Place | None:
    options = [p for p in gaz.candidates(name) + gaz.candidates(name, short=True) if p.level == level]
    inside = [p for p in options if not chain or chain[-1] in p.chain()]
    return (inside or options or [None])[0]


def parse_row(row: Row, gaz: Gazetteer) -> Announcement | Rejected:
    cells = row.cells
    name, gender = clean_name(cells.get("name", ""))
    position = re.sub(r"\s+", "", cells.get("position", ""))
    if not name:
        return Rejected(row.number, "name", "姓名为空 (the name is empty)", cells)
    if not position:
        return Rejected(row.number, "position", "职务为空 (the position is empty)", cells)
    context: list[Place] = []
    for key, level in (("province", "省"), ("prefecture", "市"), ("county", "县")):
        if cells.get(key):
            place = _place_named(cells[key], level, context, gaz)
            if place is not None:
                context = place.chain()
    pos = read_position(position, gaz, context)
    a = Announcement(row.number, name, gender=cells.get("gender") or gender, masked=MASK in name,
                     position=position, reason=cells.get("reason") or None, former=pos.former,
                     titles=pos.titles(), status=status_of(cells.get("reason")), date=clean_date(cells.get("date", "")))
    first = pos.posts[0] if pos.posts else None
    a.unit = first.formal or first.unit if first else None
    a.top_leader = any(is_top(t) and not t.startswith("副") for t in (first.titles if first else []))
    a.posts = [{"unit": p.formal or p.unit, "as_written": p.unit, "titles": p.titles, "former": p.former}
               for p in pos.posts]
    chain = {} if pos.masked_place and not pos.places else {p.level: p.name for p in pos.places}
    differs = False  # below a level where the file and the text differ, the text's places are not used
    for key, level in (("province", "省"), ("prefecture", "市"), ("county", "县")):
        given, read = cells.get(key) or None, chain.get(level)
        if given:
            setattr(a, key, given)
            if read and not (read == given or read.startswith(given) or given.startswith(read)):
                a.disagreements.append(f"{key}: 文件为 (file says) {given}, 职务文本为 (position says) {read}")
                differs = True
        elif read and not differs:
            setattr(a, key, read)
            a.inferred.append(key)
    given_rank, read_rank = cells.get("rank") or None, rank_base(pos.rank_hint) or infer_rank(pos)
    if given_rank:
        a.rank = given_rank
        if read_rank and rank_base(given_rank) != read_rank:
            a.disagreements.append(f"rank: 文件为 (file says) {given_rank}, 职务文本为 (position says) {read_rank}")
    elif read_rank:
        a.rank = read_rank
        a.inferred.append("rank")
    return a
