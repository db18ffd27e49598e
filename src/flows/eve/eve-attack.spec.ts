import { attackOfRuleMetadata } from './eve-attack';

const pairs = (metadata: unknown) =>
  attackOfRuleMetadata(metadata).map((m) => `${m.tactic.id} ${m.tactic.name} / ${m.technique.id} ${m.technique.name}`);
const DISCOVERY = 'TA0007 Discovery / T1046 Network Service Discovery';
const SHELL = 'Command_and_Scripting_Interpreter';

describe('ATT&CK from Suricata rule metadata', () => {
  it('reads an ET Open rule: ids and names as arrays, names with underscores', () => {
    const metadata = {
      affected_product: ['Apache_HTTP_server'],
      mitre_tactic_id: ['TA0001'],
      mitre_tactic_name: ['Initial_Access'],
      mitre_technique_id: ['T1190'],
      mitre_technique_name: ['Exploit_Public_Facing_Application'],
      signature_severity: ['Major'],
    };
    expect(pairs(metadata)).toEqual(['TA0001 Initial Access / T1190 Exploit Public-Facing Application']);
  });

  it("keeps the rule's names for techniques this server does not know", () => {
    const metadata = {
      mitre_tactic_id: ['TA0002'],
      mitre_tactic_name: ['Execution'],
      mitre_technique_id: ['T1059'],
      mitre_technique_name: [SHELL],
    };
    expect(pairs(metadata)).toEqual(['TA0002 Execution / T1059 Command and Scripting Interpreter']);
  });

  it('prefers a sub-technique given beside its technique, and finds the tactic by name', () => {
    const metadata = {
      mitre_tactic_name: ['Credential_Access'],
      mitre_technique_id: ['T1110'],
      mitre_technique_name: ['Brute_Force'],
      mitre_subtechnique_id: ['T1110.001'],
      mitre_subtechnique_name: ['Password_Guessing'],
    };
    expect(pairs(metadata)).toEqual(['TA0006 Credential Access / T1110.001 Brute Force: Password Guessing']);
    const unknownSub = {
      mitre_tactic_id: 'TA0002',
      mitre_technique_id: 'T1059',
      mitre_technique_name: SHELL,
      mitre_subtechnique_id: 'T1059.004',
      mitre_subtechnique_name: 'Unix_Shell',
    };
    expect(pairs(unknownSub)).toEqual(['TA0002 Execution / T1059.004 Command and Scripting Interpreter: Unix Shell']);
  });

  it('pairs by position, one tactic with every technique, and every tactic with one technique', () => {
    expect(pairs({ mitre_tactic_id: ['TA0007', 'TA0011'], mitre_technique_id: ['T1046', 'T1071.001'] })).toEqual([
      'TA0007 Discovery / T1046 Network Service Discovery',
      'TA0011 Command and Control / T1071.001 Application Layer Protocol: Web Protocols',
    ]);
    expect(pairs({ mitre_tactic_id: ['TA0040'], mitre_technique_id: ['T1498.001', 'T1499.002'] })).toHaveLength(2);
    const validAccounts = {
      mitre_tactic_id: ['TA0001', 'TA0003'],
      mitre_technique_id: ['T1078'],
      mitre_technique_name: ['Valid_Accounts'],
    };
    expect(pairs(validAccounts)).toEqual([
      'TA0001 Initial Access / T1078 Valid Accounts',
      'TA0003 Persistence / T1078 Valid Accounts',
    ]);
  });

  it('takes the tactic of a known technique when the rule names none, and drops an unknown one without tactic', () => {
    expect(pairs({ mitre_technique_id: ['T1046'] })).toEqual([DISCOVERY]);
    expect(pairs({ mitre_technique_id: ['T1059'] })).toEqual([]);
  });

  it('ignores malformed ids, non-string values, duplicates and metadata that is not an object', () => {
    expect(pairs({ mitre_tactic_id: ['TA0007'], mitre_technique_id: ['T1046', 'T1046', 'X1', 42, 't1046'] })).toEqual([
      'TA0007 Discovery / T1046 Network Service Discovery',
    ]);
    // a malformed tactic id counts as none: a known technique keeps its own tactic, an unknown one is dropped
    expect(pairs({ mitre_tactic_id: ['TA7'], mitre_technique_id: ['T1046'] })).toEqual([DISCOVERY]);
    expect(pairs({ mitre_tactic_id: ['TA7'], mitre_technique_id: ['T1059'] })).toEqual([]);
    for (const metadata of [undefined, null, 'x', ['T1046'], {}]) expect(pairs(metadata)).toEqual([]);
  });

  it('keeps at most 8 pairs and bounded names', () => {
    const ids = Array.from({ length: 20 }, (_, i) => `T${1000 + i}`);
    const long = 'X'.repeat(1000);
    const names = ids.map(() => long);
    const metadata = { mitre_tactic_id: ['TA0002'], mitre_technique_id: ids, mitre_technique_name: names };
    const found = attackOfRuleMetadata(metadata);
    expect(found).toHaveLength(8);
    expect(found[0].technique.name).toHaveLength(128);
  });
});
