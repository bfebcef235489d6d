// same_level_gaps · 同级监督空白 same-level oversight gaps
// zh: 党委的现任班子成员（以及同级部门的现任一把手）中，同级纪委监委在 months 个月内未对其开展任何监督（谈话、函询等）的人；纪委监委本身的在职人员除外。
// en: Current members of a 党委 (committee posts), and current 一把手 of the departments of the same region and level, whom the same-level 纪委监委 (OVERSEES mode 同级) has not supervised by any act in the last `months` months; people holding a current post in that 纪委监委 are left out.
// param months: int = 12 (min 1) · 月数 window in months
// param as_of: date = latest · 基准日 the day "now" means
// column party_id · 党委 id
// column party · 党委名称
// column body_id · 同级纪委监委 id
// column body · 同级纪委监委名称
// column leader_id · 领导干部 id
// column leader · 姓名
// column unit_id · 任职单位 id
// column unit · 任职单位
// column title · 职务
// column last_supervised · 该纪委最近一次监督日期 last act by that body (null: never)
// alert: Leader leader_id + unit_id · 同级监督空白：{leader}（{unit}{title}）{months}个月内未受{body}监督
// let: window_start = as_of - months months
// The body's acts on a leader are read from the leader's derived list ("date|Label:id", in date
// order), not from every act: on FalkorDB the list is several times cheaper. The window is tested
// first with string comparisons ("date|" sorts on or after the window's first day, and before
// as_of + '|~' when on or before as_of); only the few posts left are asked whether their leader
// sits in the body, and for the body's last act.
// The reference day is bound once: date($as_of) in a WHERE is parsed again for every row.
WITH date($as_of) AS day, $as_of + '|~' AS upto
MATCH (b:OversightBody {kind: '纪委监委'})-[:OVERSEES {mode: '同级'}]->(party:Unit {kind: '党委'})
OPTIONAL MATCH (party)-[:IN_REGION]->(:Region)<-[:IN_REGION]-(d:Unit {kind: '部门'})
WHERE d.admin_level = party.admin_level
WITH day, upto, b, party, collect(DISTINCT d) AS departments
WITH day, upto, b, party, [party] + departments AS units
UNWIND units AS u
MATCH (l:Leader)-[p:HOLDS_POST]->(u)
WHERE (p.start IS NULL OR p.start <= day) AND (p.end IS NULL OR p.end >= day)
  AND ((u = party AND p.committee = true) OR (u <> party AND p.top_leader = true))
WITH day, upto, b, party, l, p, u, '|OversightBody:' + b.id AS body
// Tested in a WITH of its own: FalkorDB would otherwise test the list before body is bound.
WITH day, b, party, l, p, u,
     none(t IN coalesce(l.supervised_by, []) WHERE t >= $window_start AND t < upto AND t ENDS WITH body) AS quiet
WHERE quiet
OPTIONAL MATCH (l)-[q:HOLDS_POST]->(b)
WHERE (q.start IS NULL OR q.start <= day) AND (q.end IS NULL OR q.end >= day)
WITH b, party, l, p, u, count(q) AS in_body
WHERE in_body = 0
// Built again: FalkorDB loses a value carried through the aggregate next to it.
WITH b, party, l, p, u, '|OversightBody:' + b.id AS body, $as_of + '|~' AS upto
WITH b, party, l, p, u, [t IN coalesce(l.supervised_by, []) WHERE t < upto AND t ENDS WITH body] AS acts
WITH b, party, l, p, u, CASE WHEN size(acts) = 0 THEN null ELSE date(substring(acts[-1], 0, 10)) END AS last
RETURN party.id AS party_id, party.name AS party, b.id AS body_id, b.name AS body, l.id AS leader_id,
       l.name AS leader, u.id AS unit_id, u.name AS unit, p.title AS title, last AS last_supervised
ORDER BY party_id, leader_id, unit_id
