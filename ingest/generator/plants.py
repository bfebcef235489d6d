"""The patterns planted in each city for the query library to find, and their description."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from jiandu.ingest.generator.world import Post, World


def plant(world: World, city: dict[str, Any], counties: list[dict[str, Any]]) -> None:
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

    # 4. audit gaps are pinned while county 1 and 2 are built (regions.PLANS)

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
    "ledger.overdue": "台账逾期 ledger items past their deadline and not closed (销号), with the colour they show "
                      "at the default thresholds of 1, 3 and 6 months (jiandu ledger list --overdue; query: "
                      "overdue_rectification).",
    "ledger.items": "台账 one ledger item in each state of the loop, one of them closed and reopened "
                    "(jiandu ledger list).",
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
