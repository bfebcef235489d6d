"""Read a position as announcements publish it: 湖南省衡阳市人大常委会原主任, 某县委常委、副县长,
衡阳市委常委、常务副市长, 省交通运输厅原党组书记、厅长.

A position is one or more posts separated by 、，；兼. A post is [place chain] [unit] [原/时任/曾任]
title; a post without a unit of its own shares the one before (党组书记、厅长), except a head of
government after a party post, who sits in the place's 人民政府 (市委副书记、市长). Places are read
from the gazetteer, the file's own province/prefecture/county first when a name is ambiguous.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from jiandu.ingest.text.lexicon import BODIES, TITLES, TOP_TITLES
from jiandu.ingest.text.places import MAX_NAME, Gazetteer, Place

FORMER = ("原任", "原", "时任", "曾任", "前任")
_MODIFIERS = ("常务", "专职", "执行", "第一", "驻会", "挂职", "一级", "二级", "三级", "四级")
_EXTRA_TITLES = ("巡视员", "副巡视员", "调研员", "副调研员", "党委委员", "党组成员", "主任委员", "主委", "总工程师",
                 "总会计师", "总经济师", "总裁", "副总裁", "监事会主席", "理事长", "会长", "州长", "副州长", "旗长",
                 "盟长", "主任科员", "副主任科员", "部长", "委员")
_CORES = sorted(set(TITLES) | set(_EXTRA_TITLES), key=len, reverse=True)
_TITLE = re.compile(r"(?:" + "|".join(_MODIFIERS) + r")?副?(?:" + "|".join(map(re.escape, _CORES)) + r")")
_SPLIT = re.compile(r"[、，,；;/]|兼任?|及")
_PAREN = re.compile(r"[（(][^）)]*[）)]")
_GOVERNMENT_HEADS = ("省长", "市长", "县长", "区长", "州长", "旗长", "盟长", "镇长", "乡长")
_PLACE_ENDINGS = ("省", "市", "县", "区", "州", "盟", "旗", "镇", "乡", "自治区")
# what may follow a place written in short form (衡阳市委 is full; 衡阳 alone must be followed by one)
_AFTER_SHORT = tuple(sorted({*BODIES, "市", "县", "区", "省"}, key=len, reverse=True))


@dataclass
class Post:
    unit: str | None          # as written, with its place: 衡阳市人大常委会
    formal: str | None        # formal name where the body is a known one: 中共衡阳市委员会
    titles: list[str]
    former: bool
    place: Place | None       # the deepest place the post names or inherits
    body: str = ""            # the unit's name after its places: 委, 人民政府, 财政局
    level: str | None = None  # the level a post names without its place (省财政厅: 省)


@dataclass
class Position:
    text: str
    posts: list[Post] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)   # the chain named, province first
    masked_place: bool = False                            # 某县, 某市: a place the list withholds
    rank_hint: str | None = None                          # 正处级 written in brackets

    @property
    def place(self) -> Place | None:
        return self.places[-1] if self.places else None

    def titles(self) -> list[str]:
        return [t for p in self.posts for t in p.titles]

    @property
    def former(self) -> bool:
        return any(p.former for p in self.posts)


def _title_split(segment: str) -> tuple[str, str, bool]:
    """(unit text, title text, former) of one post: the title is the longest tail that is one,
    after a 原/时任 marker where there is one (the 原 of 太原市 is not a marker)."""
    for k in range(len(segment)):
        marker = next((m for m in FORMER if segment.startswith(m, k) and _TITLE.fullmatch(segment[k + len(m):])), None)
        if marker is not None:
            return segment[:k], segment[k + len(marker):], True
        if _TITLE.fullmatch(segment[k:]):
            return segment[:k], segment[k:], False
    return segment, "", False


def _chosen(candidates: list[Place], context: list[Place], above: Place | None) -> Place | None:
    if above is not None:
        candidates = [c for c in candidates if above in c.chain() and c is not above]
    # a township named like its county (衡阳综合保税区 in 衡阳综合保税区) is the county
    candidates = [c for c in candidates if not any(o is not c and o in c.chain() for o in candidates)]
    if not candidates:
        return None
    if len(candidates) == 1:
        return candidates[0]
    return Gazetteer.resolve(candidates, context)


def read_places(text: str, gaz: Gazetteer, context: list[Place]) -> tuple[list[Place], int, bool]:
    """The places ``text`` starts with, how many characters they take, and whether a masked
    place (某县) follows them."""
    places: list[Place] = []
    i = 0
    while i < len(text):
        above = places[-1] if places else None
        found = None
        for size in range(min(MAX_NAME, len(text) - i), 1, -1):
            piece = text[i:i + size]
            place = _chosen(gaz.candidates(piece), places + context, above)
            if place is None and text.startswith(_AFTER_SHORT, i + size):
                place = _chosen(gaz.candidates(piece, short=True), places + context, above)
            if place is not None:
                found = (place, size)
                break
        if found is None:
            break
        places.append(found[0])
        i += found[1]
    masked = False
    m = re.match(r"某(?:某)?(?:自治区|省|市|县|区|州|镇|乡)", text[i:])
    if m:
        masked, i = True, i + m.end()
    return places, i, masked


def _inside(text: str, gaz: Gazetteer, context: list[Place]) -> list[Place]:
    """A place written in full inside a unit's name (中国农业银行湖南省分行): its first one."""
    for i in range(1, len(text)):
        for size in range(min(MAX_NAME, len(text) - i), 2, -1):
            piece = text[i:i + size]
            if piece.endswith(_PLACE_ENDINGS):
                place = _chosen(gaz.candidates(piece), context, None)
                if place is not None:
                    return [place]
    return []


def _formal(unit: str, place_text: str, place: Place | None) -> str | None:
    rest = unit[len(place_text):]
    if place is None or rest not in BODIES:
        return None
    return BODIES[rest][0].format(place=place.qualified())


def read_position(text: str, gaz: Gazetteer, context: list[Place] | None = None) -> Position:
    """Parse one position; ``context``: places the row's own columns give (they settle ambiguity)."""
    context = list(context or [])
    clean = re.sub(r"\s+", "", text.replace("　", ""))
    hints = [m.group() for m in _PAREN.finditer(clean) if "级" in m.group()]
    clean = _PAREN.sub("", clean)
    clean = clean.removeprefix("中国共产党").removeprefix("中共")
    pos = Position(text, rank_hint=hints[0].strip("（()）") if hints else None)
    previous: Post | None = None
    for segment in filter(None, _SPLIT.split(clean)):
        leading = next((m for m in FORMER if segment.startswith(m)), "")  # 曾任衡阳市副市长
        segment = segment[len(leading):].removeprefix("中共")
        unit_text, title_text, former = _title_split(segment)
        former = former or bool(leading)
        places, used, masked = read_places(unit_text, gaz, pos.places + context)
        if not places and not masked:
            places = _inside(unit_text, gaz, pos.places + context)
        pos.masked_place = pos.masked_place or masked
        # the row's place: the first post's, made deeper by a concurrent post inside it, never by
        # an earlier career post (曾任…)
        if places and not pos.places:
            first_level = pos.posts[0].level if pos.posts else None
            pos.places = places[-1].chain() if first_level != "省" else places[-1].chain()[:1]
        elif places and leading != "曾任" and pos.places[-1] in places[-1].chain():
            pos.places = places[-1].chain()
        place = places[-1] if places else (previous.place if previous else pos.place)
        title_text = title_text or ""
        if not unit_text and previous is not None:
            if title_text.endswith(_GOVERNMENT_HEADS) and previous.formal and previous.formal.startswith("中共"):
                gov = place.qualified() + "人民政府" if place else None
                post = Post(gov, gov, [title_text], former or previous.former, place, "人民政府")
            else:
                post = Post(previous.unit, previous.formal, [title_text], former or previous.former, previous.place,
                            previous.body)
        elif (not unit_text or (places and not unit_text[used:])) and title_text.startswith(("党委", "党工委")) \
                and place is not None:
            unit = (unit_text or place.qualified()) + "党委"
            post = Post(unit, f"中共{place.qualified()}委员会", [title_text], former, place, "党委")
        else:
            unit, body = unit_text or None, unit_text[used:] if places else unit_text
            if unit is not None and places and used and not body:
                body = "人民政府" if title_text.endswith(_GOVERNMENT_HEADS) else ""
                unit += body
            post = Post(unit, _formal(unit or "", unit_text[:used], place), [title_text] if title_text else [],
                        former, place, body)
            if not places and not masked and place is None and unit_text.startswith("省"):
                post.level = "省"  # 省财政厅: the list leaves the province to its column
        if post.titles or post.unit:
            pos.posts.append(post)
            previous = post
    if not pos.places and context:
        pos.places = context[-1].chain()
    return pos


def is_top(title: str) -> bool:
    """Does the title lead its unit (一把手)?"""
    return title in TOP_TITLES or title in ("主任", "主席", "党组书记")


_LONG_BODIES = {"人民代表大会常务委员会": "人大常委会", "人民代表大会": "人大", "": "人民政府"}
_CPPCC = "中国人民政治协商会议"


def unit_name(text: str, gaz: Gazetteer, context: list[Place] | None = None) -> str:
    """One name for a unit however a list writes it: 衡阳市委 and 中共衡阳市委员会 are
    中共衡阳市委员会; 衡南县财政局 and 湖南省衡阳市衡南县财政局 are 衡阳市衡南县财政局; 省财政厅 takes
    the province of ``context``. A name whose places are not known stays as written."""
    clean = re.sub(r"\s+", "", text).removeprefix("中国共产党").removeprefix("中共")
    if clean.startswith(_CPPCC) and clean.endswith("委员会"):
        clean = clean[len(_CPPCC):-len("委员会")] + "政协"
    places, used, masked = read_places(clean, gaz, list(context or []))
    if not places:
        if clean.startswith("省") and not masked and context:
            return context[0].chain()[0].name + clean[1:]
        return clean
    body = _LONG_BODIES.get(clean[used:], clean[used:])
    if body in BODIES:
        return BODIES[body][0].format(place=places[-1].qualified())
    return places[-1].qualified() + body
