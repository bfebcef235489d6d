// case_links · 串案线索 links of one case
// zh: 与某案件相关联的其他案件，以及关联原因：共同涉案人（领导干部或行贿人等）、同一单位且立案相隔不超过 days 天、同一线索、涉案领导干部曾在同一单位任职且任期重叠。
// en: The other cases linked to one case, with the reason for each link: a shared person (a leader, or a Person such as a briber), the same unit with openings at most `days` days apart, a shared clue, or leaders of the two cases who held posts in one unit with overlapping tenures.
// param case_id: str = null · 案件 id
// param days: int = 730 (min 0) · 同一单位的立案间隔天数 days between openings for a shared unit
// requires: case_id Case
// column case_id · 案件 id
// column other_id · 关联案件 id
// column other · 关联案件名称
// column reasons · 关联原因 shared_leader / shared_person / shared_unit / shared_clue / overlapping_tenure
// column via · 关联经由 "reason:id" of the shared leader, person, unit or clue
// finish: case_links
// (the days between two openings are counted in the post step: FalkorDB's date arithmetic
// is off by one across a leap day)
MATCH (k:Case {id: $case_id})<-[:INVOLVED_IN]-(x)-[:INVOLVED_IN]->(o:Case)
WHERE o <> k
RETURN o.id AS other_id, o.name AS other, CASE WHEN 'Leader' IN labels(x) THEN 'shared_leader' ELSE 'shared_person' END AS reason,
       x.id AS via, null AS opened, null AS other_opened
UNION ALL
MATCH (k:Case {id: $case_id})-[:CONCERNS]->(u:Unit)<-[:CONCERNS]-(o:Case)
WHERE o <> k
RETURN o.id AS other_id, o.name AS other, 'shared_unit' AS reason, u.id AS via, k.opened AS opened,
       o.opened AS other_opened
UNION ALL
MATCH (k:Case {id: $case_id})<-[:LED_TO]-(c:Clue)-[:LED_TO]->(o:Case)
WHERE o <> k
RETURN o.id AS other_id, o.name AS other, 'shared_clue' AS reason, c.id AS via, null AS opened,
       null AS other_opened
UNION ALL
MATCH (k:Case {id: $case_id})<-[:INVOLVED_IN]-(a:Leader)-[p:HOLDS_POST]->(u)<-[q:HOLDS_POST]-(b:Leader)-[:INVOLVED_IN]->(o:Case)
WHERE o <> k AND a <> b
  AND (p.start IS NULL OR q.end IS NULL OR p.start <= q.end) AND (q.start IS NULL OR p.end IS NULL OR q.start <= p.end)
RETURN o.id AS other_id, o.name AS other, 'overlapping_tenure' AS reason, u.id AS via, null AS opened,
       null AS other_opened
