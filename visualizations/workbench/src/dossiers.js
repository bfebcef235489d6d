// 一人一档 and 单位画像: a leader's posts, acts, clues and cases on one timeline with their sources;
// a unit's leaders over time, the oversight it received, its findings and indicators.
import { api } from "./api.js";
import { el, show } from "./dom.js";

const SECTIONS = { post: "任职", supervised: "监督", clue: "线索", audit: "审计", finding: "问题", case: "案件",
  sanction: "处分", ledger: "台账" };

const SPAN = /#\d+-\d+(,\d+-\d+)*$/; // "DOC#START-END": a span of a stored document

// Where a fact was read, each document span with a button that quotes its text.
export function sourceLine(sources) {
  if (!sources || !sources.length) return null;
  const box = el("div", { class: "source" }, "来源 source: ");
  sources.slice(0, 3).forEach((ref, i) => {
    if (i) box.append("；");
    box.append(ref);
    if (SPAN.test(ref)) {
      box.append(" ", el("button", { class: "quote chip", onclick: async (ev) => {
        ev.target.disabled = true;
        try {
          const found = await api(`/sources?ref=${encodeURIComponent(ref)}`);
          box.append(...found.spans.map((s) => el("blockquote", { class: "excerpt" }, `《${found.title}》 …${s.before}`,
            el("mark", {}, s.text), `${s.after}…`)));
        } catch (e) {
          box.append(el("span", { class: "error" }, ` ${e.message}`));
        }
      } }, "原文 text"));
    }
  });
  if (sources.length > 3) box.append(` …(+${sources.length - 3})`);
  return box;
}

export async function leaderFile(id, open) {
  const file = await api(`/leaders/${encodeURIComponent(id)}/file`);
  const entries = [...file.entries].sort((a, b) => (a.date || "9999").localeCompare(b.date || "9999"));
  return el("section", { class: "dossier", id: "dossier" },
    el("h2", {}, `一人一档 · ${file.leader.name}`),
    el("p", { class: "muted" }, [file.leader.gender, file.leader.birth_year && `${file.leader.birth_year} 年生`, file.leader.id]
      .filter(Boolean).join(" · ")),
    el("ol", { class: "timeline" }, entries.map((e) => el("li", { dataset: { section: e.section } },
      el("span", { class: "when" }, (e.date || "日期不详") + (e.until ? ` — ${e.until}` : "")),
      el("span", { class: `tag tag-${e.section}` }, SECTIONS[e.section] || e.section),
      el("span", { class: "what" }, show(e.what)),
      e.with_id ? el("a", { href: "#", class: "ref", dataset: { id: e.with_id }, onclick: (ev) => { ev.preventDefault(); open(e.with_id, e.section); } },
        e.with_name || e.with_id) : null,
      e.note ? el("span", { class: "note" }, e.note) : null,
      sourceLine(e.sources)))),
    entries.length === 0 ? el("p", { class: "muted" }, "档案为空 (no entries)") : null);
}

export async function unitPortrait(id, asOf, columns, relZh, open) {
  const portrait = await api(`/units/${encodeURIComponent(id)}/portrait${asOf ? `?as_of=${asOf}` : ""}`);
  const around = await api(`/nodes/Unit/${encodeURIComponent(id)}/expand?types=HOLDS_POST,OVERSEES,SUPERVISED,COVERS,CONCERNS`);
  const names = new Map(around.nodes.map((n) => [`${n.label}:${n.id}`, n]));
  const other = (e) => names.get(e.source === id && e.source_label === "Unit" ? `${e.target_label}:${e.target}` : `${e.source_label}:${e.source}`);
  const link = (n) => (n ? el("a", { href: "#", class: "ref", onclick: (ev) => { ev.preventDefault(); open(n.id, [n.label]); } }, n.name || n.id) : "");
  const tenures = around.edges.filter((e) => e.type === "HOLDS_POST")
    .sort((a, b) => (a.properties.start || "").localeCompare(b.properties.start || ""));
  const oversight = around.edges.filter((e) => ["OVERSEES", "SUPERVISED", "COVERS"].includes(e.type))
    .sort((a, b) => (b.properties.date || "").localeCompare(a.properties.date || ""));
  const findings = around.nodes.filter((n) => n.label === "Finding");
  const ind = portrait.indicators || {};
  return el("section", { class: "dossier", id: "dossier" },
    el("h2", {}, `单位画像 · ${portrait.unit.name}`),
    el("p", { class: "muted" }, `基准日 as of ${portrait.as_of}`),
    el("table", { class: "indicators" }, Object.entries(ind).filter(([k]) => !["unit_id", "unit"].includes(k))
      .map(([k, v]) => el("tr", {}, el("th", {}, columns[k] || k), el("td", {}, typeof v === "number" ? +v.toFixed(2) : show(v))))),
    el("h3", {}, `历任领导 leaders over time (${tenures.length})`),
    el("ol", { class: "timeline", id: "unit-tenures" }, tenures.map((e) => el("li", {},
      el("span", { class: "when" }, `${e.properties.start || "?"} — ${e.properties.end || "今 now"}`),
      link(other(e)), el("span", { class: "what" }, show(e.properties.title)),
      e.properties.top_leader ? el("span", { class: "badge" }, "一把手") : null))),
    el("h3", {}, `接受监督 oversight received (${oversight.length})`),
    el("ol", { class: "timeline" }, oversight.map((e) => el("li", {},
      el("span", { class: "when" }, e.properties.date || ""), el("span", { class: "tag" }, show(e.properties.kind || e.properties.mode || relZh(e.type))),
      link(other(e))))),
    el("h3", {}, `发现问题 findings (${findings.length})`),
    el("ul", {}, findings.map((n) => el("li", {}, link(n), " ", show(n.properties.status)))),
    el("h3", {}, `台账 ledger (${(portrait.ledger || []).length})`),
    el("ul", {}, (portrait.ledger || []).map((i) => el("li", {}, show(i.name || i.id), " · ", show(i.state_zh || i.state)))));
}
