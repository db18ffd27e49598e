import { CommandRunner } from './command-runner';
import { FirewallPlan } from './firewall-plan';
import { FirewallNames } from './firewall-names';
import { FirewallDriver } from './firewall.driver';
import { FirewallBaseMissingError, FirewallCommandError, absentTool } from './firewall.errors';
import { BaseRepairs, FirewallState } from './firewall.types';
import { emptyState } from './firewall-state';
import {
  nftBaseCommand,
  nftChangeCommands,
  nftFlushCommand,
  nftListCommand,
  nftListTablesCommand,
  nftListTextCommand,
  nftPlanNeedsState,
  nftTeardownCommand,
} from './nftables.commands';
import { assertNoIntervalConflict } from './nftables-intervals';
import { hasNftTable, nftBaseDrift, parseNftTable } from './nftables.parser';

/**
 * nftables, table `inet <prefix>`. A batch is one atomic `nft -f -` transaction (two when it replaces a
 * network by an overlapping one). A batch touching networks is preceded by one listing, to re-create present
 * networks safely and to name interval conflicts: a network overlapping a different network is refused
 * (`FirewallConflictError`); single addresses and ports never conflict and need no listing.
 * Commands: see `nftables.commands.ts`.
 */
export class NftablesFirewallDriver extends FirewallDriver {
  readonly name = 'nftables' as const;
  readonly allowsOverlappingTargets = false;

  constructor(
    private readonly runner: CommandRunner,
    private readonly names: FirewallNames,
  ) {
    super();
  }

  async ensureBase(): Promise<BaseRepairs> {
    const listed = await this.runner.run(nftListTextCommand(this.names)).catch(async (error: unknown) => {
      if (!(error instanceof FirewallCommandError)) throw error;
      if (hasNftTable((await this.runner.run(nftListTablesCommand)).stdout, this.names)) throw error;
      return null;
    });
    const { intact, ...repairs } = nftBaseDrift(listed?.stdout ?? null);
    // re-installs only what differs: a base left alone cannot lose a change made between listing and writing
    if (!intact) await this.runner.run(nftBaseCommand(this.names));
    return repairs;
  }

  /** Our table, when present; none when nft is not installed. */
  async installedParts(): Promise<string[]> {
    const tables = await this.runner.run(nftListTablesCommand).catch(absentTool);
    return tables && hasNftTable(tables.stdout, this.names) ? [`nftables table inet ${this.names.nftTable}`] : [];
  }

  async list(): Promise<FirewallState> {
    try {
      const { stdout } = await this.runner.run(nftListCommand(this.names));
      return parseNftTable(stdout, this.names);
    } catch (error) {
      if (!(error instanceof FirewallCommandError)) throw error;
      const tables = await this.runner.run(nftListTablesCommand);
      if (!hasNftTable(tables.stdout, this.names)) {
        throw new FirewallBaseMissingError(`table inet ${this.names.nftTable}`);
      }
      throw error;
    }
  }

  async flush(): Promise<void> {
    await this.runner.run(nftFlushCommand(this.names));
  }

  async teardown(): Promise<void> {
    await this.runner.run(nftTeardownCommand(this.names));
  }

  protected async applyPlan(plan: FirewallPlan): Promise<void> {
    const current = nftPlanNeedsState(plan) ? await this.list() : emptyState();
    assertNoIntervalConflict(plan, current);
    for (const command of nftChangeCommands(this.names, plan, current)) await this.runner.run(command);
  }
}
