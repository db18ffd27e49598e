import { AlertDigest } from '../alert-digest.store';
import { ALERT_ATTACK_MAPPER, NO_ATTACK_MAPPING } from './attack-mapping';
import { OCSF_VERSION, ocsfEvents, OcsfEvent } from './ocsf-events';
import { SiemContext } from './siem-envelope';
import { deliveryOf, FTP_ALERT } from './siem-events.fixture';

const observer = { hostname: 'ids-1', version: '0.1.0' };
const ctx: SiemContext = { attack: ALERT_ATTACK_MAPPER, observer };

const alert = FTP_ALERT;

const block = {
  id: '9001',
  type: 'block_ip',
  target: '198.18.0.10',
  family: 4,
  status: 'active',
  reason: 'auto-response to FTP-Patator',
  duration_seconds: 600,
  expires_at: '2026-12-06T22:41:05.000Z',
  is_automatic: true,
  applied_at: '2026-12-06T22:31:05.000Z',
  ended_at: null,
};

const envelope = deliveryOf;

const one = (event: string, data: unknown, context = ctx): OcsfEvent => {
  const events = ocsfEvents(envelope(event, data), context, true);
  expect(events).toHaveLength(1);
  return events[0];
};

/**
 * What OCSF 1.8.0 requires of the classes emitted, and the top-level attributes each may carry (base event with its
 * host and datetime profiles, plus the class's own), read from the schema at https://schema.ocsf.io/1.8.0/.
 */
const BASE_ATTRIBUTES = [
  'activity_id', 'activity_name', 'category_name', 'category_uid', 'class_name', 'class_uid', 'count', 'device',
  'duration', 'end_time', 'message', 'metadata', 'observables', 'severity', 'severity_id', 'start_time', 'status',
  'status_code', 'status_detail', 'status_id', 'time', 'timezone_offset', 'type_name', 'type_uid', 'unmapped',
];
const CLASS_ATTRIBUTES: Record<number, { required: string[]; allowed: string[] }> = {
  0: { required: [], allowed: [] },
  2004: {
    required: ['finding_info'],
    allowed: ['comment', 'confidence', 'confidence_id', 'confidence_score', 'finding_info', 'evidences', 'is_alert',
      'risk_level', 'risk_level_id', 'risk_score', 'resources', 'vendor_attributes'],
  },
  7004: { required: ['command_uid', 'connection_info'], allowed: ['command_uid', 'countermeasures', 'connection_info'] },
};

function expectValidOcsf(e: OcsfEvent): void {
  const cls = CLASS_ATTRIBUTES[e.class_uid as number];
  expect(cls).toBeDefined();
  for (const key of ['class_uid', 'category_uid', 'activity_id', 'type_uid', 'severity_id', 'time', 'metadata', ...cls.required]) {
    expect(e).toHaveProperty(key);
  }
  expect(Object.keys(e).filter((k) => !BASE_ATTRIBUTES.includes(k) && !cls.allowed.includes(k))).toEqual([]);
  expect(e.type_uid).toBe((e.class_uid as number) * 100 + (e.activity_id as number));
  expect(e.category_uid).toBe(Math.floor((e.class_uid as number) / 1000));
  expect([0, 1, 2, 3, 4, 5, 6, 99]).toContain(e.severity_id);
  expect(Number.isInteger(e.time)).toBe(true);
  expect(e.metadata).toMatchObject({ version: OCSF_VERSION, product: { name: 'IDS-AI', vendor_name: 'IDS-AI' } });
  if (e.class_uid === 2004) expect(e).toHaveProperty('finding_info.uid');
  if (e.class_uid === 7004) expect(e).toHaveProperty('connection_info.direction_id');
  for (const o of (e.observables as { type_id: number }[] | undefined) ?? []) expect([2, 11, 12]).toContain(o.type_id);
}

describe('OCSF events', () => {
  it('maps a raised alert to a Detection Finding (2004) Create with evidences, analytic and ATT&CK', () => {
    const e = one('alert.raised', { alert });
    expectValidOcsf(e);
    expect(e).toEqual({
      class_uid: 2004,
      class_name: 'Detection Finding',
      category_uid: 2,
      category_name: 'Findings',
      activity_id: 1,
      activity_name: 'Create',
      type_uid: 200401,
      type_name: 'Detection Finding: Create',
      time: Date.parse(alert.created_at),
      timezone_offset: 0,
      severity_id: 4,
      severity: 'High',
      metadata: {
        version: '1.8.0',
        uid: 'd-1',
        event_code: 'alert.raised',
        log_name: 'alerts',
        original_time: '2026-12-06T22:31:05.000Z',
        product: { name: 'IDS-AI', vendor_name: 'IDS-AI', version: '0.1.0' },
      },
      device: { hostname: 'ids-1', type_id: 13, type: 'IDS' },
      is_alert: true,
      status_id: 1,
      status: 'New',
      risk_level_id: 3,
      risk_level: 'High',
      risk_score: 73,
      confidence_id: 3,
      confidence: 'High',
      confidence_score: 97,
      count: 3,
      start_time: Date.parse(alert.first_seen),
      end_time: Date.parse(alert.last_seen),
      message: 'FTP-Patator from 198.18.0.10 to 198.19.0.20:21, risk high',
      finding_info: {
        uid: '1042',
        title: 'FTP-Patator',
        desc: 'FTP-Patator from 198.18.0.10 to 198.19.0.20:21, risk high',
        types: ['FTP-Patator'],
        created_time: Date.parse(alert.created_at),
        first_seen_time: Date.parse(alert.first_seen),
        last_seen_time: Date.parse(alert.last_seen),
        analytic: { type_id: 4, type: 'Learning (ML/DL)', name: 'IDS-AI flow classifier', uid: 'v7', version: 'v7' },
        attacks: [
          {
            tactic: { uid: 'TA0006', name: 'Credential Access', src_url: 'https://attack.mitre.org/tactics/TA0006/' },
            technique: { uid: 'T1110', name: 'Brute Force', src_url: 'https://attack.mitre.org/techniques/T1110/' },
            sub_technique: {
              uid: 'T1110.001',
              name: 'Password Guessing',
              src_url: 'https://attack.mitre.org/techniques/T1110/001/',
            },
          },
        ],
      },
      evidences: [
        {
          src_endpoint: { ip: '198.18.0.10', port: 51000 },
          dst_endpoint: { ip: '198.19.0.20', port: 21 },
          connection_info: { direction_id: 0, direction: 'Unknown', protocol_num: 6, protocol_name: 'tcp', protocol_ver_id: 4 },
        },
      ],
      observables: [
        { name: 'evidences[0].src_endpoint.ip', type_id: 2, type: 'IP Address', value: '198.18.0.10' },
        { name: 'evidences[0].dst_endpoint.ip', type_id: 2, type: 'IP Address', value: '198.19.0.20' },
      ],
    });
  });

  it('maps status changes to Update and Close with the finding status, a false positive included', () => {
    const investigating = one('alert.updated', { alert: { ...alert, status: 'investigating' } });
    expectValidOcsf(investigating);
    expect(investigating).toMatchObject({
      activity_id: 2,
      type_uid: 200402,
      status_id: 2,
      status: 'In Progress',
      is_alert: false,
      time: Date.parse('2026-12-06T22:31:05.000Z'),
      finding_info: { uid: '1042', modified_time: Date.parse('2026-12-06T22:31:05.000Z') },
    });
    const closed = one('alert.resolved', { alert: { ...alert, status: 'false_positive', resolution_reason: 'lab scanner' } });
    expectValidOcsf(closed);
    expect(closed).toMatchObject({
      activity_id: 3,
      activity_name: 'Close',
      type_uid: 200403,
      status_id: 4,
      status: 'Resolved',
      status_detail: 'False positive',
      comment: 'lab scanner',
    });
  });

  it('maps risk levels to severity_id and risk_level_id, and confidence to confidence_id', () => {
    const levels = ['low', 'medium', 'high', 'critical'].map((risk_level) => {
      const e = one('alert.raised', { alert: { ...alert, risk_level } });
      return [e.severity_id, e.risk_level_id, e.risk_score];
    });
    expect(levels).toEqual([[2, 1, 21], [3, 2, 47], [4, 3, 73], [5, 4, 99]]);
    const confidence = [0.95, 0.9, 0.75, 0.6, 0.5].map((c) => one('alert.raised', { alert: { ...alert, confidence: c } }).confidence_id);
    expect(confidence).toEqual([3, 3, 2, 2, 1]);
  });

  it("carries a Suricata alert's rule as a Rule analytic, and leaves out what an alert does not have", () => {
    const suricata = {
      id: '77',
      attack_type: 'ET SCAN Nmap',
      source: 'suricata',
      risk_level: 'medium',
      status: 'active',
      src_ip: '2001:db8::5',
      details: { signature_id: 2009582, signature: 'ET SCAN NMAP -sS window 1024', category: 'Attempted Information Leak' },
      attack: [{ tactic: { id: 'TA0007', name: 'Discovery' }, technique: { id: 'T1046', name: 'Network Service Discovery' } }],
    };
    const e = one('alert.raised', { alert: suricata });
    expectValidOcsf(e);
    expect((e.finding_info as OcsfEvent).analytic).toEqual({
      type_id: 1,
      type: 'Rule',
      name: 'ET SCAN NMAP -sS window 1024',
      uid: '2009582',
      category: 'Attempted Information Leak',
    });
    expect((e.finding_info as OcsfEvent).attacks).toEqual([
      {
        tactic: { uid: 'TA0007', name: 'Discovery', src_url: 'https://attack.mitre.org/tactics/TA0007/' },
        technique: { uid: 'T1046', name: 'Network Service Discovery', src_url: 'https://attack.mitre.org/techniques/T1046/' },
      },
    ]);
    expect(e.evidences).toEqual([{ src_endpoint: { ip: '2001:db8::5' }, connection_info: { direction_id: 0, direction: 'Unknown', protocol_ver_id: 6 } }]);
    expect(e).not.toHaveProperty('confidence_id');
    expect(e).not.toHaveProperty('count');

    const bare = one('alert.raised', { alert: { id: '5', attack_type: 'DDoS', source: 'external', status: 'active' } }, { ...ctx, attack: NO_ATTACK_MAPPING });
    expectValidOcsf(bare);
    expect(bare).not.toHaveProperty('evidences');
    expect(bare).not.toHaveProperty('observables');
    expect(bare).toMatchObject({ severity_id: 0, severity: 'Unknown', finding_info: { analytic: { type_id: 99, name: 'external' } } });
    expect(bare.finding_info).not.toHaveProperty('attacks');
  });

  it('maps a block to Network Remediation Activity (7004) Isolate with the D3FEND countermeasure', () => {
    const e = one('network.ip_blocked', { action: block, alert_id: '1042' });
    expectValidOcsf(e);
    expect(e).toMatchObject({
      class_uid: 7004,
      class_name: 'Network Remediation Activity',
      category_uid: 7,
      category_name: 'Remediation',
      activity_id: 1,
      activity_name: 'Isolate',
      type_uid: 700401,
      severity_id: 1,
      status_id: 1,
      status: 'Success',
      command_uid: '9001',
      time: Date.parse(block.applied_at),
      start_time: Date.parse(block.applied_at),
      end_time: Date.parse(block.expires_at),
      duration: 600_000,
      countermeasures: [
        {
          d3f_tactic: { uid: 'd3f:Isolate', name: 'Isolate' },
          d3f_technique: { uid: 'D3-ITF', name: 'Inbound Traffic Filtering' },
        },
      ],
      connection_info: { direction_id: 1, direction: 'Inbound', protocol_ver_id: 4 },
      observables: [{ name: 'unmapped.block.target', type_id: 2, type: 'IP Address', value: '198.18.0.10' }],
      unmapped: { block: { id: '9001', target: '198.18.0.10', alert_id: '1042', automatic: true, duration_seconds: 600 } },
      message: 'IDS-AI address 198.18.0.10 blocked for 600 s: auto-response to FTP-Patator',
      metadata: { log_name: 'network_actions', uid: 'd-1' },
    });
  });

  it('maps lifted, failed, network and port blocks', () => {
    const ended = { ...block, status: 'expired', ended_at: '2026-12-06T22:41:05.500Z' };
    const expired = one('network.block_expired', { action: ended, alert_id: null });
    expectValidOcsf(expired);
    expect(expired).toMatchObject({
      activity_id: 3,
      activity_name: 'Restore',
      type_uid: 700403,
      time: Date.parse(ended.ended_at),
      end_time: Date.parse(ended.ended_at),
      countermeasures: [{ d3f_tactic: { name: 'Restore' }, d3f_technique: { uid: 'D3-RNA', name: 'Restore Network Access' } }],
    });
    expect(expired).not.toHaveProperty('duration');

    const failed = one('network.block_failed', { action: { ...block, reason: 'ipset: command failed' } });
    expectValidOcsf(failed);
    expect(failed).toMatchObject({ activity_id: 1, status_id: 6, status: 'Error', status_detail: 'ipset: command failed', severity_id: 3 });

    const cidr = one('network.ip_blocked', { action: { ...block, target: '2001:db8::/48', family: 6 } });
    expect(cidr).toMatchObject({
      connection_info: { protocol_ver_id: 6 },
      observables: [{ type_id: 12, type: 'Subnet', value: '2001:db8::/48' }],
    });

    const port = { ...block, type: 'block_port', target: '4444/udp', family: null, port: 4444, protocol: 'udp' };
    const portEvent = one('network.port_blocked', { action: port });
    expectValidOcsf(portEvent);
    expect(portEvent).toMatchObject({
      connection_info: { direction_id: 1, protocol_name: 'udp' },
      observables: [{ name: 'unmapped.block.port', type_id: 11, type: 'Port', value: '4444' }],
      message: 'IDS-AI port 4444/udp blocked for 600 s: auto-response to FTP-Patator',
    });
  });

  it('sends a digest as one counting finding, or over syslog as the summary and its alerts sharing a correlation uid', () => {
    const digest: AlertDigest = {
      count: 250,
      first_at: '2026-12-06T22:31:00.000Z',
      last_at: '2026-12-06T22:31:04.900Z',
      window_ms: 5000,
      by_attack_type: { PortScan: 200, DDoS: 50 },
      by_risk_level: { medium: 200, critical: 50 },
      alerts: [{ alert: { ...alert, id: '1' } }, { alert: { ...alert, id: '2' } }],
      omitted: 248,
    };
    const env = envelope('alert.raised.digest', digest);
    const [embedded] = ocsfEvents(env, ctx, true);
    expectValidOcsf(embedded);
    expect(embedded).toMatchObject({
      class_uid: 2004,
      activity_id: 1,
      severity_id: 5,
      count: 250,
      is_alert: true,
      metadata: { correlation_uid: 'd-1', log_name: 'alert_digests' },
      finding_info: { uid: 'd-1', types: ['PortScan', 'DDoS'], related_events_count: 250 },
      unmapped: { digest: { count: 250, omitted: 248, by_attack_type: { PortScan: 200, DDoS: 50 } } },
      message: 'IDS-AI alert storm: 250 alerts in 5000 ms (PortScan 200, DDoS 50); 2 sent in full',
    });
    const carried = (embedded.unmapped as { digest: { alerts: OcsfEvent[] } }).digest.alerts;
    expect(carried.map((a) => [(a.finding_info as OcsfEvent).uid, (a.metadata as OcsfEvent).uid])).toEqual([['1', 'd-1:1'], ['2', 'd-1:2']]);

    const syslog = ocsfEvents(env, ctx, false);
    expect(syslog).toHaveLength(3);
    syslog.forEach(expectValidOcsf);
    expect(syslog[0].unmapped).not.toHaveProperty('digest.alerts');
    expect(syslog.map((e) => (e.metadata as OcsfEvent).correlation_uid)).toEqual(['d-1', 'd-1', 'd-1']);
  });

  it('maps any other event to a Base Event with its payload unmapped', () => {
    const e = one('model.activated', { version: 'mlp-1' });
    expectValidOcsf(e);
    expect(e).toMatchObject({
      class_uid: 0,
      category_uid: 0,
      activity_id: 99,
      activity_name: 'model.activated',
      type_uid: 99,
      severity_id: 1,
      unmapped: { data: { version: 'mlp-1' } },
    });
  });
});
