// Named patterns: a form from each query's header, its rows as a table, as a graph, and as CSV.
import { api } from "./api.js";
import { el, fill, show } from "./dom.js";
import { csv, save } from "./exports.js";

let library = null;

export async function patterns() {
  if (!library) library = await api("/patterns");
  return library;
}

export async function columnNames(name) {
  const found = (await patterns()).find((p) => p.name === name);
  const names = {};
  for (const [k, v] of Object.entries(found?.columns || {})) names[k] = v.split(" ")[0];
  return names;
}

const isDefault = (v) => v !== null && v !== undefined && v !== "null" && v !== "latest";

function field(name, spec, preset) {
  const id = `param-${name}`;
  const doc = spec.doc || "";
  let input;
  if (spec.type === "bool") {
    input = el("select", { id, name }, ["", "false", "true"].map((v) => el("option", { value: v, selected: String(spec.default) === v },
      v === "" ? "（默认 default）" : v === "true" ? "是 true" : "否 false")));
  } else if (spec.values) {
    input = el("select", { id, name }, el("option", { value: "" }, "（全部 any）"),
      spec.values.map((v) => el("option", { value: v, selected: preset === v }, v)));
  } else {
    const type = spec.type === "int" || spec.type === "float" ? "number" : spec.type === "date" ? "date" : "text";
    input = el("input", { id, name, type, step: spec.type === "float" ? "any" : null, min: spec.min ?? null,
      value: preset ?? (isDefault(spec.default) ? spec.default : ""),
      placeholder: spec.default === "latest" ? "最新 latest" : isDefault(spec.default) ? String(spec.default) : "" });
  }
  return el("label", { class: "param" }, el("span", {}, name, el("small", {}, doc)), input);
}

function values(form, specs) {
  const params = {};
  for (const [name, spec] of Object.entries(specs)) {
    const raw = form.elements[name]?.value?.trim();
    if (!raw) continue;
    params[name] = spec.type === "int" ? parseInt(raw, 10) : spec.type === "float" ? parseFloat(raw)
      : spec.type === "bool" ? raw === "true" : raw;
  }
  return params;
}

// The panel: choose a pattern, fill its form, run it; `selected` presets an id parameter.
export async function patternPanel(target, selected, onGraph, onError) {
  const all = await patterns();
  const choose = el("select", { id: "pattern-name" }, all.map((p) => el("option", { value: p.name }, `${p.title}`)));
  const form = el("form", { id: "pattern-form" });
  const describe = () => {
    const p = all.find((x) => x.name === choose.value);
    const preset = (name) => (selected && name.endsWith("_id") && name.startsWith(selected.label.toLowerCase()) ? selected.id : undefined);
    fill(form, el("p", { class: "muted" }, p.zh), Object.entries(p.parameters).map(([n, s]) => field(n, s, preset(n))),
      el("button", { type: "submit", id: "run-pattern" }, "运行 Run"));
  };
  choose.addEventListener("change", describe);
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const p = all.find((x) => x.name === choose.value);
    const params = values(form, p.parameters);
    try {
      const rows = await api(`/patterns/${p.name}`, { params, limit: 1000 });
      showTable(p, params, rows, onGraph);
    } catch (e) {
      onError(e);
    }
  });
  fill(target, el("h2", {}, "检测查询 Patterns"), choose, form);
  describe();
}

function showTable(pattern, params, rows, onGraph) {
  const panel = document.getElementById("table-panel");
  panel.hidden = false;
  const names = pattern.columns;
  fill(panel,
    el("div", { class: "table-head" },
      el("strong", {}, `${pattern.title} · ${rows.total} 行 rows`), el("span", { class: "muted" }, rows.as_of ? ` 基准日 as of ${rows.as_of}` : ""),
      el("button", { id: "export-csv", onclick: () => save(`${pattern.name}.csv`, csv(rows.columns, rows.rows), "text/csv;charset=utf-8") }, "导出 CSV"),
      el("button", { id: "pattern-graph", onclick: () => onGraph(pattern.name, params) }, "在图中显示 Show as graph"),
      el("button", { onclick: () => (panel.hidden = true) }, "关闭 Close")),
    el("div", { class: "table-scroll" }, el("table", { id: "pattern-table" },
      el("thead", {}, el("tr", {}, rows.columns.map((c) => el("th", { title: names[c] || "" }, (names[c] || c).split(" ")[0])))),
      el("tbody", {}, rows.rows.map((r) => el("tr", {}, r.map((v) => el("td", {}, show(v)))))))));
}
