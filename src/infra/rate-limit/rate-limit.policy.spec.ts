import { Permission, Role } from '../../core/permissions';
import { Principal } from '../../common/auth/principal';
import { rateLimitTarget } from './rate-limit.policy';

const sensor: Principal = { kind: 'api_key', id: 'k1', name: 'edge', prefix: 'abc' };
const analyst: Principal = { kind: 'user', id: 'u1', email: 'a@example.test', role: Role.ADMIN, sessionId: 's1' };

describe('rateLimitTarget', () => {
  it('never limits routes outside the API (health probes, metrics scrapes)', () => {
    for (const route of ['/health/live', '/health/ready', '/metrics', undefined]) {
      expect(rateLimitTarget({ route, permission: undefined, principal: undefined, ip: '198.51.100.1' })).toBeNull();
    }
  });

  it('counts ingest routes per API key and per user, on the ingest budget', () => {
    const route = '/api/v1/flows/batch';
    expect(rateLimitTarget({ route, permission: Permission.INGEST, principal: sensor, ip: '198.51.100.1' })).toEqual({ scope: 'ingest', subject: 'api_key:k1' });
    expect(rateLimitTarget({ route, permission: Permission.INGEST, principal: analyst, ip: '198.51.100.1' })).toEqual({ scope: 'ingest', subject: 'user:u1' });
  });

  it('counts the other routes per user on the API budget, whatever the address', () => {
    const target = { scope: 'api', subject: 'user:u1' };
    expect(rateLimitTarget({ route: '/api/v1/alerts', permission: Permission.VIEW_ALERTS, principal: analyst, ip: '198.51.100.1' })).toEqual(target);
    expect(rateLimitTarget({ route: '/api/v1/auth/me', permission: undefined, principal: analyst, ip: '203.0.113.9' })).toEqual(target);
  });

  it('counts anonymous calls per client address', () => {
    expect(rateLimitTarget({ route: '/api/v1/auth/login', permission: undefined, principal: undefined, ip: '203.0.113.9' })).toEqual({ scope: 'anonymous', subject: 'ip:203.0.113.9' });
  });
});
