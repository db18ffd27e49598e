export { CommandRunner } from './command-runner';
export type { CommandOutput, FirewallCommand } from './command-runner';
export { DryRunFirewallDriver } from './dry-run.driver';
export type { DryRunOptions, DryRunSyntax } from './dry-run.driver';
export { ExecFileCommandRunner } from './exec-file.runner';
export type { ExecFileRunnerOptions } from './exec-file.runner';
export { createFirewallDriver, createOtherFirewallDriver } from './firewall-driver.factory';
export type { FirewallDependencies, FirewallOptions } from './firewall-driver.factory';
export { DEFAULT_SET_PREFIX, firewallNames } from './firewall-names';
export type { FirewallNames } from './firewall-names';
export { FirewallDriver } from './firewall.driver';
export type { FirewallPlan, PlannedAddressBlock, PlannedPortBlock } from './firewall-plan';
export {
  FirewallBaseMissingError,
  FirewallCommandError,
  FirewallConflictError,
  FirewallOutputError,
  FirewallRefusal,
  FirewallRequestError,
  absentTool,
} from './firewall.errors';
export { MAX_BLOCK_TIMEOUT_SEC, noBaseRepairs } from './firewall.types';
export type {
  AddressBlockRequest,
  BaseRepairs,
  BlockedAddress,
  BlockedPort,
  FirewallChanges,
  FirewallDriverName,
  FirewallState,
  PortBlockRequest,
  PortRef,
} from './firewall.types';
export { IptablesFirewallDriver } from './iptables.driver';
export { NftablesFirewallDriver } from './nftables.driver';
export { RecordingCommandRunner } from './recording.runner';
