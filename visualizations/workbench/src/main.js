// The workbench: log in, search, expand, filter by time, run patterns, read dossiers, export.
import { api, ApiError, forgetKey, hasKey, setKey } from "./api.js";
import { Canvas } from "./canvas.js";
import { $, el, fill, show } from "./dom.js";
import { leaderFile, sourceLine, unitPortrait } from "./dossiers.js";
import { graphml, json, png, readViewUrl, save, viewUrl } from "./exports.js";
import { columnNames, patternPanel } from "./patterns.js";
import { dateRange, dayNumber, isoDay } from "./time.js";
import { nodeKey, View } from "./view.js";

const PLAY_STEP_DAYS = 30;
const PLAY_EVERY_MS = 350;
const SEARCH_WAIT_MS = 250;
const SAVED_AT_MOST = 5000; // nodes POST /api/v1/subgraph takes
const FIT_UP_TO = 150; // nodes: a view this small is shown whole after each change

let ontology = null;
let view = null;
let canvas = null;
let dataDay = null;
let playing = null;

// -- messages ---------------------------------------------------------------------------------
function say(text, kind = "info") {
  const box = $("#message");
  box.textContent = text;
  box.className = kind;
  box.hidden = !text;
}

function failed(e) {
  if (e instanceof ApiError && e.status === 401) {
    forgetKey();
    $("#login").hidden = false;
    $("#login-error").textContent = "密钥无效或已撤销，请重新登录 (key refused, log in again)";
    return;
  }
  say(e instanceof ApiError ? e.message : `出错了 (error): ${e.message || e}`, "error");
}

const guarded = (fn) => async (...args) => {
  try {
    await fn(...args);
  } catch (e) {
    failed(e);
  }
};

// -- start --------------------------------------------------------------------------------------
async function login(ev) {
  ev?.preventDefault();
  const typed = $("#key").value.trim();
  if (typed) setKey(typed);
  try {
    const found = await api("/ontology");
    $("#login").hidden = true;
    $("#login-error").textContent = "";
    boot(found);
    const saved = readViewUrl(location.hash);
    if (saved) await reopen(saved);
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      forgetKey();
      $("#login-error").textContent = "密钥无效或已撤销 (unknown or revoked key)";
    } else {
      $("#login-error").textContent = e.message;
    }
  }
}

// Start with the ontology's names and colours and the data's latest day (also used by the benchmark).
function boot(found) {
  if (view) return;
  ontology = found;
  dataDay = found.data_day;
  view = new View(ontology);
  view.asOf = dataDay;
  canvas = new Canvas($("#canvas"), view, {
    selectNode: (k) => guarded(selectNode)(k),
    openNode: (k) => guarded(openNode)(k),
    selectEdge: (k) => selectEdge(k),
    pinned: () => redrawLabels(),
    settled: () => view.graph.order <= FIT_UP_TO && fit(),
    layoutRuns: (running) => ($("#layout").textContent = running ? "布局 ■" : "布局 ▶"),
  });
  updateSlider();
  updateStatus();
  window.jiandu = { view, canvas, load, ontology };
  document.body.dataset.ready = "1";
}

// -- the view -----------------------------------------------------------------------------------
function redraw({ layout = true } = {}) {
  view.draw(); // hands the canvas a new graph, drawn on the slider's day
  updateSlider();
  legend();
  updateStatus();
  if (layout) canvas.relayout();
}

function redrawLabels() {
  canvas.renderer.refresh({ skipIndexation: true });
}

// Load an API view into the canvas (the benchmark calls this with a large one).
function load(data, options = {}) {
  view.remember();
  view.merge(data, options);
  redraw();
  fit();
  return view.graph.order;
}

// Bring a node into the view (with its relationships to what is there) and select it; `labels`
// are the kinds it may be of, when a dossier names an id without its kind.
async function addNode(labels, id) {
  const kinds = Array.isArray(labels) ? labels : [labels];
  let key = kinds.map((label) => nodeKey(label, id)).find((k) => view.nodes.has(k));
  if (!key) {
    // its ties to the view: the node with (at most) the API's 5,000 others
    const others = [...view.nodes.values()].slice(0, SAVED_AT_MOST - kinds.length).map((n) => [n.label, n.id]);
    const found = await api("/subgraph", { nodes: [...kinds.map((label) => [label, id]), ...others] });
    key = kinds.map((label) => nodeKey(label, id)).find((k) => found.nodes.some((n) => nodeKey(n.label, n.id) === k));
    if (!key) {
      say(`没有找到 ${id} (not found)`, "error");
      return;
    }
    view.remember();
    view.merge(found);
    view.focus.add(key);
    redraw();
  }
  await selectNode(key);
  fit(key);
}

// Show the whole view, or in a large one the node just brought in.
function fit(key = null) {
  if (key && view.graph.order > FIT_UP_TO) setTimeout(() => canvas.focusOn(key), 50);
  else canvas.renderer.getCamera().animate({ x: 0.5, y: 0.5, ratio: 1.15, angle: 0 }, { duration: 300 }); // labels fit too
}

async function expand(key, types) {
  const n = view.nodes.get(key);
  if (!n) return;
  const query = types ? `?types=${types.join(",")}` : "";
  const found = await api(`/nodes/${n.label}/${encodeURIComponent(n.id)}/expand${query}`);
  view.remember();
  const [nodes, groups] = [view.nodes.size, view.groups.size];
  view.merge(found, { hub: key });
  redraw();
  fit(key);
  const folded = view.groups.size - groups;
  say(`展开 ${n.name}：新增 ${view.nodes.size - nodes} 个节点` + (folded ? `、${folded} 个分组（双击分组展开）` : "") +
    (found.left_out ? `；另有 ${found.left_out} 条关系未读取 (left out)` : ""));
}

async function openNode(key) {
  if (key.startsWith("group:")) {
    view.remember();
    const opened = view.openGroup(key);
    redraw();
    say(`已展开分组 (group opened): ${opened.length}`);
  } else {
    await expand(key);
  }
}

async function reopen(state) {
  const found = await api("/subgraph", { nodes: state.n.slice(0, SAVED_AT_MOST) });
  view.clear();
  view.merge(found);
  if (state.t) view.asOf = state.t;
  redraw();
  fit();
  say(`已打开保存的视图 (view reopened): ${view.nodes.size} 个节点`);
}

// -- details ------------------------------------------------------------------------------------
const SKIP = new Set(["id", "name", "sources", "merges"]);

function propertyTable(props) {
  return el("table", { class: "props" }, Object.entries(props).filter(([k]) => !SKIP.has(k))
    .map(([k, v]) => el("tr", {}, el("th", {}, k), el("td", {}, show(v)))));
}

async function selectNode(key) {
  canvas.select(key);
  if (!key) {
    fill("#details", el("p", { class: "hint" }, "点击节点查看详情；双击展开邻居 (click a node for details, double-click to expand)"));
    return;
  }
  if (key.startsWith("group:")) {
    const g = view.groups.get(key);
    fill("#details", el("h2", {}, view.graph.getNodeAttribute(key, "label")),
      el("button", { id: "open-group", onclick: () => guarded(openNode)(key) }, "展开分组 Open group"),
      el("ul", {}, g.nodes.slice(0, 200).map((n) => el("li", {}, n.name))));
    return;
  }
  const n = view.nodes.get(key);
  const kind = ontology.nodes[n.label];
  const top = view.tops.has(key);
  const actions = el("div", { class: "actions" },
    el("button", { id: "expand-all", onclick: () => guarded(expand)(key) }, "展开 Expand"),
    el("button", { onclick: () => { view.remember(); const k = view.collapse(key); redraw({ layout: false }); say(`收起 ${k} 个节点 (collapsed)`); } }, "收起 Collapse"),
    el("button", { onclick: () => { view.remember(); view.remove([key]); redraw({ layout: false }); selectNode(null); } }, "隐藏 Hide"),
    el("button", { id: "pin", onclick: () => togglePin(key) }, view.pinned.has(key) ? "取消固定 Unpin" : "固定 Pin"),
    n.label === "Leader" ? el("button", { id: "open-file", onclick: () => guarded(openFile)(n.id) }, "一人一档 File") : null,
    n.label === "Unit" ? el("button", { id: "open-portrait", onclick: () => guarded(openPortrait)(n.id) }, "单位画像 Portrait") : null);
  const byType = el("div", { class: "by-type", id: "by-type" }, el("span", { class: "muted" }, "…"));
  fill("#details",
    el("h2", {}, top ? el("span", { class: "badge" }, "一把手") : null, n.name),
    el("p", { class: "muted" }, el("span", { class: "swatch", style: `background:${kind?.color}` }), ` ${kind?.zh || n.label} · ${n.id}`),
    actions, el("h3", {}, "按关系展开 expand by relationship"), byType, propertyTable(n.props),
    sourceLine(n.props.sources),
    el("div", { id: "dossier-slot" }));
  const degrees = await api(`/nodes/${n.label}/${encodeURIComponent(n.id)}/degrees`);
  fill(byType, Object.entries(degrees).map(([type, count]) =>
    el("button", { class: "chip", dataset: { type }, onclick: () => guarded(expand)(key, [type]) }, `${view.relZh(type)} ${count}`)));
}

function togglePin(key) {
  view.remember();
  if (view.pinned.has(key)) view.pinned.delete(key);
  else view.pinned.add(key);
  view.graph.setNodeAttribute(key, "fixed", view.pinned.has(key));
  redrawLabels();
  $("#pin").textContent = view.pinned.has(key) ? "取消固定 Unpin" : "固定 Pin";
}

function selectEdge(key) {
  const rows = view.timeline(key);
  const [s, t] = view.graph.extremities(key);
  const name = (k) => view.graph.getNodeAttribute(k, "label");
  fill("#details", el("h2", {}, `${name(s)} → ${name(t)}`),
    el("p", { class: "muted" }, view.edgeLabel(key)),
    el("ol", { class: "timeline", id: "edge-timeline" }, rows.map((e) => el("li", {},
      el("span", { class: "when" }, (e.props.date || e.props.start || "日期不详") + (e.props.end ? ` — ${e.props.end}` : "")),
      el("span", { class: "tag" }, view.relZh(e.type)),
      el("span", { class: "what" }, show(e.props.kind || e.props.title || "")),
      e.props.note ? el("span", { class: "note" }, e.props.note) : null,
      sourceLine(e.props.sources)))));
}

// the kinds a dossier entry's related id may be of, by section
const SECTION_KINDS = { post: ["Unit", "OversightBody"], supervised: ["OversightBody", "Leader"], clue: ["Clue"],
  audit: ["Audit"], finding: ["Finding"], case: ["Case"], sanction: ["Case"], ledger: ["LedgerItem"] };
const open = (id, labels) => guarded(addNode)(labels, id);

async function openFile(id) {
  fill("#dossier-slot", await leaderFile(id, (wid, section) => open(wid, SECTION_KINDS[section] || Object.keys(ontology.nodes))));
  $("#dossier-slot").scrollIntoView();
}

async function openPortrait(id) {
  fill("#dossier-slot", await unitPortrait(id, view.asOf, await columnNames("unit_portrait"), (t) => view.relZh(t), open));
  $("#dossier-slot").scrollIntoView();
}

// -- search ---------------------------------------------------------------------------------------
let searchTimer = null;
function searchSoon() {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(guarded(search), SEARCH_WAIT_MS);
}

async function search() {
  const q = $("#search").value.trim();
  $("#patterns").hidden = true;
  $("#results").hidden = false;
  if (!q) {
    fill("#results");
    return;
  }
  const hits = await api(`/search?q=${encodeURIComponent(q)}&limit=60&contains=true`);
  if ($("#search").value.trim() !== q) return; // typed on meanwhile
  const byLabel = new Map();
  for (const h of hits) (byLabel.get(h.label) || byLabel.set(h.label, []).get(h.label)).push(h);
  fill("#results", hits.length === 0 ? el("p", { class: "muted" }, `没有找到 “${q}” (nothing found)`) : null,
    [...byLabel].map(([label, items]) => el("section", { class: "group" },
      el("h3", {}, el("span", { class: "swatch", style: `background:${ontology.nodes[label]?.color}` }),
        ` ${ontology.nodes[label]?.zh || label} (${items.length})`),
      el("ul", {}, items.map((h) => el("li", {}, el("a", { href: "#", class: "hit", dataset: { label, id: h.id },
        onclick: (ev) => { ev.preventDefault(); guarded(addNode)(label, h.id); } }, h.name || h.id),
      el("small", {}, ` ${h.id}${h.aliases?.length ? " · " + h.aliases.join("、") : ""}`)))))));
}

// -- time -----------------------------------------------------------------------------------------
function updateSlider() {
  const [lo, hi] = dateRange(view.nodes.values(), view.edges.values(), ontology);
  const last = dataDay || hi || new Date().toISOString().slice(0, 10);
  const first = lo && lo < last ? lo : isoDay(dayNumber(last) - 3650);
  const slider = $("#asof");
  slider.min = dayNumber(first);
  slider.max = dayNumber(last);
  slider.value = dayNumber(view.asOf || last);
  $("#asof-label").textContent = view.asOf || last;
}

function setDay(day) {
  view.applyTime(day);
  $("#asof-label").textContent = day;
  $("#asof").value = dayNumber(day);
  canvas.refresh();
  legend();
  updateStatus();
}

function play() {
  if (playing) {
    clearInterval(playing);
    playing = null;
    $("#play").textContent = "▶";
    return;
  }
  const slider = $("#asof");
  if (+slider.value >= +slider.max) slider.value = slider.min;
  $("#play").textContent = "■";
  playing = setInterval(() => {
    const next = Math.min(+slider.value + PLAY_STEP_DAYS, +slider.max);
    setDay(isoDay(next));
    if (next >= +slider.max) play();
  }, PLAY_EVERY_MS);
}

// -- legend and status ---------------------------------------------------------------------------
function legend() {
  const kinds = new Set();
  view.graph.forEachNode((k, a) => view.visible.has(k) && kinds.add(a.kind));
  fill("#legend", [...kinds].sort().map((label) => el("span", { class: "item" },
    el("span", { class: "swatch", style: `background:${ontology.nodes[label]?.color}` }), ontology.nodes[label]?.zh || label)),
  kinds.size ? el("span", { class: "item" }, el("span", { class: "badge" }, "一把手"), " 一把手") : null,
  kinds.size ? el("span", { class: "item muted" }, "×n 多次关系 · 双击展开 dbl-click expands") : null);
}

function updateStatus() {
  const status = $("#status");
  const shownEdges = view.shownEdges.size;
  status.dataset.nodes = view.visible.size;
  status.dataset.edges = shownEdges;
  status.dataset.tenures = view.tenures;
  fill(status, `节点 ${view.visible.size} · 关系 ${shownEdges} · 在任 ${view.tenures} 任职 · 时点 ${view.asOf || "—"}` +
    (view.leftOut ? ` · 截去 ${view.leftOut}` : ""));
}

// -- exports ----------------------------------------------------------------------------------------
async function patternGraph(name, params) {
  const found = await api(`/patterns/${name}/graph`, { params, limit: 100 });
  load(found, { focus: true });
  say(`${name}: ${found.nodes.length} 个节点已加入视图 (added to the view)`);
}

function share() {
  const url = viewUrl(view.snapshot());
  history.replaceState(null, "", url);
  const box = $("#share-url");
  box.hidden = false;
  box.value = url;
  box.select();
  say("链接已写入地址栏，可复制 (the URL reopens this view; copy it from the address bar or the box)");
}

function wire() {
  $("#login-form").addEventListener("submit", login);
  $("#search").addEventListener("input", searchSoon);
  $("#asof").addEventListener("input", () => setDay(isoDay(+$("#asof").value)));
  $("#play").addEventListener("click", play);
  // undo draws the earlier model, which hands the canvas a new graph
  $("#undo").addEventListener("click", () => (view.undo() ? (legend(), updateStatus(), updateSlider()) : say("没有可撤销的操作 (nothing to undo)")));
  $("#clear").addEventListener("click", () => { view.remember(); view.clear(); redraw({ layout: false }); });
  $("#export-png").addEventListener("click", () => png(canvas.renderer, "jiandu-view"));
  $("#export-graphml").addEventListener("click", () => save("jiandu-view.graphml", graphml(view.snapshot()), "application/graphml+xml"));
  $("#export-json").addEventListener("click", () => save("jiandu-view.json", json(view.snapshot()), "application/json"));
  $("#share").addEventListener("click", share);
  $("#fit").addEventListener("click", () => fit());
  $("#layout").addEventListener("click", () => {
    if (canvas.layout) canvas.stopLayout();
    else canvas.relayout(10000);
  });
  $("#btn-patterns").addEventListener("click", guarded(async () => {
    $("#results").hidden = true;
    $("#patterns").hidden = false;
    const k = canvas.selected && view.nodes.get(canvas.selected);
    await patternPanel($("#patterns"), k, (name, params) => guarded(patternGraph)(name, params), failed);
  }));
  $("#logout").addEventListener("click", () => { forgetKey(); location.reload(); });
}

wire();
window.jiandu = { boot: (found) => { $("#login").hidden = true; boot(found); } };
if (hasKey()) login();
