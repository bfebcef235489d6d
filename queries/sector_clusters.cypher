// sector_clusters · 系统性腐败 sector-wide clusters
// zh: 同一上级单位之下、同一行业（sector）中，有领导干部涉案（案件所涉单位）的直属下级单位数，至少 min_units 个。
// en: Under one parent unit, per sector, the number of distinct directly subordinate units concerned by a case (opened in the window) with an involved leader, where at least min_units.
// param min_units: int = 3 (min 1) · 最少单位数 minimum distinct units
// param parent: str = null · 上级单位 id（空则全部）restrict to one parent unit
// param since: date = 2000-01-01 · 立案日期起 cases opened on or after
// param until: date = latest · 立案日期止 cases opened on or before
// column parent_id · 上级单位 id
// column parent · 上级单位名称
// column sector · 行业 sector
// column units · 涉案单位数 units with involved leaders
// column unit_ids · 涉案单位 id
// column leader_ids · 涉案领导 id
// column case_ids · 案件 id
// alert: Unit parent_id + sector · 系统性腐败风险：{parent}下属{sector}系统 {units} 个单位领导涉案
MATCH (c:Case)-[:CONCERNS]->(d:Unit)-[:SUBORDINATE_TO]->(parent:Unit)
WHERE c.opened >= date($since) AND c.opened <= date($until) AND d.sector IS NOT NULL
  AND ($parent IS NULL OR parent.id = $parent)
MATCH (l:Leader)-[:INVOLVED_IN]->(c)
WITH parent, d.sector AS sector, collect(DISTINCT d.id) AS unit_ids, collect(DISTINCT l.id) AS leader_ids,
     collect(DISTINCT c.id) AS case_ids
WHERE size(unit_ids) >= $min_units
RETURN parent.id AS parent_id, parent.name AS parent, sector, size(unit_ids) AS units, unit_ids, leader_ids, case_ids
ORDER BY units DESC, parent_id, sector
