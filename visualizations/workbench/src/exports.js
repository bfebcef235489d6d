// What leaves the workbench: a PNG of the canvas, the view as GraphML or JSON, a pattern's rows
// as CSV, and a URL that reopens the view. Files are made in the page and saved through a link.
import { downloadAsPNG } from "@sigma/export-image";

export function save(name, text, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export const png = (renderer, name) => downloadAsPNG(renderer, { fileName: name, backgroundColor: "#ffffff" });

const xml = (v) => String(v ?? "").replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

// GraphML of the view's nodes and relationships; properties as text (lists joined by "|").
export function graphml(snapshot) {
  const nodeKeys = new Set(["label", "name"]);
  const edgeKeys = new Set(["type"]);
  for (const n of snapshot.nodes) Object.keys(n.props).forEach((k) => nodeKeys.add(k));
  for (const e of snapshot.edges) Object.keys(e.props).forEach((k) => edgeKeys.add(k));
  const text = (v) => xml(Array.isArray(v) ? v.join("|") : v);
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>',
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">'];
  for (const k of nodeKeys) lines.push(`  <key id="n_${xml(k)}" for="node" attr.name="${xml(k)}" attr.type="string"/>`);
  for (const k of edgeKeys) lines.push(`  <key id="e_${xml(k)}" for="edge" attr.name="${xml(k)}" attr.type="string"/>`);
  lines.push(`  <graph id="jiandu" edgedefault="directed">`);
  for (const n of snapshot.nodes) {
    const data = { ...n.props, label: n.label, name: n.name };
    lines.push(`    <node id="${xml(n.key)}">` +
      Object.entries(data).map(([k, v]) => `<data key="n_${xml(k)}">${text(v)}</data>`).join("") + "</node>");
  }
  snapshot.edges.forEach((e, i) => {
    const data = { ...e.props, type: e.type };
    lines.push(`    <edge id="e${i}" source="${xml(e.source)}" target="${xml(e.target)}">` +
      Object.entries(data).map(([k, v]) => `<data key="e_${xml(k)}">${text(v)}</data>`).join("") + "</edge>");
  });
  lines.push("  </graph>", "</graphml>");
  return lines.join("\n") + "\n";
}

export function json(snapshot) {
  return JSON.stringify({
    as_of: snapshot.as_of,
    nodes: snapshot.nodes.map((n) => ({ label: n.label, id: n.id, name: n.name, properties: n.props })),
    edges: snapshot.edges.map((e) => ({ source: e.source, target: e.target, type: e.type, properties: e.props })),
  }, null, 2);
}

// CSV for spreadsheets: a byte-order mark so Excel reads the Chinese, lists joined by "|".
export function csv(columns, rows) {
  const cell = (v) => {
    const s = Array.isArray(v) ? v.join("|") : v === null || v === undefined ? "" : String(v);
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return "\ufeff" + [columns, ...rows].map((r) => r.map(cell).join(",")).join("\r\n") + "\r\n";
}

// The view as a URL: its nodes and day in the fragment (never sent to a server, never the key).
export function viewUrl(snapshot) {
  const state = { n: snapshot.nodes.map((n) => [n.label, n.id]), t: snapshot.as_of };
  return `${location.origin}${location.pathname}#view=${encodeURIComponent(JSON.stringify(state))}`;
}

export function readViewUrl(hash) {
  const m = /#view=(.*)$/.exec(hash || "");
  if (!m) return null;
  try {
    const state = JSON.parse(decodeURIComponent(m[1]));
    return Array.isArray(state.n) ? state : null;
  } catch (e) {
    return null;
  }
}
