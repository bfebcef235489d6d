"""A fictional supervision world of any size, deterministic by seed, with planted patterns.

Invented people in invented units with real-looking Chinese names. The background world is
well supervised on purpose: every 党委 member has a same-level act within a year, every 一把手
a talk from above within five months, every long tenure an audit, every clue is disposed
within two months, every finding past its deadline is closed. Against that background the
planted patterns (one set per city, listed in ``planted.json`` and ``PLANTED.md``) are the
only things the detection queries should find, unless ``noise`` adds random lapses.

Scale 1 is about 10k nodes (25 counties); scale 100 about 1M nodes and 5M relationships.
Rows are written as they are made, so memory does not grow with the scale.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.ontology import LIST_SEPARATOR, ONTOLOGY, Ontology

AS_OF = dt.date(2026, 6, 30)  # the world's "today": queries on the sample pass this date
COUNTIES_PER_SCALE = 25
COUNTIES_PER_CITY = 6
PLANTED_FILE = "_planted.json"  # a leading "_" keeps it out of folder ingests

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
            "姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
GIVEN = "建国志强海涛明华文军伟平红英丽敏静秀兰斌峰磊超勇杰鹏飞宇浩然晓东春林振兴德福永庆国庆新民学军卫东立新玉梅桂芳"
PLACE_A = "青临平安清江河宁永丰泰兴华龙长石桥湖溪源松柏金银凤鹤云岭川阳新城东西南北高白"
PLACE_B = "川江河山阳平宁安源泉丰州台桥溪林岭城湖坪口坝沟原田塘"
DEPARTMENTS = (  # (name suffix, sector)
    ("卫生健康局", "卫健"), ("公安局", "公安"), ("住房和城乡建设局", "住建"), ("财政局", "财政"),
    ("教育局", "教育"), ("自然资源局", "自然资源"), ("交通运输局", "交通"), ("农业农村局", "农业"),
    ("水利局", "水利"), ("市场监督管理局", "市场监管"), ("民政局", "民政"), ("人力资源和社会保障局", "人社"),
)
COMMITTEE = ("书记", "副书记、县长", "专职副书记", "纪委书记、监委主任", "组织部部长", "常务副县长",
             "宣传部部长", "政法委书记", "统战部部长")
TALKS = ("谈话提醒", "廉政谈话", "约谈")
CHANNELS = ("12380", "信访", "网络", "巡察移交", "审计移交")


@dataclass
class Post:
    leader: str
    unit: str
    unit_label: str
    title: str
    top: bool
    start: dt.date
    end: dt.date | None = None
    committee: bool = False


@dataclass
class Planted:
    """What was planted, by id, for tests and the PLANTED.md file."""

    entries: dict[str, Any] = field(default_factory=dict)

    def add(self, pattern: str, **what: Any) -> None:
        self.entries.setdefault(pattern, []).append(what)


class Writer:
    """One CSV file per label and relationship type, columns from the ontology."""

    def __init__(self, out: Path, stack: ExitStack, onto: Ontology = ONTOLOGY):
        self.out = out
        self.onto = onto
        self.stack = stack
        self.files: dict[str, csv.writer] = {}
        self.columns: dict[str, list[str]] = {}
        self.counts: dict[str, int] = {}

    def _writer(self, name: str, columns: list[str]):
        if name not in self.files:
            path = self.out / f"{name}.csv"
            fh = self.stack.enter_context(path.open("w", encoding="utf-8", newline=""))
            self.files[name] = csv.writer(fh, lineterminator="\n")
            self.files[name].writerow(columns)
            self.columns[name] = columns
            self.counts[name] = 0
        return self.files[name]

    @staticmethod
    def _cell(value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, (list, tuple)):
            return LIST_SEPARATOR.join(value)
        return str(value)

    def node(self, label: str, node_id: str, **props: Any) -> str:
        columns = ["id", *self.onto.node(label).properties]
        w = self._writer(label, columns)
        props["id"] = node_id
        w.writerow([self._cell(props.get(c)) for c in columns])
        self.counts[label] += 1
        return node_id

    def rel(self, rtype: str, source: str, target: str, source_label: str = "", target_label: str = "",
            **props: Any) -> None:
        rel = self.onto.relationship(rtype)
        columns = ["from", "to"]
        if len(rel.sources) > 1:
            columns.append("from_label")
        if len(rel.targets) > 1:
            columns.append("to_label")
        columns += list(rel.properties)
        w = self._writer(rtype, columns)
        props.update({"from": source, "to": target, "from_label": source_label, "to_label": target_label})
        w.writerow([self._cell(props.get(c)) for c in columns])
        self.counts[rtype] += 1


class World:
    def __init__(self, writer: Writer, seed: int, noise: float):
        self.w = writer
        self.rng = random.Random(seed)
        self.noise = noise
        self.ids: dict[str, int] = {}
        self.used_place_names: set[str] = set()
        self.planted = Planted()

    # -- small helpers --------------------------------------------------------------------
    def new_id(self, prefix: str) -> str:
        self.ids[prefix] = self.ids.get(prefix, 0) + 1
        return f"{prefix}{self.ids[prefix]:06d}"

    def person_name(self) -> str:
        given = "".join(self.rng.choice(GIVEN) for _ in range(self.rng.choice((1, 2))))
        return self.rng.choice(SURNAMES) + given

    def place_name(self) -> str:
        for _ in range(1000):
            name = self.rng.choice(PLACE_A) + self.rng.choice(PLACE_B)
            if name not in self.used_place_names:
                self.used_place_names.add(name)
                return name
        name = f"{self.rng.choice(PLACE_A)}{self.rng.choice(PLACE_B)}{len(self.used_place_names)}"
        self.used_place_names.add(name)
        return name

    def day(self, start: dt.date, end: dt.date) -> dt.date:
        span = max(0, (end - start).days)
        return start + dt.timedelta(days=self.rng.randint(0, span))

    def lapse(self) -> bool:
        """Background noise: a random lapse with probability ``noise``."""
        return self.noise > 0 and self.rng.random() < self.noise

    def leader(self) -> str:
        return self.w.node("Leader", self.new_id("L"), name=self.person_name(),
                           gender=self.rng.choice(("男", "男", "男", "女")),
                           birth_year=self.rng.randint(1962, 1988))

    def hold(self, post: Post) -> Post:
        self.w.rel("HOLDS_POST", post.leader, post.unit, target_label=post.unit_label, title=post.title,
                   top_leader=post.top, committee=post.committee or None, start=post.start, end=post.end)
        return post

    def staff(self, unit: str, titles: list[tuple[str, bool]], committee: bool = False,
              unit_label: str = "Unit", predecessor_rate: float = 0.4,
              plan: dict[str, Any] | None = None) -> list[Post]:
        """Current holders of ``titles`` (title, is_top), some with a predecessor who has left.

        ``plan`` pins the 一把手 post for a planted pattern: ``start``, ``predecessor_end``,
        and ``exit_audit`` (False leaves the predecessor without an exit audit).
        """
        plan = plan or {}
        posts = []
        for title, top in titles:
            start = self.day(dt.date(2017, 1, 1), dt.date(2025, 6, 30))
            has_predecessor = self.rng.random() < predecessor_rate
            if top and "start" in plan:
                start = plan["start"]
            if top and "predecessor_end" in plan:
                start, has_predecessor = plan["predecessor_end"] + dt.timedelta(days=1), True
            posts.append(self.hold(Post(self.leader(), unit, unit_label, title, top, start, committee=committee)))
            if has_predecessor:
                old_start = self.day(dt.date(2012, 1, 1), start - dt.timedelta(days=800))
                past = self.hold(Post(self.leader(), unit, unit_label, title, top, old_start,
                                      start - dt.timedelta(days=1), committee=committee))
                if top and unit_label == "Unit" and plan.get("exit_audit", True):
                    self.exit_audit(past)
                if top and "predecessor_end" in plan:
                    self.planted.add("audit_gaps.no_exit_audit", leader=past.leader, unit=unit,
                                     end=past.end.isoformat())
        return posts

    # -- supervision background ----------------------------------------------------------------
    def act(self, body: str, target: str, kind: str, date: dt.date, target_label: str = "Leader") -> None:
        self.w.rel("SUPERVISED", body, target, source_label="OversightBody", target_label=target_label,
                   kind=kind, date=date)

    def regular_talks(self, body: str, leader: str, since: dt.date, every_days: int, kinds=TALKS,
                      quiet_days: int = 0) -> None:
        """Talks from ``body`` from ``since`` to AS_OF, the last one within ``every_days`` of AS_OF
        (or, for a planted gap, none in the last ``quiet_days``)."""
        date = AS_OF - dt.timedelta(days=quiet_days + self.rng.randint(10, every_days - 20))
        floor = max(since, AS_OF - dt.timedelta(days=3 * 365))
        while date >= floor:
            if not self.lapse():
                self.act(body, leader, self.rng.choice(kinds), date)
            date -= dt.timedelta(days=self.rng.randint(every_days // 2, every_days - 10))

    def yearly_education(self, body: str, unit: str) -> None:
        """警示教育 for the whole unit once a year, after the year's cases are known."""
        for year in (AS_OF.year - 3, AS_OF.year - 2, AS_OF.year - 1):
            self.act(body, unit, "警示教育", self.day(dt.date(year, 3, 1), dt.date(year, 12, 20)), target_label="Unit")

    def deputy_acts(self, body: str, leader: str, since: dt.date) -> None:
        first = max(since, AS_OF - dt.timedelta(days=3 * 365))
        for date in sorted({self.day(first, AS_OF) for _ in range(self.rng.randint(4, 9))}):
            self.act(body, leader, self.rng.choice(("谈话提醒", "函询", "廉政谈话", "提醒函")), date)

    def audits_for(self, post: Post, auditor: str) -> None:
        """Every 一把手 in post for more than three years has an economic-responsibility audit."""
        if not post.top or self.lapse():
            return
        if (AS_OF - post.start).days > 3 * 365 - 60:
            date = self.day(post.start + dt.timedelta(days=700), AS_OF - dt.timedelta(days=30))
            self.audit(auditor, post, "任期经济责任审计", date)

    def audit(self, auditor: str, post: Post, kind: str, date: dt.date) -> str:
        audit = self.w.node("Audit", self.new_id("A"), name=f"{post.title}{kind}", kind=kind,
                            period_start=post.start, period_end=post.end or date, date=date,
                            findings=self.rng.randint(0, 6))
        self.w.rel("CONDUCTED", auditor, audit, target_label="Audit")
        self.w.rel("AUDITS", audit, post.leader)
        self.w.rel("COVERS", audit, post.unit, source_label="Audit")
        return audit

    def exit_audit(self, past: Post) -> None:
        if self.current_auditor and not self.lapse():
            date = past.end + dt.timedelta(days=self.rng.randint(20, 150))
            self.audit(self.current_auditor, past, "离任经济责任审计", min(date, AS_OF))

    def clue(self, body: str, about: str, channel: str, received: dt.date, status: str,
             disposed: dt.date | None, about_label: str = "Leader") -> str:
        clue = self.w.node("Clue", self.new_id("X"), name=f"线索{self.ids['X']:06d}", channel=channel,
                           received=received, status=status, disposed=disposed)
        self.w.rel("RECEIVED", body, clue)
        self.w.rel("ABOUT", clue, about, target_label=about_label)
        return clue

    def background_clue(self, body: str, leader: str) -> None:
        received = self.day(AS_OF - dt.timedelta(days=3 * 365), AS_OF - dt.timedelta(days=100))
        status = self.rng.choice(("谈话函询", "初步核实", "暂存待查"))
        disposed = received + dt.timedelta(days=self.rng.randint(10, 60))
        if self.lapse():
            status, disposed = "待处置", None
        self.clue(body, leader, self.rng.choice(CHANNELS), received, status, disposed)

    def case(self, name: str, opened: dt.date, handler: str, unit: str, involved: list[tuple[str, str, str]],
             stage: str = "审查调查") -> str:
        case = self.w.node("Case", self.new_id("C"), name=name, opened=opened, stage=stage, category="违纪违法")
        self.w.rel("HANDLES", handler, case)
        self.w.rel("CONCERNS", case, unit, source_label="Case", target_label="Unit")
        for who, label, role in involved:
            self.w.rel("INVOLVED_IN", who, case, source_label=label, role=role)
        return case

    def inspection(self, body: str, units: list[str], start: dt.date, overdue: int = 0) -> list[tuple[str, str]]:
        """A 巡察 round over ``units``; findings are closed, still in time, or ``overdue`` of them late."""
        insp = self.w.node("Inspection", self.new_id("I"), name=f"{start.year}年第{1 + (start.month > 6)}轮巡察",
                           round=f"{start.year}-{1 + (start.month > 6)}", start=start,
                           end=start + dt.timedelta(days=45))
        self.w.rel("CONDUCTED", body, insp, target_label="Inspection")
        late = []
        for unit in units:
            self.w.rel("COVERS", insp, unit, source_label="Inspection")
            for _ in range(self.rng.randint(4, 9)):
                found = start + dt.timedelta(days=30)
                deadline = found + dt.timedelta(days=self.rng.choice((90, 180, 365)))
                closed_in_time = deadline < AS_OF
                if overdue > 0 and deadline < AS_OF:
                    status, closed = self.rng.choice(("督办", "跟踪", "建立台账")), None
                    overdue -= 1
                elif closed_in_time and not self.lapse():
                    status, closed = "对账销号", self.day(found + dt.timedelta(days=30), deadline)
                elif closed_in_time:
                    status, closed = "跟踪", None
                else:
                    status, closed = self.rng.choice(("建立台账", "督办", "跟踪", "评估验收")), None
                finding = self.w.node("Finding", self.new_id("F"), name=self.rng.choice(FINDINGS), found=found,
                                      deadline=deadline, status=status, closed=closed)
                self.w.rel("FOUND", insp, finding, source_label="Inspection")
                self.w.rel("CONCERNS", finding, unit, source_label="Finding", target_label="Unit")
                if status != "对账销号" and deadline < AS_OF:
                    late.append((finding, unit))
        return late

    current_auditor: str | None = None


FINDINGS = ("三重一大决策程序不规范", "公务接待超标准", "专项资金拨付滞后", "工程项目未按规定招标",
            "违规发放津贴补贴", "选人用人程序不严", "固定资产管理混乱", "主体责任落实不到位",
            "一把手末位表态执行不到位", "财务审批三审三签缺失")


def generate(out: Path, scale: float = 1.0, seed: int = 7, noise: float = 0.02) -> dict[str, Any]:
    """Write the world's CSV files into ``out``; returns counts and what was planted."""
    out.mkdir(parents=True, exist_ok=True)
    counties = max(1, round(COUNTIES_PER_SCALE * scale))
    with ExitStack() as stack:
        writer = Writer(out, stack)
        world = World(writer, seed, noise)
        _build(world, counties)
    planted = world.planted.entries
    meta = {"as_of": AS_OF.isoformat(), "scale": scale, "seed": seed, "noise": noise, "counties": counties,
            "counts": writer.counts, "planted": planted}
    (out / PLANTED_FILE).write_text(json.dumps(meta, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                                      encoding="utf-8")
    return meta


def _chunks(n: int, size: int) -> Iterator[int]:
    for start in range(0, n, size):
        yield min(size, n - start)


def _build(world: World, counties: int) -> None:
    w = world.w
    province = w.node("Region", world.new_id("R"), name="云岭省", level="省", code="990000")
    prov_party = w.node("Unit", world.new_id("U"), name="中共云岭省委员会", kind="党委", admin_level="省",
                        region=province)
    w.rel("IN_REGION", prov_party, province, source_label="Unit")
    prov_cdi = w.node("OversightBody", world.new_id("B"), name="云岭省纪委监委", kind="纪委监委", level="省",
                      region=province)
    w.rel("IN_REGION", prov_cdi, province, source_label="OversightBody")
    w.rel("OVERSEES", prov_cdi, prov_party, mode="同级")
    for city_index, n_counties in enumerate(_chunks(counties, COUNTIES_PER_CITY)):
        _city(world, city_index, n_counties, province, prov_party, prov_cdi)


def _bodies(world: World, prefix: str, level: str, region: str) -> dict[str, str]:
    w = world.w
    names = {"cdi": (f"{prefix}纪委监委", "纪委监委"), "xuncha": (f"{prefix}委巡察工作领导小组办公室", "巡察机构"),
             "audit": (f"{prefix}审计局", "审计机关"), "org": (f"{prefix}委组织部", "组织部")}
    bodies = {}
    for key, (name, kind) in names.items():
        bodies[key] = w.node("OversightBody", world.new_id("B"), name=name, kind=kind, level=level, region=region)
        w.rel("IN_REGION", bodies[key], region, source_label="OversightBody")
    return bodies


def _city(world: World, index: int, n_counties: int, province: str, prov_party: str, prov_cdi: str) -> None:
    w = world.w
    name = world.place_name() + "市"
    region = w.node("Region", world.new_id("R"), name=name, level="市", code=f"99{index + 1:02d}00", parent=province)
    w.rel("PART_OF", region, province)
    short = name[:-1]
    party = w.node("Unit", world.new_id("U"), name=f"中共{name}委员会", aliases=[f"{short}市委"], kind="党委",
                   admin_level="市", region=region)
    gov = w.node("Unit", world.new_id("U"), name=f"{name}人民政府", aliases=[f"{short}市政府"], kind="政府",
                 admin_level="市", region=region)
    for unit in (party, gov):
        w.rel("IN_REGION", unit, region, source_label="Unit")
    w.rel("SUBORDINATE_TO", party, prov_party)
    w.rel("SUBORDINATE_TO", gov, party)
    bodies = _bodies(world, short + "市", "市", region)
    world.current_auditor = bodies["audit"]
    for unit in (party, gov):
        w.rel("OVERSEES", bodies["cdi"], unit, mode="同级")
        w.rel("OVERSEES", prov_cdi, unit, mode="上级")
    committee = world.staff(party, [(t.replace("县", "市"), i == 0) for i, t in enumerate(COMMITTEE)], committee=True)
    world.audits_for(world.hold(Post(committee[1].leader, gov, "Unit", "市长", True, committee[1].start)),
                     bodies["audit"])
    world.hold(Post(committee[3].leader, bodies["cdi"], "OversightBody", "书记", True, committee[3].start))
    for post in committee:
        if post.title.startswith("纪委书记"):
            continue
        world.regular_talks(bodies["cdi"], post.leader, post.start, 300)
        if post.top:
            world.regular_talks(prov_cdi, post.leader, post.start, 150)
        world.audits_for(post, bodies["audit"])
    world.regular_talks(prov_cdi, committee[1].leader, committee[1].start, 150)
    departments = {}
    for dept, sector in DEPARTMENTS:
        unit = w.node("Unit", world.new_id("U"), name=f"{name}{dept}", kind="部门", admin_level="市",
                      sector=sector, region=region)
        w.rel("IN_REGION", unit, region, source_label="Unit")
        w.rel("SUBORDINATE_TO", unit, gov)
        w.rel("OVERSEES", bodies["cdi"], unit, mode="上级")
        departments[sector] = (unit, _department_staff(world, unit, bodies, bodies["cdi"]))
    for soe in ("城市建设投资集团有限公司", "交通投资集团有限公司"):
        unit = w.node("Unit", world.new_id("U"), name=f"{name}{soe}", kind="国企", admin_level="市",
                      sector="国资", region=region)
        w.rel("IN_REGION", unit, region, source_label="Unit")
        w.rel("SUBORDINATE_TO", unit, gov)
        w.rel("OVERSEES", bodies["cdi"], unit, mode="上级")
        _department_staff(world, unit, bodies, bodies["cdi"], top_title="董事长")
    city = {"name": name, "region": region, "party": party, "gov": gov, "bodies": bodies, "departments": departments}
    plant = n_counties >= 3  # the patterns need three counties; a short last city gets none
    counties = [_county(world, city, k, plant) for k in range(n_counties)]
    world.current_auditor = bodies["audit"]
    if plant:
        _plant(world, city, counties)


def _department_staff(world: World, unit: str, bodies: dict[str, str], above: str,
                      top_title: str = "局长", plan: dict[str, Any] | None = None) -> list[Post]:
    deputy = "副" + top_title[-2:]
    posts = world.staff(unit, [(f"党组书记、{top_title}", True), (deputy, False), (deputy, False)], plan=plan)
    world.yearly_education(above, unit)
    for post in posts:
        if post.top:
            world.regular_talks(above, post.leader, post.start, 120)
            if (plan or {}).get("audited", True):
                world.audits_for(post, bodies["audit"])
            else:
                world.planted.add("audit_gaps.long_tenure", leader=post.leader, unit=unit,
                                  start=post.start.isoformat())
        else:
            world.deputy_acts(above, post.leader, post.start)
    return posts


# Planted 一把手 posts, pinned while the county is built: (county index, sector) -> plan
PLANS = {
    (0, "交通"): {"start": dt.date(2020, 5, 6), "audited": False},  # six years, never audited
    (1, "水利"): {"predecessor_end": dt.date(2025, 1, 15), "exit_audit": False},  # left, no exit audit
}


def _county(world: World, city: dict[str, Any], k: int, plant: bool) -> dict[str, Any]:
    w, rng = world.w, world.rng
    name = world.place_name() + rng.choice(("县", "县", "县", "区"))
    region = w.node("Region", world.new_id("R"), name=name, level="县",
                    code=f"{city['region'][-2:]}{k + 1:02d}{world.ids['R'] % 100:02d}", parent=city["region"])
    w.rel("PART_OF", region, city["region"])
    short = name[:-1]
    party = w.node("Unit", world.new_id("U"), name=f"中共{city['name']}{name}委员会", aliases=[f"{name}委"],
                   kind="党委", admin_level="县", region=region)
    gov = w.node("Unit", world.new_id("U"), name=f"{city['name']}{name}人民政府", aliases=[f"{name}政府"],
                 kind="政府", admin_level="县", region=region)
    for unit in (party, gov):
        w.rel("IN_REGION", unit, region, source_label="Unit")
        w.rel("OVERSEES", city["bodies"]["cdi"], unit, mode="上级")
    w.rel("SUBORDINATE_TO", party, city["party"])
    w.rel("SUBORDINATE_TO", gov, party)
    bodies = _bodies(world, short + name[-1], "县", region)
    world.current_auditor = bodies["audit"]
    for unit in (party, gov):
        w.rel("OVERSEES", bodies["cdi"], unit, mode="同级")
    committee = world.staff(party, [(t, i == 0) for i, t in enumerate(COMMITTEE)], committee=True)
    world.audits_for(world.hold(Post(committee[1].leader, gov, "Unit", "县长", True, committee[1].start)),
                     bodies["audit"])
    world.hold(Post(committee[3].leader, bodies["cdi"], "OversightBody", "书记", True, committee[3].start))
    county = {"name": name, "region": region, "party": party, "gov": gov, "bodies": bodies, "committee": committee,
              "departments": {}, "health": [], "townships": [], "villages": []}
    plant_same_level_gap = plant and k == 2
    for post in committee:
        if post.title.startswith("纪委书记"):
            continue
        if not plant_same_level_gap:
            world.regular_talks(bodies["cdi"], post.leader, post.start, 300)
        if post.top:
            world.regular_talks(city["bodies"]["cdi"], post.leader, post.start, 150)
        world.audits_for(post, bodies["audit"])
    world.regular_talks(city["bodies"]["cdi"], committee[1].leader, committee[1].start, 150)
    stationed = [w.node("OversightBody", world.new_id("B"), name=f"{short}{name[-1]}纪委监委派驻第{i + 1}纪检监察组",
                        kind="派驻纪检监察组", level="县", region=region) for i in range(3)]
    for i, (dept, sector) in enumerate(DEPARTMENTS):
        unit = w.node("Unit", world.new_id("U"), name=f"{city['name']}{name}{dept}",
                      aliases=[f"{short}{name[-1]}{dept}"], kind="部门", admin_level="县", sector=sector, region=region)
        w.rel("IN_REGION", unit, region, source_label="Unit")
        w.rel("SUBORDINATE_TO", unit, gov)
        w.rel("OVERSEES", bodies["cdi"], unit, mode="上级")
        w.rel("OVERSEES", stationed[i % 3], unit, mode="派驻")
        plan = PLANS.get((k, sector)) if plant else None
        county["departments"][sector] = (unit, _department_staff(world, unit, bodies, bodies["cdi"], plan=plan))
    health_bureau = county["departments"]["卫健"][0]
    for _ in range(8):
        town = world.place_name() + rng.choice(("镇", "镇", "乡"))
        town_region = w.node("Region", world.new_id("R"), name=town, level="乡", parent=region)
        w.rel("PART_OF", town_region, region)
        tunit = w.node("Unit", world.new_id("U"), name=f"中共{name}{town}委员会", aliases=[f"{town}党委"],
                       kind="乡镇", admin_level="乡", region=town_region)
        w.rel("IN_REGION", tunit, town_region, source_label="Unit")
        w.rel("SUBORDINATE_TO", tunit, party)
        w.rel("OVERSEES", bodies["cdi"], tunit, mode="上级")
        tposts = world.staff(tunit, [("党委书记", True), (town[-1] + "长", False), ("党委副书记", False),
                                     ("纪委书记", False)])
        world.yearly_education(bodies["cdi"], tunit)
        quiet = plant and k == 1 and not county["townships"]  # planted: no talk from above for 9+ months
        for post in tposts:
            if post.top:
                world.regular_talks(bodies["cdi"], post.leader, post.start, 120, quiet_days=270 if quiet else 0)
                world.audits_for(post, bodies["audit"])
                if quiet:
                    world.planted.add("superior_gaps", leader=post.leader, unit=tunit)
            else:
                world.deputy_acts(bodies["cdi"], post.leader, post.start)
        county["townships"].append((tunit, tposts))
        hunit = w.node("Unit", world.new_id("U"), name=f"{name}{town}卫生院", kind="事业单位", admin_level="乡",
                       sector="卫健", region=town_region)
        w.rel("IN_REGION", hunit, town_region, source_label="Unit")
        w.rel("SUBORDINATE_TO", hunit, health_bureau)
        w.rel("OVERSEES", bodies["cdi"], hunit, mode="上级")
        hposts = world.staff(hunit, [("院长", True), ("副院长", False)])
        world.yearly_education(bodies["cdi"], hunit)
        for post in hposts:
            if post.top:
                world.regular_talks(bodies["cdi"], post.leader, post.start, 120)
                world.audits_for(post, bodies["audit"])
        county["health"].append((hunit, hposts))
        for _ in range(2):
            village = world.place_name() + "村"
            vunit = w.node("Unit", world.new_id("U"), name=f"{town}{village}党支部", kind="村", admin_level="村",
                           region=town_region)
            w.rel("IN_REGION", vunit, town_region, source_label="Unit")
            w.rel("SUBORDINATE_TO", vunit, tunit)
            w.rel("OVERSEES", bodies["cdi"], vunit, mode="上级")
            vposts = world.staff(vunit, [("党支部书记", True)], predecessor_rate=0.2)
            world.yearly_education(bodies["cdi"], vunit)
            for post in vposts:
                world.regular_talks(bodies["cdi"], post.leader, post.start, 150, kinds=("谈话提醒",))
                world.audits_for(post, bodies["audit"])
            county["villages"].append((vunit, vposts))
    # background clues: one per some leaders, always disposed in time
    # (county 1's 住建 and 财政 bureaus are left out: planted clues about them must stand alone)
    spared = {"住建", "财政"} if plant and k == 0 else set()
    everyone = [p for sector, (_, posts) in county["departments"].items() if sector not in spared for p in posts]
    everyone += [p for _, posts in (*county["townships"], *county["health"]) for p in posts]
    for post in rng.sample(everyone, k=min(len(everyone), 25)):
        world.background_clue(bodies["cdi"], post.leader)
    if world.noise:
        _noise_cases(world, county)
    # one background case: a village branch secretary, from a clue that was acted on
    vunit, vposts = rng.choice(county["villages"])
    opened = world.day(dt.date(2024, 1, 1), dt.date(2025, 12, 31))
    case = world.case(f"{vunit[-6:]}村支书违规占用集体资金案", opened, bodies["cdi"], vunit,
                      [(vposts[0].leader, "Leader", "主要涉案人")])
    clue = world.clue(bodies["cdi"], vposts[0].leader, "信访", opened - dt.timedelta(days=60), "立案", opened)
    w.rel("LED_TO", clue, case)
    w.rel("SANCTIONED", vposts[0].leader, case, kind="党纪处分", date=opened + dt.timedelta(days=120))
    # inspection rounds: every unit group inspected once, findings handled in time
    units = [u for u, _ in (*county["departments"].values(), *county["townships"])]
    rng.shuffle(units)
    for i in range(0, len(units), 5):
        world.inspection(bodies["xuncha"], units[i:i + 5], world.day(dt.date(2023, 9, 1), dt.date(2025, 12, 31)))
    return county


def _noise_cases(world: World, county: dict[str, Any]) -> None:
    """Random extra cases and clues, so random worlds exercise every query (noise > 0 only)."""
    rng, w, cdi = world.rng, world.w, county["bodies"]["cdi"]
    units = [*county["departments"].values(), *county["townships"], *county["health"]]
    persons = [w.node("Person", world.new_id("P"), name=world.person_name(), occupation="商人") for _ in range(2)]
    previous_clue = None
    for _ in range(max(1, round(world.noise * 40))):
        unit, posts = rng.choice(units)
        involved = [(p.leader, "Leader", rng.choice(("主要涉案人", "共同涉案人")))
                    for p in rng.sample(posts, k=rng.randint(1, len(posts)))]
        if rng.random() < 0.3:
            involved.append((rng.choice(persons), "Person", "行贿人"))
        opened = world.day(dt.date(2022, 1, 1), AS_OF)
        stage = rng.choice(("初核", "立案", "审查调查", "结案"))
        case = world.case("随机案件", opened, cdi, unit, involved, stage=stage)
        if rng.random() < 0.5:
            clue = previous_clue if previous_clue and rng.random() < 0.3 else world.clue(
                cdi, involved[0][0], rng.choice(CHANNELS), opened - dt.timedelta(days=rng.randint(1, 400)),
                rng.choice(("予以了结", "立案", "待处置")), None if rng.random() < 0.3 else opened)
            w.rel("LED_TO", clue, case)
            previous_clue = clue
        for who, label, _role in involved:
            if label == "Leader" and rng.random() < 0.3:
                w.rel("SANCTIONED", who, case, kind=rng.choice(("党纪处分", "政务处分", "组织处理")),
                      date=opened + dt.timedelta(days=rng.randint(30, 200)))
    for _ in range(max(1, round(world.noise * 30))):
        _, posts = rng.choice(units)
        world.clue(cdi, rng.choice(posts).leader, rng.choice(CHANNELS), world.day(dt.date(2024, 1, 1), AS_OF),
                   rng.choice(("待处置", "予以了结", "谈话函询")), None)


def _plant(world: World, city: dict[str, Any], counties: list[dict[str, Any]]) -> None:
    """The patterns the query library must find (see PLANTED.md written beside the sample)."""
    w = world.w
    c1 = counties[0]
    c2 = counties[1] if len(counties) > 1 else counties[0]
    c3 = counties[2] if len(counties) > 2 else counties[-1]
    cdi1, cdi2 = c1["bodies"]["cdi"], c2["bodies"]["cdi"]

    # 1. collapse (塌方式): 住建局 of county 1, its 一把手 and both deputies fall in 2025
    unit, posts = c1["departments"]["住建"]
    top, dep1, dep2 = posts
    case_a = world.case("县住建局工程项目受贿窝案", dt.date(2025, 3, 12), cdi1, unit,
                        [(top.leader, "Leader", "主要涉案人"), (dep1.leader, "Leader", "共同涉案人")])
    case_b = world.case("县住建局副局长违规插手招投标案", dt.date(2025, 8, 20), cdi1, unit,
                        [(dep2.leader, "Leader", "主要涉案人")])
    for post, case in ((top, case_a), (dep1, case_a), (dep2, case_b)):
        w.rel("SANCTIONED", post.leader, case, kind="党纪处分", date=dt.date(2025, 12, 1))
    world.planted.add("collapse_clusters", unit=unit, leaders=sorted([top.leader, dep1.leader, dep2.leader]),
                      cases=sorted([case_a, case_b]), top_leader=top.leader, window=["2025-01-01", "2025-12-31"])
    # a clue about deputy 2, closed without action in 2023, later confirmed by case B
    closed_clue = world.clue(cdi1, dep2.leader, "网络", dt.date(2023, 5, 8), "予以了结", dt.date(2023, 7, 3))
    world.planted.add("clue_backlog.closed_then_case", clue=closed_clue, leader=dep2.leader, case=case_b)

    # 2. sector-wide (系统性): five township health-centre heads under county 2's 卫健局
    bureau = c2["departments"]["卫健"][0]
    heads, cases = [], []
    for i, (hunit, hposts) in enumerate(c2["health"][:5]):
        case = world.case("卫生院院长医疗设备采购受贿案", dt.date(2024, 4 + i, 10 + i), cdi2, hunit,
                          [(hposts[0].leader, "Leader", "主要涉案人")])
        heads.append(hposts[0].leader)
        cases.append(case)
    world.planted.add("sector_clusters", parent=bureau, sector="卫健", units=sorted(u for u, _ in c2["health"][:5]),
                      leaders=sorted(heads), cases=sorted(cases))

    # 3. same-level gap (同级监督): county 3's 县委 members never supervised by the county 纪委
    members = sorted(p.leader for p in c3["committee"] if not p.title.startswith("纪委书记"))
    world.planted.add("same_level_gaps", party=c3["party"], body=c3["bodies"]["cdi"], leaders=members)

    # 4. audit gaps are pinned while county 1 and 2 are built (PLANS above)

    # 5. clue backlog: three undisposed clues about county 1's 财政局 一把手, through three channels
    funit, fposts = c1["departments"]["财政"]
    backlog = [world.clue(cdi1, fposts[0].leader, channel, received, "待处置", None)
               for channel, received in (("12380", dt.date(2025, 11, 3)), ("信访", dt.date(2026, 1, 12)),
                                         ("网络", dt.date(2026, 2, 20)))]
    world.planted.add("clue_backlog.undisposed", leader=fposts[0].leader, unit=funit, clues=sorted(backlog))

    # 6. overdue rectification: an inspection of three county-2 units whose findings are late
    late_units = [c2["departments"][s][0] for s in ("民政", "人社", "市场监管")]
    late = world.inspection(c2["bodies"]["xuncha"], late_units, dt.date(2025, 3, 1), overdue=4)
    world.planted.add("overdue_rectification", units=sorted({u for _, u in late}), findings=sorted(f for f, _ in late))

    # 7. two cases linked only by a shared briber and overlapping tenures
    x_unit, x_posts = city["departments"]["自然资源"]
    y_unit, y_posts = c2["departments"]["交通"]
    x, y = x_posts[0].leader, y_posts[0].leader
    old_unit = city["departments"]["交通"][0]
    world.hold(Post(x, old_unit, "Unit", "副局长", False, dt.date(2016, 3, 1), dt.date(2021, 2, 28)))
    world.hold(Post(y, old_unit, "Unit", "总工程师", False, dt.date(2018, 7, 1), dt.date(2022, 6, 30)))
    briber = w.node("Person", world.new_id("P"), name=world.person_name(), occupation="房地产开发商")
    cdi_city = city["bodies"]["cdi"]
    case_x = world.case("市自然资源局局长受贿案", dt.date(2025, 5, 9), cdi_city, x_unit,
                        [(x, "Leader", "主要涉案人"), (briber, "Person", "行贿人")])
    case_y = world.case("县交通运输局局长受贿案", dt.date(2025, 10, 22), cdi2, y_unit,
                        [(y, "Leader", "主要涉案人"), (briber, "Person", "行贿人")])
    world.planted.add("case_links", cases=sorted([case_x, case_y]), briber=briber, leaders=sorted([x, y]),
                      shared_unit=old_unit, overlap=["2018-07-01", "2021-02-28"])


PATTERN_DOCS = {
    "collapse_clusters": "塌方式 collapse: the 一把手 of a county 住建局 and both deputies involved in two cases "
                         "opened in 2025 (query: collapse_clusters).",
    "sector_clusters": "系统性 sector-wide: five township health-centre heads under one county 卫健局, "
                       "each in a case opened in 2024 (query: sector_clusters).",
    "same_level_gaps": "同级监督 gap: the members of one county 党委 (except the 纪委书记) never supervised by "
                       "the county 纪委监委 (query: same_level_gaps).",
    "audit_gaps.long_tenure": "审计 gap: a 交通运输局 一把手 in post since 2020-05-06, never audited "
                              "(query: audit_gaps).",
    "audit_gaps.no_exit_audit": "离任审计 gap: a 水利局 一把手 who left on 2025-01-15 without an exit audit "
                                "(query: audit_gaps).",
    "clue_backlog.undisposed": "线索积压 backlog: three clues about a 财政局 一把手 through 12380, 信访 and 网络, "
                               "still 待处置 (query: clue_backlog).",
    "clue_backlog.closed_then_case": "a clue closed as 予以了结 in 2023 whose target was caught by a case in 2025 "
                                     "(query: clue_backlog).",
    "overdue_rectification": "整改逾期 overdue: findings of a 2025 巡察 round past deadline and not closed "
                             "(query: overdue_rectification).",
    "superior_gaps": "上级监督 gap: a township 党委书记 with no talk from the county 纪委监委 in the last nine "
                     "months (query: superior_gaps).",
    "case_links": "串案 linked cases: two cases with no shared leader, unit or clue, tied by one briber (Person) "
                  "and by their leaders' overlapping tenures in one city bureau (query: case_links).",
}


def write_planted_doc(out: Path, meta: dict[str, Any]) -> Path:
    """PLANTED.md beside the data: each planted pattern in words, with the exact ids."""
    lines = ["# Planted patterns", "",
             f"Generated by `jiandu generate --scale {meta['scale']} --seed {meta['seed']} --noise {meta['noise']}`.",
             f"The world's date is {meta['as_of']}: run the detection queries with `as_of={meta['as_of']}`.",
             "Every person and unit here is invented. The background is well supervised, so with noise 0",
             "these are the only findings the queries should report. `_planted.json` holds the same, for tests.", ""]
    for key, entries in meta["planted"].items():
        lines.append(f"## {key}")
        lines.append("")
        lines.append(PATTERN_DOCS.get(key, ""))
        lines.append("")
        for entry in entries:
            parts = (f"{k}: {', '.join(v) if isinstance(v, list) else v}" for k, v in entry.items())
            lines.append("- " + "; ".join(parts))
        lines.append("")
    path = out / "PLANTED.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path
