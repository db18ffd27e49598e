import { Injectable } from '@nestjs/common';
import { parseTarget } from '../../core/net';
import { DecisionDto, DecisionFiltersDto, DecisionsQueryDto, DecisionsStreamDto, DecisionsStreamQueryDto } from './decision.dto';
import { ActiveDecision, DecisionsRepository, SentDecision } from './decisions.repository';
import { goDuration } from './go-duration';

export const DECISION_ORIGIN = 'ids-ai';
export const DECISION_TYPE = 'ban';
/** What a permanent block says as its duration (ten years, as CrowdSec's own long bans); bouncers cap it. */
const PERMANENT_MS = 87_600 * 3_600_000;

/** A comma-separated filter; left out or empty, no filter (null). */
function list(text: string | undefined): string[] | null {
  const items = (text ?? '').split(',').map((s) => s.trim().toLowerCase()).filter((s) => s.length > 0);
  return items.length > 0 ? items : null;
}

/** The bouncer's filters as one predicate over decisions (CrowdSec's defaults: scopes ip and range). */
export function decisionFilter(q: DecisionFiltersDto): (d: ActiveDecision) => boolean {
  const scopes = list(q.scopes) ?? ['ip', 'range'];
  const origins = list(q.origins);
  const containing = list(q.scenarios_containing);
  const notContaining = list(q.scenarios_not_containing) ?? [];
  return (d) => {
    const scenario = d.scenario.toLowerCase();
    return (
      scopes.includes(d.scope.toLowerCase()) &&
      (origins === null || origins.includes(d.origin.toLowerCase())) &&
      (containing === null || containing.some((s) => scenario.includes(s))) &&
      !notContaining.some((s) => scenario.includes(s))
    );
  };
}

export function toDecisionDto(d: ActiveDecision): DecisionDto {
  return {
    id: Number(d.id),
    origin: d.origin,
    type: DECISION_TYPE,
    scope: d.scope,
    value: d.value,
    duration: goDuration(d.remainingMs ?? (d.until ? 0 : PERMANENT_MS)),
    ...(d.until ? { until: d.until.toISOString() } : {}),
    scenario: d.scenario,
  };
}

const orNull = (items: ActiveDecision[]): DecisionDto[] | null => (items.length > 0 ? items.map(toDecisionDto) : null);

/** Must the bouncer get this decision (again)? New to it, its end moved, or a permanent one's daily refresh. */
function mustSend(d: ActiveDecision, sent: SentDecision | undefined): boolean {
  if (!sent) return true;
  if ((sent.until?.getTime() ?? null) !== (d.until?.getTime() ?? null)) return true;
  return sent.refreshDue;
}

/** CrowdSec Local API decisions for bouncers, over IDS-AI's active IP and CIDR blocks and the blocklist feeds. */
@Injectable()
export class DecisionsService {
  constructor(private readonly repo: DecisionsRepository) {}

  /**
   * The delta since the bouncer's previous pull (every active decision with startup), and `deleted` for what it was
   * sent that is no longer active. What is sent is recorded in the same transaction, under a per-bouncer lock.
   */
  stream(bouncerId: string, q: DecisionsStreamQueryDto): Promise<DecisionsStreamDto> {
    const wanted = decisionFilter(q);
    return this.repo.manager.transaction(async (m) => {
      await this.repo.lockBouncer(m, bouncerId);
      const active = (await this.repo.findActive(m)).filter(wanted);
      const sent = new Map((await this.repo.findSent(m, bouncerId)).map((d) => [d.id, d]));
      const fresh = q.startup ? active : active.filter((d) => mustSend(d, sent.get(d.id)));
      const activeIds = new Set(active.map((d) => d.id));
      const gone = [...sent.values()].filter((d) => !activeIds.has(d.id));
      await this.repo.recordSent(m, bouncerId, fresh, gone.map((d) => d.id));
      return { new: orNull(fresh), deleted: orNull(gone) };
    });
  }

  /** Active decisions matching the query, or null when none (as the Local API answers). */
  async find(q: DecisionsQueryDto): Promise<DecisionDto[] | null> {
    const contains = q.contains ?? true;
    const around = q.ip ?? q.range;
    const address = around === undefined ? undefined : { target: parseTarget(around, q.ip !== undefined ? 'ip' : 'range').canonical, contains };
    const scope = q.scope?.toLowerCase();
    const matches = (await this.repo.findActive(undefined, address)).filter(
      (d) =>
        (scope === undefined || d.scope.toLowerCase() === scope) &&
        (q.value === undefined || d.value === q.value) &&
        (q.type === undefined || q.type === DECISION_TYPE),
    );
    return orNull(matches);
  }
}
