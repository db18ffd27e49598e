import { CommandOutput, CommandRunner, FirewallCommand, assertNetnsName, inNetns } from './command-runner';

/** Keeps every command it is given (wrapped for the namespace, exactly as it would run) and runs nothing. */
export class RecordingCommandRunner extends CommandRunner {
  private readonly recorded: FirewallCommand[] = [];

  constructor(
    private readonly netns?: string,
    private readonly onRecord?: (command: FirewallCommand) => void,
  ) {
    super();
    assertNetnsName(netns);
  }

  async run(command: FirewallCommand): Promise<CommandOutput> {
    const wrapped = inNetns(command, this.netns);
    this.recorded.push(wrapped);
    this.onRecord?.(wrapped);
    return { stdout: '' };
  }

  /** A copy of the commands recorded so far, oldest first. */
  commands(): FirewallCommand[] {
    return [...this.recorded];
  }

  clear(): void {
    this.recorded.length = 0;
  }
}
