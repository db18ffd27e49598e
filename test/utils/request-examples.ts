import { FEATURE_COUNT, FEATURE_NAMES } from '../../src/core/features/feature-names';

/**
 * One valid example per request DTO, the seeds the fuzz specs mutate. Keyed by the DTO class name; a body
 * without a class (the NDJSON ingest) by its OpenAPI operation id. A new DTO without an example fails the DTO
 * fuzz spec, which also checks that each example passes validation.
 */

const FEATURES = Array.from({ length: FEATURE_COUNT }, (_, i) => Math.round(i * 7.25 * 1000) / 1000);
const FLOW = {
  flow_id: '198.18.0.10-198.18.1.20-51234-80-6',
  src_ip: '198.18.0.10',
  dst_ip: '198.18.1.20',
  src_port: 51234,
  dst_port: 80,
  protocol: 'tcp',
  timestamp: '2026-01-21T10:00:00Z',
  features: FEATURES,
};
const EVE_FLOW = {
  timestamp: '2026-11-21T10:00:05.120000+0000',
  flow_id: 1459325613422394,
  event_type: 'flow',
  src_ip: '198.18.0.10',
  src_port: 51234,
  dest_ip: '198.19.0.20',
  dest_port: 80,
  proto: 'TCP',
  flow: { pkts_toserver: 6, pkts_toclient: 5, bytes_toserver: 520, bytes_toclient: 3120, start: '2026-11-21T10:00:00.000000+0000', end: '2026-11-21T10:00:04.500000+0000' },
};
const EVE_ALERT = {
  timestamp: '2026-11-21T10:00:06.000000+0000',
  event_type: 'alert',
  src_ip: '198.18.0.66',
  src_port: 44321,
  dest_ip: '198.19.0.20',
  dest_port: 22,
  proto: 'TCP',
  alert: { action: 'allowed', gid: 1, signature_id: 2001219, rev: 20, signature: 'ET SCAN Potential SSH Scan', category: 'Attempted Information Leak', severity: 2 },
};
const USER_ID = '6f1c0a4e-9d0b-4b8e-a7c2-2d5f3b1e9a77';

export const BODY_EXAMPLES: Record<string, unknown> = {
  CreateUserDto: { email: 'analyst@example.com', username: 'analyst1', name: 'Ada Analyst', role: 'viewer', password: 'correct horse battery' },
  UpdateUserDto: { role: 'security', is_active: true, name: 'Ada' },
  ResetPasswordDto: { password: 'a new long password' },
  LoginDto: { email: 'admin@example.com', password: 'secret-password' },
  RefreshDto: { refresh_token: 'b64url-opaque-token' },
  ChangePasswordDto: { current_password: 'old password', new_password: 'a new long password' },
  CreateApiKeyDto: { name: 'sensor-dmz-1', expires_at: '2030-01-01T00:00:00Z' },
  ChangeAlertStatusDto: { status: 'false_positive', reason: 'Our vulnerability scanner', label: 'BENIGN' },
  AssignAlertDto: { assignee_id: USER_ID },
  AddAlertNoteDto: { body: 'Source is our vulnerability scanner.' },
  BulkStatusDto: { filter: { status: ['active'], severity: ['high', 'critical'], src_ip: '198.18.0.0/15' }, status: 'investigating', reason: 'triage' },
  BulkAssignDto: { ids: ['1042', '1043'], assignee_id: null },
  FlowInputDto: FLOW,
  FlowBatchDto: { flows: [FLOW, { ...FLOW, protocol: 17, features: Object.fromEntries(FEATURE_NAMES.map((name, i) => [name, FEATURES[i]])) }] },
  ExternalVerdictDto: {
    prediction: 'attack',
    attack_type: 'DDoS',
    confidence: 0.97,
    src_ip: '198.18.0.10',
    dst_ip: '198.18.1.20',
    src_port: 51234,
    dst_port: 80,
    protocol: 6,
    flow_id: 'ext-1',
    timestamp: '2026-01-21T10:00:00Z',
    details: { rule: 'x' },
  },
  EveIngest_ingest: [EVE_FLOW, EVE_ALERT].map((e) => JSON.stringify(e)).join('\n'),
  BlockIpDto: { ip: '198.51.100.7', duration: 3600, reason: 'Port scan from this host', alert_id: '1042', force: false },
  BlockPortDto: { port: 8080, protocol: 'tcp', duration: 60, reason: 'Exposed service' },
  BulkUnblockDto: { ids: ['41', '42'] },
  CreateAllowlistEntryDto: { cidr: '203.0.113.0/24', comment: 'Office VPN egress', expires_at: '2030-01-01T00:00:00Z' },
  // addresses no spec ingests from: the fuzz specs create these rules in the shared test database
  SuppressionInputDto: {
    attack_type: 'PortScan', src_cidr: '203.0.113.64/26', dst_cidr: '192.0.2.77', dst_port: 2222,
    reason: 'Nightly vulnerability scan from the security team scanner', expires_at: '2030-01-01T00:00:00Z',
  },
  SuppressionMatchDto: { attack_type: 'PortScan', src_cidr: '203.0.113.64/26', dst_cidr: '192.0.2.77', dst_port: 2222 },
  AutoResponsePolicyInputDto: { enabled: true, min_risk_level: 'high', min_confidence: 0.9, attack_types: ['DDoS', 'PortScan'], duration: 3600, dry_run: true },
  CreateWebhookDto: {
    name: 'SOC relay',
    url: 'https://hooks.example.com/ids',
    events: ['alert.raised'],
    min_risk_level: 'high',
    payload_format: 'ecs',
    secret: 'a-signing-secret-0123',
  },
  RetrainDto: { data_path: 'no/such/file.csv', epochs: 5, seed: 7, include_feedback: false },
  CreateBouncerDto: { name: 'edge-fw-1' },
  // a loopback URL: the fuzz specs create feeds for real, and nothing may leave the machine
  CreateFeedDto: { name: 'firehol_level1', url: 'http://127.0.0.1:9/firehol_level1.netset', refresh_seconds: 3600, enforce_firewall: true },
  UpdateFeedDto: { refresh_seconds: 900, enforce_firewall: false, enabled: true },
  FeedContentDto: { content: '; Spamhaus DROP List\n198.51.100.0/24 ; SBL000001\n' },
};

export const QUERY_EXAMPLES: Record<string, Record<string, string | string[]>> = {
  AuditQueryDto: {
    action: 'auth.login',
    actor_id: USER_ID,
    target_type: 'user',
    target_id: USER_ID,
    outcome: 'success',
    from: '2026-01-01T00:00:00Z',
    to: '2026-01-02T00:00:00Z',
    cursor: '5',
    limit: '10',
  },
  PageQueryDto: { page: '2', limit: '20' },
  SuppressionWindowQueryDto: { hours: '24' },
  AlertListQueryDto: {
    status: ['active', 'investigating'],
    severity: 'high,critical',
    attack_type: 'DDoS',
    technique: 'T1110,T1498.001',
    tactic: 'TA0006',
    range: '24h',
    src_ip: '198.18.0.0/15',
    dst_ip: '10.0.0.5',
    assignee: 'me',
    model_version: 'mlp-4647cc8ba18d',
    sort: 'risk_level',
    order: 'asc',
    limit: '20',
  },
  AlertDetailQueryDto: { include_features: 'true' },
  ImportQueryDto: { time_zone: 'America/Halifax' },
  ImportListQueryDto: { state: 'completed', limit: '20' },
  DecisionsStreamQueryDto: { startup: 'true', scopes: 'ip,range', origins: 'ids-ai', scenarios_containing: 'PortScan', scenarios_not_containing: 'Bot' },
  DecisionsQueryDto: { ip: '198.18.0.10', scope: 'Ip', type: 'ban' },
  FlowQueryDto: { range: '1h', src_ip: '198.18.0.0/24', dst_ip: '198.18.1.20', label: 'DDoS', alert_id: '5', source: 'api', limit: '10' },
  NetworkActionQueryDto: { active_only: 'true', target: '198.51.100.0/24', status: 'active', type: 'block_ip', alert_id: '3', cursor: '10', limit: '5' },
  EventsQueryDto: { since: '1732160000000-0', limit: '10' },
  StatsTimelineQueryDto: { range: '24h', bucket: '1h' },
  StatsTopQueryDto: { from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z', limit: '5' },
  StatsPeriodQueryDto: { range: '7d' },
  AttackCoverageQueryDto: { from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z' },
  DeliveriesQueryDto: { cursor: '12', limit: '10' },
};

/** Path parameters, keyed by the pipe that validates them. */
export const PARAM_EXAMPLES: Record<string, string> = {
  UuidPipe: USER_ID,
  BigIntIdPipe: '1042',
  ModelVersionPipe: 'mlp-4647cc8ba18d',
};
