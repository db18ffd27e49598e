import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The internal port scan of CIC-IDS2017 (run from the infected host; `Infiltration - Portscan` in the corrected
 * extraction, labelled BENIGN in the original) becomes a class of its own, with the severity of the taxonomy
 * (src/inference/pipeline/attack-taxonomy.ts): a host inside the network is compromised.
 */
export class AddInfiltrationPortScanAttackType1795244300000 implements MigrationInterface {
  name = 'AddInfiltrationPortScanAttackType1795244300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `INSERT INTO attack_types (name, severity, is_attack, description)
       VALUES ('Infiltration PortScan', 'critical', true, 'Port scan run from a compromised host inside the network')
       ON CONFLICT (name) DO NOTHING`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM attack_types WHERE name = 'Infiltration PortScan'`);
  }
}
