// overdue_rectification · 整改逾期 overdue rectification
// zh: 已过整改期限但尚未对账销号的问题，按单位和发现它的监督机构汇总。
// en: Findings past their deadline and not closed (status not 对账销号 and no closing date), per unit and per oversight body that conducted the audit or inspection that found them.
// param as_of: date = latest · 基准日 the day "now" means
// column body_id · 监督机构 id (null: unknown)
// column body · 监督机构名称
// column unit_id · 单位 id
// column unit · 单位名称
// column overdue · 逾期问题数 overdue findings
// column finding_ids · 问题 id
// column oldest_deadline · 最早的整改期限
MATCH (f:Finding)-[:CONCERNS]->(u:Unit)
WHERE f.deadline < date($as_of) AND f.status <> '对账销号' AND f.closed IS NULL
OPTIONAL MATCH (b:OversightBody)-[:CONDUCTED]->()-[:FOUND]->(f)
WITH b, u, collect(DISTINCT f.id) AS finding_ids, min(f.deadline) AS oldest_deadline
RETURN b.id AS body_id, b.name AS body, u.id AS unit_id, u.name AS unit, size(finding_ids) AS overdue, finding_ids,
       oldest_deadline
ORDER BY overdue DESC, unit_id, body_id
