import { BadRequestException, NotFoundException } from '@nestjs/common';
import { DomainError, ErrorCode } from '../../core/domain-error';
import { isDependencyUnavailable, normaliseError } from './all-exceptions.filter';

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
});
