import { EventEmitter2 } from '@nestjs/event-emitter';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { AlertStatus } from '../../src/alerts/alert.entity';
import { AlertEvents, AlertUpdatedEvent } from '../../src/alerts/alert.events';
import { Role } from '../../src/core/permissions';
import { createAlert, createAlerts, createManyAlerts, uniqueTag } from '../utils/alert-factory';
import { createTestApp } from '../utils/create-test-app';
import { bearer, createUser, createUserSession, Session } from '../utils/factories';

describe('bulk triage', () => {
  let app: NestFastifyApplication;
  let analyst: Session;
  const events: { name: string; payload: AlertUpdatedEvent }[] = [];
  const post = (url: string, payload: object) =>
    app.inject({ method: 'POST', url: `/api/v1/alerts/bulk/${url}`, headers: bearer(analyst.access_token), payload });
  const statusOf = async (ids: string[]) =>
    (await app.get(DataSource).query(`SELECT status FROM alerts WHERE id = ANY($1::bigint[]) ORDER BY id`, [ids])).map((r: { status: string }) => r.status);
  const summary = (action: string, id: string) =>
    app.get(DataSource).query(`SELECT * FROM audit_log WHERE action = $1 AND details->'ids' ? $2`, [action, id]);

  beforeAll(async () => {
    app = await createTestApp();
    analyst = (await createUserSession(app, Role.SECURITY)).session;
    for (const name of [AlertEvents.UPDATED, AlertEvents.RESOLVED]) {
      app.get(EventEmitter2).on(name, (payload: AlertUpdatedEvent) => events.push({ name, payload }));
    }
  });
  afterAll(async () => {
    await app?.close();
  });

  describe('POST /alerts/bulk/status', () => {
    it('by ids: changes what it can, reports illegal transitions, no-ops and unknown ids', async () => {
      const [a, b, c, d] = await createAlerts(app, [
        { status: AlertStatus.INVESTIGATING },
        { status: AlertStatus.ACTIVE },
        { status: AlertStatus.RESOLVED },
        { status: AlertStatus.INVESTIGATING },
      ]);
      const res = await post('status', { ids: [a.id, b.id, c.id, d.id, '999999999999', a.id], status: 'resolved', reason: 'cleanup' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({
        matched: 5,
        updated: [a.id, d.id],
        unchanged: [c.id],
        failed: [
          { id: '999999999999', error: 'NOT_FOUND', reason: 'Alert 999999999999 not found' },
          { id: b.id, error: 'INVALID_TRANSITION', reason: expect.stringContaining('from active to resolved') },
        ],
        truncated: false,
      });
      expect(await statusOf([a.id, b.id, c.id, d.id])).toEqual(['resolved', 'active', 'resolved', 'resolved']);

      const [audit] = await summary('alert.bulk_status_change', a.id);
      expect(audit).toMatchObject({
        actor_id: analyst.user.id,
        target_id: null,
        before: { status: { [a.id]: 'investigating', [d.id]: 'investigating' } },
        after: { status: 'resolved', resolution_reason: 'cleanup' },
        details: { ids: [a.id, d.id], count: 2, selected_by: 'ids' },
      });
      const timeline = await app.get(DataSource).query(`SELECT alert_id::text, body, to_status FROM alert_events WHERE alert_id = ANY($1::bigint[]) ORDER BY alert_id`, [[a.id, b.id, c.id, d.id]]);
      expect(timeline).toEqual([
        { alert_id: a.id, body: 'cleanup', to_status: 'resolved' },
        { alert_id: d.id, body: 'cleanup', to_status: 'resolved' },
      ]);
      const mine = events.filter((e) => [a.id, b.id, c.id, d.id].includes(e.payload.alert.id));
      expect(mine.map((e) => `${e.name}:${e.payload.alert.id}`)).toEqual([
        `${AlertEvents.UPDATED}:${a.id}`,
        `${AlertEvents.RESOLVED}:${a.id}`,
        `${AlertEvents.UPDATED}:${d.id}`,
        `${AlertEvents.RESOLVED}:${d.id}`,
      ]);
    });

    it('by filter: the same criteria as the list, with partial failures', async () => {
      const tag = uniqueTag('bulk');
      const [a, b, c] = await createAlerts(app, [
        { modelVersion: tag, status: AlertStatus.ACTIVE, srcIp: '198.18.7.1' },
        { modelVersion: tag, status: AlertStatus.ACTIVE, srcIp: '198.18.7.2' },
        { modelVersion: tag, status: AlertStatus.RESOLVED, srcIp: '198.18.7.3' },
      ]);
      const other = await createAlert(app, { modelVersion: tag, status: AlertStatus.ACTIVE, srcIp: '203.0.113.1' });
      const res = await post('status', { filter: { model_version: tag, src_ip: '198.18.7.0/24' }, status: 'investigating' });
      expect(res.json()).toEqual({
        matched: 3,
        updated: [a.id, b.id],
        unchanged: [],
        failed: [{ id: c.id, error: 'INVALID_TRANSITION', reason: expect.any(String) }],
        truncated: false,
      });
      expect(await statusOf([a.id, b.id, c.id, other.id])).toEqual(['investigating', 'investigating', 'resolved', 'active']);
      expect((await summary('alert.bulk_status_change', a.id))[0].details.selected_by).toBe('filter');
    });

    it('refuses a request without targets, with both, with an empty filter or too many ids', async () => {
      const alert = await createAlert(app);
      for (const [payload, field] of [
        [{ status: 'investigating' }, 'ids'],
        [{ ids: [alert.id], filter: { status: ['active'] }, status: 'investigating' }, 'ids'],
        [{ filter: {}, status: 'investigating' }, 'filter'],
        [{ ids: [], status: 'investigating' }, 'ids'],
        [{ ids: ['abc'], status: 'investigating' }, 'ids'],
        [{ ids: Array.from({ length: 1001 }, (_, i) => String(i + 1)), status: 'investigating' }, 'ids'],
        [{ filter: { status: ['nope'] }, status: 'investigating' }, 'filter.status'],
        [{ filter: { src_ip: '10.0.0.0/99' }, status: 'investigating' }, 'filter.src_ip'],
        [{ filter: { colour: 'red' }, status: 'investigating' }, 'filter.colour'],
        [{ ids: [alert.id], status: 'investigating', label: 'BENIGN' }, 'label'],
      ] as const) {
        const res = await post('status', payload);
        expect([JSON.stringify(payload).slice(0, 80), res.statusCode]).toEqual([JSON.stringify(payload).slice(0, 80), 400]);
        expect(res.json().details.map((d: { field: string }) => d.field)).toContain(field);
      }
      expect(await statusOf([alert.id])).toEqual(['active']);
    });
  });

  describe('POST /alerts/bulk/assign', () => {
    it('by ids and by filter; the current assignee is a no-op; inactive users are refused', async () => {
      const tag = uniqueTag('assign');
      const assignee = await createUser(app, { role: Role.SECURITY });
      const [a, b] = await createAlerts(app, [{ modelVersion: tag }, { modelVersion: tag, assigneeId: assignee.id }]);
      const byIds = await post('assign', { ids: [a.id, b.id, '999999999998'], assignee_id: assignee.id });
      expect(byIds.json()).toEqual({
        matched: 3,
        updated: [a.id],
        unchanged: [b.id],
        failed: [{ id: '999999999998', error: 'NOT_FOUND', reason: expect.any(String) }],
        truncated: false,
      });
      const byFilter = await post('assign', { filter: { model_version: tag, assignee: assignee.id }, assignee_id: null });
      expect(byFilter.json()).toMatchObject({ matched: 2, updated: [a.id, b.id], unchanged: [], failed: [] });
      const [audit] = await summary('alert.bulk_assign', b.id);
      expect(audit).toMatchObject({ before: { assignee_id: { [a.id]: assignee.id, [b.id]: assignee.id } }, after: { assignee_id: null } });

      await app.get(DataSource).query(`UPDATE users SET is_active = false WHERE id = $1`, [assignee.id]);
      const refused = await post('assign', { ids: [a.id], assignee_id: assignee.id });
      expect(refused.statusCode).toBe(400);
      expect(refused.json().details).toEqual([{ field: 'assignee_id', reason: 'must be an active user' }]);
    });

    it(`caps a filter at 10,000 alerts and says so`, async () => {
      const tag = uniqueTag('cap');
      await createManyAlerts(app, 10_003, tag);
      const first = await post('assign', { filter: { model_version: tag }, assignee_id: analyst.user.id });
      expect(first.statusCode).toBe(200);
      expect(first.json()).toMatchObject({ matched: 10_000, truncated: true, failed: [] });
      expect(first.json().updated).toHaveLength(10_000);
      const second = (await post('assign', { filter: { model_version: tag, assignee: 'none' }, assignee_id: analyst.user.id })).json();
      expect(second).toMatchObject({ matched: 3, truncated: false });
      expect(second.updated).toHaveLength(3);
      const [{ n }] = await app.get(DataSource).query(`SELECT count(*)::int AS n FROM alerts WHERE model_version = $1 AND assignee_id = $2`, [tag, analyst.user.id]);
      expect(n).toBe(10_003);
    }, 60_000);
  });
});
