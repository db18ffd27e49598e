import { ExecFileException, execFile } from 'node:child_process';
import { CommandOutput, CommandRunner, FirewallCommand, argvOf, assertNetnsName, inNetns } from './command-runner';
import { FirewallCommandError } from './firewall.errors';

export interface ExecFileRunnerOptions {
  /** Run every command as `ip netns exec <netns> …`. Validated by `inNetns`. */
  netns?: string;
  /** Kill a command (SIGKILL) that has not finished after this long. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 15_000;
/** `nft -j list` of 10,000 interval elements is about 0.7 MB; leave room for far larger sets. */
const MAX_OUTPUT_BYTES = 256 * 1024 * 1024;
const MAX_STDERR_IN_ERROR = 2_000;

/** Runs commands with `execFile` and an argument array: no shell ever parses what we pass. */
export class ExecFileCommandRunner extends CommandRunner {
  private readonly timeoutMs: number;

  constructor(private readonly options: ExecFileRunnerOptions = {}) {
    super();
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    assertNetnsName(options.netns);
  }

  run(command: FirewallCommand): Promise<CommandOutput> {
    const wrapped = inNetns(command, this.options.netns);
    return new Promise((resolve, reject) => {
      const child = execFile(
        wrapped.file,
        wrapped.args,
        { timeout: this.timeoutMs, killSignal: 'SIGKILL', maxBuffer: MAX_OUTPUT_BYTES, encoding: 'utf8' },
        (error: ExecFileException | null, stdout: string, stderr: string) => {
          if (!error) return resolve({ stdout });
          reject(failure(wrapped, error, stderr));
        },
      );
      // A tool that exits before reading all of its input closes the pipe; the exit status tells the story.
      child.stdin?.on('error', () => undefined);
      child.stdin?.end(wrapped.input ?? '');
    });
  }
}

function failure(command: FirewallCommand, error: ExecFileException, stderr: string): FirewallCommandError {
  const exitCode = typeof error.code === 'number' ? error.code : null;
  const reason = typeof error.code === 'string' ? `${error.code} ` : '';
  return new FirewallCommandError(
    {
      argv: argvOf(command),
      exitCode,
      signal: error.signal ?? null,
      timedOut: error.killed === true && error.signal === 'SIGKILL',
      stderr: `${reason}${stderr}`.slice(0, MAX_STDERR_IN_ERROR),
    },
    error,
  );
}
