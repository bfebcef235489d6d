// The time axis: which relationships and nodes exist on a given day, by the ontology's dates.

// A relationship with start/end is a span (a tenure); one with a date is an act on that day.
export function relationshipOn(props, day) {
  if (!day) return true;
  if (props.start || props.end) return (!props.start || props.start <= day) && (!props.end || props.end >= day);
  if (props.date) return props.date <= day;
  return true;
}

// A node enters the axis on its kind's `since` date (a case when opened, a clue when received).
export function nodeOn(since, props, day) {
  if (!day || !since) return true;
  const d = props[since];
  return !d || d <= day;
}

const DAY_MS = 86400000;
export const dayNumber = (iso) => Math.floor(Date.parse(iso + "T00:00:00Z") / DAY_MS);
export const isoDay = (n) => new Date(n * DAY_MS).toISOString().slice(0, 10);

// Every ISO date found in the view's properties: the slider's range.
export function dateRange(nodes, edges, ontology) {
  let lo = null;
  let hi = null;
  const see = (d) => {
    if (typeof d === "string" && /^\d{4}-\d{2}-\d{2}$/.test(d)) {
      if (lo === null || d < lo) lo = d;
      if (hi === null || d > hi) hi = d;
    }
  };
  for (const n of nodes) see(n.props[ontology.nodes[n.label]?.since]);
  for (const e of edges) {
    see(e.props.start);
    see(e.props.date);
  }
  return [lo, hi];
}
