import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';
import { AlertCandidate, AlertIngestWriter, DedupOutcome } from '../../alerts/ingest/alert-ingest.writer';
import { Severity } from '../../alerts/risk-level';
import { SuppressedBatch, SuppressionMatcher } from '../../alerts/suppressions/suppression-matcher.service';
import { StatsRollups } from '../../stats/stats-rollups.writer';
import {
  beginReservingFlowIds,
  copyEncodedFlows,
  encodeFlows,
  EncodedFlows,
  FlowBatchContext,
  relinkFlows,
} from './flow-copy.writer';
import { ValidatedFlow } from './flow-input';
import { BENIGN, Verdict } from '../../inference/verdict';

/** An alert to raise for a flow; the writer adds the flow link and the time. */
export type FlowAlert = Omit<AlertCandidate, 'flowId' | 'flowReceivedAt' | 'seenAt'>;

export interface ClassifiedFlow {
  flow: ValidatedFlow;
  verdict: Verdict | null;
  /** Raise an alert for this flow (a non-benign verdict, or an external / Suricata verdict). */
  alert: FlowAlert | null;
}

type VerdictFields = Pick<FlowAlert, 'attackType' | 'source' | 'confidence'> &
  Partial<Pick<FlowAlert, 'riskLevel' | 'modelVersion' | 'topProbabilities' | 'explanation' | 'anomalyScore' | 'details' | 'attack'>>;

/**
 * The alert of a verdict on `flow`: its 5-tuple, and no model evidence unless the verdict brings some. Built field
 * by field, like the candidates below (no object spread: this runs for every alerting flow).
 */
export function alertForFlow(flow: ValidatedFlow, verdict: VerdictFields): FlowAlert {
  return {
    attackType: verdict.attackType,
    source: verdict.source,
    confidence: verdict.confidence,
    riskLevel: verdict.riskLevel,
    modelVersion: verdict.modelVersion ?? null,
    topProbabilities: verdict.topProbabilities ?? null,
    explanation: verdict.explanation ?? null,
    anomalyScore: verdict.anomalyScore ?? null,
    details: verdict.details ?? {},
    attack: verdict.attack,
    srcIp: flow.srcIp,
    dstIp: flow.dstIp,
    srcPort: flow.srcPort,
    dstPort: flow.dstPort,
    protocol: flow.protocol,
  };
}

/** The de-duplication candidate of a flow's alert, with the flow link and the time it was seen. */
function candidateOf(a: FlowAlert, flowId: string, flowReceivedAt: Date, seenAt: Date): AlertCandidate {
  return {
    attackType: a.attackType,
    source: a.source,
    confidence: a.confidence,
    riskLevel: a.riskLevel,
    modelVersion: a.modelVersion,
    topProbabilities: a.topProbabilities,
    explanation: a.explanation,
    anomalyScore: a.anomalyScore,
    details: a.details,
    attack: a.attack,
    srcIp: a.srcIp,
    dstIp: a.dstIp,
    srcPort: a.srcPort,
    dstPort: a.dstPort,
    protocol: a.protocol,
    flowId,
    flowReceivedAt,
    seenAt,
  };
}

export interface WriteResult {
  flowIds: string[];
  alertIds: (string | null)[];
  dedup: DedupOutcome;
  receivedAt: Date;
  /** Per flow, the suppression rule that kept its alert verdict from alerting (null: none). */
  suppressedBy: (string | null)[];
}

export interface WriteOptions {
  /**
   * Runs in the batch's transaction after everything is written and before COMMIT; throwing rolls the whole
   * batch back. Lets a caller record something atomically with the flows (the stream consumer's ledger of
   * ingested entry ids, which makes a re-delivered entry recognisable: exactly-once persistence).
   */
  beforeCommit?: (client: PoolClient, result: WriteResult) => Promise<void>;
}

/**
 * The unit of work of ingest: one transaction, one client handed to the owners' ports (alerts, stats). The COPY of
 * the flows comes before the alerts' locks, so concurrent batches queue only for the short alert statements.
 */
@Injectable()
export class IngestWriter {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly alerts: AlertIngestWriter,
    private readonly rollups: StatsRollups,
    private readonly suppressions: SuppressionMatcher,
  ) {}

  async write(items: ClassifiedFlow[], ctx: Omit<FlowBatchContext, 'receivedAt'>, options: WriteOptions = {}): Promise<WriteResult> {
    const severities = await this.alerts.prepare();
    const batchCtx = { ...ctx, receivedAt: new Date() };
    // encoded before the transaction, which holds de-duplication locks from its first statement to its commit
    const encoded = encodeFlows(items, batchCtx);
    // alert verdicts a suppression rule matches raise no alert; their flows are written with the rule's id
    const suppressed = this.suppressions.match(items, batchCtx.receivedAt);
    const runner = this.dataSource.createQueryRunner() as PostgresQueryRunner;
    const client = (await runner.connect()) as PoolClient;
    try {
      const flowIds = await beginReservingFlowIds(client, items.length);
      const result = await this.writeInTransaction(client, items, flowIds, encoded, batchCtx, severities, suppressed);
      await options.beforeCommit?.(client, result);
      await client.query('COMMIT');
      if (suppressed) this.suppressions.committed(suppressed);
      return result;
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      await runner.release();
    }
  }

  private async writeInTransaction(
    client: PoolClient,
    items: ClassifiedFlow[],
    flowIds: string[],
    encoded: EncodedFlows,
    ctx: FlowBatchContext,
    severities: Map<string, Severity>,
    suppressed: SuppressedBatch | null,
  ): Promise<WriteResult> {
    const alerting = items.map((item, i) => ({ item, i })).filter(({ item, i }) => item.alert !== null && !suppressed?.ruleOf[i]);
    const candidates = alerting.map(({ item, i }) =>
      candidateOf(item.alert!, flowIds[i], ctx.receivedAt, item.flow.timestamp && item.flow.timestamp < ctx.receivedAt ? item.flow.timestamp : ctx.receivedAt),
    );
    // flows are written before the alerts' locks are taken, with the alert ids the plan expects; the locked
    // decision then re-points the few flows a concurrent batch changed the answer for
    const plan = await this.alerts.plan(client, candidates, severities);
    /** Alert id per flow (null for flows without one) from ids per alerting flow. */
    const perFlow = (ids: string[]) => {
      const out: (string | null)[] = items.map(() => null);
      alerting.forEach(({ i }, k) => (out[i] = ids[k]));
      return out;
    };
    await copyEncodedFlows(client, encoded, flowIds, perFlow(plan.alertIds), suppressed?.ruleOf);
    const dedup = await this.alerts.raiseOrFold(client, plan);
    await relinkFlows(client, dedup.relink);
    const alertIds = perFlow(dedup.alertIds);
    await this.rollups.add(
      client,
      items.map((item, i) => ({
        at: ctx.receivedAt,
        label: item.verdict?.label ?? item.alert?.attackType ?? 'unclassified',
        isAlert: alertIds[i] !== null,
        srcIp: item.flow.srcIp,
        dstIp: item.flow.dstIp,
        modelVersion: item.verdict ? (item.verdict.modelVersion ?? ctx.modelVersion) : null,
      })),
    );
    // last, like the rollups: its row locks are held only until the commit
    if (suppressed) await this.suppressions.record(client, suppressed);
    return { flowIds, alertIds, dedup, receivedAt: ctx.receivedAt, suppressedBy: suppressed?.ruleOf ?? items.map(() => null) };
  }
}

export function isAttack(label: string): boolean {
  return label !== BENIGN;
}
