import { AlertDigest } from '../alert-digest.store';
import { ALERT_ATTACK_MAPPER, AttackMapper, NO_ATTACK_MAPPING } from './attack-mapping';
import { ECS_VERSION, ecsDocuments } from './ecs-documents';
import { SiemContext } from './siem-envelope';
import { deliveryOf, FTP_ALERT } from './siem-events.fixture';

const observer = { hostname: 'ids-1', version: '0.1.0' };
const ctx: SiemContext = { attack: NO_ATTACK_MAPPING, observer };
const mitre: AttackMapper = {
  classify: (a) =>
    a.attack_type === 'FTP-Patator'
      ? [
          {
            tactic: { id: 'TA0006', name: 'Credential Access' },
            technique: { id: 'T1110', name: 'Brute Force' },
            subtechnique: { id: 'T1110.001', name: 'Password Guessing' },
          },
        ]
      : [],
};

const alert = FTP_ALERT;

const envelope = deliveryOf;

/** ECS `threat` of an SSH/FTP brute force: T1110.001 under Credential Access. */
const PASSWORD_GUESSING_THREAT = {
  framework: 'MITRE ATT&CK',
  tactic: { id: 'TA0006', name: 'Credential Access', reference: 'https://attack.mitre.org/tactics/TA0006/' },
  technique: {
    id: 'T1110',
    name: 'Brute Force',
    reference: 'https://attack.mitre.org/techniques/T1110/',
    subtechnique: { id: 'T1110.001', name: 'Password Guessing', reference: 'https://attack.mitre.org/techniques/T1110/001/' },
  },
};

describe('ECS documents', () => {
  it('maps a raised alert to an event.kind alert with endpoints, rule, severity and observer', () => {
    const [doc] = ecsDocuments(envelope('alert.raised', { alert }), ctx, true);
    expect(doc).toEqual({
      '@timestamp': '2026-12-06T22:31:04.100Z',
      ecs: { version: ECS_VERSION },
      observer: { product: 'IDS-AI', vendor: 'IDS-AI', type: 'ids', hostname: 'ids-1', version: '0.1.0' },
      event: {
        id: 'd-1',
        created: '2026-12-06T22:31:05.000Z',
        module: 'ids_ai',
        kind: 'alert',
        category: ['intrusion_detection', 'network'],
        type: ['info'],
        action: 'alert-raised',
        dataset: 'ids_ai.alert',
        provider: 'model',
        severity: 3,
        risk_score: 73,
        start: '2026-12-06T22:31:04.000Z',
        end: '2026-12-06T22:31:09.000Z',
      },
      source: { ip: '198.18.0.10', port: 51000, address: '198.18.0.10' },
      destination: { ip: '198.19.0.20', port: 21, address: '198.19.0.20' },
      network: { transport: 'tcp', iana_number: '6' },
      rule: { name: 'FTP-Patator', ruleset: 'ids-ai-model', version: 'v7' },
      labels: { alert_id: '1042', risk_level: 'high', status: 'active', confidence: '0.97', event_count: '3' },
      message: 'FTP-Patator from 198.18.0.10 to 198.19.0.20:21, risk high',
    });
  });

  it('leaves threat out when ATT&CK knows nothing, and fills tactic, technique and sub-technique when it does', () => {
    expect(ecsDocuments(envelope('alert.raised', { alert }), ctx, true)[0]).not.toHaveProperty('threat');
    const [doc] = ecsDocuments(envelope('alert.raised', { alert }), { ...ctx, attack: mitre }, true);
    expect(doc.threat).toEqual(PASSWORD_GUESSING_THREAT);
    const ddos = envelope('alert.raised', { alert: { ...alert, attack_type: 'DDoS' } });
    const other = ecsDocuments(ddos, { ...ctx, attack: mitre }, true)[0];
    expect(other).not.toHaveProperty('threat');
  });

  it("reads the alert's own ATT&CK list: sub-techniques apart, several techniques as arrays", () => {
    const withAttack = (attack: unknown) => envelope('alert.raised', { alert: { ...alert, attack } });
    const mapped = { ...ctx, attack: ALERT_ATTACK_MAPPER };
    const tactic = { id: 'TA0006', name: 'Credential Access', url: 'https://attack.mitre.org/tactics/TA0006/' };
    const bruteForce = { id: 'T1110.001', name: 'Brute Force: Password Guessing', url: '' };
    const [doc] = ecsDocuments(withAttack([{ tactic, technique: bruteForce }]), mapped, true);
    expect(doc.threat).toEqual(PASSWORD_GUESSING_THREAT);
    const discovery = { id: 'TA0007', name: 'Discovery' };
    const pairs = [
      { tactic: discovery, technique: { id: 'T1046', name: 'Network Service Discovery' } },
      { tactic: discovery, technique: { id: 'T1595', name: 'Active Scanning' } },
    ];
    const [several] = ecsDocuments(withAttack(pairs), mapped, true);
    expect(several.threat).toMatchObject({
      tactic: { id: 'TA0007', name: 'Discovery' },
      technique: { id: ['T1046', 'T1595'], name: ['Network Service Discovery', 'Active Scanning'] },
    });
    expect(ecsDocuments(withAttack([]), mapped, true)[0]).not.toHaveProperty('threat');
    // an event without the list: the class table (FTP-Patator → T1110.001)
    const [legacy] = ecsDocuments(envelope('alert.raised', { alert }), mapped, true);
    expect(legacy.threat).toMatchObject({ technique: { id: 'T1110', subtechnique: { id: 'T1110.001' } } });
  });

  it('keeps a Suricata rule id and category, and leaves absent endpoints and unknown protocols out', () => {
    const suricata = {
      ...alert,
      source: 'suricata',
      attack_type: 'ET SCAN Potential SSH Scan',
      risk_level: 'critical',
      dst_ip: null,
      dst_port: null,
      protocol: 47,
      details: { signature_id: 2001219, category: 'Attempted Information Leak' },
    };
    const [doc] = ecsDocuments(envelope('alert.resolved', { alert: { ...suricata, status: 'resolved' } }), ctx, true);
    expect(doc.rule).toEqual({
      name: 'ET SCAN Potential SSH Scan',
      id: '2001219',
      category: 'Attempted Information Leak',
      ruleset: 'suricata',
    });
    expect(doc).not.toHaveProperty('destination');
    expect(doc.network).toEqual({ iana_number: '47' });
    expect(doc.event).toMatchObject({ action: 'alert-resolved', severity: 4, risk_score: 99 });
    expect(doc.message).toBe('ET SCAN Potential SSH Scan from 198.18.0.10 (resolved, status resolved), risk critical');
  });

  it('maps blocks and unblocks to event.kind event in the network category', () => {
    const action = {
      id: '42',
      type: 'block_ip',
      target: '198.18.0.10',
      status: 'active',
      reason: 'auto-response to FTP-Patator',
      duration_seconds: 3600,
      expires_at: '2026-12-06T23:31:05.000Z',
      is_automatic: true,
      applied_at: '2026-12-06T22:31:05.500Z',
      ended_at: null,
    };
    const [blocked] = ecsDocuments(envelope('network.ip_blocked', { action, alert_id: '1042' }), ctx, true);
    expect(blocked).toMatchObject({
      '@timestamp': '2026-12-06T22:31:05.500Z',
      event: {
        kind: 'event',
        category: ['network', 'intrusion_detection'],
        type: ['denied', 'start'],
        action: 'ip-blocked',
        outcome: 'success',
      },
      source: { ip: '198.18.0.10' },
      labels: {
        block_id: '42',
        block_target: '198.18.0.10',
        block_type: 'block_ip',
        alert_id: '1042',
        automatic: 'true',
      },
      message: 'IDS-AI address 198.18.0.10 blocked for 3600 s: auto-response to FTP-Patator',
    });
    const lifted = { ...action, target: '198.18.0.0/24', status: 'revoked', ended_at: '2026-12-06T22:40:00.000Z' };
    const [revoked] = ecsDocuments(envelope('network.block_revoked', { action: lifted, alert_id: null }), ctx, true);
    expect(revoked).toMatchObject({
      '@timestamp': '2026-12-06T22:40:00.000Z',
      event: { kind: 'event', type: ['end'], action: 'block-revoked' },
    });
    expect(revoked).not.toHaveProperty('source'); // a network is no source.ip
    expect(revoked.message).toBe('IDS-AI network 198.18.0.0/24 unblocked (revoked): auto-response to FTP-Patator');
    const port = { ...action, type: 'block_port', target: '8080/tcp', port: 8080, protocol: 'tcp' };
    const [portDoc] = ecsDocuments(envelope('network.port_blocked', { action: port, alert_id: null }), ctx, true);
    expect(portDoc).toMatchObject({
      destination: { port: 8080 },
      network: { transport: 'tcp' },
      event: { action: 'port-blocked' },
    });
  });

  it('maps a digest to a summary embedding its alerts (webhooks) or followed by them (syslog)', () => {
    const digest: AlertDigest = {
      count: 3,
      first_at: '2026-12-06T22:31:04.000Z',
      last_at: '2026-12-06T22:31:04.900Z',
      window_ms: 5000,
      by_attack_type: { DDoS: 2, PortScan: 1 },
      by_risk_level: { medium: 1, high: 2 },
      alerts: [{ alert }, { alert: { ...alert, id: '1043' } }],
      omitted: 1,
    };
    const [embedded, ...none] = ecsDocuments(envelope('alert.raised.digest', digest), ctx, true);
    expect(none).toEqual([]);
    expect(embedded).toMatchObject({
      event: {
        kind: 'alert',
        action: 'alert-digest',
        severity: 3,
        risk_score: 73,
        start: digest.first_at,
        end: digest.last_at,
      },
      labels: { digest_count: '3', digest_omitted: '1' },
      message: 'IDS-AI alert storm: 3 alerts in 5000 ms (DDoS 2, PortScan 1); 2 sent in full',
      ids_ai: { digest: { count: 3, window_ms: 5000, by_attack_type: { DDoS: 2, PortScan: 1 }, omitted: 1 } },
    });
    const inner = (embedded.ids_ai as { digest: { alerts: { labels: object; event: object }[] } }).digest.alerts;
    expect(inner.map((a) => a.labels)).toMatchObject([{ alert_id: '1042' }, { alert_id: '1043' }]);
    expect(inner[0].event).toMatchObject({ id: 'd-1:1', kind: 'alert', action: 'alert-raised' });

    const [summary, ...alerts] = ecsDocuments(envelope('alert.raised.digest', digest), ctx, false);
    expect((summary.ids_ai as { digest: object }).digest).not.toHaveProperty('alerts');
    expect(alerts.map((a) => a.labels)).toMatchObject([
      { alert_id: '1042', digest_id: 'd-1' },
      { alert_id: '1043', digest_id: 'd-1' },
    ]);
  });

  it('maps other events (model activation, ping) to a configuration event carrying the payload', () => {
    const [doc] = ecsDocuments(envelope('model.activated', { version: 'v8' }), ctx, true);
    expect(doc).toMatchObject({
      event: { kind: 'event', category: ['configuration'], action: 'model-activated' },
      ids_ai: { data: { version: 'v8' } },
    });
  });
});
