import { Injectable, Logger } from '@nestjs/common';
import { NetParseError, isWholeInternet, parseBlockPort, parseProtocol, parseTarget, touchesLoopback } from '../../core/net';
import { FirewallDriver } from '../firewall';
import { ActionLifecycle } from '../action-lifecycle.service';
import { NetworkActionStatus, NetworkActionType } from '../network-action.entity';
import { LiveAction, NetworkActionsRepository } from '../network-actions.repository';
import { NetworkMetrics } from '../network.metrics';
import { DesiredState, DriftCounts, isEmptyChanges, planSync } from './firewall-sync-plan';
import { FirewallLock } from './firewall-lock';

export interface SyncOutcome {
  drift: DriftCounts;
  rules: { addresses: number; ports: number };
  activated: string[];
}

interface Desired {
  state: DesiredState;
  /** Actions the firewall will hold once the plan is applied. */
  valid: LiveAction[];
  invalid: { id: string; reason: string }[];
}

/** A database row that cannot become a firewall entry (written around the API): the reason, never the value. */
function entryProblem(live: LiveAction): string | null {
  const a = live.action;
  try {
    if (a.actionType === NetworkActionType.BLOCK_PORT) {
      parseBlockPort(a.port, 'port');
      parseProtocol(a.protocol, 'protocol');
      return null;
    }
    const target = parseTarget(a.target);
    if (isWholeInternet(target)) return 'the whole internet is never blocked';
    if (touchesLoopback(target)) return 'loopback is never blocked';
    return null;
  } catch (error) {
    if (error instanceof NetParseError) return `invalid ${error.field}: ${error.reason}`;
    throw error;
  }
}

function desiredFrom(live: LiveAction[]): Desired {
  const state: DesiredState = { addresses: [], ports: [] };
  const valid: LiveAction[] = [];
  const invalid: Desired['invalid'] = [];
  for (const entry of live) {
    const problem = entryProblem(entry);
    if (problem) {
      invalid.push({ id: entry.action.id, reason: problem });
      continue;
    }
    valid.push(entry);
    const { action: a, remainingSec: timeoutSec } = entry;
    if (a.actionType === NetworkActionType.BLOCK_PORT) state.ports.push({ port: a.port!, proto: parseProtocol(a.protocol), timeoutSec });
    else state.addresses.push({ target: parseTarget(a.target), timeoutSec });
  }
  return { state, valid, invalid };
}

/**
 * Makes the firewall hold exactly the live actions of the database, in one `apply()`: `ensureBase()`, read the
 * firewall, read the database, apply the difference, then mark the pending actions it now holds active. Every
 * job and every reconciler pass goes through here, under the firewall lock, so the same code repairs drift,
 * applies new blocks and removes lifted ones — and running it twice changes nothing.
 */
@Injectable()
export class FirewallSyncService {
  private readonly logger = new Logger(FirewallSyncService.name);

  constructor(
    private readonly driver: FirewallDriver,
    private readonly actions: NetworkActionsRepository,
    private readonly lifecycle: ActionLifecycle,
    private readonly lock: FirewallLock,
    private readonly metrics: NetworkMetrics,
  ) {}

  get driverName(): string {
    return this.driver.name;
  }

  sync(options: { countDrift: boolean; lockWaitMs: number }): Promise<SyncOutcome> {
    return this.lock.run(() => this.syncLocked(options.countDrift), options.lockWaitMs);
  }

  private async syncLocked(countDrift: boolean): Promise<SyncOutcome> {
    await this.driver.ensureBase();
    const current = await this.driver.list();
    const desired = desiredFrom(await this.actions.findLiveForFirewall());
    if (desired.invalid.length) await this.failInvalid(desired.invalid);
    const plan = planSync(desired.state, current, { allowsOverlappingTargets: this.driver.allowsOverlappingTargets });
    const pending = desired.valid.filter((l) => l.action.status === NetworkActionStatus.PENDING).map((l) => l.action.id);
    if (!isEmptyChanges(plan.changes)) {
      try {
        await this.driver.apply(plan.changes);
      } catch (error) {
        await this.actions.recordFailedAttempt(pending, (error as Error).message, false);
        throw error;
      }
    }
    if (countDrift) this.metrics.driftFound(plan.drift);
    this.metrics.firewallRules(plan.rules.addresses, plan.rules.ports);
    const activated = await this.lifecycle.activate(pending, this.driver.name);
    return { drift: plan.drift, rules: plan.rules, activated: activated.map((a) => a.id) };
  }

  private async failInvalid(invalid: Desired['invalid']): Promise<void> {
    for (const { id, reason } of invalid) {
      this.logger.warn(`Network action ${id} cannot be applied: ${reason}`);
      await this.lifecycle.fail([id], `Cannot be applied: ${reason}`, true);
    }
  }
}
