import { CommandRunner } from './command-runner';
import { FirewallPlan } from './firewall-plan';
import { FirewallNames } from './firewall-names';
import { FirewallDriver } from './firewall.driver';
import { absentTool } from './firewall.errors';
import { BaseRepairs, FirewallState, noBaseRepairs } from './firewall.types';
import {
  IPTABLES_FAMILIES,
  chainBaseCommand,
  chainDrift,
  chainParts,
  chainTeardownCommand,
  listRulesCommand,
  missingJumps,
  parseRules,
} from './iptables.commands';
import {
  ipsetChangeCommand,
  ipsetCreateCommand,
  ipsetDestroyCommand,
  ipsetFlushCommand,
  ipsetListNamesCommand,
  ipsetSaveCommand,
  ipsetSetNames,
  parseIpsetNames,
  parseIpsetSave,
} from './ipset.commands';

/**
 * iptables + ipset. A batch is one `ipset restore -exist`: fast (10,000 entries in one process) but not
 * atomic — if a line fails, the lines before it stay applied; re-applying the batch is safe. Overlapping
 * networks may coexist (`hash:net` matches the most specific). Commands: see `ipset.commands.ts` and
 * `iptables.commands.ts`.
 */
export class IptablesFirewallDriver extends FirewallDriver {
  readonly name = 'iptables' as const;
  readonly allowsOverlappingTargets = true;

  constructor(
    private readonly runner: CommandRunner,
    private readonly names: FirewallNames,
  ) {
    super();
  }

  async ensureBase(): Promise<BaseRepairs> {
    // re-installs only what differs: a base left alone cannot lose a change made between listing and writing
    const sets = parseIpsetNames((await this.runner.run(ipsetListNamesCommand)).stdout);
    const repairs = noBaseRepairs();
    repairs.missingChains += ipsetSetNames(this.names).filter((set) => !sets.includes(set)).length;
    if (repairs.missingChains > 0) await this.runner.run(ipsetCreateCommand(this.names));
    for (const tool of IPTABLES_FAMILIES) {
      const rules = parseRules((await this.runner.run(listRulesCommand(tool))).stdout);
      const drift = chainDrift(tool, this.names, rules);
      repairs.missingRules += drift.missingRules;
      repairs.unexpectedRules += drift.unexpectedRules;
      repairs.missingChains += drift.missingChains;
      if (!drift.intact) await this.runner.run(chainBaseCommand(tool, this.names, missingJumps(rules, this.names)));
    }
    return repairs;
  }

  /** Our chains, jumps and sets present now; none when iptables or ipset is not installed. */
  async installedParts(): Promise<string[]> {
    const parts: string[] = [];
    for (const tool of IPTABLES_FAMILIES) {
      const listed = await this.runner.run(listRulesCommand(tool)).catch(absentTool);
      if (listed) parts.push(...chainParts(tool, this.names, parseRules(listed.stdout)));
    }
    const sets = await this.runner.run(ipsetListNamesCommand).catch(absentTool);
    if (sets) parts.push(...ipsetSetNames(this.names).filter((set) => parseIpsetNames(sets.stdout).includes(set)).map((set) => `ipset ${set}`));
    return parts;
  }

  async list(): Promise<FirewallState> {
    const { stdout } = await this.runner.run(ipsetSaveCommand);
    return parseIpsetSave(stdout, this.names);
  }

  async flush(): Promise<void> {
    await this.runner.run(ipsetFlushCommand(this.names));
  }

  async teardown(): Promise<void> {
    for (const tool of IPTABLES_FAMILIES) {
      const rules = parseRules((await this.runner.run(listRulesCommand(tool))).stdout);
      const command = chainTeardownCommand(tool, this.names, rules);
      if (command) await this.runner.run(command);
    }
    const existing = parseIpsetNames((await this.runner.run(ipsetListNamesCommand)).stdout);
    const destroy = ipsetDestroyCommand(this.names, existing);
    if (destroy) await this.runner.run(destroy);
  }

  protected async applyPlan(plan: FirewallPlan): Promise<void> {
    await this.runner.run(ipsetChangeCommand(this.names, plan));
  }
}

