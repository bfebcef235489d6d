// overdue_rectification · 整改逾期 overdue rectification
// zh: 已过整改期限但尚未对账销号的问题，按单位和发现它的监督机构汇总：未入台账的发现问题（状态不是对账销号且无销号日期），以及台账中未销号的问题（已入台账的发现问题以台账为准）。
// en: Problems past their deadline and not closed, per unit and per oversight body that conducted the audit or inspection that found them: findings the ledger does not track (status not 对账销号 and no closing date), and ledger items not closed (销号), at their responsible unit; a finding in the ledger counts through its item. A ledger item's body is the one whose round found the finding it was raised from (null for alerts and items by hand).
// param as_of: date = latest · 基准日 the day "now" means
// column body_id · 监督机构 id (null: unknown)
// column body · 监督机构名称
// column unit_id · 单位 id
// column unit · 单位名称
// column overdue · 逾期问题数 overdue findings and ledger items
// column finding_ids · 问题 id (findings outside the ledger)
// column ledger_ids · 台账问题 id (ledger items not closed)
// column oldest_deadline · 最早的整改期限
// Open findings are named by their statuses before 对账销号: the status index then finds the
// few open ones, where `status <> '对账销号'` reads every finding past its deadline.
WITH date($as_of) AS day
CALL {
  WITH day
  MATCH (f:Finding)-[:CONCERNS]->(u:Unit)
  WHERE f.status IN ['建立台账', '督办', '跟踪', '评估验收'] AND f.deadline < day AND f.closed IS NULL AND NOT (f)<-[:RAISED_FROM]-(:LedgerItem)
  OPTIONAL MATCH (b:OversightBody)-[:CONDUCTED]->()-[:FOUND]->(f)
  RETURN b, u, f.id AS finding, null AS item, f.deadline AS deadline
  UNION ALL
  WITH day
  MATCH (i:LedgerItem)-[:RESPONSIBLE_UNIT]->(u:Unit)
  WHERE i.deadline < day AND coalesce(i.state, '') <> 'closed'
  OPTIONAL MATCH (i)-[:RAISED_FROM]->(:Finding)<-[:FOUND]-()<-[:CONDUCTED]-(b:OversightBody)
  RETURN b, u, null AS finding, i.id AS item, i.deadline AS deadline
}
WITH b, u, collect(DISTINCT finding) AS finding_ids, collect(DISTINCT item) AS ledger_ids, min(deadline) AS oldest_deadline
RETURN b.id AS body_id, b.name AS body, u.id AS unit_id, u.name AS unit, size(finding_ids) + size(ledger_ids) AS overdue,
       finding_ids, ledger_ids, oldest_deadline
ORDER BY overdue DESC, unit_id, body_id
