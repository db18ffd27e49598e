import { EventEmitter2 } from '@nestjs/event-emitter';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { io, Socket } from 'socket.io-client';
import { AlertEvents } from '../../src/alerts/alert.events';
import { AlertDto } from '../../src/alerts/dto/alert.dto';
import { Role } from '../../src/core/permissions';
import type Redis from 'ioredis';
import { SessionBus } from '../../src/auth/session-bus';
import { RealtimeBroadcaster } from '../../src/realtime/realtime-broadcaster';
import { SocketAuthenticator } from '../../src/realtime/socket-authenticator';
import { asyncApiValidator } from '../utils/asyncapi-validator';
import { startTestServer } from '../utils/create-test-app';
import { bearer, createUser, login, Session, TestUser } from '../utils/factories';

const alert = (id: string): AlertDto => ({
  id, attack_type: 'DDoS', source: 'model', risk_level: 'critical' as AlertDto['risk_level'], status: 'active' as AlertDto['status'],
  confidence: 0.99, max_confidence: 0.99, src_ip: '198.18.0.1', dst_ip: '198.19.0.1', src_port: 1, dst_port: 80, protocol: 6,
  event_count: 1, first_seen: new Date().toISOString(), last_seen: new Date().toISOString(), flow_id: null, model_version: 'x',
  top_probabilities: null, explanation: null, anomaly_score: null, details: {}, attack: [], assignee_id: null, resolution_reason: null,
  resolved_at: null, feedback_label: null, created_at: new Date().toISOString(), updated_at: new Date().toISOString(),
});

function connect(url: string, token?: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = io(url, { path: '/socket.io', transports: ['websocket'], auth: token ? { token } : {}, reconnection: false, timeout: 3000 });
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (e) => {
      socket.close();
      reject(e);
    });
  });
}

function next<T>(socket: Socket, event: string, timeoutMs = 1000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${timeoutMs} ms`)), timeoutMs);
    socket.once(event, (payload: T) => {
      clearTimeout(timer);
      resolve(payload);
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The first `event` whose payload satisfies `match`. */
function nextMatching<T>(socket: Socket, event: string, match: (payload: T) => boolean, timeoutMs = 2000): Promise<T> {
  return new Promise((resolve, reject) => {
    const handler = (payload: T) => {
      if (!match(payload)) return;
      clearTimeout(timer);
      socket.off(event, handler);
      resolve(payload);
    };
    const timer = setTimeout(() => {
      socket.off(event, handler);
      reject(new Error(`no matching ${event} within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on(event, handler);
  });
}

const nothing = (socket: Socket, event: string, ms = 400) =>
  new Promise<void>((resolve, reject) => {
    const handler = () => reject(new Error(`unexpected ${event}`));
    socket.once(event, handler);
    setTimeout(() => {
      socket.off(event, handler);
      resolve();
    }, ms);
  });

describe('realtime gateway', () => {
  let a: { app: NestFastifyApplication; url: string };
  let b: { app: NestFastifyApplication; url: string };
  let viewer: Session;
  let admin: Session;
  const sockets: Socket[] = [];
  // every event any socket of this spec receives must match its schema in asyncapi.json
  const checkEvent = asyncApiValidator();
  const violations: string[] = [];
  const open = async (url: string, token?: string) => {
    const s = await connect(url, token);
    s.onAny((event: string, payload: unknown) => violations.push(...checkEvent(event, payload)));
    sockets.push(s);
    return s;
  };

  beforeAll(async () => {
    a = await startTestServer({ REALTIME_STORM_THRESHOLD: '5', REALTIME_BATCH_MS: '100', REALTIME_BATCH_MAX_ALERTS: '10' });
    b = await startTestServer();
    viewer = await login(a.app, await createUser(a.app, { role: Role.VIEWER }));
    admin = await login(a.app, await createUser(a.app, { role: Role.ADMIN }));
  });
  afterEach(() => {
    expect(violations.splice(0)).toEqual([]);
  });
  afterAll(async () => {
    sockets.forEach((s) => s.close());
    await a?.app.close();
    await b?.app.close();
  });

  it('refuses a connection without a token, with a bad token, or with a revoked one', async () => {
    await expect(connect(a.url)).rejects.toThrow(/unauthorized: an access token is required/);
    await expect(connect(a.url, 'not-a-token')).rejects.toThrow(/unauthorized: invalid or expired token/);
    const user = await createUser(a.app);
    const session = await login(a.app, user);
    await a.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { authorization: `Bearer ${session.access_token}` } });
    await expect(connect(a.url, session.access_token)).rejects.toThrow(/unauthorized: session revoked/);
  });

  it('delivers attack_detected to a viewer within a second, with an id that replays over REST', async () => {
    const socket = await open(a.url, viewer.access_token);
    const received = next<{ id: string; alert: AlertDto }>(socket, 'attack_detected');
    a.app.get(EventEmitter2).emit(AlertEvents.RAISED, { alert: alert('9001') });
    const event = await received;
    expect(event.alert.id).toBe('9001');
    expect(event.id).toMatch(/^\d+-\d+$/);
    const before = `${Number(event.id.split('-')[0]) - 1}-0`;
    const replay = await a.app.inject({ method: 'GET', url: `/api/v1/events?since=${before}`, headers: { authorization: `Bearer ${viewer.access_token}` } });
    expect(replay.json().map((e: { id: string }) => e.id)).toContain(event.id);
    // the replayed payload is the event exactly as the socket delivered it
    expect(replay.json().find((e: { id: string }) => e.id === event.id)).toEqual({ id: event.id, event: 'attack_detected', payload: event });
  });

  it('keeps admin-only events from viewers', async () => {
    const viewerSocket = await open(a.url, viewer.access_token);
    const adminSocket = await open(a.url, admin.access_token);
    const broadcaster = a.app.get(RealtimeBroadcaster);
    const adminGets = next(adminSocket, 'user_changed');
    const viewerGetsNothing = nothing(viewerSocket, 'user_changed');
    await broadcaster.publish('user_changed', { user_id: admin.user.id, change: 'updated' });
    await adminGets;
    await viewerGetsNothing;
    const replay = await a.app.inject({ method: 'GET', url: '/api/v1/events?since=0&limit=500', headers: { authorization: `Bearer ${viewer.access_token}` } });
    expect(replay.json().some((e: { event: string }) => e.event === 'user_changed')).toBe(false);
  });

  it('sends user_changed to the admins (not to viewers) when a user is changed over the API', async () => {
    const adminSocket = await open(a.url, admin.access_token);
    const viewerSocket = await open(a.url, viewer.access_token);
    const target = await createUser(a.app, { role: Role.VIEWER });
    const adminGets = nextMatching<{ id: string; user_id: string; change: string }>(adminSocket, 'user_changed', (e) => e.user_id === target.id && e.change === 'updated');
    const viewerGetsNothing = nothing(viewerSocket, 'user_changed', 800);
    const res = await a.app.inject({ method: 'PATCH', url: `/api/v1/users/${target.id}`, headers: bearer(admin.access_token), payload: { name: 'Renamed' } });
    expect(res.statusCode).toBe(200);
    expect((await adminGets).id).toMatch(/^\d+-\d+$/);
    await viewerGetsNothing;
  });

  describe('a session that ends closes its open sockets in every process', () => {
    const changes = {
      logout: (_u: TestUser, s: Session) => a.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: bearer(s.access_token) }),
      deactivation: (u: TestUser) => a.app.inject({ method: 'PATCH', url: `/api/v1/users/${u.id}`, headers: bearer(admin.access_token), payload: { is_active: false } }),
      'role downgrade': (u: TestUser) => a.app.inject({ method: 'PATCH', url: `/api/v1/users/${u.id}`, headers: bearer(admin.access_token), payload: { role: 'viewer' } }),
      'password change': (u: TestUser, s: Session) =>
        a.app.inject({ method: 'POST', url: '/api/v1/auth/change-password', headers: bearer(s.access_token), payload: { current_password: u.password, new_password: `new pass ${u.id}` } }),
      'password reset': (u: TestUser) =>
        a.app.inject({ method: 'POST', url: `/api/v1/users/${u.id}/reset-password`, headers: bearer(admin.access_token), payload: { password: `reset pass ${u.id}` } }),
      deletion: (u: TestUser) => a.app.inject({ method: 'DELETE', url: `/api/v1/users/${u.id}`, headers: bearer(admin.access_token) }),
    };

    it.each(Object.keys(changes) as (keyof typeof changes)[])(
      '%s: a socket on another instance is closed within 1 s and receives nothing after it',
      async (change) => {
        const user = await createUser(a.app, { role: Role.SECURITY });
        const session = await login(a.app, user);
        const socket = await open(b.url, session.access_token);
        const received: { event: string; at: number }[] = [];
        socket.onAny((event: string) => received.push({ event, at: Date.now() }));
        const closed = new Promise<number>((resolve) => socket.once('disconnect', () => resolve(Date.now())));
        // control: the socket is live and receives alerts raised on the other instance
        const live = nextMatching<{ alert: AlertDto }>(socket, 'attack_detected', (e) => e.alert.id === `before-${change}`);
        a.app.get(EventEmitter2).emit(AlertEvents.RAISED, { alert: alert(`before-${change}`) });
        await live;

        const res = await changes[change](user, session);
        const answered = Date.now();
        if (res.statusCode >= 300) throw new Error(`${change} answered ${res.statusCode}: ${res.body}`);
        a.app.get(EventEmitter2).emit(AlertEvents.RAISED, { alert: alert(`after-${change}`) });
        const closedAt = await Promise.race([closed, sleep(1000).then(() => null)]);
        expect(closedAt).not.toBeNull();
        expect(closedAt! - answered).toBeLessThan(1000);
        await sleep(300);
        expect(received.filter((r) => r.at >= answered && r.event !== 'session_ended')).toEqual([]);
        expect(received.map((r) => r.event)).toContain('session_ended');
        await expect(connect(b.url, session.access_token)).rejects.toThrow(/unauthorized/);
      },
    );

    it('closes the socket once an instance that missed the signal gets its subscription back', async () => {
      const session = await login(a.app, await createUser(a.app));
      const socket = await open(b.url, session.access_token);
      const closed = new Promise<void>((resolve) => socket.once('disconnect', () => resolve()));
      // b's subscription goes away (as in a Redis outage) and the logout's signal never reaches b
      const subscriber = (b.app.get(SessionBus) as unknown as { subscriber: Redis }).subscriber;
      const ended = new Promise((r) => subscriber.once('end', r));
      subscriber.disconnect();
      await ended;
      expect((await a.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: bearer(session.access_token) })).statusCode).toBe(204);
      await sleep(300);
      expect(socket.connected).toBe(true);
      // back: b checks every open socket again
      await subscriber.connect();
      const reconnected = Date.now();
      await Promise.race([closed, sleep(1000).then(() => Promise.reject(new Error('not closed within 1 s')))]);
      expect(Date.now() - reconnected).toBeLessThan(1000);
    });

    it('closes a socket whose session ended between the handshake check and joining its rooms', async () => {
      const session = await login(a.app, await createUser(a.app));
      const authenticator = b.app.get(SocketAuthenticator);
      const real = authenticator.authenticate.bind(authenticator);
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let checked!: () => void;
      const handshakeChecked = new Promise<void>((resolve) => (checked = resolve));
      // the handshake's check passes, then waits: the logout's signal goes out while the socket is in no room yet
      const spy = jest.spyOn(authenticator, 'authenticate').mockImplementationOnce(async (token) => {
        const result = await real(token);
        checked();
        await gate;
        return result;
      });
      try {
        const socket = io(b.url, { path: '/socket.io', transports: ['websocket'], auth: { token: session.access_token }, reconnection: false });
        sockets.push(socket);
        const connected = new Promise<void>((resolve) => socket.once('connect', () => resolve()));
        const ended = new Promise<unknown>((resolve) => socket.once('session_ended', resolve));
        const closed = new Promise<void>((resolve) => socket.once('disconnect', () => resolve()));
        await handshakeChecked;
        expect((await a.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: bearer(session.access_token) })).statusCode).toBe(204);
        await sleep(200); // the signal has reached b and found no socket to close
        release();
        await connected;
        const joined = Date.now();
        await Promise.race([closed, sleep(1000).then(() => Promise.reject(new Error('not closed within 1 s')))]);
        expect(Date.now() - joined).toBeLessThan(1000);
        expect(await ended).toEqual({ reason: expect.any(String) });
      } finally {
        spy.mockRestore();
      }
    });

    it('refuses the token over REST on every instance at once, though another one had the session cached', async () => {
      const session = await login(a.app, await createUser(a.app));
      const me = () => b.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: bearer(session.access_token) });
      expect((await me()).statusCode).toBe(200); // b now holds the live session in its cache (5 s)
      expect((await a.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: bearer(session.access_token) })).statusCode).toBe(204);
      const started = Date.now();
      let status = (await me()).statusCode;
      while (status === 200 && Date.now() - started < 2000) {
        await sleep(20);
        status = (await me()).statusCode;
      }
      expect(status).toBe(401);
      expect(Date.now() - started).toBeLessThan(500);
    });
  });

  it('shares events between two instances through Redis', async () => {
    const onB = await open(b.url, viewer.access_token);
    const received = next<{ alert: AlertDto }>(onB, 'attack_detected');
    a.app.get(EventEmitter2).emit(AlertEvents.RAISED, { alert: alert('9002') });
    expect((await received).alert.id).toBe('9002');
  });

  it('coalesces a storm into attack_detected_batch: bounded, most severe first, counted per attack type', async () => {
    const socket = await open(a.url, viewer.access_token);
    const singles: string[] = [];
    socket.on('attack_detected', (e: { alert: AlertDto }) => singles.push(e.alert.id));
    await new Promise((r) => setTimeout(r, 1100)); // a fresh one-second window
    const batch = next<{ alerts: AlertDto[]; count: number; by_attack_type: Record<string, number> }>(socket, 'attack_detected_batch');
    const storm = Array.from({ length: 30 }, (_, i) => ({
      ...alert(`storm-${i}`),
      attack_type: i % 2 ? 'PortScan' : 'DDoS',
      risk_level: (i % 3 === 0 ? 'critical' : 'low') as AlertDto['risk_level'],
    }));
    for (const s of storm) a.app.get(EventEmitter2).emit(AlertEvents.RAISED, { alert: s });
    const { alerts, count, by_attack_type } = await batch;
    expect(singles.length).toBeLessThanOrEqual(5);
    expect(singles.length + count).toBe(30);
    expect(Object.values(by_attack_type).reduce((x, y) => x + y, 0)).toBe(count);
    const coalesced = storm.filter((s) => !singles.includes(s.id));
    expect(by_attack_type.DDoS).toBe(coalesced.filter((s) => s.attack_type === 'DDoS').length);
    expect(alerts).toHaveLength(10);
    const critical = coalesced.filter((s) => s.risk_level === 'critical').map((s) => s.id);
    expect(critical.length).toBeLessThan(10);
    expect(alerts.map((x) => x.id)).toEqual(expect.arrayContaining(critical));
    // in order of arrival; the lows that fill the remaining places are the latest ones
    const order = alerts.map((x) => Number(x.id.split('-')[1]));
    expect(order).toEqual([...order].sort((x, y) => x - y));
    expect(order).toContain(29);
  });

  it('announces an alert a storm keeps folding into once per batch window, with its latest state', async () => {
    const socket = await open(a.url, viewer.access_token);
    const updates: { alert: AlertDto; change: string }[] = [];
    socket.on('alert_updated', (e: { alert: AlertDto; change: string }) => updates.push(e));
    const emit = (id: string, count: number, change = 'deduplicated') =>
      a.app.get(EventEmitter2).emit(AlertEvents.UPDATED, { alert: { ...alert(id), event_count: count }, change, actor_id: null });
    for (let n = 2; n <= 6; n++) emit('fold-1', n);
    emit('fold-2', 2);
    emit('fold-2', 3, 'status');
    await new Promise((r) => setTimeout(r, 400)); // REALTIME_BATCH_MS is 100 on this server
    const of = (id: string) => updates.filter((u) => u.alert.id === id).map((u) => [u.change, u.alert.event_count]);
    expect(of('fold-1')).toEqual([['deduplicated', 6]]);
    // a change of another kind goes out at once, and the folded state it supersedes is not sent after it
    expect(of('fold-2')).toEqual([['status', 3]]);
  });

  it('announces the alerts folded into in one window together, past the storm threshold, with what folding changed', async () => {
    const socket = await open(a.url, viewer.access_token);
    const updates: string[] = [];
    socket.on('alert_updated', (e: { alert: AlertDto }) => updates.push(e.alert.id));
    const folds = next<{ id: string; alerts: Record<string, unknown>[] }>(socket, 'alerts_deduplicated');
    // REALTIME_STORM_THRESHOLD is 5 on this server: seven alerts folded into, the first one twice
    const emit = (id: string, count: number) =>
      a.app.get(EventEmitter2).emit(AlertEvents.UPDATED, { alert: { ...alert(id), event_count: count, max_confidence: 0.5 + count / 100 }, change: 'deduplicated', actor_id: null });
    emit('many-0', 2);
    for (let k = 0; k < 7; k++) emit(`many-${k}`, 3 + k);
    const event = await folds;
    expect(event.alerts.map((f) => [f.id, f.event_count, f.max_confidence])).toEqual(
      Array.from({ length: 7 }, (_, k) => [`many-${k}`, 3 + k, 0.5 + (3 + k) / 100]),
    );
    expect(Object.keys(event.alerts[0]).sort()).toEqual(['confidence', 'event_count', 'id', 'last_seen', 'max_confidence', 'risk_level', 'updated_at']);
    await nothing(socket, 'alert_updated', 300);
    expect(updates.filter((id) => id.startsWith('many-'))).toEqual([]);
    // the message is in the replay log like any other
    const replay = await a.app.inject({
      method: 'GET',
      url: `/api/v1/events?since=${Number(event.id.split('-')[0]) - 1}-0`,
      headers: { authorization: `Bearer ${viewer.access_token}` },
    });
    expect(replay.json().find((e: { id: string }) => e.id === event.id)).toMatchObject({ event: 'alerts_deduplicated', payload: { alerts: event.alerts } });
  });

  it('warns before token expiry and keeps a client that re-authenticates', async () => {
    const { app, url } = await startTestServer({ JWT_ACCESS_TTL_SECONDS: '30' });
    try {
      const user = await createUser(app);
      const first = await login(app, user);
      // a token that expires in ~1 s, signed like the server's own
      const { TokenService } = await import('../../src/auth/token.service');
      const jwt = app.get(TokenService);
      const claims = JSON.parse(Buffer.from(first.access_token.split('.')[1], 'base64url').toString());
      const short = (jwt as unknown as { jwt: { sign: (p: object, o: object) => string } }).jwt.sign(
        { sub: claims.sub, sid: claims.sid, ver: claims.ver, role: claims.role, typ: 'access' },
        { algorithm: 'HS256', secret: 'dev-only-insecure-jwt-secret-change-me', issuer: claims.iss, audience: claims.aud, expiresIn: 1 },
      );
      const socket = await connect(url, short);
      sockets.push(socket);
      const warning = await next<{ reauthenticate_within_seconds: number }>(socket, 'token_expired', 3000);
      expect(warning.reauthenticate_within_seconds).toBeGreaterThan(0);
      const ack = await socket.emitWithAck('authenticate', { token: first.access_token });
      expect(ack).toEqual({ ok: true });
      const bad = await socket.emitWithAck('authenticate', { token: 'garbage' });
      expect(bad.ok).toBe(false);
      expect(socket.connected).toBe(true);
    } finally {
      await app.close();
    }
  });
});
