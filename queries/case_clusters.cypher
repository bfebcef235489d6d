// case_clusters · 窝案串案 clusters of linked cases
// zh: 按 case_links 的关联规则把全部案件连成图，列出其中的连通分组（两案及以上）。
// en: Every pair of cases linked by the rules of case_links, grouped into connected clusters (窝案/串案) of two or more cases; the grouping is computed with networkx.
// param days: int = 730 (min 0) · 同一单位的立案间隔天数 days between openings for a shared unit
// column cluster · 分组序号 cluster number, largest first
// column size · 案件数 cases in the cluster
// column case_ids · 案件 id
// column reasons · 关联原因 reasons that tie it together
// column links · 关联对数 linked pairs
// finish: case_clusters
MATCH (k:Case)<-[:INVOLVED_IN]-(x)-[:INVOLVED_IN]->(o:Case)
WHERE k.id < o.id
RETURN k.id AS a, o.id AS b, CASE WHEN 'Leader' IN labels(x) THEN 'shared_leader' ELSE 'shared_person' END AS reason,
       null AS a_opened, null AS b_opened
UNION ALL
MATCH (k:Case)-[:CONCERNS]->(:Unit)<-[:CONCERNS]-(o:Case)
WHERE k.id < o.id
RETURN k.id AS a, o.id AS b, 'shared_unit' AS reason, k.opened AS a_opened, o.opened AS b_opened
UNION ALL
MATCH (k:Case)<-[:LED_TO]-(:Clue)-[:LED_TO]->(o:Case)
WHERE k.id < o.id
RETURN k.id AS a, o.id AS b, 'shared_clue' AS reason, null AS a_opened, null AS b_opened
UNION ALL
MATCH (k:Case)<-[:INVOLVED_IN]-(a:Leader)-[p:HOLDS_POST]->()<-[q:HOLDS_POST]-(b:Leader)-[:INVOLVED_IN]->(o:Case)
WHERE k.id < o.id AND a <> b
  AND (p.start IS NULL OR q.end IS NULL OR p.start <= q.end) AND (q.start IS NULL OR p.end IS NULL OR q.start <= p.end)
RETURN k.id AS a, o.id AS b, 'overlapping_tenure' AS reason, null AS a_opened, null AS b_opened
