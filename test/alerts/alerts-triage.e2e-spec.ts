import { EventEmitter2 } from '@nestjs/event-emitter';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { AlertStatus } from '../../src/alerts/alert.entity';
import { AlertEvents, AlertUpdatedEvent } from '../../src/alerts/alert.events';
import { Role } from '../../src/core/permissions';
import { createAlert, createAlertWithFlow, createFlow, createNetworkAction, featureVector } from '../utils/alert-factory';
import { createTestApp } from '../utils/create-test-app';
import { bearer, createUser, createUserSession, Session } from '../utils/factories';

describe('alert triage: detail, workflow, assignment, notes', () => {
  let app: NestFastifyApplication;
  let analyst: Session;
  let viewer: Session;
  const events: { name: string; payload: AlertUpdatedEvent }[] = [];
  const call = (method: 'GET' | 'PATCH' | 'POST', url: string, payload?: object, token = analyst.access_token) =>
    app.inject({ method, url: `/api/v1/alerts${url}`, headers: bearer(token), payload });
  const setStatus = (id: string, payload: object) => call('PATCH', `/${id}/status`, payload);
  const auditRows = (action: string, id: string) =>
    app.get(DataSource).query(`SELECT * FROM audit_log WHERE action = $1 AND target_id = $2 ORDER BY id`, [action, id]);
  const eventsFor = (id: string) => events.filter((e) => e.payload.alert.id === id);

  beforeAll(async () => {
    app = await createTestApp();
    analyst = (await createUserSession(app, Role.SECURITY)).session;
    viewer = (await createUserSession(app, Role.VIEWER)).session;
    const emitter = app.get(EventEmitter2);
    for (const name of [AlertEvents.UPDATED, AlertEvents.RESOLVED]) {
      emitter.on(name, (payload: AlertUpdatedEvent) => events.push({ name, payload }));
    }
  });
  afterAll(async () => {
    await app?.close();
  });

  describe('GET /alerts/:id', () => {
    it('returns the alert with its flows (newest first), timeline and network actions', async () => {
      const { alert, flow } = await createAlertWithFlow(app, { attackType: 'PortScan' });
      const older = await createFlow(app, { alertId: alert.id, receivedAt: new Date(Date.now() - 60_000) });
      const actionId = await createNetworkAction(app, alert.id);
      await call('POST', `/${alert.id}/notes`, { body: 'looking at it' });

      const res = await call('GET', `/${alert.id}`, undefined, viewer.access_token);
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body).toMatchObject({ id: alert.id, attack_type: 'PortScan', status: 'active' });
      expect(body.flows.map((f: { id: string }) => f.id)).toEqual([flow.id, older.id]);
      expect(body.flows[0]).toMatchObject({ src_ip: '198.18.0.1', dst_port: 80, predicted_label: 'DDoS' });
      expect(body.flows[0]).not.toHaveProperty('raw_features');
      expect(body.timeline).toEqual([expect.objectContaining({ kind: 'note', body: 'looking at it', actor_type: 'user', actor_id: analyst.user.id })]);
      expect(body.network_actions).toEqual([
        { id: actionId, action_type: 'block_ip', target: expect.any(String), status: 'active', expires_at: null, created_at: expect.any(String) },
      ]);
    });

    it('includes the raw features on request (non-finite values as null)', async () => {
      const { alert } = await createAlertWithFlow(app);
      const [flow] = (await call('GET', `/${alert.id}?include_features=true`)).json().flows;
      const expected = featureVector().map((v) => (Number.isFinite(v) ? v : null));
      expect(flow.raw_features).toEqual(expected);
      expect((await call('GET', `/${alert.id}?include_features=maybe`)).statusCode).toBe(400);
    });

    it('answers 404 for an unknown alert and 400 for a malformed id', async () => {
      expect((await call('GET', '/999999999999')).statusCode).toBe(404);
      const res = await call('GET', '/abc');
      expect(res.statusCode).toBe(400);
      expect(res.json().details).toEqual([{ field: 'id', reason: 'must be a positive integer id' }]);
    });
  });

  describe('PATCH /alerts/:id/status', () => {
    it('walks the workflow: investigate, resolve (reason kept), reopen (cleared)', async () => {
      const alert = await createAlert(app);
      const investigating = await setStatus(alert.id, { status: 'investigating' });
      expect(investigating.statusCode).toBe(200);
      expect(investigating.json().status).toBe('investigating');

      const resolved = (await setStatus(alert.id, { status: 'resolved', reason: '  patched the web server ' })).json();
      expect(resolved).toMatchObject({ status: 'resolved', resolution_reason: 'patched the web server', resolved_at: expect.any(String) });
      const [row] = await app.get(DataSource).query(`SELECT resolved_by FROM alerts WHERE id = $1`, [alert.id]);
      expect(row.resolved_by).toBe(analyst.user.id);

      const reopened = (await setStatus(alert.id, { status: 'active' })).json();
      expect(reopened).toMatchObject({ status: 'active', resolution_reason: null, resolved_at: null });
      const [cleared] = await app.get(DataSource).query(`SELECT resolved_by FROM alerts WHERE id = $1`, [alert.id]);
      expect(cleared.resolved_by).toBeNull();

      const timeline = (await call('GET', `/${alert.id}`)).json().timeline;
      expect(timeline.map((e: { from_status: string; to_status: string }) => `${e.from_status}→${e.to_status}`)).toEqual([
        'resolved→active',
        'investigating→resolved',
        'active→investigating',
      ]);
      expect(timeline[1]).toMatchObject({ kind: 'status_change', body: 'patched the web server', actor_id: analyst.user.id });
    });

    it('refuses illegal transitions with 409 INVALID_TRANSITION and changes nothing', async () => {
      const alert = await createAlert(app);
      const res = await setStatus(alert.id, { status: 'resolved' });
      expect(res.statusCode).toBe(409);
      expect(res.json()).toMatchObject({ error: 'INVALID_TRANSITION', message: expect.stringContaining('from active to resolved') });
      const closed = await createAlert(app, { status: AlertStatus.RESOLVED });
      expect((await setStatus(closed.id, { status: 'investigating' })).statusCode).toBe(409);
      expect((await setStatus(closed.id, { status: 'false_positive' })).statusCode).toBe(409);
      expect((await call('GET', `/${alert.id}`)).json()).toMatchObject({ status: 'active', timeline: [] });
      expect(await auditRows('alert.status_change', alert.id)).toEqual([]);
    });

    it('treats the same status as a no-op: 200, no timeline entry, audit record or event', async () => {
      const alert = await createAlert(app, { status: AlertStatus.INVESTIGATING });
      const before = events.length;
      const res = await setStatus(alert.id, { status: 'investigating' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ status: 'investigating', updated_at: alert.updatedAt.toISOString() });
      expect((await call('GET', `/${alert.id}`)).json().timeline).toEqual([]);
      expect(await auditRows('alert.status_change', alert.id)).toEqual([]);
      expect(events.length).toBe(before);
    });

    it('audits each change with before and after, and emits updated / resolved after commit', async () => {
      const alert = await createAlert(app, { status: AlertStatus.INVESTIGATING });
      await setStatus(alert.id, { status: 'resolved', reason: 'done' });
      const [row] = await auditRows('alert.status_change', alert.id);
      expect(row).toMatchObject({
        actor_type: 'user',
        actor_id: analyst.user.id,
        target_type: 'alert',
        before: expect.objectContaining({ status: 'investigating', resolution_reason: null }),
        after: expect.objectContaining({ status: 'resolved', resolution_reason: 'done', resolved_by: analyst.user.id }),
      });
      expect(eventsFor(alert.id).map((e) => e.name)).toEqual([AlertEvents.UPDATED, AlertEvents.RESOLVED]);
      expect(eventsFor(alert.id)[0].payload).toMatchObject({ change: 'status', actor_id: analyst.user.id, alert: { id: alert.id, status: 'resolved' } });
    });

    it('emits only after the commit: a listener reading the database sees the new status', async () => {
      const alert = await createAlert(app, { status: AlertStatus.INVESTIGATING });
      const seen: Promise<string>[] = [];
      const listener = (payload: AlertUpdatedEvent) => {
        if (payload.alert.id !== alert.id) return;
        seen.push(app.get(DataSource).query(`SELECT status FROM alerts WHERE id = $1`, [alert.id]).then((r) => r[0].status));
      };
      app.get(EventEmitter2).on(AlertEvents.UPDATED, listener);
      try {
        expect((await setStatus(alert.id, { status: 'false_positive' })).statusCode).toBe(200);
      } finally {
        app.get(EventEmitter2).off(AlertEvents.UPDATED, listener);
      }
      expect(await Promise.all(seen)).toEqual(['false_positive']);
    });

    it('validates the body: 400 naming the field', async () => {
      const alert = await createAlert(app, { status: AlertStatus.INVESTIGATING });
      for (const [payload, field] of [
        [{ status: 'closed' }, 'status'],
        [{}, 'status'],
        [{ status: 'resolved', reason: 'x'.repeat(2001) }, 'reason'],
        [{ status: 'resolved', label: 'BENIGN' }, 'label'],
        [{ status: 'false_positive', label: 'NotAClass' }, 'label'],
        [{ status: 'false_positive', label: 'Anomaly' }, 'label'],
        [{ status: 'resolved', resolved_by: analyst.user.id }, 'resolved_by'],
      ] as const) {
        const res = await setStatus(alert.id, payload);
        expect([JSON.stringify(payload), res.statusCode]).toEqual([JSON.stringify(payload), 400]);
        expect(res.json().details.map((d: { field: string }) => d.field)).toContain(field);
      }
      expect((await setStatus('999999999999', { status: 'investigating' })).statusCode).toBe(404);
    });

    it('closes an active alert straight as a false positive, with its label', async () => {
      const alert = await createAlert(app);
      const res = await setStatus(alert.id, { status: 'false_positive', reason: 'our vulnerability scanner', label: 'BENIGN' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ status: 'false_positive', feedback_label: 'BENIGN', resolution_reason: 'our vulnerability scanner' });
      expect((await call('GET', `/${alert.id}`)).json().timeline[0]).toMatchObject({ from_status: 'active', to_status: 'false_positive' });
    });

    it('serialises concurrent changes on the alert row (one wins, the other sees the new status)', async () => {
      const alert = await createAlert(app, { status: AlertStatus.INVESTIGATING });
      const results = await Promise.all([setStatus(alert.id, { status: 'resolved' }), setStatus(alert.id, { status: 'false_positive' })]);
      expect(results.map((r) => r.statusCode).sort()).toEqual([200, 409]);
      expect((await call('GET', `/${alert.id}`)).json().timeline).toHaveLength(1);
    });
  });

  describe('PATCH /alerts/:id/assign', () => {
    it('assigns to an active user and unassigns, on the timeline and in the audit log', async () => {
      const alert = await createAlert(app);
      const assignee = await createUser(app, { role: Role.SECURITY });
      const res = await call('PATCH', `/${alert.id}/assign`, { assignee_id: assignee.id });
      expect(res.statusCode).toBe(200);
      expect(res.json().assignee_id).toBe(assignee.id);
      expect((await call('PATCH', `/${alert.id}/assign`, { assignee_id: null })).json().assignee_id).toBeNull();

      const timeline = (await call('GET', `/${alert.id}`)).json().timeline;
      expect(timeline.map((e: { kind: string; data: object }) => [e.kind, e.data])).toEqual([
        ['assignment', { from: assignee.id, to: null }],
        ['assignment', { from: null, to: assignee.id }],
      ]);
      const audit = await auditRows('alert.assign', alert.id);
      expect(audit.map((r: { before: { assignee_id: string }; after: { assignee_id: string } }) => [r.before.assignee_id, r.after.assignee_id])).toEqual([
        [null, assignee.id],
        [assignee.id, null],
      ]);
      expect(eventsFor(alert.id).map((e) => e.payload.change)).toEqual(['assignee', 'assignee']);
    });

    it('assigns to `me`, the signed-in caller, alone and in bulk', async () => {
      const alert = await createAlert(app);
      const res = await call('PATCH', `/${alert.id}/assign`, { assignee_id: 'me' });
      expect(res.statusCode).toBe(200);
      expect(res.json().assignee_id).toBe(analyst.user.id);
      const other = await createAlert(app);
      const bulk = await call('POST', '/bulk/assign', { ids: [other.id], assignee_id: 'me' });
      expect(bulk.json()).toMatchObject({ updated: [other.id] });
      expect((await call('GET', `/${other.id}`)).json().assignee_id).toBe(analyst.user.id);
    });

    it('refuses unknown, inactive or deleted users and malformed ids with 400 on assignee_id', async () => {
      const alert = await createAlert(app);
      const inactive = await createUser(app);
      await app.get(DataSource).query(`UPDATE users SET is_active = false WHERE id = $1`, [inactive.id]);
      const deleted = await createUser(app);
      await app.get(DataSource).query(`UPDATE users SET deleted_at = now() WHERE id = $1`, [deleted.id]);
      for (const assignee_id of ['00000000-0000-4000-8000-000000000000', inactive.id, deleted.id, 'bob', 'ME', 42, undefined]) {
        const res = await call('PATCH', `/${alert.id}/assign`, { assignee_id });
        expect([assignee_id, res.statusCode]).toEqual([assignee_id, 400]);
        expect(res.json().details).toEqual([expect.objectContaining({ field: 'assignee_id' })]);
      }
      expect((await call('GET', `/${alert.id}`)).json().assignee_id).toBeNull();
    });
  });

  describe('POST /alerts/:id/notes', () => {
    it('adds a note (201) to the timeline, audits it and emits an update', async () => {
      const alert = await createAlert(app);
      const res = await call('POST', `/${alert.id}/notes`, { body: 'Source is our vulnerability scanner.' });
      expect(res.statusCode).toBe(201);
      expect(res.json()).toMatchObject({ kind: 'note', body: 'Source is our vulnerability scanner.', actor_id: analyst.user.id, from_status: null });
      const [row] = await auditRows('alert.note', alert.id);
      expect(row.after).toEqual({ note_id: res.json().id, body: 'Source is our vulnerability scanner.' });
      expect(eventsFor(alert.id).map((e) => e.payload.change)).toEqual(['note']);
    });

    it('takes 1 to 5000 characters, not blank', async () => {
      const alert = await createAlert(app);
      expect((await call('POST', `/${alert.id}/notes`, { body: 'x'.repeat(5000) })).statusCode).toBe(201);
      for (const body of ['', '   ', 'x'.repeat(5001), 7, undefined]) {
        const res = await call('POST', `/${alert.id}/notes`, { body });
        expect(res.statusCode).toBe(400);
        expect(res.json().details[0].field).toBe('body');
      }
      expect((await call('POST', '/999999999999/notes', { body: 'x' })).statusCode).toBe(404);
    });
  });

  it('a viewer reads but cannot change (403), and nothing changes', async () => {
    const alert = await createAlert(app, { status: AlertStatus.INVESTIGATING });
    expect((await call('GET', `/${alert.id}`, undefined, viewer.access_token)).statusCode).toBe(200);
    const attempts = [
      call('PATCH', `/${alert.id}/status`, { status: 'resolved' }, viewer.access_token),
      call('PATCH', `/${alert.id}/assign`, { assignee_id: viewer.user.id }, viewer.access_token),
      call('POST', `/${alert.id}/notes`, { body: 'hi' }, viewer.access_token),
      call('POST', '/bulk/status', { ids: [alert.id], status: 'resolved' }, viewer.access_token),
      call('POST', '/bulk/assign', { ids: [alert.id], assignee_id: null }, viewer.access_token),
      call('GET', '/feedback/export', undefined, viewer.access_token),
    ];
    for (const res of await Promise.all(attempts)) expect(res.statusCode).toBe(403);
    expect((await call('GET', `/${alert.id}`)).json()).toMatchObject({ status: 'investigating', assignee_id: null, timeline: [] });
  });
});
