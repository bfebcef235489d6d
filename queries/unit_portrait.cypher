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
// Each indicator is its own part, read from its sparse side (cases, clues, findings in the window)
// or from the current posts, in the pipeline; each part's rows are counted per unit. Coverage
// reads the leader's derived list of act dates (Leader.supervised_on), not every act.
// Ranking every unit is bounded first. A unit with no case, clue or overdue finding in the window
// scores at most 20 (every current leader unsupervised), so the few units that have one are scored
// first, with their leaders. When the limit-th of them scores more than 20.01, no other unit can
// come within 0.01 of it (the rows sent on), and the current posts of every unit (the bulk of the
// cost) are never read. Otherwise (`all`) every unit of the filter is scored, its leaders read
// from the current posts and its other indicators taken from the units scored first.
// The unit filters of the case and clue parts follow a WITH: before it, FalkorDB starts from every
// unit instead of from the cases and clues in the window (their date index).
// Open findings are named by their statuses before 对账销号: the status index then finds the
// few open ones, where `status <> '对账销号'` reads every finding past its deadline.
WITH date($as_of) AS day, date($window_start) AS window_from
CALL {
  WITH day, window_from
  MATCH (cl:Clue)-[:ABOUT]->(l:Leader)
  WHERE cl.received >= window_from AND cl.received <= day
  WITH DISTINCT day, l, cl
  MATCH (l)-[p:HOLDS_POST]->(u:Unit)
  WHERE ($unit_id IS NULL OR u.id = $unit_id) AND ($level IS NULL OR u.admin_level = $level) AND (p.start IS NULL OR p.start <= day) AND (p.end IS NULL OR p.end >= day)
  WITH DISTINCT u, l, cl
  RETURN u, 1 AS clues, null AS cases, null AS top, null AS overdue
  UNION ALL
  WITH day, window_from
  MATCH (cu:Clue)-[:ABOUT]->(u:Unit)
  WHERE cu.received >= window_from AND cu.received <= day
  WITH DISTINCT u, cu
  WHERE ($unit_id IS NULL OR u.id = $unit_id) AND ($level IS NULL OR u.admin_level = $level)
  RETURN u, 1 AS clues, null AS cases, null AS top, null AS overdue
  UNION ALL
  WITH day, window_from
  MATCH (c:Case)-[:CONCERNS]->(u:Unit)
  WHERE c.opened >= window_from AND c.opened <= day
  WITH DISTINCT u, c
  WHERE ($unit_id IS NULL OR u.id = $unit_id) AND ($level IS NULL OR u.admin_level = $level)
  RETURN u, null AS clues, 1 AS cases, null AS top, null AS overdue
  UNION ALL
  WITH day, window_from
  MATCH (tc:Case)-[:CONCERNS]->(u:Unit)
  WHERE tc.opened >= window_from AND tc.opened <= day
  WITH tc, u
  WHERE ($unit_id IS NULL OR u.id = $unit_id) AND ($level IS NULL OR u.admin_level = $level)
  MATCH (tc)<-[:INVOLVED_IN]-(:Leader)-[tp:HOLDS_POST {top_leader: true}]->(u)
  WHERE (tp.start IS NULL OR tp.start <= tc.opened) AND (tp.end IS NULL OR tp.end >= tc.opened)
  WITH DISTINCT u
  RETURN u, null AS clues, null AS cases, true AS top, null AS overdue
  UNION ALL
  WITH day, window_from
  MATCH (f:Finding)-[:CONCERNS]->(u:Unit)
  WHERE f.status IN ['建立台账', '督办', '跟踪', '评估验收'] AND f.deadline < day AND f.closed IS NULL AND ($unit_id IS NULL OR u.id = $unit_id) AND ($level IS NULL OR u.admin_level = $level)
  WITH DISTINCT u, f
  RETURN u, null AS clues, null AS cases, null AS top, 1 AS overdue
}
WITH day, window_from, u, count(clues) AS clues, count(cases) AS cases, count(top) > 0 AS top_involved,
     count(overdue) AS overdue
// Their leaders: an OPTIONAL MATCH with no WHERE stays in the pipeline on FalkorDB (with one, or
// in a subquery per unit, it costs a traversal per unit); the current posts are kept by a CASE,
// and each unit's leaders are collected once (one distinct aggregate, not one per count).
OPTIONAL MATCH (l:Leader)-[p:HOLDS_POST]->(u)
WITH day, window_from, u, clues, cases, top_involved, overdue,
     collect(DISTINCT CASE WHEN (p.start IS NULL OR p.start <= day) AND (p.end IS NULL OR p.end >= day) THEN l END) AS ls
WITH u, clues, cases, top_involved, overdue, size(ls) AS leaders,
     size([x IN ls WHERE any(d IN x.supervised_on WHERE d >= window_from AND d <= day)]) AS covered
WITH u, leaders, covered, clues, cases, top_involved, overdue,
     10.0 * CASE WHEN cases > 3 THEN 3 ELSE cases END + CASE WHEN top_involved THEN 20.0 ELSE 0.0 END
     + CASE WHEN leaders = 0 THEN 0.0 WHEN clues >= leaders THEN 15.0 ELSE 15.0 * clues / leaders END
     + 3.0 * CASE WHEN overdue > 5 THEN 5 ELSE overdue END
     + CASE WHEN leaders = 0 THEN 0.0 ELSE 20.0 * (leaders - covered) / leaders END AS rough
ORDER BY rough DESC
// No grouping key: one row even when no unit has a case, clue or overdue finding.
WITH collect([u.id, u.name, cases, top_involved, leaders, clues, overdue, covered, rough]) AS sparse
WITH date($as_of) AS day, date($window_start) AS window_from, sparse,
     size(sparse) < $limit OR sparse[$limit - 1][8] <= 20.01 AS all
CALL {
  WITH day, window_from, sparse, all
  CALL {
    WITH sparse, all
    UNWIND CASE WHEN all THEN sparse ELSE [] END AS s
    RETURN s[0] AS id, s[1] AS name, s[2] AS cases, CASE WHEN s[3] THEN 1 ELSE 0 END AS top, null AS leaders,
           s[5] AS clues, s[6] AS overdue, null AS covered
    UNION ALL
    WITH all
    MATCH (u:Unit)
    WHERE all AND ($unit_id IS NULL OR u.id = $unit_id) AND ($level IS NULL OR u.admin_level = $level)
    RETURN u.id AS id, u.name AS name, 0 AS cases, 0 AS top, null AS leaders, 0 AS clues, 0 AS overdue, null AS covered
    UNION ALL
    WITH day, window_from, all
    MATCH (l:Leader)-[p:HOLDS_POST]->(u:Unit)
    WHERE all AND ($unit_id IS NULL OR u.id = $unit_id) AND ($level IS NULL OR u.admin_level = $level) AND (p.start IS NULL OR p.start <= day) AND (p.end IS NULL OR p.end >= day)
    WITH DISTINCT window_from, day, u, l
    RETURN u.id AS id, u.name AS name, 0 AS cases, 0 AS top, 1 AS leaders, 0 AS clues, 0 AS overdue,
           CASE WHEN any(d IN l.supervised_on WHERE d >= window_from AND d <= day) THEN 1 END AS covered
  }
  // The units scored above keep their other indicators; every unit counts its leaders here
  // (count, not sum: FalkorDB's sum is a float).
  WITH id, name, max(cases) AS cases, max(top) = 1 AS top_involved, count(leaders) AS leaders, max(clues) AS clues,
       max(overdue) AS overdue, count(covered) AS covered
  WITH id, name, leaders, covered, clues, cases, top_involved, overdue,
       10.0 * CASE WHEN cases > 3 THEN 3 ELSE cases END + CASE WHEN top_involved THEN 20.0 ELSE 0.0 END
       + CASE WHEN leaders = 0 THEN 0.0 WHEN clues >= leaders THEN 15.0 ELSE 15.0 * clues / leaders END
       + 3.0 * CASE WHEN overdue > 5 THEN 5 ELSE overdue END
       + CASE WHEN leaders = 0 THEN 0.0 ELSE 20.0 * (leaders - covered) / leaders END AS rough
  ORDER BY rough DESC
  RETURN collect([id, name, cases, top_involved, leaders, clues, overdue, covered, rough]) AS every
}
// The score again, unrounded (finishing.portrait_score is the one that counts): only the units
// within 0.01 of the limit-th are sent on, so the client ranks tens of rows, not every unit.
WITH CASE WHEN all THEN every ELSE sparse END AS ranked
WITH ranked, CASE WHEN size(ranked) > $limit THEN ranked[$limit - 1][8] END AS floor
UNWIND ranked AS r
WITH r
WHERE floor IS NULL OR r[8] >= floor - 0.01
RETURN r[0] AS unit_id, r[1] AS unit, r[2] AS cases, r[3] AS top_involved, r[4] AS leaders, r[5] AS clues,
       r[6] AS overdue, r[7] AS covered
