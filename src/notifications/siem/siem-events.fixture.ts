import { SiemEnvelope } from './siem-envelope';

/** An alert as `alert.*` events carry it: a model's FTP-Patator verdict between two benchmark-range addresses. */
export const FTP_ALERT = {
  id: '1042',
  attack_type: 'FTP-Patator',
  source: 'model',
  risk_level: 'high',
  status: 'active',
  confidence: 0.97,
  src_ip: '198.18.0.10',
  dst_ip: '198.19.0.20',
  src_port: 51000,
  dst_port: 21,
  protocol: 6,
  event_count: 3,
  first_seen: '2026-12-06T22:31:04.000Z',
  last_seen: '2026-12-06T22:31:09.000Z',
  created_at: '2026-12-06T22:31:04.100Z',
  model_version: 'v7',
  details: {},
};

/** Delivery `d-1` of `event`, queued at 2026-12-06T22:31:05Z. */
export const deliveryOf = (event: string, data: unknown): SiemEnvelope => ({
  deliveryId: 'd-1',
  event,
  occurredAt: '2026-12-06T22:31:05.000Z',
  data,
});
