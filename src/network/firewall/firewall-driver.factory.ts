import { CommandRunner, assertNetnsName } from './command-runner';
import { DryRunFirewallDriver, DryRunSyntax } from './dry-run.driver';
import { ExecFileCommandRunner } from './exec-file.runner';
import { firewallNames } from './firewall-names';
import { FirewallDriver } from './firewall.driver';
import { FirewallDriverName } from './firewall.types';
import { IptablesFirewallDriver } from './iptables.driver';
import { NftablesFirewallDriver } from './nftables.driver';

/** Plain options, so the Nest provider maps config onto them and nothing here depends on Nest config. */
export interface FirewallOptions {
  driver: FirewallDriverName;
  /** Run every command as `ip netns exec <netns> …`: `[A-Za-z0-9_.-]{1,64}`, not starting with `-`. */
  netns?: string;
  /** Names our sets, chain and table: `[a-z][a-z0-9_]{0,15}`, default `ids_ai`. */
  setPrefix?: string;
  /** Per-command time limit for the real drivers, default 15 s. */
  commandTimeoutMs?: number;
  /** Which driver's commands the dry-run driver renders, default nftables. */
  dryRunSyntax?: DryRunSyntax;
}

export interface FirewallDependencies {
  /** Replaces the `execFile` runner of the real drivers (which then ignore `netns` and `commandTimeoutMs`). */
  runner?: CommandRunner;
  /** Clock of the dry-run driver, in milliseconds. */
  now?: () => number;
}

/** Builds the configured driver; throws on an unknown driver, a bad netns name or a bad set prefix. */
export function createFirewallDriver(options: FirewallOptions, deps: FirewallDependencies = {}): FirewallDriver {
  assertNetnsName(options.netns);
  const names = firewallNames(options.setPrefix);
  const runner = (): CommandRunner =>
    deps.runner ?? new ExecFileCommandRunner({ netns: options.netns, timeoutMs: options.commandTimeoutMs });
  switch (options.driver) {
    case 'iptables':
      return new IptablesFirewallDriver(runner(), names);
    case 'nftables':
      return new NftablesFirewallDriver(runner(), names);
    case 'dry-run':
      return new DryRunFirewallDriver(names, { syntax: options.dryRunSyntax, netns: options.netns, now: deps.now });
    default:
      throw new Error(`Unknown firewall driver: ${String((options as { driver: unknown }).driver).slice(0, 32)}`);
  }
}

/**
 * The project's other real driver with the same names on the same kernel (nftables for iptables and the other
 * way round), so a driver switch can find and remove the base the earlier driver left; null for dry-run.
 */
export function createOtherFirewallDriver(options: FirewallOptions, deps: FirewallDependencies = {}): FirewallDriver | null {
  if (options.driver === 'dry-run') return null;
  return createFirewallDriver({ ...options, driver: options.driver === 'iptables' ? 'nftables' : 'iptables' }, deps);
}
