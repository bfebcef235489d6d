// superior_gaps · 上级监督空白 gaps in supervision from above
// zh: 现任一把手中，上级（对其单位“上级”监督的机构，或其上级单位的现任一把手）在 months 个月内没有与其谈话（谈话提醒、廉政谈话、约谈、诫勉谈话）的人。
// en: Current 一把手 whom the level above (an oversight body that OVERSEES their unit with mode 上级, or the current 一把手 of the unit theirs is SUBORDINATE_TO) has not talked to (谈话提醒, 廉政谈话, 约谈, 诫勉谈话) in the last `months` months.
// param months: int = 6 (min 1) · 月数 window in months
// param as_of: date = latest · 基准日 the day "now" means
// column leader_id · 一把手 id
// column leader · 姓名
// column unit_id · 单位 id
// column unit · 单位名称
// column title · 职务
// column since · 任职起 in post since
// column last_talk · 上级最近一次谈话 last talk from above (null: never)
// alert: Leader leader_id + unit_id · 上级监督空白：{leader}（{unit}{title}）{months}个月内无上级谈话
// let: window_start = as_of - months months
// Each current 一把手 is checked against their derived list of talks ("date|Label:id", in date
// order) and their unit's derived list of the bodies overseeing it from above; the few without
// such a talk in the window are asked for their bosses (the current 一把手 above), and are gaps
// when the last talk from any of them falls before the window. Reading two node lists instead of
// every act and every oversight relationship is what makes this fast on FalkorDB.
// The reference day is bound once: date($as_of) in a WHERE is parsed again for every row.
WITH date($as_of) AS day
MATCH (l:Leader)-[p:HOLDS_POST {top_leader: true}]->(u:Unit)
WHERE (p.start IS NULL OR p.start <= day) AND (p.end IS NULL OR p.end >= day)
// A separate WITH: FalkorDB would otherwise test the list before u is bound.
WITH l, p, u, coalesce(l.talked_to_by, []) AS talks, coalesce(u.overseen_from_above, []) AS bodies
WHERE none(t IN talks WHERE t >= $window_start AND t < $as_of + '|~' AND substring(t, 11) IN bodies)
WITH l, p, u
OPTIONAL MATCH (u)-[:SUBORDINATE_TO]->(:Unit)<-[q:HOLDS_POST {top_leader: true}]-(boss:Leader)
WHERE (q.start IS NULL OR q.start <= date($as_of)) AND (q.end IS NULL OR q.end >= date($as_of))
// The lists are read again here: FalkorDB loses a list carried through the aggregate.
WITH l, p, u, collect(DISTINCT 'Leader:' + boss.id) AS bosses
WITH l, p, u, coalesce(u.overseen_from_above, []) + bosses AS above
WITH l, p, u, [t IN coalesce(l.talked_to_by, []) WHERE t < $as_of + '|~' AND substring(t, 11) IN above] AS heard
WITH l, p, u, CASE WHEN size(heard) = 0 THEN null ELSE date(substring(heard[-1], 0, 10)) END AS last
WHERE last IS NULL OR last < date($window_start)
RETURN l.id AS leader_id, l.name AS leader, u.id AS unit_id, u.name AS unit, p.title AS title, p.start AS since,
       last AS last_talk
ORDER BY unit_id, leader_id
