import { Logger } from '@nestjs/common';
import type { ParsedTarget } from '../../core/net';
import { FirewallCommand, argvOf, inNetns } from './command-runner';
import { FirewallPlan, planChanges } from './firewall-plan';
import { FirewallNames } from './firewall-names';
import { FirewallDriver } from './firewall.driver';
import { FirewallBaseMissingError } from './firewall.errors';
import { BaseRepairs, FirewallChanges, FirewallState, PortRef, noBaseRepairs } from './firewall.types';
import { emptyState, sortState } from './firewall-state';
import { HOOK_CHAINS, IPTABLES_FAMILIES, chainBaseCommand, chainTeardownCommand } from './iptables.commands';
import {
  ipsetChangeCommand,
  ipsetCreateCommand,
  ipsetDestroyCommand,
  ipsetFlushCommand,
  ipsetSetNames,
} from './ipset.commands';
import {
  nftBaseCommand,
  nftChangeCommands,
  nftFlushCommand,
  nftTeardownCommand,
} from './nftables.commands';
import { assertNoIntervalConflict } from './nftables-intervals';
import { RecordingCommandRunner } from './recording.runner';

export type DryRunSyntax = 'iptables' | 'nftables';

export interface DryRunOptions {
  /** Whose commands to render; overlap rules follow the same driver. Default nftables. */
  syntax?: DryRunSyntax;
  netns?: string;
  /** Clock in milliseconds, for per-entry timeouts. */
  now?: () => number;
}

interface Held<T> {
  value: T;
  expiresAt: number | null;
}

const MAX_LOGGED_INPUT = 4_000;

/**
 * Changes nothing: builds the exact commands the iptables or nftables driver would run for each change,
 * records and logs them, and keeps the resulting state in memory (timeouts included) so `list()` answers as
 * the kernel would. Reads are answered from memory and not recorded.
 */
export class DryRunFirewallDriver extends FirewallDriver {
  readonly name = 'dry-run' as const;
  readonly allowsOverlappingTargets: boolean;
  private readonly logger = new Logger(DryRunFirewallDriver.name);
  private readonly runner: RecordingCommandRunner;
  private readonly syntax: DryRunSyntax;
  private readonly now: () => number;
  private readonly netns: string | undefined;
  private readonly addresses = new Map<string, Held<ParsedTarget>>();
  private readonly ports = new Map<string, Held<PortRef>>();
  private baseInstalled = false;

  constructor(
    private readonly names: FirewallNames,
    options: DryRunOptions = {},
  ) {
    super();
    this.syntax = options.syntax ?? 'nftables';
    if (this.syntax !== 'nftables' && this.syntax !== 'iptables') throw new Error('Unknown dry-run syntax');
    this.allowsOverlappingTargets = this.syntax === 'iptables';
    this.now = options.now ?? Date.now;
    this.netns = options.netns;
    this.runner = new RecordingCommandRunner(options.netns, (command) => this.logCommand(command));
  }

  /** Every command recorded so far, oldest first, wrapped for the namespace as it would run. */
  commands(): FirewallCommand[] {
    return this.runner.commands();
  }

  clearCommands(): void {
    this.runner.clear();
  }

  /**
   * The commands applying `changes` would run now, for an API answer: nothing is run, recorded or remembered.
   * Before the base is installed (another process applies the blocks) they are rendered against an empty firewall.
   */
  async preview(changes: FirewallChanges): Promise<FirewallCommand[]> {
    const plan = planChanges(changes);
    const current = this.baseInstalled ? await this.list() : emptyState();
    const commands = this.syntax === 'nftables' ? nftChangeCommands(this.names, plan, current) : [ipsetChangeCommand(this.names, plan)];
    return commands.map((command) => inNetns(command, this.netns));
  }

  /** Installs nothing outside this process, so nothing of another driver is ever left behind by it. */
  installedParts(): Promise<string[]> {
    return Promise.resolve([]);
  }

  /**
   * Installs the base once. Nobody edits the recorded rule set by hand, so later calls find it intact and, like
   * the real drivers, write (and log) nothing.
   */
  async ensureBase(): Promise<BaseRepairs> {
    if (this.baseInstalled) return noBaseRepairs();
    if (this.syntax === 'nftables') {
      await this.runner.run(nftBaseCommand(this.names));
    } else {
      await this.runner.run(ipsetCreateCommand(this.names));
      for (const tool of IPTABLES_FAMILIES) await this.runner.run(chainBaseCommand(tool, this.names, [...HOOK_CHAINS]));
    }
    this.baseInstalled = true;
    return noBaseRepairs();
  }

  async list(): Promise<FirewallState> {
    this.requireBase();
    this.dropExpired();
    const remaining = (expiresAt: number | null): number | null =>
      expiresAt === null ? null : Math.floor((expiresAt - this.now()) / 1000);
    return sortState({
      addresses: [...this.addresses.values()].map(({ value, expiresAt }) => ({
        target: value.canonical,
        family: value.family,
        expiresInSec: remaining(expiresAt),
      })),
      ports: [...this.ports.values()].map(({ value, expiresAt }) => ({ ...value, expiresInSec: remaining(expiresAt) })),
    });
  }

  async flush(): Promise<void> {
    this.requireBase();
    await this.runner.run(this.syntax === 'nftables' ? nftFlushCommand(this.names) : ipsetFlushCommand(this.names));
    this.addresses.clear();
    this.ports.clear();
  }

  async teardown(): Promise<void> {
    if (this.syntax === 'nftables') {
      await this.runner.run(nftTeardownCommand(this.names));
    } else {
      const chain = this.names.chain;
      const rules = this.baseInstalled ? [`-N ${chain}`, ...HOOK_CHAINS.map((hook) => `-A ${hook} -j ${chain}`)] : [];
      for (const tool of IPTABLES_FAMILIES) {
        const command = chainTeardownCommand(tool, this.names, rules);
        if (command) await this.runner.run(command);
      }
      const destroy = ipsetDestroyCommand(this.names, this.baseInstalled ? ipsetSetNames(this.names) : []);
      if (destroy) await this.runner.run(destroy);
    }
    this.addresses.clear();
    this.ports.clear();
    this.baseInstalled = false;
  }

  protected async applyPlan(plan: FirewallPlan): Promise<void> {
    const current = await this.list();
    if (this.syntax === 'nftables') {
      assertNoIntervalConflict(plan, current);
      for (const command of nftChangeCommands(this.names, plan, current)) await this.runner.run(command);
    } else {
      await this.runner.run(ipsetChangeCommand(this.names, plan));
    }
    this.remember(plan);
  }

  private remember(plan: FirewallPlan): void {
    const expiry = (timeoutSec: number | null): number | null =>
      timeoutSec === null ? null : this.now() + timeoutSec * 1000;
    for (const target of plan.unblockAddresses) this.addresses.delete(target.canonical);
    for (const ref of plan.unblockPorts) this.ports.delete(`${ref.proto}/${ref.port}`);
    for (const { target, timeoutSec } of plan.blockAddresses) {
      this.addresses.set(target.canonical, { value: target, expiresAt: expiry(timeoutSec) });
    }
    for (const { port, proto, timeoutSec } of plan.blockPorts) {
      this.ports.set(`${proto}/${port}`, { value: { port, proto }, expiresAt: expiry(timeoutSec) });
    }
  }

  private dropExpired(): void {
    const now = this.now();
    for (const held of [this.addresses, this.ports] as Map<string, Held<unknown>>[]) {
      for (const [key, { expiresAt }] of held) if (expiresAt !== null && expiresAt <= now) held.delete(key);
    }
  }

  private requireBase(): void {
    if (!this.baseInstalled) {
      const what = this.syntax === 'nftables' ? `table inet ${this.names.nftTable}` : this.names.ipsetV4;
      throw new FirewallBaseMissingError(what);
    }
  }

  private logCommand(command: FirewallCommand): void {
    const input = command.input ?? '';
    const shown =
      input.length > MAX_LOGGED_INPUT ? `${input.slice(0, MAX_LOGGED_INPUT)}… (${input.length} chars)` : input;
    this.logger.log(`would run: ${argvOf(command).join(' ')}${shown ? `\n${shown}` : ''}`);
  }
}
