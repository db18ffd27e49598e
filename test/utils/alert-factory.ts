import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { AlertEntity, AlertStatus, RiskLevel } from '../../src/alerts/alert.entity';
import { FEATURE_COUNT } from '../../src/core/features/feature-names';

/** A tag unique to one test: put it in `modelVersion` and filter by `model_version` to see only that test's alerts. */
export const uniqueTag = (prefix = 't') => `${prefix}-${randomUUID().slice(0, 12)}`;

const db = (app: NestFastifyApplication) => app.get(DataSource);

function alertDefaults(): Partial<AlertEntity> {
  const now = new Date();
  return {
    attackType: 'DDoS',
    source: 'model',
    riskLevel: RiskLevel.HIGH,
    status: AlertStatus.ACTIVE,
    confidence: 0.9,
    maxConfidence: 0.95,
    srcIp: '198.18.0.1',
    dstIp: '10.0.0.5',
    srcPort: 40000,
    dstPort: 80,
    protocol: 6,
    firstSeen: now,
    lastSeen: now,
    details: {},
  };
}

/** Inserts alerts as the ingest pipeline would have raised them (straight into the table). */
export async function createAlerts(app: NestFastifyApplication, rows: Partial<AlertEntity>[]): Promise<AlertEntity[]> {
  const repo = db(app).getRepository(AlertEntity);
  const ids: string[] = [];
  for (let i = 0; i < rows.length; i += 500) {
    const chunk = rows.slice(i, i + 500).map((attrs) => ({ ...alertDefaults(), ...attrs }));
    const result = await repo.insert(chunk as QueryDeepPartialEntity<AlertEntity>[]);
    ids.push(...result.identifiers.map((r) => String(r.id)));
  }
  const found = await repo.createQueryBuilder('a').where('a.id = ANY(CAST(:ids AS bigint[]))', { ids }).orderBy('a.id').getMany();
  return found;
}

export async function createAlert(app: NestFastifyApplication, attrs: Partial<AlertEntity> = {}): Promise<AlertEntity> {
  return (await createAlerts(app, [attrs]))[0];
}

/** `count` alerts in one statement (for volume tests), all with `modelVersion` = tag and the given status. */
export async function createManyAlerts(app: NestFastifyApplication, count: number, tag: string, status = AlertStatus.ACTIVE): Promise<void> {
  await db(app).query(
    `INSERT INTO alerts (attack_type, risk_level, status, confidence, max_confidence, src_ip, dst_ip, model_version)
     SELECT 'PortScan', 'medium', $3::alert_status, 0.8, 0.8, '198.18.9.9', '10.0.0.9', $2 FROM generate_series(1, $1)`,
    [count, tag, status],
  );
}

/** A deterministic 78-value CIC-IDS2017 feature vector (with an infinite rate, as real flows have). */
export function featureVector(seed = 1): number[] {
  const values = Array.from({ length: FEATURE_COUNT }, (_, i) => Math.round((seed * 1000 + i * 7.25) * 1000) / 1000);
  values[14] = Infinity;
  return values;
}

export interface FlowAttrs {
  alertId?: string | null;
  rawFeatures?: number[];
  predictedLabel?: string;
  receivedAt?: Date;
  srcIp?: string;
}

export interface CreatedFlow {
  id: string;
  received_at: Date;
}

export async function createFlow(app: NestFastifyApplication, attrs: FlowAttrs = {}): Promise<CreatedFlow> {
  const [row] = await db(app).query(
    `INSERT INTO flows (received_at, src_ip, dst_ip, src_port, dst_port, protocol, source, raw_features, predicted_label,
                        confidence, model_version, alert_id)
     VALUES (COALESCE($1, date_trunc('milliseconds', now())), $2, '10.0.0.5', 40000, 80, 6, 'sensor', $3::double precision[], $4, 0.93, 'test-model', $5)
     RETURNING id::text AS id, received_at`,
    [attrs.receivedAt ?? null, attrs.srcIp ?? '198.18.0.1', attrs.rawFeatures ?? featureVector(), attrs.predictedLabel ?? 'DDoS', attrs.alertId ?? null],
  );
  return row;
}

/**
 * An alert raised by a flow: the flow links to the alert and the alert to the flow (by id and received_at, in
 * milliseconds as ingest writes them).
 */
export async function createAlertWithFlow(
  app: NestFastifyApplication,
  attrs: Partial<AlertEntity> = {},
  flow: FlowAttrs = {},
): Promise<{ alert: AlertEntity; flow: CreatedFlow }> {
  const created = await createFlow(app, flow);
  const alert = await createAlert(app, { ...attrs, flowId: created.id, flowReceivedAt: created.received_at });
  await db(app).query(`UPDATE flows SET alert_id = $1 WHERE id = $2 AND received_at = $3`, [alert.id, created.id, created.received_at]);
  return { alert, flow: created };
}

export async function createNetworkAction(
  app: NestFastifyApplication,
  alertId: string,
  attrs: { target?: string; status?: string; expiresAt?: Date | null } = {},
): Promise<string> {
  const [row] = await db(app).query(
    `INSERT INTO network_actions (action_type, target, status, expires_at, alert_id, reason)
     VALUES ('block_ip', $1, $2::network_action_status, $3, $4, 'test') RETURNING id::text AS id`,
    [attrs.target ?? `2001:db8::${randomUUID().slice(0, 4)}:${randomUUID().slice(0, 4)}`, attrs.status ?? 'active', attrs.expiresAt ?? null, alertId],
  );
  return row.id;
}
