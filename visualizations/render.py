"""Turn a subgraph into an interactive HTML picture that works with no network at all.

pyvis builds the nodes, edges and options; the page is our own template, because pyvis's
templates link Bootstrap and tom-select from CDNs even in "in_line" mode (pyvis issue 229).
vis-network comes from the copy inside the pyvis wheel, inlined into the page or written
beside it. Colours and shapes come from the ontology. Above 500 nodes positions are computed
here (rings by distance from the highlighted nodes) and physics is off, so big pictures are
usable at once.
"""

from __future__ import annotations

import html
import json
import math
from pathlib import Path
from typing import Any

import networkx as nx
import pyvis
from pyvis.network import Network

from jiandu.graph.ontology import ONTOLOGY
from jiandu.views import Key, Subgraph

VIS_JS = Path(pyvis.__file__).parent / "lib" / "vis-9.1.2" / "vis-network.min.js"
VIS_CSS = VIS_JS.with_name("vis-network.css")
FONT_STACK = ("'Noto Sans CJK SC', 'Noto Sans SC', 'Source Han Sans SC', 'WenQuanYi Micro Hei', "
              "'PingFang SC', 'Microsoft YaHei', sans-serif")
PHYSICS_LIMIT = 500
HUB_GROUP = 8  # more single-tie neighbours of one kind than this on one hub draw as one group node
TOP_BORDER = "#b2182b"  # 一把手: a badge in the label and this border, not a shape (a case is the star)
TOOLTIP_KEYS = ("kind", "title", "admin_level", "sector", "level", "opened", "stage", "channel", "status",
                "received", "date", "deadline", "start", "end", "role")


def _tooltip(kind_zh: str, props: dict[str, Any]) -> str:
    lines = [f"{props.get('name', props.get('id'))} · {kind_zh}", f"id: {props.get('id')}"]
    lines += [f"{k}: {props[k]}" for k in TOOLTIP_KEYS if props.get(k) not in (None, "", [])]
    sources = props.get("sources") or []
    if sources:
        lines.append("来源 source: " + "; ".join(sources[:3]) + (" …" if len(sources) > 3 else ""))
    return "\n".join(lines)


def _top_leaders(sub: Subgraph) -> set[Key]:
    """Leaders with a current-looking 一把手 post in the picture (no end date)."""
    return {s for (s, rtype, _t, _), p in sub.edges.items()
            if rtype == "HOLDS_POST" and p.get("top_leader") is True and not p.get("end")}


def _positions(sub: Subgraph) -> dict[Key, tuple[float, float]]:
    """Rings by hop distance from the highlighted nodes: linear time, readable at thousands of nodes."""
    g = nx.Graph()
    g.add_nodes_from(sub.nodes)
    g.add_edges_from((s, t) for (s, _r, t, _) in sub.edges)
    sources = [k for k in sub.highlight if k in g] or list(g.nodes)[:1]
    distance = nx.multi_source_dijkstra_path_length(g, sources, weight=None) if sources else {}
    far = max(distance.values(), default=0) + 1
    shells: dict[int, list[Key]] = {}
    for key in g.nodes:
        shells.setdefault(distance.get(key, far), []).append(key)
    positions = {}
    radius = 0.0
    for ring, depth in enumerate(sorted(shells)):
        members = sorted(shells[depth])
        # each ring far enough out that its nodes sit about 60 px apart
        radius = max(radius + 160, 60 * len(members) / (2 * math.pi)) if ring else (0 if len(members) == 1 else 120)
        for i, key in enumerate(members):
            angle = 2 * math.pi * i / len(members)
            positions[key] = (radius * math.cos(angle), radius * math.sin(angle))
    return positions


def _hub_groups(sub: Subgraph, tops: set[Key]) -> dict[Key, tuple[str, Key, str, str]]:
    """Leaves to fold into a group: {leaf: (group id, hub, relationship type, label)}. A leaf is a
    node tied only to its hub, neither highlighted nor a 一把手; more than HUB_GROUP leaves of one
    label on one type of a hub become one group node ("线索 ×40") whose tooltip lists them."""
    degree: dict[Key, int] = {}
    for source, _rtype, target, _ in sub.edges:
        degree[source] = degree.get(source, 0) + 1
        degree[target] = degree.get(target, 0) + 1
    bunches: dict[tuple[Key, str, str], list[Key]] = {}
    for source, rtype, target, _ in sub.edges:
        for hub, leaf in ((source, target), (target, source)):
            if degree.get(leaf) == 1 and degree.get(hub, 0) > 1 and leaf not in sub.highlight and leaf not in tops:
                bunches.setdefault((hub, rtype, leaf[0]), []).append(leaf)
    out: dict[Key, tuple[str, Key, str, str]] = {}
    for (hub, rtype, label), leaves in bunches.items():
        if len(leaves) > HUB_GROUP:
            group = f"group:{hub[0]}:{hub[1]}:{rtype}:{label}"
            out.update({leaf: (group, hub, rtype, label) for leaf in leaves})
    return out


def _bundle_label(rtype: str, rows: list[dict[str, Any]]) -> tuple[str, str]:
    """One edge for many relationships between the same two nodes: (label, timeline tooltip)."""
    rel = ONTOLOGY.relationship(rtype)
    kinds = sorted({str(p.get("kind") or p.get("title") or rel.zh) for p in rows})
    head = kinds[0] if len(kinds) == 1 else rel.zh
    timeline = sorted(rows, key=lambda p: str(p.get("date") or p.get("start") or ""), reverse=True)
    latest = timeline[0].get("date") or timeline[0].get("start")
    label = f"{head} ×{len(rows)}" + (f"，最近 {latest}" if latest else "")
    lines = [f"{p.get('date') or p.get('start') or '—'} {p.get('kind') or p.get('title') or rel.zh}"
             for p in timeline[:30]]
    more = [f"… 另 {len(rows) - 30} 条 (more)"] if len(rows) > 30 else []
    return label, "\n".join([f"{rel.zh} ×{len(rows)}", *lines, *more])


def build(sub: Subgraph, title: str) -> tuple[str, str, str, dict[str, Any]]:
    """(nodes JSON, edges JSON, options JSON, facts) for the page. Many relationships of one type
    between the same two nodes draw one edge with their count and latest date; a hub's many
    single-tie neighbours of one kind draw one group node."""
    big = len(sub.nodes) > PHYSICS_LIMIT
    positions = _positions(sub) if big else {}
    tops = _top_leaders(sub)
    grouped = _hub_groups(sub, tops)
    dim = bool(sub.highlight)
    net = Network(directed=True)

    def node_id(key: Key) -> str:
        return grouped[key][0] if key in grouped else f"{key[0]}:{key[1]}"

    for key, props in sub.nodes.items():
        if key in grouped:
            continue
        kind = ONTOLOGY.node(key[0])
        style = kind.style
        focus = key in sub.highlight
        label = str(props.get("name", key[1]))
        if key in tops:
            label = f"{label}〔一把手〕"
        color = style.get("color", "#888888")
        extra: dict[str, Any] = {}
        if key in positions:
            extra.update(x=positions[key][0], y=positions[key][1], physics=False)
        border = "#ffd400" if focus else (TOP_BORDER if key in tops else color)
        dashed = style.get("border") == "dashed"  # a kind drawn with another kind's shape
        if dashed:
            extra["shapeProperties"] = {"borderDashes": [4, 3]}
        net.add_node(
            node_id(key), label=label, title=_tooltip(kind.zh, props), shape=style.get("shape", "dot"),
            color={"background": color if (focus or not dim) else color + "55",
                   "border": "#333333" if dashed and border == color else border},
            borderWidth=4 if focus else (3 if key in tops else 2 if dashed else 1), size=28 if focus else 14,
            font={"face": FONT_STACK, "size": 16 if focus else 12,
                  "color": "#111111" if focus or not dim else "#999999"},
            **extra,
        )
    members: dict[str, list[Key]] = {}
    for leaf, (group, _hub, _rtype, _label) in grouped.items():
        members.setdefault(group, []).append(leaf)
    for group, leaves in sorted(members.items()):
        hub, label = grouped[leaves[0]][1], grouped[leaves[0]][3]
        kind = ONTOLOGY.node(label)
        names = sorted(str(sub.nodes[k].get("name", k[1])) for k in leaves)
        extra = {}
        if hub in positions:
            extra.update(x=positions[hub][0] + 90, y=positions[hub][1] + 90, physics=False)
        net.add_node(group, label=f"{kind.zh} ×{len(leaves)}", shape=kind.style.get("shape", "dot"),
                     title="\n".join([f"{kind.zh} ×{len(leaves)}（组 group）", *names[:30],
                                       *([f"… 另 {len(names) - 30} 个 (more)"] if len(names) > 30 else [])]),
                     color={"background": kind.style.get("color", "#888888") + ("55" if dim else ""),
                            "border": "#444444"}, borderWidth=2, borderWidthSelected=3, size=22,
                     font={"face": FONT_STACK, "size": 12}, **extra)
    bundles: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    ends: dict[tuple[str, str, str], tuple[Key, Key]] = {}
    for (source, rtype, target, _), props in sub.edges.items():
        key = (node_id(source), rtype, node_id(target))
        bundles.setdefault(key, []).append(props)
        ends.setdefault(key, (source, target))
    for (a, rtype, b), rows in bundles.items():
        rel = ONTOLOGY.relationship(rtype)
        source, target = ends[(a, rtype, b)]
        on_path = source in sub.highlight and target in sub.highlight
        props = rows[0]
        if len(rows) > 1:
            text, tip = _bundle_label(rtype, rows)
        else:
            text = rel.zh
            if rtype == "SUPERVISED":
                text = f"{props.get('kind', '')} {props.get('date', '')}".strip()
            elif rtype == "HOLDS_POST":
                text = props.get("title") or rel.zh
            tip = _tooltip(rel.zh, {"id": rtype, "name": rel.zh, **props})
        color = rel.style.get("color", "#999999")
        net.add_edge(a, b, label=text, title=tip, color=color if on_path or not dim else color + "55",
                     width=3 if on_path else (2 if len(rows) > 1 else 1),
                     dashes=bool(rel.style.get("dashes")), font={"face": FONT_STACK, "size": 10})
    options = {
        "physics": {"enabled": not big, "stabilization": {"iterations": 150}},
        "interaction": {"hover": True, "tooltipDelay": 120},
        "edges": {"arrows": {"to": {"enabled": True, "scaleFactor": 0.5}}, "smooth": not big},
        "nodes": {"font": {"face": FONT_STACK}},
    }
    nodes, edges, *_ = net.get_network_data()
    facts = {"title": title, "nodes": len(sub.nodes), "edges": len(sub.edges), "left_out": sub.left_out,
             "layout": "python" if big else "physics", "drawn_nodes": len(nodes), "drawn_edges": len(edges)}
    return json.dumps(nodes, ensure_ascii=False), json.dumps(edges, ensure_ascii=False), json.dumps(options), facts


def legend(sub: Subgraph) -> str:
    """One entry per node kind in the picture, and one per line style: relationship types drawn
    alike share an entry (many are green), so no two entries look the same."""
    labels = sorted({k[0] for k in sub.nodes})
    styles: dict[tuple[str, bool], list[str]] = {}
    for rtype in sorted({rtype for (_s, rtype, _t, _) in sub.edges}):
        style = ONTOLOGY.relationship(rtype).style
        styles.setdefault((style.get("color", "#999999"), bool(style.get("dashes"))), []).append(
            ONTOLOGY.relationship(rtype).zh)
    items = [f'<li><span class="swatch" style="background:{ONTOLOGY.node(lb).style.get("color")}"></span>'
             f"{html.escape(ONTOLOGY.node(lb).zh)} {lb}</li>" for lb in labels]
    items += [f'<li><span class="line{" dashed" if dashed else ""}" style="border-color:{color}"></span>'
              f"{html.escape('、'.join(names))}</li>" for (color, dashed), names in styles.items()]
    items.append('<li><span class="swatch focus"></span>重点 highlighted</li>')
    items.append(f'<li><span class="swatch" style="border:3px solid {TOP_BORDER}"></span>〔一把手〕 top leader</li>')
    items.append("<li>×N 合并 (several drawn as one)</li>")
    return "<ul class='legend'>" + "".join(items) + "</ul>"


PAGE = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy"
      content="default-src 'none'; script-src 'unsafe-inline' 'self'; style-src 'unsafe-inline' 'self';
               img-src data: 'self'; font-src 'self' data:">
<title>{title}</title>
{script}
<style>{css}
body {{ font-family: {font}; margin: 0; color: #222; }}
header {{ padding: 8px 14px; border-bottom: 1px solid #ddd; }}
header h1 {{ font-size: 18px; margin: 0 0 4px 0; }}
.note {{ color: #a15c00; font-size: 13px; }}
.legend {{ list-style: none; padding: 0; margin: 4px 0 0 0; display: flex; flex-wrap: wrap; gap: 10px;
           font-size: 12px; }}
.swatch {{ display: inline-block; width: 11px; height: 11px; border-radius: 6px; margin-right: 4px;
           vertical-align: middle; }}
.swatch.focus {{ border: 3px solid #ffd400; background: #fff; }}
.line {{ display: inline-block; width: 22px; border-top: 2px solid; margin-right: 4px; vertical-align: middle; }}
.line.dashed {{ border-top-style: dashed; }}
#graph {{ width: 100%; height: {height}; }}
div.vis-tooltip {{ white-space: pre-line; font-family: {font}; font-size: 12px; }}
</style></head>
<body><header><h1>{title}</h1>
<div class="facts">节点 nodes {nodes} · 关系 relationships {edges} · 布局 layout {layout}{as_of}</div>
{note}{legend}</header>
<div id="graph" data-nodes="{nodes}" data-edges="{edges}"></div>
<script>
const nodes = new vis.DataSet({nodes_json});
const edges = new vis.DataSet({edges_json});
const network = new vis.Network(document.getElementById("graph"), {{nodes, edges}}, {options});
network.once("afterDrawing", () => {{ document.body.dataset.drawn = "1"; }});
</script></body></html>
"""


def page(sub: Subgraph, title: str, *, js_beside: bool = False, height: str = "82vh") -> str:
    """The whole HTML page; with `js_beside` it loads vis-network.min.js from its own folder."""
    nodes_json, edges_json, options, facts = build(sub, title)
    if js_beside:
        script = '<script src="vis-network.min.js"></script>'
    else:
        script = "<script>" + VIS_JS.read_text(encoding="utf-8") + "</script>"
    note = ""
    if sub.left_out:
        shown = facts["nodes"]
        note = (f'<div class="note">已截断：显示 {shown} 个节点，另有 {sub.left_out} 个未显示 '
                f"(truncated: {shown} nodes shown, {sub.left_out} more left out)</div>")
    return PAGE.format(title=html.escape(title), script=script, css=VIS_CSS.read_text(encoding="utf-8"),
                       font=FONT_STACK, note=note, legend=legend(sub), nodes=facts["nodes"], edges=facts["edges"],
                       layout="Python 计算 (physics off)" if facts["layout"] == "python" else "物理模拟 physics",
                       nodes_json=nodes_json, edges_json=edges_json, options=options, height=height,
                       as_of=f' · 基准日 <span class="as-of">{html.escape(sub.as_of)}</span>' if sub.as_of else "")


def write(sub: Subgraph, title: str, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page(sub, title), encoding="utf-8")
    return path


def copy_vis_js(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "vis-network.min.js").write_text(VIS_JS.read_text(encoding="utf-8"), encoding="utf-8")
