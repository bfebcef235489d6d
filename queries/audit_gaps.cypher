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
// One pass over the 一把手 posts of either kind (a post cannot be both: the current end on or
// after as_of, the past one before left_before). Each is checked against two derived lists, not
// every audit: the leader's audits of the kinds that count ("date|Audit:id", date order) and the
// unit's audits ("Audit:id"). An audit in both, dated in the post (a current post's on or before
// as_of: "date|" sorts before as_of + '|~'), covers it. Reading the lists instead of traversing
// and aggregating every post's audits is what makes this fast on FalkorDB.
WITH date($as_of) AS day, date($tenure_start_before) AS tenure_before, date($left_before) AS left_before,
     $as_of + '|~' AS upto
MATCH (l:Leader)-[p:HOLDS_POST {top_leader: true}]->(u:Unit)
WHERE (p.start IS NOT NULL AND p.start <= tenure_before AND (p.end IS NULL OR p.end >= day))
   OR (p.end IS NOT NULL AND p.end < left_before)
// A separate WITH: FalkorDB would otherwise test the lists before u is bound.
WITH day, upto, l, p, u, coalesce(u.audits, []) AS covering, p.end IS NULL OR p.end >= day AS current,
     CASE WHEN p.start IS NULL THEN '' ELSE toString(p.start) END AS since
WITH day, upto, l, p, u, covering, current, since,
     CASE WHEN current THEN coalesce(l.term_audits, []) ELSE coalesce(l.exit_audits, []) END AS audits
WHERE none(t IN audits WHERE t >= since AND (NOT current OR t < upto) AND substring(t, 11) IN covering)
WITH day, l, p, u
OPTIONAL MATCH (l)<-[:RAISED_FROM]-(i:LedgerItem)-[:RESPONSIBLE_UNIT]->(u)
WHERE coalesce(i.state, '') <> 'closed' AND (i.alert = 'audit_gaps' OR i.origin = '审计')
WITH day, l, p, u, collect(DISTINCT i.id) AS ledger_ids
RETURN CASE WHEN p.end IS NULL OR p.end >= day THEN 'long_tenure' ELSE 'no_exit_audit' END AS gap,
       l.id AS leader_id, l.name AS leader, u.id AS unit_id, u.name AS unit, p.title AS title,
       p.start AS start, p.end AS end, ledger_ids
