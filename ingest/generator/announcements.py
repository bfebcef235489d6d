"""A fictional announcement list in the shape published lists have, with the truth beside it.

Invented people at real places (the gazetteer's provinces, prefectures, counties and towns),
one row per announced person: 姓名, 省份, 地市, 区县, 职务, 事由, 日期, 级别. The cells are as messy
as real lists: months written with "." or 年月, names with (女) or spaces, masked names (王某),
a prefecture or a province left out, posts in two or three parts, 原/时任/曾任, bodies written
short (衡阳市委) or in full (中共衡阳市委员会), provincial bodies written without their province
(省财政厅), rank cells such as 正厅级, a few rows without a name or a position.

Planted, so that tests know the truth:
- surges: a few prefectures get many more cases in one year than their own other years and
  their peers;
- a tenure list (``tenures.csv``: name,post,unit,region,start,end) naming some of the
  announced people again, written differently (matches, which resolution must merge), and
  people who share a name with an announced one but not the region, the post or the time, and
  masked names in the same unit (which must never merge).

``_announcements.json`` holds the truth: per row the place chain and rank the row was built
from, the surges, the matches and the pairs that must stay apart.
"""

from __future__ import annotations

import csv
import json
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jiandu.ingest.announcements.parse import rank_base
from jiandu.ingest.generator.world import GIVEN, SURNAMES
from jiandu.ingest.text.places import Place, gazetteer

LIST_FILE = "announcements.csv"
TENURE_FILE = "tenures.csv"
TRUTH_FILE = "_announcements.json"
HEADER = ["姓名", "省份", "地市", "区县", "职务", "事由", "日期", "级别"]
YEARS = range(2013, 2025)
RANKS = ("省部级", "厅局级", "县处级", "乡科级")
# Rank index of a place's leading bodies and of its departments, by the place's level.
RANK_BY_LEVEL = {"省": (0, 1), "市": (1, 2), "县": (2, 3), "乡": (3, 3)}
REASONS = (("涉嫌严重违纪违法，目前正接受中央纪委国家监委纪律审查和监察调查", "审查调查"),
           ("涉嫌严重违纪违法，主动投案，接受纪律审查和监察调查", "审查调查"),
           ("严重违纪违法被开除党籍和公职", "开除党籍"),
           ("被开除党籍、开除公职，涉嫌犯罪问题移送检察机关依法审查起诉", "移送检察机关"),
           ("受到党内严重警告、政务记大过处分", "处分"),
           ("受到留党察看一年处分", "处分"),
           ("因履职不力被问责，免去现职", "问责"))
DEPARTMENTS = ("财政", "交通运输", "自然资源", "住房和城乡建设", "水利", "农业农村", "商务", "教育", "民政")
RANK_CELLS = {0: ("省部级", "正部级", "副省级"), 1: ("厅局级", "正厅级", "副厅局级", "副厅级"),
              2: ("县处级", "正处级", "副处", "处级"), 3: ("乡科级", "正科级", "副科级")}


@dataclass
class Built:
    """One generated post: what the position says, and what is true of it."""
    text: str
    rank: int
    unit: str            # the unit as a tenure list would name it
    title: str           # its main title
    place: Place
    placed: bool = True  # the text names its place (省财政厅 leaves it to the province column)


def _usable(place: Place) -> bool:
    return not any("直辖" in p.name or "行政区划" in p.name for p in place.chain()) \
        and place.chain()[0].name not in ("台湾省", "香港特别行政区", "澳门特别行政区")


def _head(place: Place) -> str:
    if place.level == "省":
        return "主席" if place.name.endswith("自治区") else ("市长" if place.name.endswith("市") else "省长")
    if place.level == "乡":
        return "镇长" if place.name.endswith("镇") else "乡长"
    ending = place.name[-1]
    return {"区": "区长", "县": "县长", "州": "州长", "旗": "旗长", "盟": "盟长"}.get(ending, "市长")


class ListMaker:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        places = [p for ps in gazetteer().by_name.values() for p in ps if _usable(p)]
        self.by_level = {lv: [p for p in places if p.level == lv] for lv in ("省", "市", "县", "乡")}
        self.prefectures = self.by_level["市"]
        self.names: set[str] = set()

    def name(self) -> str:
        while True:
            surname, size = self.rng.choice(SURNAMES), self.rng.choice((1, 2, 2))
            name = surname + "".join(self.rng.choice(GIVEN) for _ in range(size))
            if name not in self.names:
                self.names.add(name)
                return name

    def written(self, place: Place) -> str:
        """The place as a list writes it: with or without its province, never the province alone
        for a lower place."""
        if place.level == "省":
            return place.name
        q = place.qualified()
        return (place.chain()[0].name + q) if self.rng.random() < 0.3 and not q.startswith(place.chain()[0].name) else q

    def post(self, place: Place) -> Built:
        rng = self.rng
        w = self.written(place)
        lead, dept = RANK_BY_LEVEL[place.level]
        head = _head(place)
        if place.level == "乡":
            title = rng.choice(("党委书记", head, "党委副书记", "副" + head))
            unit = f"{w}党委" if title.startswith("党委") else f"{w}人民政府"
            return Built(f"{w}{title}" if title.startswith("党委") else f"{w}{title}", lead, unit, title, place)
        kind = rng.random()
        if kind < 0.45:  # one of the place's leading bodies
            body, titles = rng.choice((("委", ("书记", "副书记", "常委")),
                                       ("人民政府", (head, "副" + head, "常务副" + head)),
                                       ("人大常委会", ("主任", "副主任")), ("政协", ("主席", "副主席"))))
            title = rng.choice(titles)
            if body == "委":
                unit = rng.choice((f"{w}委", f"中共{w}委员会")) if place.level != "省" or rng.random() < 0.5 \
                    else f"中共{place.name}委员会"
            elif body == "人民政府":
                unit = f"{w}{rng.choice(('人民政府', '政府', ''))}"
            else:
                unit = f"{w}{body}"
            text = f"{unit}{title}"
            if body == "委" and title == "副书记" and rng.random() < 0.4:
                text, title = f"{unit}副书记、{head}", head  # 市委副书记、市长: the second post is the 政府's
                unit = f"{w}人民政府"
            elif body == "委" and title == "常委" and rng.random() < 0.5:
                text = f"{unit}常委、常务副{head}"
            return Built(text, lead, unit if unit != w else f"{w}人民政府", title, place)
        if kind < 0.55 and place.level != "省":  # a commission abbreviated or in full
            name = rng.choice(("发展和改革委员会", "卫生健康委员会", "发改委", "卫健委"))
            title = rng.choice(("主任", "副主任", "党组书记、主任"))
            return Built(f"{w}{name}{title}", dept, f"{w}{name}", title.split("、")[-1], place)
        dep = rng.choice(DEPARTMENTS) + ("厅" if place.level == "省" else "局")
        chief = "厅长" if place.level == "省" else "局长"
        title = rng.choice((chief, "副" + chief, "党组书记、" + chief))
        shown = "省" if place.level == "省" and rng.random() < 0.2 else w  # 省财政厅: the province left to the column
        return Built(f"{shown}{dep}{title}", dept, f"{place.name}{dep}", title.split("、")[-1], place, shown != "省")

    def place(self, within: Place | None = None) -> Place:
        rng = self.rng
        if within is not None:
            below = [p for p in self.by_level["县"] if p.parent is within]
            return rng.choice(below) if below and rng.random() < 0.6 else within
        r = rng.random()
        level = "省" if r < 0.08 else "市" if r < 0.42 else "县" if r < 0.92 else "乡"
        return rng.choice(self.by_level[level])

    def row(self, place: Place, year: int, blank: bool) -> tuple[list[str], dict[str, Any], Built]:
        rng = self.rng
        post = self.post(place)
        text, rank = post.text, post.rank
        if rng.random() < 0.35:
            marker = rng.choice(("原", "原", "时任", "曾任"))
            cut = len(text) - len(post.title) if text.endswith(post.title) else len(text)
            text = text[:cut] + marker + text[cut:] if marker != "曾任" else "曾任" + text
        if rng.random() < 0.15:  # an earlier, lower post after the current one
            lower = self.post(place) if place.level != "省" else self.post(rng.choice(
                [p for p in self.prefectures if p.parent is place] or [place]))
            text += "，曾任" + lower.text
            rank = min(rank, lower.rank)
        name = self.name()
        masked = rng.random() < 0.04
        shown = name[0] + "某" if masked else name
        if rng.random() < 0.1:
            shown += rng.choice(("(女)", "（女）", "（女，满族）"))
        if rng.random() < 0.05 and len(shown) == 2:
            shown = shown[0] + "　" + shown[1]
        month, day = rng.randint(1, 12), rng.randint(1, 28)
        date = rng.choice((f"{year}.{month}", f"{year}-{month:02d}", f"{year}年{month}月",
                           f"{year}-{month:02d}-{day:02d}", f"{year}.{month:02d}.", f"{year}年{month}月{day}日",
                           str(year)))
        if rng.random() < 0.02:
            date = ""
        reason, status = rng.choice(REASONS)
        chain = {p.level: p.name for p in place.chain()}
        cells = ["", "", "", "", ""] if blank else [
            chain["省"] if rng.random() < 0.8 else "",
            chain.get("市", "") if rng.random() < 0.6 else "",
            chain.get("县", "") if rng.random() < 0.6 else "",
            "", ""]
        rank_cell = "" if blank or rng.random() < 0.5 else rng.choice(RANK_CELLS[rank])
        out = [shown, cells[0], cells[1], cells[2], text, reason, date, rank_cell]
        truth = {"name": name, "masked": masked, "province": chain["省"], "prefecture": chain.get("市"),
                 "county": chain.get("县"), "rank": RANKS[rank], "status": status, "year": year,
                 "evident": bool(date) and (post.placed or bool(cells[0]))}
        return out, truth, post


def generate_announcements(out: Path, rows: int, seed: int = 1, blank: bool = False) -> dict[str, Any]:
    """Write ``announcements.csv``, ``tenures.csv`` and the truth into ``out``; returns the truth.

    ``blank``: leave every place and rank cell empty, so that all of them must be inferred."""
    out.mkdir(parents=True, exist_ok=True)
    maker = ListMaker(seed)
    rng = maker.rng
    surges = []
    for pref in rng.sample(maker.prefectures, 3):
        expected = rows * 0.8 / (len(maker.prefectures) * len(YEARS))
        surges.append({"level": "市", "region": pref.name, "code": pref.code, "period": str(rng.choice(YEARS)),
                       "extra": max(12, round(6 * expected)), "place": pref})
    background = rows - sum(s["extra"] for s in surges)
    plan: list[tuple[Place, int]] = [(maker.place(), rng.choice(YEARS)) for _ in range(background)]
    for s in surges:
        plan += [(maker.place(s["place"]), int(s["period"])) for _ in range(s["extra"])]
    rng.shuffle(plan)
    listed, truths, posts, rejects = [], [], [], []
    for number, (place, year) in enumerate(plan, start=2):
        cells, truth, post = maker.row(place, year, blank)
        if rng.random() < 0.003:
            cells[rng.choice((0, 4))] = ""
            rejects.append(number)
        truth["row"] = number
        listed.append(cells)
        truths.append(truth)
        posts.append(post)
    with open(out / LIST_FILE, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        w.writerows(listed)
    tenures, matches, apart = _tenures(maker, truths, posts, rejects, max(20, rows // 100))
    with open(out / TENURE_FILE, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["name", "post", "unit", "region", "start", "end"])
        w.writerows(tenures)
    meta = {"rows": rows, "seed": seed, "blank": blank, "truth": truths, "rejects": rejects,
            "surges": [{k: v for k, v in s.items() if k != "place"} for s in surges],
            "matches": matches, "apart": apart}
    (out / TRUTH_FILE).write_text(json.dumps(meta, ensure_ascii=False) + "\n", encoding="utf-8")
    return meta


def _region_text(place: Place) -> str:
    return "".join(p.name for p in place.chain())


def _tenures(maker: ListMaker, truths: list[dict], posts: list[Built], rejects: list[int], n: int):
    """Tenure rows: ``n`` matches of announced people, and as many near misses that must not merge."""
    rng = maker.rng
    skip = set(rejects)
    # a match is planted where the list gives what resolution needs: a date and a place
    named = [i for i, t in enumerate(truths) if not t["masked"] and t["row"] not in skip and t["evident"]]
    masked = [i for i, t in enumerate(truths) if t["masked"] and t["row"] not in skip]
    rows, matches, apart = [], [], []

    def add(cells: list[str]) -> int:
        rows.append(cells)
        return len(rows) + 1  # the tenure file's row number (header = 1)

    picked = rng.sample(named, min(len(named), 2 * n))
    for k, i in enumerate(picked):
        t, post = truths[i], posts[i]
        start = rng.randint(t["year"] - 6, t["year"] - 1)
        end = "" if rng.random() < 0.3 else str(t["year"])
        cells = [t["name"], post.title, post.unit, _region_text(post.place), f"{start}-{rng.randint(1, 12):02d}", end]
        if k < n:
            matches.append([t["row"], add(cells)])
            continue
        why = k % 3
        if why == 0:  # the same name and post, another prefecture
            other = rng.choice([p for p in maker.prefectures if p.chain()[0] is not post.place.chain()[0]])
            cells[2], cells[3] = post.unit.replace(post.place.name, other.name), _region_text(other)
            apart.append([t["row"], add(cells), "another region"])
        elif why == 1:  # the same name and region, another post
            cells[1], cells[2] = "局长", f"{post.place.qualified()}统计局"
            apart.append([t["row"], add(cells), "another post"])
        else:  # the same post, taken up after the announcement
            cells[4], cells[5] = f"{t['year'] + 2}-03", ""
            apart.append([t["row"], add(cells), "another time"])
    for i in rng.sample(masked, min(len(masked), max(1, n // 4))):
        t, post = truths[i], posts[i]
        cells = [t["name"][0] + "某", post.title, post.unit, _region_text(post.place), f"{t['year'] - 3}-01", ""]
        apart.append([t["row"], add(cells), "masked name"])
    return rows, matches, apart


def agreement(meta: dict[str, Any], parsed: dict[int, Any]) -> dict[str, tuple[int, int]]:
    """How many rows' inferred province, prefecture and rank agree with the truth, of how many
    rows have a truth for it (prefecture: rows whose place lies in one); ``parsed``: row number →
    ``Announcement``. Rejected rows count as disagreeing."""
    skip = set(meta["rejects"])
    tally = {"province": [0, 0], "prefecture": [0, 0], "rank": [0, 0]}
    for t in meta["truth"]:
        if t["row"] in skip:
            continue
        a = parsed.get(t["row"])
        for key in tally:
            if t[key] is None:
                continue
            tally[key][1] += 1
            got = getattr(a, key, None)
            tally[key][0] += (rank_base(got) if key == "rank" else got) == t[key]
    return {k: (v[0], v[1]) for k, v in tally.items()}
