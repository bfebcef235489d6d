// case_surges · 案件激增 case surges
// zh: 按地区和周期统计案件数（通报日期，无则立案日期），与本地区其他周期的中位数、同级地区同期的中位数相比，找出突出的激增：得分为两个倍数中较小者，越高越突出。
// en: Cases per region of one level and per period (the announcement date, else the opening date), against the region's own baseline (median of its other periods, zeros included, over the span of periods seen at this level) and against its peers (median of the other regions of the level in the same period). ratio = cases / max(baseline, 1), peer_ratio = cases / max(peers, 1), score = the smaller of the two: a surge stands out against both its own past and its peers. Ranked by score, highest first.
// param level: str = 省 in Region.level · 层级 省 province / 市 prefecture / 县 county (either spelling)
// param period: str = year in year|month · 周期 year 按年 / month 按月 (cases dated to the year only are left out by month)
// param min_rank: str = null in Case.rank · 最低职级 only cases whose person ranks at least this (省部级 > 厅局级 > 县处级 > 乡科级)
// param min_cases: int = 3 (min 1) · 最少案件数 periods with at least this many cases
// column region_id · 地区 id
// column region · 地区
// column period · 周期
// column cases · 案件数
// column baseline · 本地区基线 median of the region's other periods
// column peers · 同级中位数 median of the level's other regions, same period
// column ratio · 倍数（本地区）cases / max(baseline, 1)
// column peer_ratio · 倍数（同级）cases / max(peers, 1)
// column score · 得分 the smaller ratio
// column why · 说明
// finish: case_surges
// Counts per region and period are made here; the medians and the ranking in the finishing step.
// Every region of the level comes too (period null), so that a region with no cases is a peer.
// Hierarchies are spelled out hop by hop (FalkorDB's PART_OF*0..3 misses regions reached twice).
CALL {
  MATCH (r:Region {level: $level})
  RETURN r, null AS period, 0 AS cases
  UNION ALL
  MATCH (c:Case)-[:CONCERNS]->(:Unit)-[:IN_REGION]->(x:Region)
  WITH c, x, coalesce(c.announced, c.opened) AS day,
       [i IN range(0, 3) WHERE ['省部级', '厅局级', '县处级', '乡科级'][i] = $min_rank] AS floor
  WHERE day IS NOT NULL AND ($period = 'year' OR c.announced IS NULL OR coalesce(c.announced_precision, 'day') <> 'year')
    AND ($min_rank IS NULL OR c.rank IN ['省部级', '厅局级', '县处级', '乡科级'][0..(floor[0] + 1)])
  WITH DISTINCT c, x, CASE WHEN $period = 'month' THEN substring(toString(day), 0, 7) ELSE substring(toString(day), 0, 4) END AS period
  OPTIONAL MATCH (x)-[:PART_OF]->(y1:Region)
  OPTIONAL MATCH (y1)-[:PART_OF]->(y2:Region)
  OPTIONAL MATCH (y2)-[:PART_OF]->(y3:Region)
  UNWIND [x, y1, y2, y3] AS r
  WITH DISTINCT c, r, period
  WHERE r.level = $level
  RETURN r, period, count(c) AS cases
}
RETURN r.id AS region_id, r.name AS region, period, sum(cases) AS cases
