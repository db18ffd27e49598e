import { PoolClient } from 'pg';
import { riskLevelFor, Severity } from '../../alerts/risk-level';
import { AlertEntity, AlertSource, ClassProbability, FeatureContribution, RiskLevel } from '../../alerts/alert.entity';

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
 * Raises alerts for a batch of verdicts, folding every verdict with the same (source IP, destination IP, attack
 * type) as an open alert seen within the window into that alert (count, last seen, max confidence, risk), in the
 * caller's transaction. Keys are locked with transaction-scoped advisory locks, in a fixed order, so concurrent
 * batches neither duplicate an alert nor deadlock.
 */
export async function raiseAlerts(
  client: PoolClient,
  candidates: AlertCandidate[],
  severities: Map<string, Severity>,
  windowSeconds: number,
  returning: string,
): Promise<DedupOutcome> {
  if (candidates.length === 0) return { alertIds: [], raised: [], updated: [], rows: [] };
  const groups = [...group(candidates, severities).values()];
  const keys = groups.map((g) => g.key);
  await client.query(
    `SELECT pg_advisory_xact_lock(h) FROM (SELECT hashtextextended(k, 7081) AS h FROM unnest($1::text[]) k ORDER BY 1) s`,
    [keys],
  );
  const open = await findOpen(client, groups, windowSeconds);
  const idByKey = new Map<string, string>();
  const updated = await foldInto(client, groups.filter((g) => open.has(g.key)), open, returning);
  for (const g of groups) if (open.has(g.key)) idByKey.set(g.key, open.get(g.key)!);
  const fresh = groups.filter((g) => !open.has(g.key));
  const raised = await insertAlerts(client, fresh, returning);
  fresh.forEach((g, i) => idByKey.set(g.key, raised[i].id));
  return {
    alertIds: candidates.map((c) => idByKey.get(keyOf(c))!),
    raised: raised.map((r) => r.id),
    updated: updated.map((r) => r.id),
    rows: [...raised, ...updated],
  };
}

async function findOpen(client: PoolClient, groups: Group[], windowSeconds: number): Promise<Map<string, string>> {
  const { rows } = await client.query<{ key: string; id: string }>(
    `SELECT u.key, a.id::text AS id
       FROM unnest($1::text[], $2::inet[], $3::inet[], $4::text[]) AS u(key, s, d, t)
       CROSS JOIN LATERAL (
         SELECT id FROM alerts a
          WHERE a.status IN ('active', 'investigating') AND a.attack_type = u.t
            AND (a.src_ip = u.s OR (u.s IS NULL AND a.src_ip IS NULL))
            AND (a.dst_ip = u.d OR (u.d IS NULL AND a.dst_ip IS NULL))
            AND a.last_seen >= now() - make_interval(secs => $5)
          ORDER BY a.last_seen DESC LIMIT 1) a`,
    [groups.map((g) => g.key), groups.map((g) => g.first.srcIp), groups.map((g) => g.first.dstIp), groups.map((g) => g.first.attackType), windowSeconds],
  );
  return new Map(rows.map((r) => [r.key, r.id]));
}

async function foldInto(client: PoolClient, groups: Group[], open: Map<string, string>, returning: string): Promise<AlertEntity[]> {
  if (groups.length === 0) return [];
  const { rows } = await client.query<AlertEntity>(
    `UPDATE alerts a SET
        event_count = a.event_count + u.n,
        last_seen = GREATEST(a.last_seen, u.last_seen),
        confidence = u.confidence,
        max_confidence = GREATEST(a.max_confidence, u.max_confidence),
        risk_level = GREATEST(a.risk_level, u.risk),
        updated_at = now()
       FROM unnest($1::bigint[], $2::int[], $3::timestamptz[], $4::real[], $5::real[], $6::risk_level[])
         AS u(id, n, last_seen, confidence, max_confidence, risk)
      WHERE a.id = u.id
      RETURNING ${returning}`,
    [
      groups.map((g) => open.get(g.key)),
      groups.map((g) => g.count),
      groups.map((g) => g.last.seenAt),
      groups.map((g) => g.last.confidence),
      groups.map((g) => g.best.confidence),
      groups.map((g) => g.risk),
    ],
  );
  return rows;
}

async function insertAlerts(client: PoolClient, groups: Group[], returning: string): Promise<AlertEntity[]> {
  if (groups.length === 0) return [];
  const col = <T>(f: (g: Group) => T) => groups.map(f);
  const json = (v: unknown) => (v === null || v === undefined ? null : JSON.stringify(v));
  const { rows } = await client.query<AlertEntity>(
    `INSERT INTO alerts AS a (attack_type, source, risk_level, confidence, max_confidence, src_ip, dst_ip, src_port,
                         dst_port, protocol, event_count, first_seen, last_seen, flow_id, flow_received_at,
                         model_version, top_probabilities, explanation, anomaly_score, details)
     SELECT * FROM unnest($1::text[], $2::text[], $3::risk_level[], $4::real[], $5::real[], $6::inet[], $7::inet[],
                          $8::int[], $9::int[], $10::smallint[], $11::int[], $12::timestamptz[], $13::timestamptz[],
                          $14::bigint[], $15::timestamptz[], $16::text[], $17::jsonb[], $18::jsonb[], $19::real[],
                          $20::jsonb[])
     RETURNING ${returning}`,
    [
      col((g) => g.first.attackType), col((g) => g.first.source), col((g) => g.risk), col((g) => g.best.confidence),
      col((g) => g.best.confidence), col((g) => g.first.srcIp), col((g) => g.first.dstIp), col((g) => g.best.srcPort),
      col((g) => g.best.dstPort), col((g) => g.best.protocol), col((g) => g.count), col((g) => g.first.seenAt),
      col((g) => g.last.seenAt), col((g) => g.first.flowId), col((g) => g.first.flowReceivedAt),
      col((g) => g.best.modelVersion), col((g) => json(g.best.topProbabilities)), col((g) => json(g.best.explanation)),
      col((g) => g.best.anomalyScore), col((g) => json(g.best.details)),
    ],
  );
  return rows;
}
