"""The HTML report: one section per named query, its table and its picture, readable offline.

Written into a folder: index.html, one picture page per query, and vis-network.min.js beside
them (shared, so a dozen pictures do not carry a dozen copies of it).
"""

from __future__ import annotations

import html
import shutil
import tempfile
from pathlib import Path
from typing import Any

from jiandu.graph.store import Result
from jiandu.ledger import Item, Ledger, Listing
from jiandu.ledger.loop import COLOURS, RULES
from jiandu.queries.library import Answer, NamedQuery, library
from jiandu.views import ReadModel
from jiandu.visualizations.render import FONT_STACK, copy_vis_js, page

TABLE_ROWS = 50


def _cell(value: Any) -> str:
    if isinstance(value, list):
        return html.escape("、".join(map(str, value)))
    return "" if value is None else html.escape(str(value))


def table(result: Result) -> str:
    head = "".join(f"<th>{html.escape(c)}</th>" for c in result.columns)
    body = "".join("<tr>" + "".join(f"<td>{_cell(v)}</td>" for v in row) + "</tr>" for row in result.rows[:TABLE_ROWS])
    hidden = len(result.rows) - TABLE_ROWS
    more = f"<p class='more'>另有 {hidden} 行未列出 ({hidden} more rows)</p>" if hidden > 0 else ""
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{more}"


INDEX = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy"
      content="default-src 'none'; style-src 'unsafe-inline'; frame-src 'self'; img-src data:">
<title>监督图谱检测报告 jiandu report</title>
<style>
body {{ font-family: {font}; margin: 0 auto; max-width: 1200px; padding: 16px; color: #222; }}
h1 {{ font-size: 24px; }} h2 {{ font-size: 19px; margin-top: 36px; border-bottom: 2px solid #d62728; }}
.what {{ color: #444; font-size: 14px; }} .params {{ color: #666; font-size: 12px; }}
table {{ border-collapse: collapse; font-size: 12px; margin: 8px 0; }}
td, th {{ border: 1px solid #ccc; padding: 3px 6px; vertical-align: top; }} th {{ background: #f3f3f3; }}
iframe {{ width: 100%; height: 620px; border: 1px solid #ccc; }}
.c-红 {{ background: #f4c7c3; }} .c-黄 {{ background: #fce8b2; }} .c-蓝 {{ background: #c6dafc; }}
nav a {{ margin-right: 10px; font-size: 13px; }} .empty {{ color: #2ca02c; }}
</style></head><body>
<h1>监督图谱检测报告 <small>jiandu detection report</small></h1>
<p class="what">{intro}</p>
<nav>{nav}</nav>
{sections}
</body></html>
"""


MARKER = ".jiandu-report"  # in a folder this module wrote: one it may replace
CANDIDATES = 5  # ids offered for a query that needs one


class ReportError(RuntimeError):
    """The report cannot be written where asked; the message is for the user."""


def check_folder(out: Path) -> None:
    """Refuse `out` unless it is missing, empty or a report this module wrote (ReportError)."""
    if out.exists() and not (out / MARKER).exists() and (not out.is_dir() or any(out.iterdir())):
        raise ReportError(f"{out} 已存在且不是 jiandu 报告，未覆盖 (exists and is not a jiandu report: not "
                          "overwritten); 请用 --out 另选目录，或先移走它 (choose another folder with --out, "
                          "or move it away)")


def write_report(model: ReadModel, out: Path, params_for: dict[str, dict[str, Any]], intro: str = "",
                 answers: dict[str, Answer] | None = None) -> Path:
    """Run every named query with its parameters (or take its `answers`) and write the report folder.

    A query that needs an id it was not given (case_links needs a case) is shown for the best
    connected node of that label, and the section names the next candidates with the command
    that shows each. The folder is written beside `out` and renamed into place when complete,
    so a failure leaves no half-written report; an earlier report there is replaced, any other
    non-empty folder is refused.
    """
    check_folder(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        _write_folder(model, work, params_for, intro, answers or {})
        (work / MARKER).write_text("", encoding="utf-8")
        if out.exists():
            old = work.with_name(work.name + ".old")
            out.rename(old)
            work.rename(out)
            shutil.rmtree(old)
        else:
            work.rename(out)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return out / "index.html"


def candidates(model: ReadModel, query: NamedQuery) -> dict[str, list[str]]:
    """For each id the query requires and has no default for: the best connected nodes of its label."""
    found = {}
    for pname, label, optional in query.requires:
        if optional or query.params[pname].default not in ("null", None):
            continue
        rows = model.store.run(f"MATCH (n:{label})-[r]-() RETURN n.id, count(r) AS c ORDER BY c DESC, n.id "
                               "LIMIT $k", {"k": CANDIDATES}, read_only=True).rows
        found[pname] = [node_id for node_id, _ in rows]
    return found


def _write_folder(model: ReadModel, out: Path, params_for: dict[str, dict[str, Any]], intro: str,
                  answers: dict[str, Answer]) -> None:
    copy_vis_js(out)
    sections, nav = [], []
    for name, query in library().items():
        params = dict(params_for.get(name, {}))
        others = ""
        for pname, ids in candidates(model, query).items():
            if params.get(pname) is None and ids:
                params[pname] = ids[0]
                rest = "".join(f"<li><code>jiandu query {name} -p {pname}={html.escape(i)}</code></li>"
                               for i in ids[1:])
                others += (f"<p class='params'>{pname} 未指定，取连接最多的 {html.escape(ids[0])} "
                           f"(not given: the best connected one); 其他候选 other candidates:</p><ul>{rest}</ul>")
        found = answers.get(name) or model.pattern(name, params)
        sub, result = model.pattern_graph(found), found.result
        title = f"{query.title}"
        (out / f"{name}.html").write_text(page(sub, f"{name} · {title}", js_beside=True, height="90vh"),
                                          encoding="utf-8")
        shown = ", ".join(f"{k}={v}" for k, v in found.params.items() if v is not None)
        body = table(result) if result.rows else "<p class='empty'>未发现 (nothing found)</p>"
        sections.append(
            f"<section id='{name}'><h2>{html.escape(title)} · {name}</h2>"
            f"<p class='what'>{html.escape(query.zh)}<br>{html.escape(query.en)}</p>"
            f"<p class='params'>基准日 as of <span class='as-of'>{html.escape(found.as_of or '—')}</span> · "
            f"参数 parameters: {html.escape(shown) or '默认 defaults'} · "
            f"{len(result.rows)} 行 rows</p>{others}{body}"
            f"<iframe src='{name}.html' title='{html.escape(title)}' loading='lazy'></iframe></section>")
        nav.append(f"<a href='#{name}'>{html.escape(query.title.split(' ')[0])}</a>")
    day = next((p.get("as_of") for p in params_for.values() if p.get("as_of")), None)
    ledger = Ledger(model.store, model.settings)
    listing = ledger.list(as_of=day, limit=None)
    ledger.with_entries(listing.items)
    sections.append(_ledger_section(out, listing))
    nav.append("<a href='#ledger'>监督台账</a>")
    (out / "index.html").write_text(INDEX.format(font=FONT_STACK, intro=html.escape(intro), nav="".join(nav),
                                                 sections="".join(sections)), encoding="utf-8")


def _ledger_section(out: Path, listing: Listing) -> str:
    """The ledger's section of the index (counts by state and colour, overdue by unit) and its page
    ledger.html: every item, most urgent first, with its timeline."""
    states = "".join(f"<tr><td>{html.escape(s)} {html.escape(zh)}</td><td>{listing.by_state.get(s, 0)}</td></tr>"
                     for s, (zh, _) in RULES.states.items())
    colours = "".join(f"<tr><td class='c-{c}'>{c}</td><td>{listing.by_colour.get(c, 0)}</td></tr>"
                      for c in (*reversed(COLOURS), "无"))
    late: dict[str, list[Item]] = {}
    for item in listing.items:
        if item.overdue_days is not None:
            late.setdefault(item.unit or "—", []).append(item)
    by_unit = "".join(f"<tr><td>{html.escape(unit)}</td><td>{len(items)}</td><td>"
                      + html.escape("、".join(f"{i.id} {i.colour or ''}" for i in items)) + "</td></tr>"
                      for unit, items in sorted(late.items(), key=lambda kv: (-len(kv[1]), kv[0])))
    summary = (f"<table><thead><tr><th>状态 state</th><th>项 items</th></tr></thead><tbody>{states}</tbody></table>"
               f"<table><thead><tr><th>预警 colour</th><th>项 items</th></tr></thead><tbody>{colours}</tbody></table>"
               "<table><thead><tr><th>逾期单位 unit</th><th>逾期 overdue</th><th>台账 items</th></tr></thead>"
               f"<tbody>{by_unit}</tbody></table>" if listing.items else "<p class='empty'>台账为空 (no items)</p>")
    (out / "ledger.html").write_text(LEDGER_PAGE.format(font=FONT_STACK, as_of=html.escape(listing.as_of),
                                                        items="".join(_timeline(i) for i in listing.items)),
                                     encoding="utf-8")
    return (f"<section id='ledger'><h2>监督台账 · ledger</h2><p class='what'>问题从立账、交办督办、跟踪整改、评估验收到"
            f"对账销号的闭环 (the five-step loop to 销号). 基准日 as of <span class='as-of'>"
            f"{html.escape(listing.as_of)}</span> · {listing.total} 项 items · "
            f"<a href='ledger.html'>每项的记录 each item's timeline</a></p>{summary}</section>")


def _timeline(item: Item) -> str:
    facts = " · ".join(html.escape(str(v)) for v in (item.unit, item.leader, f"{item.state} {item.state_zh}",
                                                      f"期限 {item.deadline}", item.colour) if v)
    columns = Ledger.ENTRY_COLUMNS[1:]  # the item is the section's
    rows = "".join("<tr>" + "".join(f"<td>{_cell(e.get(k))}</td>" for k, _ in columns) + "</tr>"
                   for e in item.entries)
    head = "".join(f"<th>{html.escape(zh)} {k}</th>" for k, zh in columns)
    return (f"<section id='{html.escape(item.id)}'><h3>{html.escape(item.id)} · {html.escape(item.name)}</h3>"
            f"<p class='what'>{facts}</p><table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></section>")


LEDGER_PAGE = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>监督台账 jiandu ledger</title>
<style>
body {{ font-family: {font}; margin: 0 auto; max-width: 1200px; padding: 16px; color: #222; }}
h3 {{ font-size: 15px; margin-top: 24px; }} .what {{ color: #444; font-size: 13px; }}
table {{ border-collapse: collapse; font-size: 12px; margin: 8px 0; }}
td, th {{ border: 1px solid #ccc; padding: 3px 6px; vertical-align: top; }} th {{ background: #f3f3f3; }}
</style></head><body>
<h1>监督台账 <small>ledger · 基准日 as of {as_of}</small></h1>
<p><a href="index.html">返回报告 back to the report</a></p>
{items}
</body></html>
"""
