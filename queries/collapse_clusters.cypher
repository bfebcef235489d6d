// collapse_clusters · 塌方式腐败 collapse-style clusters
// zh: 在时间窗内立案的案件所涉单位中，至少有 min_leaders 名不同领导干部涉案的单位（可含下属单位，最多三级）；并标出案发时该单位的一把手是否在涉案人之中。
// en: Units (optionally with their subordinate subtree, up to three levels) concerned by cases opened in the window in which at least min_leaders distinct leaders were involved; flags whether the unit's 一把手 at the time of a case was among them.
// param min_leaders: int = 3 (min 1) · 最少涉案领导人数 minimum distinct leaders
// param since: date = 2000-01-01 · 立案日期起 cases opened on or after
// param until: date = latest · 立案日期止 cases opened on or before
// param subtree: bool = false · 含下属单位 count cases of subordinate units too
// column unit_id · 单位 id
// column unit · 单位名称 unit name
// column leaders · 涉案领导人数 distinct leaders involved
// column leader_ids · 涉案领导 id
// column leader_names · 涉案领导姓名 (与 leader_ids 一一对应 the name of each leader_ids entry, in its order)
// column case_ids · 案件 id
// column top_leader_involved · 案发时一把手是否涉案 whether the 一把手 of the time was involved
// column top_leader_ids · 涉案的一把手 id
// paired: leader_ids leader_names
// alert: Unit unit_id · 塌方式腐败风险：{unit} {leaders} 名领导涉案（{case_ids}）
MATCH (c:Case)-[:CONCERNS]->(d:Unit)
WHERE c.opened >= date($since) AND c.opened <= date($until)
// the unit and, with $subtree, its superiors up to three levels. Spelled out hop by hop:
// FalkorDB's SUBORDINATE_TO*0..3 misses ancestors reached by two paths (differential tests).
// One-hop OPTIONAL MATCHes with no WHERE run in the pipeline; the $subtree test comes after them
// so that FalkorDB plans no per-row subquery.
OPTIONAL MATCH (d)-[:SUBORDINATE_TO]->(a1:Unit)
OPTIONAL MATCH (a1)-[:SUBORDINATE_TO]->(a2:Unit)
OPTIONAL MATCH (a2)-[:SUBORDINATE_TO]->(a3:Unit)
UNWIND CASE WHEN $subtree THEN [d, a1, a2, a3] ELSE [d] END AS u
WITH c, u
WHERE u IS NOT NULL
WITH DISTINCT c, u
MATCH (l:Leader)-[:INVOLVED_IN]->(c)
OPTIONAL MATCH (l)-[p:HOLDS_POST {top_leader: true}]->(u)
WHERE (p.start IS NULL OR p.start <= c.opened) AND (p.end IS NULL OR p.end >= c.opened)
WITH u, l, c, count(p) > 0 AS was_top
// a leader's id and name are collected as one pair, so that namesakes keep a name each
WITH u, collect(DISTINCT [l.id, l.name]) AS named, collect(DISTINCT c.id) AS case_ids,
     collect(DISTINCT CASE WHEN was_top THEN l.id END) AS top_leader_ids
WHERE size(named) >= $min_leaders
RETURN u.id AS unit_id, u.name AS unit, size(named) AS leaders, [x IN named | x[0]] AS leader_ids,
       [x IN named | x[1]] AS leader_names, case_ids, size(top_leader_ids) > 0 AS top_leader_involved, top_leader_ids
ORDER BY leaders DESC, unit_id
