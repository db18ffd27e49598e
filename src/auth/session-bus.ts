import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { AppConfig } from '../config/app-config';
import { REDIS_CLIENT } from '../infra/redis/redis.constants';
import { logConnectionState, redisReconnectDelay } from '../infra/redis/redis-options';

/** A session that ended: one login session (`sessionId`), or every session of the user (`sessionId` null). */
export interface SessionEnded {
  userId: string;
  sessionId: string | null;
  reason: string;
}

/**
 * `ended`: drop what is cached of these sessions and close their sockets. `resync`: signals may have been missed
 * (the subscription was down): drop every cached session and check every open socket again.
 */
export type SessionSignal = { kind: 'ended'; ended: SessionEnded } | { kind: 'resync' };

/** Longest start-up waits for the subscription; it is retried in the background past that. */
const SUBSCRIBE_TIMEOUT_MS = 2000;

/**
 * Carries "session ended" to every process of the deployment (same Redis server and key prefix) over Redis
 * pub/sub, and to this process's listeners at once. Each process subscribes on a connection of its own.
 */
@Injectable()
export class SessionBus implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(SessionBus.name);
  private readonly listeners = new Set<(signal: SessionSignal) => void>();
  private readonly origin = randomUUID();
  private readonly channel: string;
  private subscriber: Redis | null = null;

  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    private readonly config: ConfigService<AppConfig, true>,
  ) {
    this.channel = `${config.get('redis.keyPrefix', { infer: true })}:auth:session-ended`;
  }

  async onModuleInit(): Promise<void> {
    const subscriber = new Redis(this.config.get('redis.url', { infer: true }), {
      retryStrategy: redisReconnectDelay,
      maxRetriesPerRequest: null,
    });
    this.subscriber = subscriber;
    logConnectionState(subscriber, this.logger, 'session signal subscription');
    let readyBefore = false;
    subscriber.on('ready', () => {
      // a reconnection: what was published meanwhile never reached this process
      if (readyBefore) this.dispatch({ kind: 'resync' });
      readyBefore = true;
    });
    subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.channel) this.receive(message);
    });
    const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), SUBSCRIBE_TIMEOUT_MS).unref());
    const outcome = await Promise.race([subscriber.subscribe(this.channel).catch((e: Error) => e), timeout]);
    if (outcome === 'timeout' || outcome instanceof Error) {
      this.logger.warn('session signals: not subscribed yet (Redis does not answer); retrying in the background');
    }
  }

  /** A subscriber has nothing to flush: closed at once (QUIT would wait for a Redis that may be away). */
  onApplicationShutdown(): void {
    this.subscriber?.disconnect();
  }

  /** Calls `listener` for every signal, from this process or another. Returns the unsubscribe function. */
  subscribe(listener: (signal: SessionSignal) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Applies `ended` in this process at once, then publishes it to the others. Never throws: when Redis does not
   * answer, the other processes resync on reconnection and their caches expire within AUTH_SESSION_CACHE_SECONDS.
   */
  async publish(ended: SessionEnded): Promise<void> {
    this.dispatch({ kind: 'ended', ended });
    try {
      await this.redis.publish(this.channel, JSON.stringify({ origin: this.origin, ...ended }));
    } catch (e) {
      this.logger.warn(`session end not published to the other processes (${(e as Error).message})`);
    }
  }

  private receive(message: string): void {
    let parsed: Partial<SessionEnded> & { origin?: string };
    try {
      parsed = JSON.parse(message);
    } catch {
      return;
    }
    if (parsed.origin === this.origin || typeof parsed.userId !== 'string') return;
    const sessionId = typeof parsed.sessionId === 'string' ? parsed.sessionId : null;
    const reason = String(parsed.reason ?? 'ended');
    this.dispatch({ kind: 'ended', ended: { userId: parsed.userId, sessionId, reason } });
  }

  private dispatch(signal: SessionSignal): void {
    for (const listener of this.listeners) {
      try {
        listener(signal);
      } catch (e) {
        this.logger.error(`session signal listener failed: ${(e as Error).message}`);
      }
    }
  }
}
