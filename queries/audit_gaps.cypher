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
// column ledger_ids · 跟踪中的台账问题 ledger items not closed that track this gap (from the audit_gaps alert or of origin 审计), raised from the leader at the unit
// alert: Leader leader_id + gap + unit_id + start · 审计空白（{gap}）：{leader}（{unit}{title}，{start}起）
// let: tenure_start_before = as_of - years years
// let: left_before = as_of - months months
// One pass over the 一把手 posts: those of either kind are gathered once (a post cannot be both:
// the current end on or after as_of, the past one before left_before), and a second part marks
// those an audit covers, in the pipeline (an OPTIONAL MATCH with a WHERE would cost FalkorDB a
// traversal per post); the posts left unmarked are gaps.
WITH date($as_of) AS day, date($tenure_start_before) AS tenure_before, date($left_before) AS left_before
MATCH (:Leader)-[p:HOLDS_POST {top_leader: true}]->(:Unit)
WHERE (p.start IS NOT NULL AND p.start <= tenure_before AND (p.end IS NULL OR p.end >= day))
   OR (p.end IS NOT NULL AND p.end < left_before)
WITH day, collect(p) AS posts
CALL {
  WITH posts
  UNWIND posts AS p
  RETURN p, false AS audited
  UNION ALL
  WITH posts, day
  UNWIND posts AS p
  WITH day, p, startNode(p) AS l, endNode(p) AS u
  MATCH (a:Audit)-[:AUDITS]->(l)
  WHERE a.kind IN ['任期经济责任审计', '离任经济责任审计'] AND (p.start IS NULL OR a.date >= p.start)
    AND CASE WHEN p.end IS NULL OR p.end >= day THEN a.date <= day ELSE a.kind = '离任经济责任审计' END
  WITH p, a, u
  MATCH (a)-[:COVERS]->(u)
  RETURN DISTINCT p, true AS audited
}
WITH day, p, max(audited) AS audited
WHERE NOT audited
WITH day, startNode(p) AS l, p, endNode(p) AS u
OPTIONAL MATCH (l)<-[:RAISED_FROM]-(i:LedgerItem)-[:RESPONSIBLE_UNIT]->(u)
WHERE coalesce(i.state, '') <> 'closed' AND (i.alert = 'audit_gaps' OR i.origin = '审计')
WITH day, l, p, u, collect(DISTINCT i.id) AS ledger_ids
RETURN CASE WHEN p.end IS NULL OR p.end >= day THEN 'long_tenure' ELSE 'no_exit_audit' END AS gap,
       l.id AS leader_id, l.name AS leader, u.id AS unit_id, u.name AS unit, p.title AS title,
       p.start AS start, p.end AS end, ledger_ids
