import { posix } from 'node:path';
import { ImportEdge, SourceFile } from './import-graph';

/** Nest feature modules: each owns its tables and talks to the others only through what they export. */
export const FEATURES = [
  'auth', 'users', 'alerts', 'flows', 'inference', 'network', 'stats', 'notifications', 'realtime', 'audit',
] as const;

/** Layers below the features, with what each may import besides itself (and packages). */
export const LAYERS: Record<string, readonly string[]> = {
  core: [],
  types: [],
  config: ['core'],
  common: ['core', 'config'],
  database: ['core', 'config', 'types'],
  infra: ['core', 'config', 'common', 'database'],
};

/** Tables and the module that owns them: only its files hold SQL that writes them. A prefix ends with `*`. */
export const TABLE_OWNERS: Record<string, string> = {
  alerts: 'alerts', alert_events: 'alerts', feedback_examples: 'alerts', suppression_rules: 'alerts',
  suppression_hits: 'alerts',
  'stats_*': 'stats',
  flows: 'flows', ingest_requests: 'flows', stream_ingested: 'flows',
  network_actions: 'network', bouncer_decisions: 'network', allowlist_entries: 'network',
  network_auto_response_policy: 'network', blocklist_feeds: 'network', blocklist_feed_entries: 'network',
  users: 'users',
  refresh_tokens: 'auth', api_keys: 'auth', bouncers: 'auth',
  audit_log: 'audit',
  webhooks: 'notifications', webhook_deliveries: 'notifications',
  model_versions: 'inference',
};

export function ownerOf(table: string): string | null {
  if (table in TABLE_OWNERS) return TABLE_OWNERS[table];
  const prefix = Object.keys(TABLE_OWNERS).find((k) => k.endsWith('*') && table.startsWith(k.slice(0, -1)));
  return prefix ? TABLE_OWNERS[prefix] : null;
}

const WRITE_SQL = /\b(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+([a-z_][a-z0-9_]*)/g;

/** Composition roots: they wire everything together and may import anything in src/. */
export const ROOTS = ['app', 'cli'] as const;

export interface Violation {
  rule: 'layer' | 'cycle' | 'forward-ref' | 'test-import' | 'nest-in-core' | 'table-owner';
  message: string;
}

/** Specs, fixtures and testing/ folders: left out of the build (tsconfig.build.json), so out of the rules too. */
export function isTestFile(path: string): boolean {
  return /\.spec\.ts$|\.fixture\.ts$|\/testing\//.test(path);
}

/** The module of a repository-relative path: `src/<module>/…`; files directly in src/ belong to `app`. */
export function moduleOf(path: string): string | null {
  const parts = path.split('/');
  if (parts[0] !== 'src') return null;
  return parts.length === 2 ? 'app' : parts[1];
}

const isFeature = (m: string) => (FEATURES as readonly string[]).includes(m);

/** The imports the rules look at: from product files (not specs, fixtures, testing/), not into test/. */
export function productEdges(edges: ImportEdge[]): ImportEdge[] {
  return edges.filter((e) => !isTestFile(e.from) && !e.to.startsWith('test/'));
}

/** Module → modules it imports (self-imports left out). */
export function moduleGraph(edges: ImportEdge[]): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const e of edges) {
    const from = moduleOf(e.from);
    const to = moduleOf(e.to);
    if (!from || !to || from === to) continue;
    if (!graph.has(from)) graph.set(from, new Set());
    graph.get(from)!.add(to);
  }
  return graph;
}

/** Strongly connected components with more than one module (Tarjan), each sorted, for stable messages. */
export function cycles(graph: Map<string, Set<string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let next = 0;
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1) found.push(scc.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return found;
}

function layerViolation(from: string, to: string): string | null {
  if (from === to || (ROOTS as readonly string[]).includes(from)) return null;
  if ((ROOTS as readonly string[]).includes(to)) return `${from} imports the composition root ${to}`;
  if (from in LAYERS) return LAYERS[from].includes(to) ? null : `${from} may not import ${to}`;
  if (isFeature(from)) return isFeature(to) || to in LAYERS ? null : `${from} imports unknown module ${to}`;
  return `unknown module ${from}`;
}

/** Entities a Nest module registers with TypeOrmModule.forFeature that another module's folder defines. */
function foreignEntities(file: SourceFile, edges: ImportEdge[]): string[] {
  const own = moduleOf(file.path);
  const out: string[] = [];
  for (const [, list] of file.text.matchAll(/forFeature\(\s*\[([^\]]*)\]/g)) {
    for (const name of list.split(',').map((n) => n.trim()).filter(Boolean)) {
      const source = new RegExp(`import\\s*{[^}]*\\b${name}\\b[^}]*}\\s*from\\s*'([^']+)'`).exec(file.text)?.[1];
      const base = source && posix.join(posix.dirname(file.path), source);
      const names = [`${base}.ts`, `${base}/index.ts`];
      const target = base && edges.find((e) => e.from === file.path && names.includes(e.to));
      if (target && moduleOf(target.to) !== own) out.push(`${name} (${target.to})`);
    }
  }
  return out;
}

/** Checks the import arrows of src/ (and a few textual rules) against the module rules above. */
export function checkArchitecture(files: SourceFile[], edges: ImportEdge[]): Violation[] {
  const violations: Violation[] = [];
  edges = edges.filter((e) => !isTestFile(e.from));
  for (const e of edges) {
    const from = moduleOf(e.from);
    if (!from) continue;
    if (e.to.startsWith('test/')) {
      violations.push({ rule: 'test-import', message: `${e.from}:${e.line} imports the test helper ${e.to}` });
      continue;
    }
    const to = moduleOf(e.to);
    if (!to) continue;
    const problem = layerViolation(from, to);
    if (problem) violations.push({ rule: 'layer', message: `${e.from}:${e.line} → ${e.to}: ${problem}` });
  }
  const isRoot = (path: string) => (ROOTS as readonly string[]).includes(moduleOf(path) ?? '');
  for (const scc of cycles(moduleGraph(productEdges(edges).filter((e) => !isRoot(e.from) && !isRoot(e.to))))) {
    violations.push({ rule: 'cycle', message: `modules import each other: ${scc.join(' ↔ ')}` });
  }
  for (const file of files) {
    if (!file.path.startsWith('src/') || isTestFile(file.path)) continue;
    for (const entity of foreignEntities(file, edges)) {
      const message = `${file.path} registers ${entity}, an entity of another module`;
      violations.push({ rule: 'table-owner', message });
    }
    const lines = file.text.split('\n');
    lines.forEach((line, i) => {
      for (const [, table] of line.matchAll(WRITE_SQL)) {
        const owner = ownerOf(table);
        if (owner && owner !== moduleOf(file.path)) {
          const message = `${file.path}:${i + 1} writes ${table}, which ${owner} owns (call a port of ${owner})`;
          violations.push({ rule: 'table-owner', message });
        }
      }
      if (/\bforwardRef\s*\(/.test(line)) {
        const message = `${file.path}:${i + 1} uses forwardRef (a cycle in disguise)`;
        violations.push({ rule: 'forward-ref', message });
      }
      if (moduleOf(file.path) === 'core' && /from '@nestjs\//.test(line)) {
        violations.push({ rule: 'nest-in-core', message: `${file.path}:${i + 1} imports @nestjs in core/` });
      }
    });
  }
  return violations;
}
