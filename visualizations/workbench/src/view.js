// The view: the nodes and relationships the investigator has brought in (the model), drawn as a
// graphology graph where many relationships between two nodes are one edge and a hub's many
// single-tie neighbours of one kind are one group node until opened.
import Graph from "graphology";
import { nodeOn, relationshipOn } from "./time.js";

export const GROUP_MIN = 9; // this many new neighbours of one kind through one type become a group
const HISTORY = 40;
const EDGE_COLOUR = "#9aa0a6";
const ACT_COLOUR = "#4d4d4d";
export const TOP_RING = "#b2182b";

export const nodeKey = (label, id) => `${label}:${id}`;
// one drawn edge per ordered pair of nodes: the relationships between them are its members
const drawnGraph = () => new Graph({ type: "directed", multi: false, allowSelfLoops: true });
const rawEdgeKey = (e) => `${e.source_label}:${e.source}|${e.type}|${e.target_label}:${e.target}|${e.properties.id || ""}|${e.properties.kind || ""}|${e.properties.date || e.properties.start || ""}`;

export class View {
  constructor(ontology) {
    this.ontology = ontology;
    this.graph = drawnGraph();
    this.nodes = new Map(); // key -> {key, label, id, name, props}
    this.edges = new Map(); // key -> {key, source, target, type, props}
    this.groups = new Map(); // key -> {key, hub, type, label, nodes: [...], edges: [...]}
    this.pinned = new Set();
    this.focus = new Set();
    this.leftOut = 0;
    this.asOf = null;
    this.history = [];
    this.visible = new Set(); // display keys shown on this.asOf
    this.tops = new Set();
    this.shownEdges = new Set(); // drawn edges with a relationship in force on this.asOf
    this.tenures = 0;
  }

  // -- changes (each one can be undone) ---------------------------------------------------
  remember() {
    const positions = new Map();
    this.graph.forEachNode((k, a) => positions.set(k, { x: a.x, y: a.y }));
    this.history.push({
      nodes: new Map(this.nodes), edges: new Map(this.edges), groups: new Map(this.groups),
      pinned: new Set(this.pinned), focus: new Set(this.focus), positions,
    });
    if (this.history.length > HISTORY) this.history.shift();
  }

  undo() {
    const last = this.history.pop();
    if (!last) return false;
    Object.assign(this, { nodes: last.nodes, edges: last.edges, groups: last.groups, pinned: last.pinned,
      focus: last.focus });
    this.draw(last.positions);
    return true;
  }

  // Bring in an API view ({nodes, edges, left_out}); with `hub`, the new neighbours of one kind
  // reached through one type from that hub are grouped when there are many of them.
  merge(data, { hub = null, focus = false } = {}) {
    const incoming = new Map(data.nodes.map((n) => [nodeKey(n.label, n.id), n]));
    const edges = data.edges.map((e) => ({
      key: rawEdgeKey(e), source: nodeKey(e.source_label, e.source), target: nodeKey(e.target_label, e.target),
      type: e.type, props: e.properties || {},
    }));
    const grouped = new Set();
    if (hub) {
      const bunches = new Map();
      const other = (e) => (e.source === hub ? e.target : e.source);
      for (const g of this.groups.values()) if (g.hub === hub) g.nodes.forEach((n) => grouped.add(n.key)); // stay folded
      // a 一把手, or a node tied by a type never grouped (a unit's leaders), always shows on its own
      const own = new Set(edges.filter((e) => e.props.top_leader || this.ontology.relationships[e.type]?.group === false)
        .map(other));
      for (const e of edges) {
        const o = other(e);
        if (o === hub || own.has(o) || grouped.has(o) || this.nodes.has(o) || !incoming.has(o)) continue;
        const b = `${e.type}|${incoming.get(o).label}`;
        if (!bunches.has(b)) bunches.set(b, new Set());
        bunches.get(b).add(o);
      }
      for (const [b, members] of bunches) {
        if (members.size < GROUP_MIN) continue;
        const [type, label] = b.split("|");
        const key = `group:${hub}|${b}`;
        const known = this.groups.get(key) || { key, hub, type, label, nodes: [], edges: [] };
        const mine = new Set([...members].filter((m) => !grouped.has(m)));
        for (const m of mine) {
          known.nodes.push(this.record(incoming.get(m)));
          grouped.add(m);
        }
        known.edges.push(...edges.filter((e) => mine.has(e.source) || mine.has(e.target)));
        this.groups.set(key, known);
      }
    }
    for (const [k, n] of incoming) {
      if (grouped.has(k)) continue;
      if (!this.nodes.has(k)) this.nodes.set(k, this.record(n));
      if (focus) this.focus.add(k);
    }
    for (const e of edges) {
      if (!grouped.has(e.source) && !grouped.has(e.target) && this.nodes.has(e.source) && this.nodes.has(e.target)) {
        this.edges.set(e.key, e);
      }
    }
    this.leftOut = data.left_out || 0;
  }

  record(n) {
    return { key: nodeKey(n.label, n.id), label: n.label, id: n.id, name: n.name || n.id, props: n.properties || {} };
  }

  openGroup(key) {
    const g = this.groups.get(key);
    if (!g) return [];
    this.groups.delete(key);
    for (const n of g.nodes) if (!this.nodes.has(n.key)) this.nodes.set(n.key, n);
    for (const e of g.edges) if (this.nodes.has(e.source) && this.nodes.has(e.target)) this.edges.set(e.key, e);
    return g.nodes.map((n) => n.key);
  }

  // Take away a node's neighbours that hang on it alone (and are not pinned), and its groups.
  collapse(key) {
    const ties = new Map();
    const tie = (a, b) => (ties.get(a) || ties.set(a, new Set()).get(a)).add(b);
    for (const e of this.edges.values()) {
      tie(e.source, e.target);
      tie(e.target, e.source);
    }
    const leaves = new Set();
    for (const other of ties.get(key) || []) {
      if (other === key || this.pinned.has(other) || this.focus.has(other)) continue;
      if ([...ties.get(other)].every((x) => x === key)) leaves.add(other);
    }
    for (const g of [...this.groups.values()]) if (g.hub === key) this.groups.delete(g.key);
    this.remove(leaves);
    return leaves.size;
  }

  remove(keys) {
    for (const k of keys) {
      this.nodes.delete(k);
      this.pinned.delete(k);
      this.focus.delete(k);
      this.groups.delete(k);
    }
    for (const [k, e] of this.edges) if (!this.nodes.has(e.source) || !this.nodes.has(e.target)) this.edges.delete(k);
    for (const g of [...this.groups.values()]) if (!this.nodes.has(g.hub)) this.groups.delete(g.key);
  }

  clear() {
    this.nodes.clear();
    this.edges.clear();
    this.groups.clear();
    this.pinned.clear();
    this.focus.clear();
    this.leftOut = 0;
  }

  // -- drawing ----------------------------------------------------------------------------
  // Redraw the model: nodes keep their places; new ones start beside a neighbour already placed.
  draw(positions = null) {
    const placed = positions || new Map();
    if (!positions) this.graph.forEachNode((k, a) => placed.set(k, { x: a.x, y: a.y }));
    // built apart from the canvas, then handed over whole: a graph the canvas watches would have it
    // react to each of the view's tens of thousands of additions
    this.graph = drawnGraph();
    const spread = Math.sqrt(this.nodes.size + this.groups.size + 1) * 10;
    const near = new Map();
    for (const e of this.edges.values()) {
      if (placed.has(e.source) && !placed.has(e.target)) near.set(e.target, placed.get(e.source));
      if (placed.has(e.target) && !placed.has(e.source)) near.set(e.source, placed.get(e.target));
    }
    const at = (k, anchor) => {
      if (placed.has(k)) return placed.get(k);
      const base = anchor || near.get(k);
      const r = base ? 8 : spread;
      const a = Math.random() * 2 * Math.PI;
      const d = Math.sqrt(Math.random()) * r;
      return { x: (base ? base.x : 0) + d * Math.cos(a), y: (base ? base.y : 0) + d * Math.sin(a) };
    };
    for (const n of this.nodes.values()) {
      const kind = this.ontology.nodes[n.label] || {};
      this.graph.addNode(n.key, {
        ...at(n.key), label: n.name, kind: n.label, color: kind.color || "#999", size: 6,
        fixed: this.pinned.has(n.key), focus: this.focus.has(n.key),
      });
    }
    for (const g of this.groups.values()) {
      const kind = this.ontology.nodes[g.label] || {};
      this.graph.addNode(g.key, {
        ...at(g.key, placed.get(g.hub)), label: `${kind.zh || g.label} ×${g.nodes.length}`, kind: g.label,
        color: kind.color || "#999", size: 12,
      });
      const outgoing = g.edges.some((e) => e.source === g.hub);
      const [s, t] = outgoing ? [g.hub, g.key] : [g.key, g.hub];
      this.graph.mergeEdgeWithKey(`${s}>${t}`, s, t, { groupType: g.type, members: [], size: 2, color: EDGE_COLOUR });
    }
    for (const e of this.edges.values()) {
      const k = `${e.source}>${e.target}`; // one drawn edge per ordered pair, whatever the types
      if (!this.graph.hasEdge(k)) this.graph.addEdgeWithKey(k, e.source, e.target, { members: [], color: EDGE_COLOUR, size: 1 });
      const a = this.graph.getEdgeAttributes(k);
      a.members.push(e.key);
      a.size = Math.min(1 + Math.log2(a.members.length), 5); // thicker as more are drawn as one
      if (e.type === "SUPERVISED") a.color = ACT_COLOUR;
    }
    this.applyTime(this.asOf);
    this.onGraph?.(this.graph);
  }

  // What shows on `day`: nodes that exist by then, relationships in force (labels are made when shown).
  applyTime(day) {
    this.asOf = day;
    this.visible = new Set();
    for (const n of this.nodes.values()) {
      if (nodeOn(this.ontology.nodes[n.label]?.since, n.props, day)) this.visible.add(n.key);
    }
    for (const g of this.groups.values()) {
      if (g.nodes.some((n) => nodeOn(this.ontology.nodes[n.label]?.since, n.props, day))) this.visible.add(g.key);
    }
    this.shownEdges = new Set();
    this.tenures = 0;
    this.tops = new Set(); // 一把手 on this day
    const tied = new Set();
    this.graph.forEachEdge((k, a, s, t) => {
      if (!this.visible.has(s) || !this.visible.has(t)) return;
      let shown = a.members.length === 0; // a group's edge shows with its group
      for (const m of a.members) {
        const e = this.edges.get(m);
        if (!relationshipOn(e.props, day)) continue;
        shown = true;
        if (e.type === "HOLDS_POST") {
          this.tenures += 1;
          if (e.props.top_leader) this.tops.add(s);
        }
      }
      if (!shown) return;
      this.shownEdges.add(k);
      tied.add(s);
      tied.add(t);
    });
    // a node whose every tie is out of force on this day steps back too (a leader before the post),
    // unless the investigator put it there or pinned it
    for (const k of [...this.visible]) {
      const a = this.graph.getNodeAttributes(k);
      if (!tied.has(k) && this.graph.degree(k) > 0 && !a.focus && !a.fixed) this.visible.delete(k);
    }
  }

  // A drawn edge's label on the slider's day: "谈话提醒 ×12，最近 2023-05-10" per type.
  edgeLabel(key) {
    const a = this.graph.getEdgeAttributes(key);
    if (a.members.length === 0) return this.relZh(a.groupType);
    const byType = new Map();
    for (const m of a.members) {
      const e = this.edges.get(m);
      if (relationshipOn(e.props, this.asOf)) (byType.get(e.type) || byType.set(e.type, []).get(e.type)).push(e);
    }
    return [...byType].map(([type, rows]) => bundleLabel(this.relZh(type), rows)).join(" · ");
  }

  relZh(type) {
    return this.ontology.relationships[type]?.zh || type;
  }

  // The acts behind one drawn edge, latest first.
  timeline(edgeKey) {
    const a = this.graph.getEdgeAttributes(edgeKey);
    return a.members.map((m) => this.edges.get(m)).sort((x, y) => when(y).localeCompare(when(x)));
  }

  snapshot() {
    return { nodes: [...this.nodes.values()], edges: [...this.edges.values()], as_of: this.asOf };
  }
}

const when = (e) => e.props.date || e.props.start || "";

// "谈话提醒 ×12，最近 2023-05-10": one kind named, else the relationship's name.
export function bundleLabel(relZh, rows) {
  const kinds = new Set(rows.map((e) => e.props.kind || e.props.title || relZh));
  const head = kinds.size === 1 ? [...kinds][0] : relZh;
  if (rows.length === 1) return head;
  const latest = rows.map(when).sort().pop();
  return `${head} ×${rows.length}` + (latest ? `，最近 ${latest}` : "");
}
