import { BeforeApplicationShutdown, Logger, OnApplicationShutdown } from '@nestjs/common';
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
import { UserPrincipal } from '../common/auth/principal';
import { Role, ROLE_PERMISSIONS } from '../core/permissions';
import { permissionRoom, roleRoom, ServerEventName, ServerEvents, userRoom } from './realtime.events';
import { SocketAuthenticator } from './socket-authenticator';

/** Seconds a client has after `token_expired` to send `authenticate` with a fresh token. */
export const REAUTH_GRACE_SECONDS = 30;

interface SocketState {
  principal: UserPrincipal;
  expiresAt: number;
  timers: NodeJS.Timeout[];
}

type AuthedSocket = Socket & { data: { state?: SocketState } };

/**
 * Socket.IO on the API's own port (path `/socket.io`, default namespace). The handshake must carry an access
 * token (`auth: { token }`); each client joins one room per permission of its role, its role and its user, so
 * an event only reaches those allowed to see it.
 */
@WebSocketGateway({ cors: { origin: true, credentials: true } })
export class RealtimeGateway
  implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect, BeforeApplicationShutdown, OnApplicationShutdown
{
  private readonly logger = new Logger(RealtimeGateway.name);
  /** Set when the application starts shutting down: late events are dropped, not sent to a closing adapter. */
  private closing = false;

  @WebSocketServer()
  server: Server;

  constructor(private readonly authenticator: SocketAuthenticator) {}

  afterInit(server: Server): void {
    server.use((socket, next) => {
      const token = this.authenticator.tokenOf(socket.handshake);
      if (!token) return next(new Error('unauthorized: an access token is required (auth: { token })'));
      this.authenticator.authenticate(token).then(
        (result) => {
          if ('error' in result) return next(new Error(`unauthorized: ${result.error}`));
          (socket as AuthedSocket).data.state = { principal: result.principal, expiresAt: result.expiresAt, timers: [] };
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
    void socket.join([...permissions, roleRoom(principal.role), userRoom(principal.id)]);
    this.scheduleExpiry(socket);
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
    state.principal = result.principal;
    state.expiresAt = result.expiresAt;
    this.scheduleExpiry(socket);
    return { ok: true };
  }

  /** Emits to every client (on every instance) allowed to receive `event`. */
  emitToRoom<E extends ServerEventName>(room: string, event: E, payload: ServerEvents[E]): void {
    if (this.closing) return;
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
