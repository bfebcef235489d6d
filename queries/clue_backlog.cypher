// clue_backlog · 线索积压与重复反映 clue backlog and repeated signals
// zh: （一）反映现任一把手、受理超过 days 天仍“待处置”的线索；（二）window_days 天内被两个以上渠道反映的领导干部；（三）以“予以了结”处置、其反映对象后来涉案的线索。
// en: (undisposed) clues about a current 一把手 still 待处置 more than `days` days after they were received; (multi_channel) leaders reported through at least two channels within the last `window_days` days; (closed_then_case) clues closed as 予以了结 whose target was later involved in a case opened after the clue was disposed.
// param days: int = 90 (min 0) · 积压天数 days without disposal
// param window_days: int = 365 (min 1) · 重复反映窗口 window for repeated signals
// param as_of: date = latest · 基准日 the day "now" means
// column kind · 类型 undisposed / multi_channel / closed_then_case
// column leader_id · 被反映人 id
// column leader · 姓名
// column clue_ids · 线索 id
// column channels · 渠道 channels
// column case_id · 后来的案件 id (closed_then_case)
// column since · 最早受理日期 earliest received
// alert: Leader leader_id + kind + case_id · 线索预警（{kind}）：{leader}，线索 {clue_ids}
// let: stale_before = as_of - days days
// let: window_start = as_of - window_days days
MATCH (c:Clue {status: '待处置'})-[:ABOUT]->(l:Leader)-[p:HOLDS_POST {top_leader: true}]->(:Unit)
WHERE (p.start IS NULL OR p.start <= date($as_of)) AND (p.end IS NULL OR p.end >= date($as_of))
  AND c.received <= date($stale_before)
WITH l, collect(DISTINCT c.id) AS clue_ids, collect(DISTINCT c.channel) AS channels, min(c.received) AS since
RETURN 'undisposed' AS kind, l.id AS leader_id, l.name AS leader, clue_ids, channels, null AS case_id, since
UNION ALL
MATCH (c:Clue)-[:ABOUT]->(l:Leader)
WHERE c.received >= date($window_start) AND c.received <= date($as_of)
WITH l, collect(DISTINCT c.id) AS clue_ids, collect(DISTINCT c.channel) AS channels, min(c.received) AS since
WHERE size(channels) >= 2
RETURN 'multi_channel' AS kind, l.id AS leader_id, l.name AS leader, clue_ids, channels, null AS case_id, since
UNION ALL
MATCH (c:Clue {status: '予以了结'})-[:ABOUT]->(l:Leader)-[:INVOLVED_IN]->(k:Case)
WHERE k.opened > coalesce(c.disposed, c.received) AND k.opened <= date($as_of)
// DISTINCT: a leader may hold two roles in one case; FalkorDB folds such parallel
// relationships when they are not named, Neo4j returns one row each
RETURN DISTINCT 'closed_then_case' AS kind, l.id AS leader_id, l.name AS leader, [c.id] AS clue_ids, [c.channel] AS channels,
       k.id AS case_id, c.received AS since
