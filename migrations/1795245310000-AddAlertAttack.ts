import { MigrationInterface, QueryRunner } from 'typeorm';

/** The mapping of src/core/attack/mitre-attack.ts when this migration was written (a migration never changes). */
const TECHNIQUES: Record<string, [tacticId: string, tactic: string, name: string]> = {
  T1046: ['TA0007', 'Discovery', 'Network Service Discovery'],
  'T1110.001': ['TA0006', 'Credential Access', 'Brute Force: Password Guessing'],
  T1190: ['TA0001', 'Initial Access', 'Exploit Public-Facing Application'],
  'T1499.002': ['TA0040', 'Impact', 'Endpoint Denial of Service: Service Exhaustion Flood'],
  'T1498.001': ['TA0040', 'Impact', 'Network Denial of Service: Direct Network Flood'],
  'T1071.001': ['TA0011', 'Command and Control', 'Application Layer Protocol: Web Protocols'],
  T1095: ['TA0011', 'Command and Control', 'Non-Application Layer Protocol'],
};
const CLASSES: Record<string, string> = {
  PortScan: 'T1046',
  'Infiltration PortScan': 'T1046',
  'FTP-Patator': 'T1110.001',
  'SSH-Patator': 'T1110.001',
  'Web Attack Brute Force': 'T1110.001',
  'Web Attack XSS': 'T1190',
  'Web Attack Sql Injection': 'T1190',
  Heartbleed: 'T1190',
  'DoS Hulk': 'T1499.002',
  'DoS GoldenEye': 'T1499.002',
  'DoS slowloris': 'T1499.002',
  'DoS Slowhttptest': 'T1499.002',
  DDoS: 'T1498.001',
  Bot: 'T1071.001',
  Infiltration: 'T1095',
};

/**
 * Alerts carry the MITRE ATT&CK techniques they stand for (`attack`, a JSON list of {tactic, technique}), stated
 * when they are raised. The list filters (`technique=`, `tactic=`) read `ids_alert_attack_ids(attack)` through a
 * GIN index: every tactic id, technique id and parent of a sub-technique (so `T1110` finds `T1110.001`). Alerts
 * raised before from a model or an external verdict get their class's techniques; earlier Suricata alerts did not
 * keep their rule's metadata and get none.
 */
export class AddAlertAttack1795245310000 implements MigrationInterface {
  name = 'AddAlertAttack1795245310000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE alerts ADD COLUMN attack jsonb NOT NULL DEFAULT '[]'
         CONSTRAINT ck_alerts_attack_is_list CHECK (jsonb_typeof(attack) = 'array')`,
    );
    await q.query(`
      CREATE FUNCTION ids_alert_attack_ids(attack jsonb) RETURNS text[]
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
        SELECT coalesce(array_agg(DISTINCT v.id ORDER BY v.id), '{}')
          FROM jsonb_array_elements(CASE WHEN jsonb_typeof(attack) = 'array' THEN attack ELSE '[]' END) e
         CROSS JOIN LATERAL (VALUES (e #>> '{tactic,id}'), (e #>> '{technique,id}'),
                                    (split_part(e #>> '{technique,id}', '.', 1))) v(id)
         WHERE v.id IS NOT NULL AND v.id <> ''
      $$`);
    const mapping = Object.entries(CLASSES).map(([cls, id]) => {
      const [tacticId, tactic, name] = TECHNIQUES[id];
      return { cls, attack: [{ tactic: { id: tacticId, name: tactic }, technique: { id, name } }] };
    });
    await q.query(
      `UPDATE alerts a SET attack = m.attack
         FROM jsonb_to_recordset($1::jsonb) AS m(cls text, attack jsonb)
        WHERE a.attack_type = m.cls AND a.source IN ('model', 'external')`,
      [JSON.stringify(mapping)],
    );
    await q.query(`CREATE INDEX ix_alerts_attack_ids ON alerts USING gin (ids_alert_attack_ids(attack))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS ix_alerts_attack_ids`);
    await q.query(`DROP FUNCTION IF EXISTS ids_alert_attack_ids(jsonb)`);
    await q.query(`ALTER TABLE alerts DROP COLUMN IF EXISTS attack`);
  }
}
