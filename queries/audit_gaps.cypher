// audit_gaps · 审计空白 audit gaps
// zh: （一）在任超过 years 年、任期内没有经济责任审计（审计对象为本人且覆盖该单位）的现任一把手；（二）离任一把手职务超过 months 个月、没有离任经济责任审计的人。
// en: (long_tenure) current 一把手 in post for more than `years` years with no economic-responsibility audit (任期 or 离任, auditing them and covering the unit) dated within the tenure; (no_exit_audit) leaders who left a 一把手 post more than `months` months ago with no 离任经济责任审计 of that post.
// param years: int = 3 (min 1) · 任期年数 tenure in years
// param months: int = 6 (min 0) · 离任月数 months since leaving
// param as_of: date = latest · 基准日 the day "now" means
// column gap · 类型 long_tenure 任期无审计 / no_exit_audit 离任未审计
// column leader_id · 领导干部 id
// column leader · 姓名
// column unit_id · 单位 id
// column unit · 单位名称
// column title · 职务
// column start · 任职起
// column end · 任职止
// let: tenure_start_before = as_of - years years
// let: left_before = as_of - months months
MATCH (l:Leader)-[p:HOLDS_POST {top_leader: true}]->(u:Unit)
WHERE p.start IS NOT NULL AND p.start <= date($tenure_start_before)
  AND (p.end IS NULL OR p.end >= date($as_of))
OPTIONAL MATCH (a:Audit)-[:AUDITS]->(l)
WHERE a.kind IN ['任期经济责任审计', '离任经济责任审计'] AND a.date >= p.start AND a.date <= date($as_of)
  AND (a)-[:COVERS]->(u)
WITH l, p, u, count(a) AS audits
WHERE audits = 0
RETURN 'long_tenure' AS gap, l.id AS leader_id, l.name AS leader, u.id AS unit_id, u.name AS unit, p.title AS title,
       p.start AS start, p.end AS end
UNION ALL
MATCH (l:Leader)-[p:HOLDS_POST {top_leader: true}]->(u:Unit)
WHERE p.end IS NOT NULL AND p.end < date($left_before)
OPTIONAL MATCH (a:Audit {kind: '离任经济责任审计'})-[:AUDITS]->(l)
WHERE (p.start IS NULL OR a.date >= p.start) AND (a)-[:COVERS]->(u)
WITH l, p, u, count(a) AS audits
WHERE audits = 0
RETURN 'no_exit_audit' AS gap, l.id AS leader_id, l.name AS leader, u.id AS unit_id, u.name AS unit, p.title AS title,
       p.start AS start, p.end AS end
