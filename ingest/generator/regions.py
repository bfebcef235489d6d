"""The world's places: the province, its cities and counties, their units, leaders and acts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from jiandu.ingest.generator.ledger import ledger_for_county
from jiandu.ingest.generator.plants import plant as plant_patterns
from jiandu.ingest.generator.world import AS_OF, CHANNELS, COMMITTEE, COUNTIES_PER_CITY, DEPARTMENTS, Post, World


def _chunks(n: int, size: int) -> Iterator[int]:
    for start in range(0, n, size):
        yield min(size, n - start)


def build(world: World, counties: int) -> None:
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
        plant_patterns(world, city, counties)


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
    ledger_for_county(world, county, plant and k == 0)
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
