import { ConfigService } from '@nestjs/config';
import type { Queue } from 'bull';
import { AppConfig, loadConfig } from '../../config/app-config';
import { SIEM_EVENT_NAMES } from '../../config/env.schema';
import { SiemDeliveryJob } from '../../infra/queues/queues';
import { WEBHOOK_EVENTS } from '../webhook-events';
import { SiemDigestStore } from './siem-digest.store';
import { SiemDispatcher } from './siem-dispatcher.service';

function dispatcher(env: Record<string, string>): SiemDispatcher {
  const config = { get: (key: 'siem') => loadConfig(env)[key] } as unknown as ConfigService<AppConfig, true>;
  return new SiemDispatcher({} as SiemDigestStore, {} as Queue<SiemDeliveryJob>, config);
}

const alert = (risk_level: string) => ({ alert: { id: '1', risk_level } });

describe('SIEM routing', () => {
  it('offers the events webhooks offer (SIEM_EVENTS is validated against its own copy of the list)', () => {
    expect([...SIEM_EVENT_NAMES].sort()).toEqual([...WEBHOOK_EVENTS].sort());
  });

  it('forwards nothing without destinations', () => {
    expect(dispatcher({}).wants('alert.raised', alert('critical'))).toBe(false);
  });

  it('forwards SIEM_EVENTS, alert events from SIEM_MIN_RISK_LEVEL up', () => {
    const siem = dispatcher({ SIEM_SYSLOG_DESTINATIONS: 'tcp://127.0.0.1:1514', SIEM_MIN_RISK_LEVEL: 'high' });
    expect(siem.wants('alert.raised', alert('medium'))).toBe(false);
    expect(siem.wants('alert.raised', alert('high'))).toBe(true);
    expect(siem.wants('alert.raised', { alert: {} })).toBe(false);
    expect(siem.wants('network.block_revoked', { action: { id: '1' } })).toBe(true);
    expect(siem.wants('alert.resolved', alert('critical'))).toBe(false); // not in the default SIEM_EVENTS
    const all = dispatcher({ SIEM_SYSLOG_DESTINATIONS: 'tcp://127.0.0.1:1514', SIEM_EVENTS: 'alert.resolved' });
    expect(all.wants('alert.resolved', alert('low'))).toBe(true);
    expect(all.wants('alert.raised', alert('low'))).toBe(false);
  });
});
