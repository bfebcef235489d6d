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
// let: window_start = as_of - months months
// The current 一把手 are gathered once and the oversight bodies above mark those they talked to in
// the window (WITH DISTINCT, so that the talks are found by Expand Into between two known nodes,
// not by reading every act a leader received); bodies talk to most. Only the few left unmarked
// are asked for their last talk from anyone above, bodies and bosses, and are gaps when it falls
// before the window: a boss's talk in the window clears them there.
WITH date($as_of) AS day, date($window_start) AS window_from
MATCH (l:Leader)-[p:HOLDS_POST {top_leader: true}]->(u:Unit)
WHERE (p.start IS NULL OR p.start <= day) AND (p.end IS NULL OR p.end >= day)
WITH day, window_from, collect([l, p, u]) AS tops
CALL {
  WITH tops, day, window_from
  UNWIND tops AS t
  RETURN t[1] AS p, false AS talked
  UNION ALL
  WITH tops, day, window_from
  UNWIND tops AS t
  WITH day, window_from, t[0] AS l, t[1] AS p, t[2] AS u
  MATCH (b:OversightBody)-[:OVERSEES {mode: '上级'}]->(u)
  WITH DISTINCT day, window_from, l, p, u, b
  MATCH (b)-[s:SUPERVISED]->(l)
  WHERE s.date >= window_from AND s.date <= day AND s.kind IN ['谈话提醒', '廉政谈话', '约谈', '诫勉谈话']
  RETURN DISTINCT p, true AS talked
}
WITH p, max(talked) AS talked
WHERE NOT talked
WITH startNode(p) AS l, p, endNode(p) AS u
OPTIONAL MATCH (b:OversightBody)-[:OVERSEES {mode: '上级'}]->(u)
WITH l, p, u, collect(DISTINCT b) AS bodies
OPTIONAL MATCH (u)-[:SUBORDINATE_TO]->(:Unit)<-[q:HOLDS_POST {top_leader: true}]-(boss:Leader)
WHERE (q.start IS NULL OR q.start <= date($as_of)) AND (q.end IS NULL OR q.end >= date($as_of))
WITH l, p, u, bodies, collect(DISTINCT boss) AS bosses
WITH l, p, u, bodies + bosses AS above
OPTIONAL MATCH (x)-[s:SUPERVISED]->(l)
WHERE x IN above AND s.kind IN ['谈话提醒', '廉政谈话', '约谈', '诫勉谈话'] AND s.date <= date($as_of)
WITH l, p, u, max(s.date) AS last
WHERE last IS NULL OR last < date($window_start)
RETURN l.id AS leader_id, l.name AS leader, u.id AS unit_id, u.name AS unit, p.title AS title, p.start AS since,
       last AS last_talk
ORDER BY unit_id, leader_id
