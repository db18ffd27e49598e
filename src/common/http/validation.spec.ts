import { IsString } from 'class-validator';
import { DomainError } from '../../core/domain-error';
import { nested } from '../../../test/utils/hostile-input';
import { createValidationPipe, flattenValidationErrors, inputProblem, MAX_BODY_DEPTH } from './validation';

class NameDto {
  @IsString()
  name: string;
}

const pipe = createValidationPipe();
const refusal = async (value: unknown, type: 'body' | 'query' = 'body') => {
  const error = await pipe.transform(value, { type, metatype: NameDto }).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  return (error as DomainError).details;
};

describe('flattenValidationErrors', () => {
  it('writes nested paths and quotes keys a dotted path cannot hold', () => {
    const child = { property: 'src_ip', constraints: { isIp: 'src_ip must be an ip address' }, children: [] };
    const errors = [
      { property: 'flows', children: [{ property: '3', children: [child] }] },
      { property: '', constraints: { whitelist: 'property  should not exist' } },
      { property: '198.51.100.7', constraints: { whitelist: 'property 198.51.100.7 should not exist' } },
      { property: 'filter', children: [{ property: 'a[0]', constraints: { whitelist: 'x' } }] },
    ];
    expect(flattenValidationErrors(errors).map((p) => p.field)).toEqual(['flows[3].src_ip', '[""]', '["198.51.100.7"]', 'filter["a[0]"]']);
  });
});

describe('inputProblem', () => {
  it(`refuses nesting deeper than ${MAX_BODY_DEPTH} levels, naming the top-level field`, () => {
    expect(inputProblem({ ok: nested(MAX_BODY_DEPTH - 1, 'object') }, 'body')).toBeNull();
    expect(inputProblem({ ok: 1, deep: nested(MAX_BODY_DEPTH, 'array') }, 'body')).toEqual({
      field: 'deep',
      reason: `nests more than ${MAX_BODY_DEPTH} levels of objects and arrays`,
    });
    expect(inputProblem(nested(100_000, 'array'), 'body')?.field).toBe('body');
  });

  it('refuses NUL in any string or key, with its path', () => {
    expect(inputProblem({ filter: { attack_type: ['DDoS', 'a\u0000b'] } }, 'body')?.field).toBe('filter.attack_type[1]');
    expect(inputProblem({ 'k\u0000': 1 }, 'query')?.field).toBe('["k\\u0000"]');
    expect(inputProblem('x\u0000', 'version')).toEqual({ field: 'version', reason: 'must not contain the NUL character (U+0000)' });
    expect(inputProblem({ name: 'ok', list: [1, 'two', { three: null }] }, 'body')).toBeNull();
  });

  it('refuses lone surrogates (no UTF-8 form) but keeps paired ones', () => {
    expect(inputProblem({ email: 'a@b.c\ud800' }, 'body')).toEqual({ field: 'email', reason: 'must be valid Unicode (it holds a lone surrogate)' });
    expect(inputProblem({ name: 'ok 🔥 ключ' }, 'body')).toBeNull();
  });

  it('checks only the nesting when told the strings are text already (a body parsed without escapes)', () => {
    expect(inputProblem({ 'k\u0000': 'a\ud800' }, 'body', false)).toBeNull();
    expect(inputProblem({ ok: 1, deep: nested(MAX_BODY_DEPTH, 'object') }, 'body', false)?.field).toBe('deep');
  });
});

describe('the global validation pipe', () => {
  it('refuses an array or a scalar where a DTO body is expected, as the body', async () => {
    for (const body of [[{ name: 'x' }], 'x', 42, true]) {
      expect(await refusal(body)).toEqual([{ field: 'body', reason: 'must be a JSON object' }]);
    }
    expect(await refusal(undefined)).toEqual([expect.objectContaining({ field: 'name' })]);
  });

  it('refuses deep nesting and NUL before transforming anything', async () => {
    expect(await refusal({ name: 'x', extra: nested(5_000, 'object') })).toEqual([expect.objectContaining({ field: 'extra' })]);
    expect(await refusal({ name: 'a\u0000' })).toEqual([expect.objectContaining({ field: 'name' })]);
    expect(await refusal({ name: '\u0000' }, 'query')).toEqual([expect.objectContaining({ field: 'name' })]);
  });
});
