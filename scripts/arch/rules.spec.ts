import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { importEdges, listSources, readSources, SourceFile } from './import-graph';
import { checkArchitecture, Violation } from './rules';

const ROOT = resolve(__dirname, '../..');

/** The repository's own sources, plus `extra` files as if they were in src/. */
function check(extra: SourceFile[] = []): Violation[] {
  const files = [...readSources(ROOT, [...listSources(ROOT, 'src'), ...listSources(ROOT, 'test')]), ...extra];
  const known = new Set(files.map((f) => f.path));
  return checkArchitecture(files, importEdges(files.filter((f) => f.path.startsWith('src/')), (p) => known.has(p)));
}

describe('architecture rules', () => {
  it('hold for the source tree as it is', () => {
    expect(check()).toEqual([]);
  });

  it('refuse an arrow from core to a feature module', () => {
    const leak = "import { AlertEntity } from '../alerts/alert.entity';\n";
    const violations = check([{ path: 'src/core/leak.ts', text: leak }]);
    // an upward arrow also closes cycles (alerts imports core); the layer rule names the offending line
    expect(violations.filter((v) => v.rule === 'layer')).toEqual([
      { rule: 'layer', message: 'src/core/leak.ts:1 → src/alerts/alert.entity.ts: core may not import alerts' },
    ]);
  });

  it('refuse an arrow from infra or common to a feature module', () => {
    const violations = check([
      { path: 'src/infra/leak.ts', text: "export { RealtimeModule } from '../realtime/realtime.module';\n" },
      { path: 'src/common/leak.ts', text: "\nconst m = import('../auth/session.service');\n" },
    ]);
    expect(violations.filter((v) => v.rule === 'layer').map((v) => v.message)).toEqual([
      'src/infra/leak.ts:1 → src/realtime/realtime.module.ts: infra may not import realtime',
      'src/common/leak.ts:2 → src/auth/session.service.ts: common may not import auth',
    ]);
  });

  it('refuse two feature modules importing each other, and forwardRef', () => {
    const violations = check([
      {
        path: 'src/users/leak.ts',
        text: [
          "import { forwardRef } from '@nestjs/common';",
          "import { AlertsModule } from '../alerts/alerts.module';",
          'export const m = forwardRef(() => AlertsModule);',
        ].join('\n'),
      },
    ]);
    expect(violations.map((v) => v.rule).sort()).toEqual(['cycle', 'forward-ref']);
    expect(violations.find((v) => v.rule === 'cycle')!.message).toBe('modules import each other: alerts ↔ users');
  });

  it('refuse product code importing a test helper, and Nest in core', () => {
    const violations = check([
      { path: 'src/flows/leak.ts', text: "import { fuzzSeed } from '../../test/utils/hostile-input';\n" },
      { path: 'src/core/nest.ts', text: "import { Injectable } from '@nestjs/common';\n" },
    ]);
    expect(violations.map((v) => v.rule).sort()).toEqual(['nest-in-core', 'test-import']);
  });

  it('refuse SQL that writes a table outside the module that owns it', () => {
    const violations = check([
      { path: 'src/flows/ingest/leak.ts', text: "const SQL = `UPDATE alerts SET event_count = 1`;\n" },
      { path: 'src/realtime/leak.ts', text: "\nconst SQL = 'INSERT INTO stats_minute (bucket) VALUES (now())';\n" },
      {
        path: 'src/network/leak.module.ts',
        text: "import { AlertEntity } from '../alerts/alert.entity';\n" +
          'const m = TypeOrmModule.forFeature([AlertEntity]);\n',
      },
    ]);
    expect(violations.map((v) => `${v.rule} ${v.message}`)).toEqual([
      'table-owner src/flows/ingest/leak.ts:1 writes alerts, which alerts owns (call a port of alerts)',
      'table-owner src/realtime/leak.ts:2 writes stats_minute, which stats owns (call a port of stats)',
      'table-owner src/network/leak.module.ts registers AlertEntity (src/alerts/alert.entity.ts), ' +
        'an entity of another module',
    ]);
  });

  it('read imports from files on disk (a temporary tree with a forbidden arrow)', () => {
    const root = mkdtempSync(join(tmpdir(), 'arch-rules-'));
    try {
      const write = (path: string, text: string) => {
        mkdirSync(dirname(join(root, path)), { recursive: true });
        writeFileSync(join(root, path), text);
      };
      write('src/alerts/alert.ts', 'export const A = 1;\n');
      write('src/infra/queues.ts', "import { A } from '../alerts/alert';\nexport const B = A;\n");
      const paths = listSources(root, 'src');
      const files = readSources(root, paths);
      const known = new Set(paths);
      expect(checkArchitecture(files, importEdges(files, (p) => known.has(p)))).toEqual([
        { rule: 'layer', message: 'src/infra/queues.ts:1 → src/alerts/alert.ts: infra may not import alerts' },
      ]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
