// unit_portrait · 政治生态画像 political-ecology portrait
// zh: 单位的政治生态指标：months 个月内涉及本单位的案件数、一把手是否涉案、每名在任领导的被反映线索数、逾期整改问题数、在任领导中接受过监督的比例，以及综合得分（0–100，越高越需关注）。
// en: For one unit, or every unit of a level ranked, the indicators behind a political-ecology portrait over the last `months` months: cases concerning the unit, whether a 一把手 of the time was involved, clues per current leader (clues received in the window about each current leader, counted per leader, plus those about the unit), overdue findings, and supervision coverage (share of current leaders with at least one supervisory act). score = 30·min(cases,3)/3 + 20·top_involved + 15·min(clue_density,1) + 15·min(overdue,5)/5 + 20·(1 − coverage); 0–100, higher needs more attention; a unit with no current leaders has coverage 1 (no one left unsupervised) and clue density 0.
// param unit_id: str = null · 单位 id（空则按层级排名）one unit, or all
// param level: str = null in Unit.admin_level · 行政层级 only units of this admin level (省/市/县/乡/村)
// param months: int = 12 (min 1) · 月数 window in months
// param as_of: date = latest · 基准日 the day "now" means
// param limit: int = 50 (min 1) · 最多行数 rows at most, highest score first
// requires: unit_id Unit optional
// column unit_id · 单位 id
// column unit · 单位名称
// column cases · 案件数 cases opened in the window
// column top_involved · 一把手涉案 a 一把手 of the time involved
// column leaders · 在任领导数 current leaders
// column clue_density · 线索密度 clues per current leader
// column overdue · 逾期整改数 overdue findings
// column coverage · 监督覆盖率 share of current leaders supervised in the window
// column score · 综合得分 combined score
// finish: unit_portrait
// let: window_start = as_of - months months
MATCH (u:Unit)
WHERE ($unit_id IS NULL OR u.id = $unit_id) AND ($level IS NULL OR u.admin_level = $level)
OPTIONAL MATCH (l:Leader)-[p:HOLDS_POST]->(u)
WHERE (p.start IS NULL OR p.start <= date($as_of)) AND (p.end IS NULL OR p.end >= date($as_of))
WITH DISTINCT u, l
OPTIONAL MATCH (l)<-[:ABOUT]-(cl:Clue)
WHERE cl.received >= date($window_start) AND cl.received <= date($as_of)
WITH u, l, count(DISTINCT cl) AS leader_clues
OPTIONAL MATCH (l)<-[s:SUPERVISED]-()
WHERE s.date >= date($window_start) AND s.date <= date($as_of)
WITH u, l, leader_clues, count(s) AS acts
WITH u, count(l) AS leaders, sum(leader_clues) AS leader_clues,
     sum(CASE WHEN l IS NOT NULL AND acts > 0 THEN 1 ELSE 0 END) AS covered
OPTIONAL MATCH (u)<-[:ABOUT]-(cu:Clue)
WHERE cu.received >= date($window_start) AND cu.received <= date($as_of)
WITH u, leaders, leader_clues, covered, count(DISTINCT cu) AS unit_clues
OPTIONAL MATCH (u)<-[:CONCERNS]-(c:Case)
WHERE c.opened >= date($window_start) AND c.opened <= date($as_of)
WITH u, leaders, leader_clues, covered, unit_clues, collect(DISTINCT c) AS cases
OPTIONAL MATCH (u)<-[:CONCERNS]-(tc:Case)<-[:INVOLVED_IN]-(t:Leader)-[tp:HOLDS_POST {top_leader: true}]->(u)
WHERE tc.opened >= date($window_start) AND tc.opened <= date($as_of)
  AND (tp.start IS NULL OR tp.start <= tc.opened) AND (tp.end IS NULL OR tp.end >= tc.opened)
WITH u, leaders, leader_clues, covered, unit_clues, size(cases) AS cases, count(tp) > 0 AS top_involved
OPTIONAL MATCH (u)<-[:CONCERNS]-(f:Finding)
WHERE f.deadline < date($as_of) AND f.status <> '对账销号' AND f.closed IS NULL
RETURN u.id AS unit_id, u.name AS unit, cases, top_involved, leaders, leader_clues + unit_clues AS clues,
       count(DISTINCT f) AS overdue, covered
