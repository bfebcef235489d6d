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
// Three parts, gathered per region: the leaders, from each region down to the regions below it
// and up to the posts there; every region of the level, so that none is left out; the involved,
// from the cases opened in the window up to the region. Hierarchies are spelled out hop by hop
// (FalkorDB's PART_OF*0..3 misses regions reached by two paths). A one-hop OPTIONAL MATCH with
// no WHERE runs in the pipeline on FalkorDB; with a WHERE it costs one traversal per row.
// The window's days are bound once: date($since) in a WHERE is parsed again for every row.
// Each part counts its own rows per region, so the union carries one row per region and part,
// not one per post (37,655 at scale 10); an involved leader holds a post in the region in the
// window, so the leaders part has counted it already.
WITH date($since) AS since, date($until) AS until
CALL {
  WITH since, until
  MATCH (r:Region {level: $level})-[:PART_OF]->(:Region)
  OPTIONAL MATCH (r)<-[:PART_OF]-(x1:Region)
  OPTIONAL MATCH (x1)<-[:PART_OF]-(x2:Region)
  OPTIONAL MATCH (x2)<-[:PART_OF]-(x3:Region)
  WITH since, until, r, collect(DISTINCT x1) + collect(DISTINCT x2) + collect(DISTINCT x3) AS below
  UNWIND [r] + below AS x
  WITH DISTINCT since, until, r, x
  MATCH (x)<-[:IN_REGION]-(:Unit)<-[p:HOLDS_POST]-(l)
  WHERE (p.start IS NULL OR p.start <= until) AND (p.end IS NULL OR p.end >= since)
  WITH r, count(DISTINCT l) AS leaders
  RETURN r, leaders, 0 AS involved
  UNION ALL
  WITH since, until
  MATCH (r:Region {level: $level})-[:PART_OF]->(:Region)
  RETURN r, 0 AS leaders, 0 AS involved
  UNION ALL
  WITH since, until
  MATCH (c:Case)<-[:INVOLVED_IN]-(l:Leader)-[p:HOLDS_POST]->(:Unit)-[:IN_REGION]->(x:Region)
  WHERE c.opened >= since AND c.opened <= until
    AND (p.start IS NULL OR p.start <= until) AND (p.end IS NULL OR p.end >= since)
  WITH DISTINCT l, x
  OPTIONAL MATCH (x)-[:PART_OF]->(y1:Region)
  OPTIONAL MATCH (y1)-[:PART_OF]->(y2:Region)
  OPTIONAL MATCH (y2)-[:PART_OF]->(y3:Region)
  UNWIND [x, y1, y2, y3] AS r
  WITH DISTINCT l, r
  WHERE r.level = $level
  WITH r, count(l) AS involved
  RETURN r, 0 AS leaders, involved
}
WITH r, max(leaders) AS leaders, max(involved) AS involved
MATCH (r)-[:PART_OF]->(parent:Region)
RETURN r.id AS region_id, r.name AS region, parent.id AS parent_id, leaders, involved
