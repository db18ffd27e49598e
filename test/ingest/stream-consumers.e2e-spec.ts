import { NestFastifyApplication } from '@nestjs/platform-fastify';
import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { StreamConsumerService } from '../../src/flows/stream/stream-consumer.service';
import { recordOf } from '../../src/flows/stream/stream-replies';
import { TEST_REDIS_URL, testRedisPrefix } from '../setup/test-database';
import { createTestApp } from '../utils/create-test-app';
import { readFixtureRows, sensorFlow } from '../utils/fixtures';

jest.setTimeout(40_000);

const run = randomUUID().slice(0, 8);
const prefix = testRedisPrefix(`:consumers-${run}`);
const KEYS = { in: `${prefix}:flows:in`, out: `${prefix}:flows:out`, dead: `${prefix}:flows:dead` };
const GROUP = 'ids-ingest';
const LIVE = `live-${run}`;
const MAX_IDLE_MS = 1500;

async function waitFor<T>(what: string, probe: () => Promise<T>, done: (v: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Consumers of crashed processes leave the group once nothing is pending on them; the gauge counts live ones. */
describe('Redis Streams ingest: dead consumers', () => {
  let app: NestFastifyApplication;
  let redis: Redis;
  const consumers = async () => ((await redis.xinfo('CONSUMERS', KEYS.in, GROUP)) as unknown[]).map((c) => String(recordOf(c as string[]).name)).sort();
  const gauge = async () => /^ids_stream_consumers (\d+)$/m.exec((await app.inject({ method: 'GET', url: '/metrics' })).body)?.[1];

  beforeAll(async () => {
    redis = new Redis(TEST_REDIS_URL);
    const [row] = await readFixtureRows();
    // two processes that crashed before this one started: one holding nothing, one holding an entry it never
    // acknowledged
    await redis.xgroup('CREATE', KEYS.in, GROUP, '0', 'MKSTREAM');
    await redis.xgroup('CREATECONSUMER', KEYS.in, GROUP, 'crashed-idle');
    const flow = sensorFlow(row, 0, { flowId: `consumers-${run}`, srcIp: '198.18.90.1', dstIp: '198.19.1.1' });
    await redis.xadd(KEYS.in, '*', 'flow', JSON.stringify(flow));
    await redis.xreadgroup('GROUP', GROUP, 'crashed-busy', 'COUNT', 1, 'STREAMS', KEYS.in, '>');
    app = await createTestApp({
      INGEST_STREAM_KEY: KEYS.in,
      INGEST_STREAM_OUT_KEY: KEYS.out,
      INGEST_STREAM_DEAD_KEY: KEYS.dead,
      INGEST_STREAM_CONSUMER: LIVE,
      INGEST_STREAM_BLOCK_MS: '100',
      INGEST_STREAM_CLAIM_MIN_IDLE_MS: '500',
      INGEST_STREAM_CLAIM_INTERVAL_MS: '250',
      INGEST_STREAM_CONSUMER_MAX_IDLE_MS: String(MAX_IDLE_MS),
    });
  });
  afterAll(async () => {
    await app?.close();
    await redis?.del(KEYS.in, KEYS.out, KEYS.dead);
    redis?.disconnect();
  });

  it('removes consumers idle beyond the threshold once their pending entries are reclaimed and ingested', async () => {
    await waitFor('the crashed consumers removed', consumers, (names) => names.length === 1);
    expect(await consumers()).toEqual([LIVE]);
    // the entry the crashed consumer held was taken over and stored, not dropped with its consumer
    const results = async () => (await redis.xrange(KEYS.out, '-', '+')).map(([, f]) => (recordOf(f) as Record<string, string>).flow_id);
    expect(await waitFor('the reclaimed entry stored', results, (ids) => ids.length > 0)).toEqual([`consumers-${run}`]);
    expect(((await redis.xpending(KEYS.in, GROUP)) as unknown[])[0]).toBe(0);
    expect(await gauge()).toBe('1');
  });

  it('counts a consumer that stopped reading as gone once it is idle beyond the threshold (no consumer: 0)', async () => {
    await app.get(StreamConsumerService).stop();
    await waitFor('the gauge at 0', gauge, (v) => v === '0', MAX_IDLE_MS * 4);
    expect(await consumers()).toEqual([LIVE]); // still in the group: nothing live is left to remove it
  });
});
