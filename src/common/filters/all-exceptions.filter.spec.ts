import { BadRequestException, NotFoundException } from '@nestjs/common';
import Redis, { RedisOptions } from 'ioredis';
import { createServer } from 'node:net';
import { DomainError, ErrorCode } from '../../core/domain-error';
import { FAIL_FAST_REDIS_OPTIONS } from '../../infra/redis/redis-options';
import { isDependencyUnavailable } from '../../core/dependency-unavailable';
import { normaliseError } from './all-exceptions.filter';

/** A loopback port nothing listens on. */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** What a command on an ioredis connection with these options rejects with while nothing answers. */
async function redisFailure(options: RedisOptions): Promise<unknown> {
  // disconnectTimeout 0: ioredis arms that timer even for a socket already closed, and it would outlive the test
  const client = new Redis(await closedPort(), '127.0.0.1', { ...options, disconnectTimeout: 0 });
  // a command sent while the first connection attempt is refused, as during an outage
  await new Promise((resolve) => client.once('error', resolve));
  client.on('error', () => undefined);
  try {
    return await client.get('k').then(() => new Error('the command succeeded'), (e: unknown) => e);
  } finally {
    client.disconnect();
  }
}

describe('normaliseError', () => {
  it('maps domain codes to statuses with details and Retry-After', () => {
    expect(normaliseError(DomainError.validation([{ field: 'x', reason: 'bad' }]))).toMatchObject({ status: 400, details: [{ field: 'x', reason: 'bad' }] });
    expect(normaliseError(new DomainError(ErrorCode.INVALID_TRANSITION, 'no'))).toMatchObject({ status: 409 });
    expect(normaliseError(new DomainError(ErrorCode.OVERLOADED, 'busy', { retryAfter: 2 }))).toMatchObject({ status: 503, retryAfter: 2 });
  });

  it('keeps Nest HTTP exceptions and Fastify client errors as 4xx', () => {
    expect(normaliseError(new NotFoundException('gone'))).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    expect(normaliseError(new BadRequestException('x'))).toMatchObject({ status: 400 });
    const tooLarge = Object.assign(new Error('Request body is too large'), { statusCode: 413, code: 'FST_ERR_CTP_BODY_TOO_LARGE' });
    expect(normaliseError(tooLarge)).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
  });

  it('turns an unreachable database or Redis into 503, anything else into a bare 500', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    expect(isDependencyUnavailable(refused)).toBe(true);
    expect(normaliseError(new Error('Connection terminated unexpectedly'))).toMatchObject({ status: 503, retryAfter: 5 });
    expect(normaliseError(Object.assign(new Error('x'), { driverError: { code: '57P01' } }))).toMatchObject({ status: 503 });
    const internal = normaliseError(new TypeError('secret internal detail'));
    expect(internal).toEqual({ status: 500, code: 'INTERNAL', message: 'Internal server error' });
  });

  it('turns the errors of a Redis connection that cannot reach its server into 503', async () => {
    const queued = await redisFailure(FAIL_FAST_REDIS_OPTIONS);
    expect(queued).toMatchObject({ name: 'MaxRetriesPerRequestError' });
    expect(normaliseError(queued)).toMatchObject({ status: 503, code: 'DEPENDENCY_UNAVAILABLE', retryAfter: 5 });
    const unqueued = await redisFailure({ ...FAIL_FAST_REDIS_OPTIONS, enableOfflineQueue: false });
    expect(normaliseError(unqueued)).toMatchObject({ status: 503, code: 'DEPENDENCY_UNAVAILABLE' });
  });
});
