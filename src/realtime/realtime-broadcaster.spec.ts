import { Logger, LoggerService } from '@nestjs/common';
import { EventLogService } from './event-log.service';
import { RealtimeBroadcaster } from './realtime-broadcaster';
import { RealtimeGateway } from './realtime.gateway';

/** A replay log on a Redis that can be taken down: appends fail while it is. */
class FlakyLog {
  down = false;
  private next = 1;
  readonly appended: string[] = [];
  async append(event: string, payload: Record<string, unknown>): Promise<string> {
    if (this.down) throw new Error('Connection is closed.');
    this.appended.push(`${event}:${String(payload.user_id)}`);
    return `${this.next++}-0`;
  }
}

const logged: string[] = [];
const capture: LoggerService = { log: (m: string) => logged.push(m), warn: (m: string) => logged.push(m), error: () => undefined };
beforeAll(() => Logger.overrideLogger(capture));

describe('RealtimeBroadcaster while Redis is down', () => {
  let log: FlakyLog;
  let sent: { event: string; id: string; user: string }[];
  let broadcaster: RealtimeBroadcaster;
  const userChanged = (n: number) => broadcaster.publish('user_changed', { user_id: `u${n}`, change: 'updated' });

  beforeEach(() => {
    jest.useFakeTimers();
    logged.length = 0;
    log = new FlakyLog();
    sent = [];
    const gateway = {
      emitToRoom: (_room: string, event: string, payload: { id: string; user_id: string }) => sent.push({ event, id: payload.id, user: payload.user_id }),
    } as unknown as RealtimeGateway;
    broadcaster = new RealtimeBroadcaster(gateway, log as unknown as EventLogService);
  });
  afterEach(() => {
    broadcaster.onModuleDestroy();
    jest.useRealTimers();
  });

  it('holds the events it cannot log and sends them, in order and before newer ones, once Redis answers', async () => {
    await userChanged(1);
    log.down = true;
    await userChanged(2);
    await userChanged(3);
    expect(broadcaster.heldEvents).toBe(2);
    await jest.advanceTimersByTimeAsync(3_000); // retries fail while Redis is down
    expect(sent.map((s) => s.user)).toEqual(['u1']);

    log.down = false;
    await userChanged(4); // queued behind the held ones, not sent ahead of them
    expect(sent.map((s) => s.user)).toEqual(['u1']);
    await jest.advanceTimersByTimeAsync(1_000);
    expect(sent.map((s) => s.user)).toEqual(['u1', 'u2', 'u3', 'u4']);
    expect(sent.map((s) => s.id)).toEqual(['1-0', '2-0', '3-0', '4-0']);
    expect(log.appended).toEqual(['user_changed:u1', 'user_changed:u2', 'user_changed:u3', 'user_changed:u4']);
    expect(broadcaster.heldEvents).toBe(0);

    await userChanged(5); // and straight through again
    expect(sent.map((s) => s.user).at(-1)).toBe('u5');
    // one line when the outage starts, one when the held events are sent
    expect(logged).toEqual(['realtime events held until Redis answers (user_changed: Connection is closed.)', 'Redis answers again: 3 held realtime events sent']);
  });

  it('holds at most 10,000 events, dropping the oldest', async () => {
    log.down = true;
    for (let i = 0; i < 10_005; i++) await userChanged(i);
    expect(broadcaster.heldEvents).toBe(10_000);
    log.down = false;
    await jest.advanceTimersByTimeAsync(1_000);
    expect(sent).toHaveLength(10_000);
    expect(sent[0].user).toBe('u5');
    expect(sent.at(-1)!.user).toBe('u10004');
    expect(logged.at(-1)).toBe('Redis answers again: 10000 held realtime events sent; 5 older ones were dropped (more than 10000 held)');
  });
});
