import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';
import { Severity } from '../../alerts/risk-level';
import { AppConfig } from '../../config/app-config';
import { AlertCandidate, DedupOutcome, planAlerts, raiseAlerts, relinkFlows } from './alert-dedup.writer';
import { beginReservingFlowIds, copyEncodedFlows, encodeFlows, EncodedFlows, FlowBatchContext } from './flow-copy.writer';
import { ValidatedFlow } from './flow-input';
import { addToRollups } from './stats-rollup.writer';
import { BENIGN, Verdict } from './verdict';

/** An alert to raise for a flow; the writer adds the flow link and the time. */
export type FlowAlert = Omit<AlertCandidate, 'flowId' | 'flowReceivedAt' | 'seenAt'>;

export interface ClassifiedFlow {
  flow: ValidatedFlow;
  verdict: Verdict | null;
  /** Raise an alert for this flow (a non-benign verdict, or an external / Suricata verdict). */
  alert: FlowAlert | null;
}

type VerdictFields = Pick<FlowAlert, 'attackType' | 'source' | 'confidence'> &
  Partial<Pick<FlowAlert, 'riskLevel' | 'modelVersion' | 'topProbabilities' | 'explanation' | 'anomalyScore' | 'details'>>;

/**
 * The alert of a verdict on `flow`: its 5-tuple, and no model evidence unless the verdict brings some. Built field
 * by field, like the candidates below: an object spread is a runtime call in V8, several microseconds for an
 * object of this size, and this runs for every alerting flow.
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
 * Persists a batch in ONE transaction: flow ids are reserved and the alerts' ids planned, flows written with COPY,
 * alerts raised or folded (de-duplication, under per-key locks), rollups updated. The COPY, the bulk of the
 * work, comes before the locks, so concurrent batches of the same attackers queue only for the short alert and
 * rollup statements. Nothing is visible, and nothing is acknowledged, before the commit.
 */
@Injectable()
export class IngestWriter {
  private severities: { at: number; map: Map<string, Severity> } | null = null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: ConfigService<AppConfig, true>,
  ) {}

  async write(items: ClassifiedFlow[], ctx: Omit<FlowBatchContext, 'receivedAt'>, options: WriteOptions = {}): Promise<WriteResult> {
    const severities = await this.attackSeverities();
    const batchCtx = { ...ctx, receivedAt: new Date() };
    // encoded before the transaction, which holds de-duplication locks from its first statement to its commit
    const encoded = encodeFlows(items, batchCtx);
    const runner = this.dataSource.createQueryRunner() as PostgresQueryRunner;
    const client = (await runner.connect()) as PoolClient;
    try {
      const flowIds = await beginReservingFlowIds(client, items.length);
      const result = await this.writeInTransaction(client, items, flowIds, encoded, batchCtx, severities);
      await options.beforeCommit?.(client, result);
      await client.query('COMMIT');
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
  ): Promise<WriteResult> {
    const alerting = items.map((item, i) => ({ item, i })).filter(({ item }) => item.alert !== null);
    const candidates = alerting.map(({ item, i }) =>
      candidateOf(item.alert!, flowIds[i], ctx.receivedAt, item.flow.timestamp && item.flow.timestamp < ctx.receivedAt ? item.flow.timestamp : ctx.receivedAt),
    );
    const windowSeconds = this.config.get('ingest.dedupWindowSeconds', { infer: true });
    // flows are written before the alerts' locks are taken, with the alert ids the plan expects; the locked
    // decision then re-points the few flows a concurrent batch changed the answer for
    const plan = await planAlerts(client, candidates, severities, windowSeconds);
    /** Alert id per flow (null for flows without one) from ids per alerting flow. */
    const perFlow = (ids: string[]) => {
      const out: (string | null)[] = items.map(() => null);
      alerting.forEach(({ i }, k) => (out[i] = ids[k]));
      return out;
    };
    await copyEncodedFlows(client, encoded, flowIds, perFlow(plan.alertIds));
    const dedup = await raiseAlerts(client, plan);
    await relinkFlows(client, dedup.relink);
    const alertIds = perFlow(dedup.alertIds);
    await addToRollups(
      client,
      items.map((item, i) => ({
        at: ctx.receivedAt,
        label: item.verdict?.label ?? item.alert?.attackType ?? 'unclassified',
        isAlert: alertIds[i] !== null,
        srcIp: item.flow.srcIp,
        dstIp: item.flow.dstIp,
        modelVersion: item.verdict ? ctx.modelVersion : null,
      })),
    );
    return { flowIds, alertIds, dedup, receivedAt: ctx.receivedAt };
  }

  /** Attack type → severity, from `attack_types` (cached for a minute). */
  private async attackSeverities(): Promise<Map<string, Severity>> {
    if (this.severities && Date.now() - this.severities.at < 60_000) return this.severities.map;
    const rows: { name: string; severity: Severity }[] = await this.dataSource.query(`SELECT name, severity FROM attack_types`);
    this.severities = { at: Date.now(), map: new Map(rows.map((r) => [r.name, r.severity])) };
    return this.severities.map;
  }
}

export function isAttack(label: string): boolean {
  return label !== BENIGN;
}
