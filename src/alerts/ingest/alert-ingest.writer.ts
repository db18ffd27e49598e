import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/app-config';
import { idSequenceOf } from '../../infra/database/id-sequence';
import { pgArray } from '../../infra/database/pg-array';
import { riskLevelFor, Severity } from '../risk-level';
import { ALERT_ROW_FIELDS, AlertRow, alertOf, alertRowSelect } from '../alert-row';
import { AlertEntity, AlertSource, ClassProbability, FeatureContribution, RiskLevel } from '../alert.entity';
import { attackFor, AttackMapping } from '../../core/attack/mitre-attack';

/** One verdict that should raise (or fold into) an alert. */
export interface AlertCandidate {
  attackType: string;
  source: AlertSource;
  confidence: number;
  /** Overrides the risk computed from the attack type's severity (Suricata's own severity). */
  riskLevel?: RiskLevel;
  srcIp: string | null;
  dstIp: string | null;
  srcPort: number | null;
  dstPort: number | null;
  protocol: number | null;
  seenAt: Date;
  flowId: string | null;
  flowReceivedAt: Date | null;
  modelVersion: string | null;
  topProbabilities: ClassProbability[] | null;
  explanation: FeatureContribution[] | null;
  anomalyScore: number | null;
  details: Record<string, unknown>;
  /**
   * ATT&CK techniques the alert stands for, kept from its first verdict: a Suricata rule's (even none); absent,
   * the class's (`attackFor`).
   */
  attack?: readonly AttackMapping[];
}

export interface DedupOutcome {
  /** Alert id per candidate, in the candidates' order. */
  alertIds: string[];
  raised: string[];
  updated: string[];
  /** The raised and updated alerts as written by this transaction (what the events after the commit carry). */
  rows: AlertEntity[];
}

interface Group {
  key: string;
  first: AlertCandidate;
  best: AlertCandidate;
  last: AlertCandidate;
  count: number;
  risk: RiskLevel;
}

const RANK: Record<RiskLevel, number> = { low: 0, medium: 1, high: 2, critical: 3 };

function keyOf(c: AlertCandidate): string {
  return `${c.srcIp ?? '-'}|${c.dstIp ?? '-'}|${c.attackType}`;
}

function group(candidates: AlertCandidate[], severities: Map<string, Severity>): Map<string, Group> {
  const groups = new Map<string, Group>();
  for (const c of candidates) {
    const risk = c.riskLevel ?? riskLevelFor(severities.get(c.attackType) ?? 'medium', c.confidence);
    const key = keyOf(c);
    const g = groups.get(key);
    if (!g) {
      groups.set(key, { key, first: c, best: c, last: c, count: 1, risk });
      continue;
    }
    g.count++;
    if (c.confidence > g.best.confidence) g.best = c;
    if (c.seenAt >= g.last.seenAt) g.last = c;
    if (RANK[risk] > RANK[g.risk]) g.risk = risk;
  }
  return groups;
}

/**
 * Where a batch's alert verdicts are expected to go, worked out before the transaction takes any lock: per key
 * (source IP, destination IP, attack type), the open alert seen within the window, or a new alert id reserved
 * from the sequence. Flows can be written with these ids first; {@link raiseAlerts} then decides under the
 * locks and reports the few flows whose alert turned out otherwise (a concurrent batch raised or closed it).
 */
export interface AlertPlan {
  groups: Group[];
  /** Group index per candidate, in the candidates' order. */
  groupOf: number[];
  /** The open alert of each group when planned, or null. */
  openIds: (string | null)[];
  /** The id reserved for each group without an open alert, or null. */
  newIds: (string | null)[];
  /** Expected alert id per candidate. */
  alertIds: string[];
  candidates: AlertCandidate[];
  windowSeconds: number;
}

/** A flow written with an alert id that the locked decision changed (the flows module re-points it). */
export interface FlowRelink {
  flowId: string;
  flowReceivedAt: Date;
  alertId: string;
}

export async function planAlerts(
  client: PoolClient,
  candidates: AlertCandidate[],
  severities: Map<string, Severity>,
  windowSeconds: number,
): Promise<AlertPlan> {
  const byKey = group(candidates, severities);
  const groups = [...byKey.values()];
  const index = new Map(groups.map((g, i) => [g.key, i]));
  const groupOf = candidates.map((c) => index.get(keyOf(c))!);
  const openIds: (string | null)[] = groups.map(() => null);
  const newIds: (string | null)[] = groups.map(() => null);
  if (groups.length > 0) {
    const { rows } = await client.query<{ ord: number; open_id: string | null; new_id: string | null }>(PLAN_SQL, [
      pgArray(groups.map((g) => g.first.srcIp)),
      pgArray(groups.map((g) => g.first.dstIp)),
      pgArray(groups.map((g) => g.first.attackType)),
      windowSeconds,
    ]);
    for (const row of rows) {
      openIds[row.ord - 1] = row.open_id;
      newIds[row.ord - 1] = row.new_id;
    }
  }
  const expected = groups.map((_, i) => (openIds[i] ?? newIds[i])!);
  return { groups, groupOf, openIds, newIds, alertIds: groupOf.map((g) => expected[g]), candidates, windowSeconds };
}

/**
 * Raises the planned alerts, folding every verdict with the same (source IP, destination IP, attack type) as an
 * open alert seen within the window into that alert (count, last seen, max confidence, risk), in the caller's
 * transaction. Keys are locked with transaction-scoped advisory locks, in a fixed order, so concurrent batches
 * neither duplicate an alert nor deadlock; then one statement finds the open alerts, folds into them and inserts
 * the rest with the ids the plan reserved (two round trips in all). Flows whose alert differs from the plan's
 * come back in `relink`.
 */
export async function raiseAlerts(client: PoolClient, plan: AlertPlan): Promise<DedupOutcome & { relink: FlowRelink[] }> {
  const { groups, candidates } = plan;
  if (candidates.length === 0) return { alertIds: [], raised: [], updated: [], rows: [], relink: [] };
  await client.query({
    name: 'ingest_lock_alert_keys',
    text: `SELECT pg_advisory_xact_lock(h) FROM (SELECT hashtextextended(k, 7081) AS h FROM unnest($1::text[]) k ORDER BY 1) s`,
    values: [pgArray(groups.map((g) => g.key))],
  });
  const rows = await foldOrInsert(client, groups, plan.newIds, plan.windowSeconds);
  const finalIds: (string | undefined)[] = groups.map(() => undefined);
  const updated: AlertEntity[] = [];
  const raised: AlertEntity[] = [];
  for (const row of rows) {
    const alert = alertOf(row);
    if (row._ord === null) raised.push(alert);
    else {
      finalIds[row._ord] = alert.id;
      updated.push(alert);
    }
  }
  const fresh = groups.flatMap((_, i) => (finalIds[i] === undefined ? [i] : []));
  if (fresh.length !== raised.length) throw new Error(`alert de-duplication: ${fresh.length} new keys but ${raised.length} rows inserted`);
  fresh.forEach((g, k) => (finalIds[g] = raised[k].id));
  const alertIds = plan.groupOf.map((g) => finalIds[g]!);
  const relink: FlowRelink[] = [];
  candidates.forEach((c, i) => {
    if (alertIds[i] !== plan.alertIds[i] && c.flowId !== null && c.flowReceivedAt !== null) {
      relink.push({ flowId: c.flowId, flowReceivedAt: c.flowReceivedAt, alertId: alertIds[i] });
    }
  });
  return {
    alertIds,
    raised: raised.map((r) => r.id),
    updated: updated.map((r) => r.id),
    rows: [...raised, ...updated],
    relink,
  };
}

/**
 * The open alert of the key in `u` (s, d, t): active or investigating, seen within $WINDOW seconds, latest first.
 * Keys with both addresses (nearly all) are looked up on every column of `ix_alerts_dedup`; the branch for a key
 * with a missing address is skipped by a one-time filter unless the key has one (a comparison that also matches
 * NULLs cannot use the index's address columns).
 * Statements holding it are unnamed (planned at every execution): a plan cached while `alerts` was small keeps
 * reading every alert of a destination once the table has grown (docs/benchmarks.md, "the alert fold").
 */
const OPEN_ALERT_OF_U = `
  SELECT id FROM (
    SELECT id, last_seen FROM alerts a
     WHERE a.status IN ('active', 'investigating') AND a.src_ip = u.s AND a.dst_ip = u.d AND a.attack_type = u.t
       AND a.last_seen >= now() - make_interval(secs => $WINDOW)
    UNION ALL
    SELECT id, last_seen FROM alerts a
     WHERE (u.s IS NULL OR u.d IS NULL) AND a.status IN ('active', 'investigating') AND a.attack_type = u.t
       AND a.src_ip IS NOT DISTINCT FROM u.s AND a.dst_ip IS NOT DISTINCT FROM u.d
       AND a.last_seen >= now() - make_interval(secs => $WINDOW)
  ) c ORDER BY last_seen DESC LIMIT 1`;

const ALERT_ID_SEQUENCE = idSequenceOf('alerts');

/** Per key: the open alert, or a new id from the sequence for a key without one. */
const PLAN_SQL = `
  SELECT u.ord::int AS ord, o.id AS open_id,
         CASE WHEN o.id IS NULL THEN nextval(${ALERT_ID_SEQUENCE}) END AS new_id
    FROM unnest($1::inet[], $2::inet[], $3::text[]) WITH ORDINALITY AS u(s, d, t, ord)
    LEFT JOIN LATERAL (${OPEN_ALERT_OF_U.replaceAll('$WINDOW', '$4')}) o ON true
   ORDER BY u.ord`;

/** The alert columns the fold returns, as {@link alertOf} reads them, and their names. */
const FOLD_RETURNING = alertRowSelect('a').join(', ');
const FOLD_NAMES = ALERT_ROW_FIELDS.map((field) => `"${field}"`).join(', ');

/** The statement of {@link foldOrInsert} (planned at every execution: see {@link OPEN_ALERT_OF_U}). */
const FOLD_SQL = `WITH u AS (
    SELECT x.*, $20::jsonb -> x.ord -> 't' AS top_probabilities, $20::jsonb -> x.ord -> 'e' AS explanation,
           coalesce($20::jsonb -> x.ord -> 'd', '{}') AS details,
           coalesce($20::jsonb -> x.ord -> 'a', '[]') AS attack
      FROM unnest($1::int[], $2::inet[], $3::inet[], $4::text[], $5::int[], $6::timestamptz[], $7::timestamptz[],
                  $8::real[], $9::real[], $10::risk_level[], $11::text[], $12::int[], $13::int[], $14::smallint[],
                  $15::bigint[], $16::timestamptz[], $17::text[], $18::real[], $19::bigint[])
        AS x(ord, s, d, t, n, first_seen, last_seen, confidence, max_confidence, risk, source, src_port, dst_port,
             protocol, flow_id, flow_received_at, model_version, anomaly_score, new_id)
  ), open AS (
    SELECT u.ord, o.id FROM u CROSS JOIN LATERAL (${OPEN_ALERT_OF_U.replaceAll('$WINDOW', '$21')}) o
  ), upd AS (
    UPDATE alerts a SET
        event_count = a.event_count + u.n,
        last_seen = GREATEST(a.last_seen, u.last_seen),
        confidence = u.confidence,
        max_confidence = GREATEST(a.max_confidence, u.max_confidence),
        risk_level = GREATEST(a.risk_level, u.risk),
        updated_at = now()
      FROM open JOIN u ON u.ord = open.ord
     WHERE a.id = open.id
    RETURNING u.ord AS "_ord", ${FOLD_RETURNING}
  ), ins AS (
    INSERT INTO alerts AS a (id, attack_type, source, risk_level, confidence, max_confidence, src_ip, dst_ip, src_port,
                             dst_port, protocol, event_count, first_seen, last_seen, flow_id, flow_received_at,
                             model_version, top_probabilities, explanation, anomaly_score, details, attack)
    SELECT coalesce(u.new_id, nextval(${ALERT_ID_SEQUENCE})), u.t, u.source, u.risk, u.max_confidence, u.max_confidence, u.s, u.d, u.src_port, u.dst_port, u.protocol,
           u.n, u.first_seen, u.last_seen, u.flow_id, u.flow_received_at, u.model_version, u.top_probabilities,
           u.explanation, u.anomaly_score, u.details, u.attack
      FROM u WHERE u.ord NOT IN (SELECT "_ord" FROM upd)
     ORDER BY u.ord
    RETURNING ${FOLD_RETURNING}
  )
  SELECT "_ord", ${FOLD_NAMES} FROM upd
  UNION ALL
  SELECT NULL::int, ${FOLD_NAMES} FROM ins`;

function attackOf(c: AlertCandidate): readonly AttackMapping[] | undefined {
  const attack = c.attack ?? attackFor(c.attackType);
  return attack.length ? attack : undefined;
}

/**
 * One statement: each group's open alert (same key, active or investigating, seen within the window) is updated;
 * groups without one (or whose alert vanished meanwhile) are inserted, in group order, with the id the plan
 * reserved (a new one for a group whose planned open alert has gone). Updated rows carry their
 * group's index as `_ord`; inserted rows come back in insertion order with a null `_ord`.
 */
async function foldOrInsert(
  client: PoolClient,
  groups: Group[],
  newIds: (string | null)[],
  windowSeconds: number,
): Promise<(AlertRow & { _ord: number | null })[]> {
  const col = (f: (g: Group, i: number) => string | number | Date | null) => pgArray(groups.map(f));
  // the evidence of every group as one JSON document (group i at index i); absent parts are left out (SQL NULL)
  const evidence = JSON.stringify(
    groups.map((g) => ({
      t: g.best.topProbabilities ?? undefined,
      e: g.best.explanation ?? undefined,
      d: g.best.details ?? undefined,
      a: attackOf(g.first),
    })),
  );
  const { rows } = await client.query<AlertRow & { _ord: number | null }>(FOLD_SQL, [
    col((_, i) => i), col((g) => g.first.srcIp), col((g) => g.first.dstIp), col((g) => g.first.attackType),
    col((g) => g.count), col((g) => g.first.seenAt), col((g) => g.last.seenAt), col((g) => g.last.confidence),
    col((g) => g.best.confidence), col((g) => g.risk), col((g) => g.first.source), col((g) => g.best.srcPort),
    col((g) => g.best.dstPort), col((g) => g.best.protocol), col((g) => g.first.flowId),
    col((g) => g.first.flowReceivedAt), col((g) => g.best.modelVersion), col((g) => g.best.anomalyScore),
    pgArray(newIds), evidence, windowSeconds,
  ]);
  return rows;
}

/**
 * The port through which ingest raises or folds alerts in its own transaction: `plan` before the flows are
 * copied (ids to link them with), `raiseOrFold` after, on the same client.
 */
@Injectable()
export class AlertIngestWriter {
  private severities: { at: number; map: Map<string, Severity> } | null = null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: ConfigService<AppConfig, true>,
  ) {}

  /** Loads what planning needs outside the transaction (the attack severities), so no lock waits on it. */
  async prepare(): Promise<Map<string, Severity>> {
    return this.attackSeverities();
  }

  async plan(client: PoolClient, candidates: AlertCandidate[], severities: Map<string, Severity>): Promise<AlertPlan> {
    return planAlerts(client, candidates, severities, this.config.get('ingest.dedupWindowSeconds', { infer: true }));
  }

  raiseOrFold(client: PoolClient, plan: AlertPlan): Promise<DedupOutcome & { relink: FlowRelink[] }> {
    return raiseAlerts(client, plan);
  }

  /** Attack type → severity, from `attack_types` (cached for a minute). */
  private async attackSeverities(): Promise<Map<string, Severity>> {
    if (this.severities && Date.now() - this.severities.at < 60_000) return this.severities.map;
    const sql = `SELECT name, severity FROM attack_types`;
    const rows: { name: string; severity: Severity }[] = await this.dataSource.query(sql);
    this.severities = { at: Date.now(), map: new Map(rows.map((r) => [r.name, r.severity])) };
    return this.severities.map;
  }
}
