import { CommandRunner } from './command-runner';
import { FirewallPlan } from './firewall-plan';
import { FirewallNames } from './firewall-names';
import { FirewallDriver } from './firewall.driver';
import { FirewallState } from './firewall.types';
import {
  IPTABLES_FAMILIES,
  chainBaseCommand,
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

  async ensureBase(): Promise<void> {
    await this.runner.run(ipsetCreateCommand(this.names));
    for (const tool of IPTABLES_FAMILIES) {
      const rules = parseRules((await this.runner.run(listRulesCommand(tool))).stdout);
      await this.runner.run(chainBaseCommand(tool, this.names, missingJumps(rules, this.names)));
    }
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
