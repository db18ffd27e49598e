/** One program invocation: an argument vector (never a shell line) and optional standard input. */
export interface FirewallCommand {
  file: string;
  args: readonly string[];
  input?: string;
}

export interface CommandOutput {
  stdout: string;
}

/** Runs firewall commands. The real runner uses `execFile`; the dry-run one records instead of running. */
export abstract class CommandRunner {
  abstract run(command: FirewallCommand): Promise<CommandOutput>;
}

/** Network namespace names we accept: what `ip netns` creates, and never something that reads as an option. */
const NETNS_NAME = /^[A-Za-z0-9_.][A-Za-z0-9_.-]{0,63}$/;

export function isValidNetnsName(name: string): boolean {
  return NETNS_NAME.test(name) && name !== '.' && name !== '..';
}

export function assertNetnsName(netns: string | undefined): void {
  if (netns !== undefined && !isValidNetnsName(netns)) throw new Error('Invalid network namespace name');
}

/** The command as it runs inside namespace `netns`: `ip netns exec <netns> <file> <args…>`. */
export function inNetns(command: FirewallCommand, netns: string | undefined): FirewallCommand {
  if (netns === undefined) return command;
  assertNetnsName(netns);
  return { ...command, file: 'ip', args: ['netns', 'exec', netns, command.file, ...command.args] };
}

export function argvOf(command: FirewallCommand): string[] {
  return [command.file, ...command.args];
}
