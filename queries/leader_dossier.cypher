// leader_dossier · 一人一档 one leader's file
// zh: 一名领导干部的完整档案：历任职务、接受的监督、被反映的线索、审计、问题、涉案与处分，以及作为第一责任人的台账问题，按时间排列。
// en: One leader's full file: posts over time, supervisory acts received, clues about them, audits of them, findings concerning them, cases and sanctions, and the ledger items they answer for as their unit's 一把手, in time order within each section.
// param leader_id: str = null · 领导干部 id
// requires: leader_id Leader
// finish: leader_dossier
// column section · 栏目 post 任职 / supervised 监督 / clue 线索 / audit 审计 / finding 问题 / case 案件 / sanction 处分 / ledger 台账
// column date · 日期 start, act, received, audit, found, opened or sanction date (ledger: opened)
// column until · 止 end, disposed or closed date (ledger: the 销号 date)
// column what · 内容 title, kind, channel, role (ledger: its state)
// column with_id · 相关对象 id unit, body, clue, audit, finding, case or ledger item
// column with_name · 相关对象名称
// column note · 备注 一把手 flag, status, stage (ledger: origin)
// column sources · 来源 where the entry's tie to the leader was read: "FILE#LINE" or "DOC#START-END"
MATCH (l:Leader {id: $leader_id})-[p:HOLDS_POST]->(u)
RETURN 'post' AS section, p.start AS date, p.end AS until, p.title AS what, u.id AS with_id, u.name AS with_name,
       CASE WHEN p.top_leader THEN '一把手' ELSE '' END AS note, p.sources AS sources
UNION ALL
MATCH (l:Leader {id: $leader_id})<-[s:SUPERVISED]-(x)
RETURN 'supervised' AS section, s.date AS date, null AS until, s.kind AS what, x.id AS with_id, x.name AS with_name,
       coalesce(s.note, '') AS note, s.sources AS sources
UNION ALL
MATCH (l:Leader {id: $leader_id})<-[r:ABOUT]-(c:Clue)
RETURN 'clue' AS section, c.received AS date, c.disposed AS until, c.channel AS what, c.id AS with_id,
       c.name AS with_name, c.status AS note, r.sources AS sources
UNION ALL
MATCH (l:Leader {id: $leader_id})<-[r:AUDITS]-(a:Audit)
RETURN 'audit' AS section, a.date AS date, null AS until, a.kind AS what, a.id AS with_id, a.name AS with_name,
       '' AS note, r.sources AS sources
UNION ALL
MATCH (l:Leader {id: $leader_id})<-[r:CONCERNS]-(f:Finding)
RETURN 'finding' AS section, f.found AS date, f.closed AS until, f.status AS what, f.id AS with_id, f.name AS with_name,
       '' AS note, r.sources AS sources
UNION ALL
MATCH (l:Leader {id: $leader_id})-[i:INVOLVED_IN]->(k:Case)
RETURN 'case' AS section, k.opened AS date, k.closed AS until, i.role AS what, k.id AS with_id, k.name AS with_name,
       coalesce(k.stage, '') AS note, i.sources AS sources
UNION ALL
MATCH (l:Leader {id: $leader_id})-[s:SANCTIONED]->(k:Case)
RETURN 'sanction' AS section, s.date AS date, null AS until, s.kind AS what, k.id AS with_id, k.name AS with_name,
       '' AS note, s.sources AS sources
UNION ALL
MATCH (l:Leader {id: $leader_id})<-[r:RESPONSIBLE_LEADER]-(t:LedgerItem)
RETURN 'ledger' AS section, t.opened AS date, CASE WHEN t.state = 'closed' THEN t.state_date END AS until,
       t.state AS what, t.id AS with_id, t.name AS with_name, coalesce(t.origin, '') AS note,
       r.sources AS sources
