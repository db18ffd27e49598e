import { DomainError, ErrorCode } from '../../core/domain-error';
import { isTransient } from './stream-consumer.service';

describe('isTransient (retried forever, never dead-lettered)', () => {
  it('holds for outages, saturation and lock conflicts', () => {
    expect(isTransient(new DomainError(ErrorCode.OVERLOADED, 'busy'))).toBe(true);
    expect(isTransient(new DomainError(ErrorCode.DEPENDENCY_UNAVAILABLE, 'no model'))).toBe(true);
    expect(isTransient(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isTransient(Object.assign(new Error('deadlock detected'), { code: '40P01' }))).toBe(true);
    expect(isTransient(new Error('Connection terminated unexpectedly'))).toBe(true);
  });

  it('does not hold for errors that would repeat', () => {
    expect(isTransient(new DomainError(ErrorCode.VALIDATION_FAILED, 'bad'))).toBe(false);
    expect(isTransient(Object.assign(new Error('invalid input syntax'), { code: '22P02' }))).toBe(false);
    expect(isTransient(new TypeError('x is undefined'))).toBe(false);
  });
});
