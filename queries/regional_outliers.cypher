// regional_outliers · 区域性腐败 regional outliers
// zh: 某层级的每个行政区：窗口内涉案领导干部占在任（窗口内任过职）领导干部的比例，与同一上级之下其他兄弟行政区的均值之差，以兄弟行政区的标准差计。
// en: For each region of a level, leaders involved in cases opened in the window over all leaders who held a post there during the window (units in the region or below it), compared with its sibling regions: (rate − siblings' mean) / siblings' population standard deviation. z is null with fewer than two siblings or no spread among them.
// param level: str = 县 in Region.level · 行政层级 region level (省/市/县/乡)
// param since: date = 2000-01-01 · 窗口起 window start
// param until: date = latest · 窗口止 window end
// param min_z: float = null · 只列出 z 不低于此值的 only rows with z at least this
// column region_id · 行政区 id
// column region · 行政区名称
// column parent_id · 上级行政区 id
// column leaders · 领导干部数 leaders in post during the window
// column involved · 涉案人数 of them involved in cases opened in the window
// column rate · 涉案率 involved / leaders
// column siblings_mean · 兄弟行政区均值 mean rate of the siblings
// column siblings_std · 兄弟行政区标准差 population standard deviation of the siblings
// column z · 偏离度 standard deviations above the siblings' mean
// finish: regional_outliers
MATCH (r:Region {level: $level})-[:PART_OF]->(parent:Region)
// the region and the regions below it, three levels deep, hop by hop: FalkorDB's PART_OF*0..3
// misses regions reached by two paths, and it plans pattern comprehensions from a full scan
OPTIONAL MATCH (r)<-[:PART_OF]-(x1:Region)
OPTIONAL MATCH (x1)<-[:PART_OF]-(x2:Region)
OPTIONAL MATCH (x2)<-[:PART_OF]-(x3:Region)
WITH parent, r, collect(DISTINCT x1) + collect(DISTINCT x2) + collect(DISTINCT x3) AS below
WITH parent, r, [r] + below AS below
UNWIND below AS x
WITH DISTINCT parent, r, x
OPTIONAL MATCH (u:Unit)-[:IN_REGION]->(x)
OPTIONAL MATCH (l:Leader)-[p:HOLDS_POST]->(u)
WHERE (p.start IS NULL OR p.start <= date($until)) AND (p.end IS NULL OR p.end >= date($since))
OPTIONAL MATCH (l)-[:INVOLVED_IN]->(c:Case)
WHERE c.opened >= date($since) AND c.opened <= date($until)
WITH parent, r, collect(DISTINCT l.id) AS leaders, collect(DISTINCT CASE WHEN c IS NOT NULL THEN l.id END) AS involved
RETURN r.id AS region_id, r.name AS region, parent.id AS parent_id, size(leaders) AS leaders, size(involved) AS involved
