import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { load } from 'js-yaml';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { register } from 'prom-client';
import { createTestApp } from '../utils/create-test-app';
import { createApiKey } from '../utils/factories';
import { labelValuesMetric, metricNames, selectors, withGrafanaVariables } from './promql';

const OPS = join(__dirname, '..', '..', 'ops');
const RULES = join(OPS, 'prometheus', 'alerts.yml');
const DASHBOARD = join(OPS, 'grafana', 'ids-ai-dashboard.json');
/** Series Prometheus records itself rather than scraping them. */
const PROMETHEUS_OWN = new Set(['up']);
/** Labels Prometheus adds to every scraped series, and the histogram bucket label. */
const TARGET_LABELS = ['job', 'instance'];

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { uid?: string };
  gridPos: { x: number; y: number; w: number; h: number };
  targets?: { expr: string; datasource?: { uid?: string } }[];
}
interface Dashboard {
  schemaVersion: number;
  uid: string;
  panels: Panel[];
  templating: { list: { name: string; type: string; query: string | { query: string } }[] };
}

const promtool = spawnSync('promtool', ['--version']).error ? null : 'promtool';
// under CI=true a missing promtool fails these tests (.ci/run installs it) instead of skipping them
const withPromtool = promtool || process.env.CI === 'true' ? it : it.skip;
if (!promtool) process.stderr.write('promtool is not installed (Debian package "prometheus"): the promtool checks of the ops kit are skipped\n');

function runPromtool(...args: string[]): { status: number | null; output: string } {
  const res = spawnSync('promtool', args, { encoding: 'utf8', cwd: join(OPS, 'prometheus') });
  return { status: res.status, output: `${res.stdout}${res.stderr}` };
}

const rules = (): Rule[] => (load(readFileSync(RULES, 'utf8')) as { groups: { rules: Rule[] }[] }).groups.flatMap((g) => g.rules);
const dashboard = (): Dashboard => JSON.parse(readFileSync(DASHBOARD, 'utf8'));
const queries = (d: Dashboard): string[] => d.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));
const variableQueries = (d: Dashboard): string[] =>
  d.templating.list.filter((v) => v.type === 'query').map((v) => (typeof v.query === 'string' ? v.query : v.query.query));

describe('PromQL reading used by the checks', () => {
  it('finds metric names and selector labels, not functions, keywords, label lists or durations', () => {
    const expr = 'histogram_quantile(0.99, sum by (le, route) (rate(a_bucket{job=~"$job", route=~"/x|y"}[5m]))) > 2.5 and on (instance) b offset 5m or 1e9 * c_total';
    expect(metricNames(expr).sort()).toEqual(['a_bucket', 'b', 'c_total']);
    expect(selectors(expr)).toEqual([{ metric: 'a_bucket', labels: ['job', 'route'] }]);
    expect(metricNames('sum(rate(x{a="}"}[$__rate_interval])) / sum(y)')).toEqual(['x', 'y']);
    expect(labelValuesMetric('label_values(ids_readiness_status{job=~"$job"}, instance)')).toBe('ids_readiness_status');
    expect(withGrafanaVariables('rate(x{job=~"$job"}[$__rate_interval])')).toBe('rate(x{job=~".*"}[5m])');
  });
});

describe('operations kit (ops/): alerting rules and Grafana dashboard', () => {
  let app: NestFastifyApplication;
  /** Every series name the application exports (histograms as their _bucket, _sum and _count series). */
  const exported = new Map<string, string[]>();

  beforeAll(async () => {
    app = await createTestApp();
    // a few requests, so the labelled HTTP series exist as they would in production
    const key = await createApiKey(app);
    await app.inject({ method: 'POST', url: '/api/v1/flows/batch', headers: { 'x-api-key': key }, payload: { flows: [] } });
    await app.inject({ method: 'GET', url: '/health/ready' });
    const scrape = await app.inject({ method: 'GET', url: '/metrics' });
    expect(scrape.statusCode).toBe(200);
    for (const metric of await register.getMetricsAsJSON()) {
      const labels = [...((register.getSingleMetric(metric.name) as unknown as { labelNames?: string[] })?.labelNames ?? []), ...TARGET_LABELS];
      const type = String(metric.type);
      const series = type === 'histogram' ? ['_bucket', '_sum', '_count'].map((s) => metric.name + s) : type === 'summary' ? [metric.name, `${metric.name}_sum`, `${metric.name}_count`] : [metric.name];
      for (const name of series) exported.set(name, name.endsWith('_bucket') ? [...labels, 'le'] : labels);
      expect(scrape.body).toContain(`# TYPE ${metric.name} ${type}`);
    }
  });
  afterAll(async () => {
    await app?.close();
  });

  const unknownMetrics = (exprs: string[]) => exprs.flatMap(metricNames).filter((n) => !exported.has(n) && !PROMETHEUS_OWN.has(n));
  const unknownLabels = (exprs: string[]) =>
    exprs
      .flatMap(selectors)
      .filter((s) => exported.has(s.metric))
      .flatMap((s) => s.labels.filter((l) => !exported.get(s.metric)!.includes(l)).map((l) => `${s.metric}{${l}}`));

  it('the rules and the dashboard read only metrics and labels the application exports', () => {
    const exprs = [...rules().map((r) => r.expr), ...queries(dashboard())];
    expect(exprs.length).toBeGreaterThan(60);
    expect(unknownMetrics(exprs)).toEqual([]);
    expect(unknownLabels(exprs)).toEqual([]);
    const variables = variableQueries(dashboard()).map(labelValuesMetric);
    expect(variables.filter((m) => !m || (!exported.has(m) && !PROMETHEUS_OWN.has(m)))).toEqual([]);
  });

  it('covers every metric family the application exports (default Node.js metrics aside)', () => {
    const read = new Set([...rules().map((r) => r.expr), ...queries(dashboard())].flatMap(metricNames).map((n) => n.replace(/_(bucket|sum|count)$/, '')));
    const own = [...exported.keys()].filter((n) => /^(ids|ml|http)_/.test(n) && !/_(bucket|sum|count)$/.test(n));
    expect(own.filter((n) => !read.has(n))).toEqual([]);
  });

  it('every alert says how long it must hold, how severe it is, and what it means', () => {
    const alerts = rules().filter((r) => r.alert);
    expect(alerts.length).toBeGreaterThanOrEqual(20);
    const problems = alerts.flatMap((r) => [
      ...(r.for ? [] : [`${r.alert}: no "for"`]),
      ...(['critical', 'warning', 'info'].includes(r.labels?.severity ?? '') ? [] : [`${r.alert}: severity ${r.labels?.severity}`]),
      ...(r.annotations?.summary && r.annotations?.description ? [] : [`${r.alert}: summary and description annotations`]),
    ]);
    expect(problems).toEqual([]);
    expect(new Set(alerts.map((r) => r.alert)).size).toBe(alerts.length);
  });

  it('the dashboard is an importable Grafana dashboard on a templated Prometheus data source', () => {
    const d = dashboard();
    expect(d.schemaVersion).toBeGreaterThanOrEqual(36);
    expect(d.uid).toMatch(/^[a-z0-9-]{1,40}$/);
    expect(d.templating.list.find((v) => v.name === 'datasource')).toMatchObject({ type: 'datasource', query: 'prometheus' });
    const ids = d.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    const graphs = d.panels.filter((p) => p.type !== 'row');
    expect(graphs.length).toBeGreaterThan(30);
    for (const panel of graphs) {
      expect({ title: panel.title, uid: panel.datasource?.uid }).toEqual({ title: panel.title, uid: '${datasource}' });
      expect(panel.targets?.length).toBeGreaterThan(0);
      expect(panel.gridPos.x + panel.gridPos.w).toBeLessThanOrEqual(24);
    }
  });

  withPromtool('promtool accepts the rules, their unit tests and the example configuration', () => {
    for (const args of [['check', 'rules', 'alerts.yml'], ['test', 'rules', 'alerts.test.yml'], ['check', 'config', 'prometheus.yml']]) {
      const res = runPromtool(...args);
      expect({ args, status: res.status, output: res.status === 0 ? '' : res.output }).toEqual({ args, status: 0, output: '' });
    }
  });

  withPromtool('every dashboard query is valid PromQL', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ids-dashboard-'));
    try {
      const records = queries(dashboard()).map((expr, i) => ({ record: `dashboard:query_${i}`, expr: withGrafanaVariables(expr) }));
      writeFileSync(join(dir, 'dashboard-queries.yml'), JSON.stringify({ groups: [{ name: 'dashboard', rules: records }] }));
      const res = runPromtool('check', 'rules', join(dir, 'dashboard-queries.yml'));
      expect(res.output).toContain(`SUCCESS: ${records.length} rules found`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
