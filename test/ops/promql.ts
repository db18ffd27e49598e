/** Just enough PromQL reading to find which metrics (and which of their labels) an expression selects. */

const NAME = /[a-zA-Z_:][a-zA-Z0-9_:]*/g;
const KEYWORDS = new Set(['and', 'or', 'unless', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'offset', 'inf', 'nan']);
const STRING = /"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g;

export interface Selector {
  metric: string;
  /** Label names used in the selector's matchers. */
  labels: string[];
}

/** Every metric name an expression reads: identifiers that are not functions, keywords, label lists or numbers. */
export function metricNames(expr: string): string[] {
  const bare = expr
    .replace(STRING, '""')
    .replace(/\{[^}]*\}/g, ' ') // label matchers
    .replace(/\[[^\]]*\]/g, ' ') // ranges and subqueries
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' '); // label lists
  const names = new Set<string>();
  for (const m of bare.matchAll(NAME)) {
    const before = bare[m.index - 1] ?? ' ';
    const after = bare.slice(m.index + m[0].length);
    if (/[0-9.$]/.test(before)) continue; // 1e9, 5m, $variables
    if (/^\s*\(/.test(after) || KEYWORDS.has(m[0].toLowerCase())) continue;
    names.add(m[0]);
  }
  return [...names];
}

/** The `metric{label="…", …}` selectors of an expression, with the label names they match on. */
export function selectors(expr: string): Selector[] {
  const out: Selector[] = [];
  for (const m of expr.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\s*\{((?:[^}"]|"(?:[^"\\]|\\.)*")*)\}/g)) {
    const labels = [...m[2].matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)/g)].map((l) => l[1]);
    out.push({ metric: m[1], labels });
  }
  return out;
}

/** A Grafana variable query `label_values(metric{…}, label)` reads `metric`. */
export function labelValuesMetric(query: string): string | null {
  return /^label_values\(\s*([a-zA-Z_:][a-zA-Z0-9_:]*)/.exec(query.trim())?.[1] ?? null;
}

/** Grafana's own variables replaced by values Prometheus accepts, so a panel's query can be checked as PromQL. */
export function withGrafanaVariables(expr: string): string {
  return expr.replace(/\$__(rate_)?interval|\$__range/g, '5m').replace(/\$\{?[a-zA-Z_]+\}?/g, '.*');
}
