import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { AppConfig } from '../../config/app-config';
import { NetParseError, isWholeInternet, parseBlockPort, parseProtocol, parseTarget, specialPurposeOf } from '../../core/net';
import { FirewallDriver } from '../firewall';
import { ActionLifecycle } from '../action-lifecycle.service';
import { NetworkActionStatus, NetworkActionType } from '../network-action.entity';
import { LiveAction, NetworkActionsRepository } from '../network-actions.repository';
import { NetworkMetrics } from '../network.metrics';
import { DriftRepair, RepairedBy, baseDrift, describeDrift, driftTotal, memberDrift } from './firewall-drift';
import { DesiredState, DriftCounts, isEmptyChanges, planSync } from './firewall-sync-plan';
import { FirewallLock } from './firewall-lock';

export interface SyncOutcome {
  /** Every difference removed: drift and work not yet applied alike. */
  changes: DriftCounts;
  /** The differences that were drift, as counted in `ids_firewall_drift_total`. */
  drift: DriftRepair[];
  rules: { addresses: number; ports: number };
  activated: string[];
}

export interface SyncOptions {
  repairedBy: RepairedBy;
  lockWaitMs: number;
}

/** An entry of a block that ended this recently is removal work, not drift (jobs and passes catch up by then). */
const ENDED_GRACE_MIN_SEC = 60;

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
    const special = specialPurposeOf(target);
    if (special && !special.forcible) return `${special.reason}: never blocked`;
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
  /** The first `ensureBase()` of a process installs the base; only later ones can find it tampered with. */
  private baseInstalled = false;
  private readonly endedGraceSec: number;

  constructor(
    private readonly driver: FirewallDriver,
    private readonly actions: NetworkActionsRepository,
    private readonly lifecycle: ActionLifecycle,
    private readonly lock: FirewallLock,
    private readonly metrics: NetworkMetrics,
    config: ConfigService<AppConfig, true>,
  ) {
    this.endedGraceSec = Math.max(ENDED_GRACE_MIN_SEC, 3 * config.get('network.reconcileSeconds', { infer: true }));
  }

  get driverName(): string {
    return this.driver.name;
  }

  sync(options: SyncOptions): Promise<SyncOutcome> {
    return this.lock.run(() => this.syncLocked(options.repairedBy), options.lockWaitMs);
  }

  private async syncLocked(repairedBy: RepairedBy): Promise<SyncOutcome> {
    const base = await this.driver.ensureBase();
    const baseRepairs = this.baseInstalled ? baseDrift(base) : [];
    this.baseInstalled = true;
    const current = await this.driver.list();
    const live = await this.actions.findLiveForFirewall();
    const desired = desiredFrom(live);
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
    const ended = await this.actions.findRecentlyEndedTargets(plan.keys.unexpected, this.endedGraceSec);
    const drift = [...memberDrift(plan.keys, desired.valid, ended), ...baseRepairs];
    this.metrics.driftRepaired(drift, repairedBy);
    if (driftTotal(drift) > 0) this.logger.warn(`Firewall drift repaired by the ${repairedBy} (${this.driver.name}): ${describeDrift(drift)}`);
    this.metrics.firewallRules(plan.rules.addresses, plan.rules.ports);
    const activated = await this.lifecycle.activate(pending, this.driver.name);
    return { changes: plan.drift, drift, rules: plan.rules, activated: activated.map((a) => a.id) };
  }

  private async failInvalid(invalid: Desired['invalid']): Promise<void> {
    for (const { id, reason } of invalid) {
      this.logger.warn(`Network action ${id} cannot be applied: ${reason}`);
      await this.lifecycle.fail([id], `Cannot be applied: ${reason}`, true);
    }
  }
}
