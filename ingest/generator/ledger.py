"""The world's supervision ledger: per county a few items, each walked through the loop's steps
as the ontology declares them, so every entry is one the ledger itself would have taken.

County 0 of a planted city holds an item in each state and overdue items of each colour (蓝,
黄, 红 at the default 1, 3 and 6 months past the deadline); the other counties' items are on
time or closed. Every date lies on or before the world's day, except deadlines (planned).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from jiandu.graph.ontology import ONTOLOGY
from jiandu.ingest.generator.world import AS_OF, World

RULES = ONTOLOGY.ledger
# the steps that bring a new item to each state (reopened: closed, then sent back to rectification)
PATHS = {"open": [], "assigned": ["assign"], "in_rectification": ["assign", "letter", "note"],
         "submitted": ["assign", "letter", "note", "submit"],
         "accepted": ["assign", "letter", "note", "submit", "accept"],
         "closed": ["assign", "letter", "note", "submit", "accept", "close"],
         "reopened": ["assign", "letter", "note", "submit", "accept", "close", "reopen"]}
# planted: (state, deadline in days from the world's day, colour at 1/3/6 months); past deadlines are overdue
PLANTED = [("in_rectification", -245, "红"), ("assigned", -125, "黄"), ("open", -45, "蓝"), ("submitted", -10, None),
           ("accepted", 20, None), ("closed", -60, None), ("reopened", 30, None)]
NOTES = {"note": "已制定整改方案，正在推进", "letter": "督促限期整改", "reopen": "验收发现整改不到位，重新整改",
         "submit": "整改完成，申请验收", "accept": "验收合格", "close": "对账销号"}
PROBLEMS = ("干部选拔任用程序不规范", "专项资金使用不规范", "政府采购未按规定执行", "公车管理不严",
            "违规兼职取酬", "一把手末位表态未落实")


def ledger_for_county(world: World, county: dict[str, Any], plant: bool) -> None:
    """Write the county's ledger items (planted ones when `plant`) and forget its pending findings."""
    rng = world.ledger_rng
    units = [(unit, posts) for _, (unit, posts) in sorted(county["departments"].items())] + county["townships"]
    units = [(u, next(p for p in posts if p.top)) for u, posts in units if any(p.top for p in posts)]
    plans = PLANTED if plant else [(rng.choice(list(PATHS)), rng.randint(15, 200), None) for _ in range(3)]
    picked = rng.sample(units, k=min(len(units), len(plans)))
    pending = list(world.pending_findings)
    world.pending_findings.clear()
    for (state, days, colour), (unit, top) in zip(plans, picked, strict=False):
        deadline = AS_OF + dt.timedelta(days=days)
        opened = AS_OF - dt.timedelta(days=rng.randint(300 if days < 0 else 120, 360))
        source, origin = (unit, "Unit"), rng.choice(("日常监督", "审计"))
        mine = [f for f in pending if f[1] == unit and f[2] <= opened]
        if mine and days > 0:  # a finding still within its term: the item carries the finding's deadline
            finding, _, found, deadline = mine[0]
            source, origin, opened = (finding, "Finding"), "巡视巡察", found
        item = world.w.node("LedgerItem", world.new_id("LG"), name=rng.choice(PROBLEMS), origin=origin,
                            opened=opened, deadline=deadline)
        world.w.rel("RAISED_FROM", item, source[0], target_label=source[1])
        world.w.rel("RESPONSIBLE_UNIT", item, unit)
        world.w.rel("RESPONSIBLE_LEADER", item, top.leader)
        world.w.rel("REPORTED_TO", item, county["party"])
        _walk(world, item, PATHS[state], opened, deadline)
        if plant and deadline < AS_OF and state != "closed":
            world.planted.add("ledger.overdue", item=item, unit=unit, colour=colour, deadline=deadline.isoformat())
        if plant:
            world.planted.add("ledger.items", item=item, state=state if state != "reopened" else "in_rectification")


def _walk(world: World, item: str, steps: list[str], opened: dt.date, deadline: dt.date) -> None:
    """Entries 1, 2, … from 立账 through `steps`, each checked against the ontology's rules."""
    rng = world.ledger_rng
    state, day = None, opened
    for seq, name in enumerate(["open", *steps], start=1):
        step = RULES.steps[name]
        if name not in RULES.allowed(state):
            raise ValueError(f"generator: {name} is not allowed after {state}")
        after = step.after(state)
        fields: dict[str, Any] = {"note": NOTES.get(name)}
        if name == "assign":
            fields.update(owner="单位主要负责人", due=deadline)
        actor = "县纪委监委" if name in ("letter", "accept", "close", "reopen") else "台账管理员"
        world.w.node("LedgerEntry", f"{item}#{seq:04d}", name=f"{step.zh} {name}", seq=seq, step=step.zh, date=day,
                     actor=actor, from_state=state, to_state=after, **fields)
        world.w.rel("ENTRY_OF", f"{item}#{seq:04d}", item)
        state = after
        day = min(AS_OF, day + dt.timedelta(days=rng.randint(5, 40)))
