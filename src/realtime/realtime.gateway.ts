import {
  BeforeApplicationShutdown,
  Logger,
  OnApplicationShutdown,
  OnModuleDestroy,
  OnModuleInit,
} from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  OnGatewayConnection,
  OnGatewayDisconnect,
  OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
  WebSocketServer,
} from '@nestjs/websockets';
import type { Server, Socket } from 'socket.io';
import { SessionBus, SessionEnded, SessionSignal } from '../auth/session-bus';
import { UserPrincipal } from '../common/auth/principal';
import { Role, ROLE_PERMISSIONS } from '../core/permissions';
import { permissionRoom, roleRoom, ServerEventName, ServerEvents, sessionRoom, userRoom } from './realtime.events';
import { SocketAuthenticator } from './socket-authenticator';

/** Seconds a client has after `token_expired` to send `authenticate` with a fresh token. */
export const REAUTH_GRACE_SECONDS = 30;

/** Every open socket's session is checked again this often (a backstop for a missed "session ended" signal). */
export const SESSION_RECHECK_MS = 30_000;

interface SocketState {
  principal: UserPrincipal;
  token: string;
  expiresAt: number;
  timers: NodeJS.Timeout[];
}

type AuthedSocket = Socket & { data: { state?: SocketState } };

/**
 * Socket.IO on the API's own port (path `/socket.io`, default namespace). The handshake must carry an access
 * token (`auth: { token }`); each client joins one room per permission of its role, its role and its user, so
 * an event only reaches those allowed to see it. A socket also joins its session's room: when the session ends
 * (logout, deactivation, role or password change, in any process) the socket gets `session_ended` and is closed.
 */
@WebSocketGateway({ cors: { origin: true, credentials: true } })
export class RealtimeGateway
  implements
    OnGatewayInit,
    OnGatewayConnection,
    OnGatewayDisconnect,
    OnModuleInit,
    OnModuleDestroy,
    BeforeApplicationShutdown,
    OnApplicationShutdown
{
  private readonly logger = new Logger(RealtimeGateway.name);
  /** Set when the application starts shutting down: late events are dropped, not sent to a closing adapter. */
  private closing = false;

  @WebSocketServer()
  server: Server;

  private unsubscribe: (() => void) | null = null;
  private recheckTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly authenticator: SocketAuthenticator,
    private readonly sessionBus: SessionBus,
  ) {}

  onModuleInit(): void {
    this.unsubscribe = this.sessionBus.subscribe((signal) => this.onSessionSignal(signal));
    this.recheckTimer = setInterval(() => void this.recheckAll(), SESSION_RECHECK_MS);
    this.recheckTimer.unref();
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
    if (this.recheckTimer) clearInterval(this.recheckTimer);
  }

  afterInit(server: Server): void {
    server.use((socket, next) => {
      const token = this.authenticator.tokenOf(socket.handshake);
      if (!token) return next(new Error('unauthorized: an access token is required (auth: { token })'));
      this.authenticator.authenticate(token).then(
        (result) => {
          if ('error' in result) return next(new Error(`unauthorized: ${result.error}`));
          (socket as AuthedSocket).data.state = { principal: result.principal, token, expiresAt: result.expiresAt, timers: [] };
          next();
        },
        () => next(new Error('unavailable: authentication could not be checked')),
      );
    });
  }

  handleConnection(socket: AuthedSocket): void {
    const state = socket.data.state;
    if (!state) return void socket.disconnect(true);
    const { principal } = state;
    const permissions = [...ROLE_PERMISSIONS[principal.role as Role]].map(permissionRoom);
    void socket.join([...permissions, roleRoom(principal.role), userRoom(principal.id), sessionRoom(principal.sessionId)]);
    this.scheduleExpiry(socket);
    void this.recheckJoined(socket);
  }

  /** A session that ended between the handshake's check and the join sent its signal to no socket: check again. */
  private async recheckJoined(socket: AuthedSocket): Promise<void> {
    const state = socket.data.state;
    if (!state) return;
    const result = await this.authenticator.authenticate(state.token).catch(() => null);
    if (result && 'error' in result && socket.connected) this.close(socket, result.error);
  }

  handleDisconnect(socket: AuthedSocket): void {
    socket.data.state?.timers.forEach(clearTimeout);
  }

  @SubscribeMessage('authenticate')
  async reauthenticate(@ConnectedSocket() socket: AuthedSocket, @MessageBody() body: { token?: unknown }): Promise<{ ok: boolean; error?: string }> {
    const state = socket.data.state;
    const token = typeof body?.token === 'string' ? body.token : '';
    const result = token ? await this.authenticator.authenticate(token) : { error: 'token is required' };
    if ('error' in result || !state) return { ok: false, error: 'error' in result ? result.error : 'not connected' };
    if (result.principal.id !== state.principal.id || result.principal.role !== state.principal.role) {
      return { ok: false, error: 'the token belongs to another user or role: reconnect instead' };
    }
    if (result.principal.sessionId !== state.principal.sessionId) {
      void socket.leave(sessionRoom(state.principal.sessionId));
      void socket.join(sessionRoom(result.principal.sessionId));
    }
    state.principal = result.principal;
    state.token = token;
    state.expiresAt = result.expiresAt;
    this.scheduleExpiry(socket);
    return { ok: true };
  }

  /** Emits to every client (on every instance) allowed to receive `event`. */
  emitToRoom<E extends ServerEventName>(room: string, event: E, payload: ServerEvents[E]): void {
    // no server in a command-line run (users:create-admin): the event is in the replay log only
    if (this.closing || !this.server) return;
    this.server.to(room).emit(event, payload);
  }

  /** Emits to this instance's clients only (events every instance computes itself, like system_status). */
  emitLocal<E extends ServerEventName>(room: string, event: E, payload: ServerEvents[E]): void {
    if (this.closing) return;
    this.server.local.to(room).emit(event, payload);
  }

  beforeApplicationShutdown(): void {
    this.closing = true;
  }

  /** Closes this instance's connections only (a broadcast would reach the clients of every instance). */
  onApplicationShutdown(): void {
    this.server?.local.disconnectSockets(true);
  }

  /** Closes this process's sockets of an ended session (every process gets the signal and closes its own). */
  private onSessionSignal(signal: SessionSignal): void {
    if (!this.server) return;
    if (signal.kind === 'resync') return void this.recheckAll();
    this.closeSessions(signal.ended);
  }

  private closeSessions({ userId, sessionId, reason }: SessionEnded): void {
    const room = sessionId ? sessionRoom(sessionId) : userRoom(userId);
    const sockets = this.server.of('/').adapter.rooms.get(room);
    for (const id of sockets ?? []) {
      const socket = this.server.of('/').sockets.get(id);
      if (socket) this.close(socket as AuthedSocket, reason);
    }
  }

  private close(socket: AuthedSocket, reason: string): void {
    socket.data.state?.timers.forEach(clearTimeout);
    // out of every room first: nothing emitted from now on reaches it, even before the transport closes
    socket.rooms.forEach((room) => room !== socket.id && void socket.leave(room));
    socket.emit('session_ended', { reason });
    socket.disconnect(true);
  }

  /** Checks every open socket's token again (the signal may have been missed while Redis was away). */
  private async recheckAll(): Promise<void> {
    const sockets = this.server?.of('/').sockets;
    if (!sockets) return;
    for (const socket of [...sockets.values()] as AuthedSocket[]) {
      const state = socket.data.state;
      if (!state || !socket.connected) continue;
      const result = await this.authenticator.authenticate(state.token).catch(() => null);
      if (result && 'error' in result && result.error !== 'invalid or expired token') this.close(socket, result.error);
    }
  }

  private scheduleExpiry(socket: AuthedSocket): void {
    const state = socket.data.state!;
    state.timers.forEach(clearTimeout);
    const warnIn = Math.max(0, state.expiresAt - Date.now());
    const expiry = setTimeout(() => {
      socket.emit('token_expired', { reauthenticate_within_seconds: REAUTH_GRACE_SECONDS });
      const cut = setTimeout(() => {
        this.logger.debug(`disconnecting ${state.principal.email}: token expired`);
        socket.disconnect(true);
      }, REAUTH_GRACE_SECONDS * 1000);
      cut.unref();
      state.timers.push(cut);
    }, Math.min(warnIn, 2 ** 31 - 1));
    expiry.unref();
    state.timers = [expiry];
  }
}
