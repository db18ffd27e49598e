import { ATTACK_TAXONOMY } from '../features/attack-taxonomy';
import { ANOMALY_LABEL, BENIGN_LABEL } from '../features/label-normaliser';
import {
  attackFor,
  attackIdsOf,
  CLASS_ATTACK,
  knownTechnique,
  parentTechniqueId,
  splitTechnique,
  TACTIC_ID,
  TACTIC_ORDER,
  tacticOf,
  TACTICS,
  TECHNIQUE_ID,
  techniqueUrl,
} from './mitre-attack';

const ids = (label: string) => attackFor(label).map((m) => `${m.tactic.id}/${m.technique.id}`);

describe('ATT&CK mapping of the detection classes', () => {
  it('has an entry, mapped or explicitly unmapped, for every taxonomy class and the anomaly verdict', () => {
    const classes = [...ATTACK_TAXONOMY.map((c) => c.name), ANOMALY_LABEL];
    expect(Object.keys(CLASS_ATTACK).sort()).toEqual(classes.sort());
  });

  it('maps every attack class to at least one technique and leaves only benign traffic and anomalies unmapped', () => {
    const unmapped = Object.entries(CLASS_ATTACK).filter(([, c]) => c.attack.length === 0).map(([name]) => name);
    expect(unmapped.sort()).toEqual([ANOMALY_LABEL, BENIGN_LABEL].sort());
    for (const [name, c] of Object.entries(CLASS_ATTACK)) expect([name, c.why.length > 10]).toEqual([name, true]);
  });

  it.each([
    ['PortScan', ['TA0007/T1046']],
    ['Infiltration PortScan', ['TA0007/T1046']],
    ['FTP-Patator', ['TA0006/T1110.001']],
    ['SSH-Patator', ['TA0006/T1110.001']],
    ['Web Attack Brute Force', ['TA0006/T1110.001']],
    ['DoS Hulk', ['TA0040/T1499.002']],
    ['DoS GoldenEye', ['TA0040/T1499.002']],
    ['DoS slowloris', ['TA0040/T1499.002']],
    ['DoS Slowhttptest', ['TA0040/T1499.002']],
    ['DDoS', ['TA0040/T1498.001']],
    ['Web Attack XSS', ['TA0001/T1190']],
    ['Web Attack Sql Injection', ['TA0001/T1190']],
    ['Heartbleed', ['TA0001/T1190']],
    ['Bot', ['TA0011/T1071.001']],
    ['Infiltration', ['TA0011/T1095']],
    ['BENIGN', []],
    ['Anomaly', []],
  ])('%s → %j', (label, expected) => {
    expect(ids(label)).toEqual(expected);
  });

  it('gives nothing for names outside the table, prototype keys included', () => {
    expect(attackFor('ET SCAN Potential SSH Scan')).toEqual([]);
    expect(attackFor('constructor')).toEqual([]);
    expect(attackFor('toString')).toEqual([]);
  });

  it('uses well-formed ids, the catalogue names and tactics of the matrix', () => {
    for (const c of Object.values(CLASS_ATTACK)) {
      for (const m of c.attack) {
        expect(m.tactic.id).toMatch(TACTIC_ID);
        expect(m.technique.id).toMatch(TECHNIQUE_ID);
        expect(TACTIC_ORDER).toContain(m.tactic.id);
        expect(knownTechnique(m.technique.id)).toMatchObject(m.technique);
        // every sub-technique's parent is known, and the name says both
        const parent = knownTechnique(parentTechniqueId(m.technique.id));
        expect(parent).toBeDefined();
        if (parent!.id !== m.technique.id) expect(m.technique.name.startsWith(`${parent!.name}: `)).toBe(true);
      }
    }
    expect(TACTIC_ORDER).toHaveLength(14);
    expect(new Set(TACTIC_ORDER).size).toBe(14);
  });

  it('is frozen: callers cannot change the shared table', () => {
    expect(() => (attackFor('PortScan') as unknown[]).push({})).toThrow();
    expect(Object.isFrozen(attackFor('PortScan')[0].technique)).toBe(true);
  });

  it('finds tactics by id or by name in rule spelling', () => {
    expect(tacticOf('TA0006')).toBe(TACTICS.credentialAccess);
    expect(tacticOf('ta0011')).toBe(TACTICS.commandAndControl);
    expect(tacticOf('Credential_Access')).toBe(TACTICS.credentialAccess);
    expect(tacticOf('command and control')).toBe(TACTICS.commandAndControl);
    expect(tacticOf('Lateral')).toBeUndefined();
  });

  it('lists filter ids with the parents of sub-techniques', () => {
    expect(attackIdsOf([...attackFor('SSH-Patator'), ...attackFor('PortScan'), ...attackFor('FTP-Patator')])).toEqual([
      'T1046',
      'T1110',
      'T1110.001',
      'TA0006',
      'TA0007',
    ]);
    expect(attackIdsOf([])).toEqual([]);
  });

  it('splits a sub-technique as ECS holds it', () => {
    expect(splitTechnique(attackFor('SSH-Patator')[0].technique)).toEqual({
      technique: { id: 'T1110', name: 'Brute Force' },
      subtechnique: { id: 'T1110.001', name: 'Password Guessing' },
    });
    expect(splitTechnique({ id: 'T1046', name: 'Network Service Discovery' })).toEqual({
      technique: { id: 'T1046', name: 'Network Service Discovery' },
      subtechnique: null,
    });
    expect(splitTechnique({ id: 'T1059.004', name: 'Unix Shell' })).toEqual({
      technique: { id: 'T1059', name: 'T1059' },
      subtechnique: { id: 'T1059.004', name: 'Unix Shell' },
    });
    expect(techniqueUrl('T1110.001')).toBe('https://attack.mitre.org/techniques/T1110/001/');
  });
});
