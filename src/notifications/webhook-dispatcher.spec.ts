import { RiskLevel } from '../alerts/alert.entity';
import { wants } from './webhook-dispatcher.service';

describe('webhook routing', () => {
  const alert = (risk_level: string) => ({ alert: { id: '1', risk_level } });

  it('delivers only subscribed events', () => {
    const route = { id: 'w', events: ['alert.raised'], minRiskLevel: null };
    expect(wants(route, 'alert.raised', alert('low'))).toBe(true);
    expect(wants(route, 'alert.updated', alert('low'))).toBe(false);
  });

  it('filters alert events by minimum risk level, and only alert events', () => {
    const route = { id: 'w', events: ['alert.raised', 'alert.resolved', 'network.ip_blocked'], minRiskLevel: RiskLevel.HIGH };
    expect(wants(route, 'alert.raised', alert('medium'))).toBe(false);
    expect(wants(route, 'alert.raised', alert('high'))).toBe(true);
    expect(wants(route, 'alert.resolved', alert('critical'))).toBe(true);
    expect(wants(route, 'alert.raised', { alert: {} })).toBe(false);
    expect(wants(route, 'network.ip_blocked', { target: '198.51.100.7' })).toBe(true);
  });
});
