import { ExecFileCommandRunner } from './exec-file.runner';
import { FirewallCommandError } from './firewall.errors';

const node = process.execPath;

describe('ExecFileCommandRunner (real processes)', () => {
  const runner = new ExecFileCommandRunner({ timeoutMs: 5_000 });

  it('passes arguments as they are: no shell ever sees them', async () => {
    const hostile = ['1.2.3.4; echo pwned', '$(id)', '`id`', '|| true', '-F', "'\"", '\n'];
    const { stdout } = await runner.run({ file: node, args: ['-e', 'process.stdout.write(JSON.stringify(process.argv.slice(1)))', ...hostile] });
    expect(JSON.parse(stdout)).toEqual(hostile);
  });

  it('feeds input on standard input', async () => {
    const echo = { file: node, args: ['-e', 'process.stdin.pipe(process.stdout)'] };
    expect((await runner.run({ ...echo, input: 'add element inet t s { 1.2.3.4 }\n' })).stdout).toBe('add element inet t s { 1.2.3.4 }\n');
    expect((await runner.run(echo)).stdout).toBe('');
  });

  it('carries more output than execFile buffers by default (1 MB)', async () => {
    const { stdout } = await runner.run({ file: node, args: ['-e', 'process.stdout.write("x".repeat(3e6))'] });
    expect(stdout).toHaveLength(3_000_000);
  });

  it('reports a failing command with its argv, exit code and stderr', async () => {
    const failing = runner.run({ file: node, args: ['-e', 'console.error("Error: no such table"); process.exit(3)'] });
    await expect(failing).rejects.toBeInstanceOf(FirewallCommandError);
    await expect(failing).rejects.toMatchObject({ exitCode: 3, timedOut: false, stderr: 'Error: no such table\n', code: 'DEPENDENCY_UNAVAILABLE' });
  });

  it('reports a missing program', async () => {
    await expect(runner.run({ file: 'ids-ai-no-such-tool', args: [] })).rejects.toMatchObject({ stderr: expect.stringContaining('ENOENT') });
  });

  it('kills a command that outlives its time limit', async () => {
    const quick = new ExecFileCommandRunner({ timeoutMs: 300 });
    const started = Date.now();
    await expect(quick.run({ file: node, args: ['-e', 'setTimeout(() => {}, 10000)'] })).rejects.toMatchObject({ timedOut: true });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('does not fail when the command exits without reading its input', async () => {
    const { stdout } = await new ExecFileCommandRunner().run({ file: node, args: ['-e', '0'], input: 'x'.repeat(1e6) });
    expect(stdout).toBe('');
  });

  it('refuses an invalid namespace name up front', () => {
    expect(() => new ExecFileCommandRunner({ netns: '-n' })).toThrow('Invalid network namespace name');
  });
});
