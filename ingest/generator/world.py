"""The generator's building blocks: names, the CSV writer, and the world's random state."""

from __future__ import annotations

import csv
import datetime as dt
import random
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jiandu.graph.ontology import LIST_SEPARATOR, ONTOLOGY, Ontology

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
        columns = ["id", *(name for name, p in self.onto.node(label).properties.items() if not p.derived)]
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
        # the ledger draws from its own stream, so that adding it left every other row as it was
        self.ledger_rng = random.Random(f"{seed}:ledger")
        self.pending_findings: list[tuple[str, str, dt.date, dt.date]] = []  # (finding, unit, found, deadline)

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
                elif status != "对账销号":
                    self.pending_findings.append((finding, unit, found, deadline))
        return late

    current_auditor: str | None = None


FINDINGS = ("三重一大决策程序不规范", "公务接待超标准", "专项资金拨付滞后", "工程项目未按规定招标",
            "违规发放津贴补贴", "选人用人程序不严", "固定资产管理混乱", "主体责任落实不到位",
            "一把手末位表态执行不到位", "财务审批三审三签缺失")
