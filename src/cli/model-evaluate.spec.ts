import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const root = join(__dirname, '..', '..');
const run = promisify(execFile);

/** Runs `model:evaluate` as users do and returns its stdout. */
async function evaluate(...args: string[]): Promise<string> {
  const cli = join(root, 'src', 'cli', 'model-evaluate.ts');
  const { stdout } = await run(process.execPath, [require.resolve('ts-node/dist/bin'), '--swc', cli, ...args], {
    cwd: root,
    env: { ...process.env, MODEL_DIR: join(root, 'models', 'default') },
  });
  return stdout;
}

describe('model:evaluate --json', () => {
  it('prints exactly one JSON object with the report of the shipped model', async () => {
    const stdout = await evaluate('--data', join(root, 'test', 'fixtures', 'cicids2017-sample.csv'), '--json', '--backend', 'cpu');
    expect(stdout.trim().split('\n')).toHaveLength(1);
    const report = JSON.parse(stdout);
    expect(Object.keys(report)).toEqual(['accuracy', 'macroF1', 'weightedF1', 'perClass', 'macroF1WebMerged', 'rows', 'skipped']);
    expect(report).toMatchObject({ rows: 179, skipped: 0 });
    expect(Object.keys(report.perClass)).toHaveLength(12);
    expect(report.perClass['Web Attack Sql Injection']).toEqual({
      precision: expect.any(Number),
      recall: expect.any(Number),
      f1: expect.any(Number),
      support: 12,
    });
    expect(report.accuracy).toBeGreaterThan(0.8);
  }, 60_000);

  it('reads the 84-column format too', async () => {
    const stdout = await evaluate('--data', join(root, 'test', 'fixtures', 'cicids2017-generated-sample.csv'), '--json');
    expect(JSON.parse(stdout)).toMatchObject({ rows: 48, skipped: 0 });
  }, 60_000);
});
