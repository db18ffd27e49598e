import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const root = join(__dirname, '..', '..');
const run = promisify(execFile);

/** Runs `model:evaluate` as users do (stdout and stderr are pipes, not a terminal). */
async function evaluateWithStderr(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  const cli = join(root, 'src', 'cli', 'model-evaluate.ts');
  return run(process.execPath, [require.resolve('ts-node/dist/bin'), '--swc', cli, ...args], {
    cwd: root,
    env: { ...process.env, MODEL_DIR: join(root, 'models', 'default') },
  });
}

async function evaluate(...args: string[]): Promise<string> {
  return (await evaluateWithStderr(...args)).stdout;
}

describe('model:evaluate --json', () => {
  it('prints exactly one JSON object with the report of the shipped model', async () => {
    const stdout = await evaluate('--data', join(root, 'test', 'fixtures', 'cicids2017-sample.csv'), '--json', '--backend', 'cpu');
    expect(stdout.trim().split('\n')).toHaveLength(1);
    const report = JSON.parse(stdout);
    expect(Object.keys(report)).toEqual(['accuracy', 'macroF1', 'weightedF1', 'perClass', 'macroF1WebMerged', 'rows', 'skipped', 'unsupported']);
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

  it('shows progress on stderr, a line per interval when stderr is not a terminal, and keeps stdout pure JSON', async () => {
    const fixture = join(root, 'test', 'fixtures', 'cicids2017-sample.csv');
    const { stdout, stderr } = await evaluateWithStderr('--data', fixture, '--json', '--batch-size', '50', '--progress-interval', '0');
    expect(stdout.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(stdout)).toMatchObject({ rows: 179, skipped: 0 });
    const progress = [...stderr.matchAll(/^read (\d+) rows \(0 skipped\), scored (\d+) \(\d+ rows\/s\)$/gm)].map((m) => [Number(m[1]), Number(m[2])]);
    // a line after every batch of 50 (interval 0), then the final state
    expect(progress).toEqual([[50, 50], [100, 100], [150, 150], [179, 179], [179, 179]]);
    expect(stderr).not.toContain('\r');

    const quiet = await evaluateWithStderr('--data', fixture, '--json', '--no-progress');
    expect(quiet.stderr).not.toMatch(/^read /m);
  }, 60_000);

  it('scores an EVE model on the rows projected as its training saw them', async () => {
    const fixture = join(root, 'test', 'fixtures', 'cicids2017-improved-sample.csv');
    const stdout = await evaluate('--data', fixture, '--model', join(root, 'models', 'default-eve'), '--json', '--no-progress');
    const report = JSON.parse(stdout);
    expect(report).toMatchObject({ rows: 154, skipped: 0, unsupported: expect.any(Number) });
    // unprojected, the EVE model reads the full rows' other features and gets about one row in ten right
    expect(report.accuracy).toBeGreaterThan(0.85);
  }, 60_000);

  it('reads the 84-column format too', async () => {
    const stdout = await evaluate('--data', join(root, 'test', 'fixtures', 'cicids2017-generated-sample.csv'), '--json');
    expect(JSON.parse(stdout)).toMatchObject({ rows: 48, skipped: 0 });
  }, 60_000);
});
