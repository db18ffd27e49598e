import { AttackCountRow } from './attack-coverage.repository';
import { buildCoverage, CoverageModel } from './attack-coverage';

const row = (tactic: string, technique: string, alerts: number, names = ['x', 'y']): AttackCountRow => ({
  tactic_id: tactic,
  tactic_name: names[0],
  technique_id: technique,
  technique_name: names[1],
  alerts: String(alerts),
  model: String(alerts),
  external: '0',
  suricata: '0',
  false_positives: '0',
  events: String(alerts),
  last_seen: new Date(0),
});
const BRUTE_FORCE = ['FTP-Patator', 'SSH-Patator', 'Web Attack Brute Force'];

describe('buildCoverage', () => {
  const full: CoverageModel = { model: 'full', version: 'f1', labels: ['BENIGN', 'PortScan', 'DDoS', 'SSH-Patator'] };
  const eve: CoverageModel = { model: 'eve', version: 'e1', labels: ['BENIGN', 'PortScan'] };

  it('lists every pair of the table once, with its classes and the models that can emit them', () => {
    const { entries } = buildCoverage([full, eve], []);
    const byId = new Map(entries.map((e) => [`${e.tactic.id}/${e.technique.id}`, e]));
    expect(byId.size).toBe(entries.length);
    const portScans = ['PortScan', 'Infiltration PortScan'];
    expect(byId.get('TA0007/T1046')).toMatchObject({ classes: portScans, models: ['full', 'eve'] });
    expect(byId.get('TA0006/T1110.001')).toMatchObject({ classes: BRUTE_FORCE, models: ['full'] });
    expect(byId.get('TA0011/T1095')).toMatchObject({ classes: ['Infiltration'], models: [] });
    expect([...byId.keys()].sort()).toEqual(
      ['TA0001/T1190', 'TA0006/T1110.001', 'TA0007/T1046', 'TA0011/T1071.001', 'TA0011/T1095', 'TA0040/T1498.001',
        'TA0040/T1499.002'].sort(),
    );
  });

  it("follows the matrix's tactic order, and adds pairs only alerts carried after the table's", () => {
    const shell = row('TA0002', 'T1059', 3, ['Execution', 'Command and Scripting Interpreter']);
    const counts = [shell, row('TA0007', 'T1046', 5)];
    const { entries } = buildCoverage([full], counts);
    const tactics = ['TA0001', 'TA0002', 'TA0006', 'TA0007', 'TA0011', 'TA0011', 'TA0040', 'TA0040'];
    expect(entries.map((e) => e.tactic.id)).toEqual(tactics);
    const exec = entries.find((e) => e.technique.id === 'T1059')!;
    expect(exec).toMatchObject({ classes: [], models: [], technique: { name: 'Command and Scripting Interpreter' } });
    // known ids take the catalogue's names, not the stored ones
    expect(entries.find((e) => e.technique.id === 'T1046')).toMatchObject({
      technique: { name: 'Network Service Discovery' },
      counts: { alerts: '5' },
    });
  });

  it('names the classes the models can emit that map to nothing, the anomaly verdict included', () => {
    expect(buildCoverage([full, eve], []).unmapped).toEqual(['Anomaly', 'BENIGN']);
    expect(buildCoverage([{ model: 'full', version: null, labels: [] }], []).unmapped).toEqual([]);
  });
});
