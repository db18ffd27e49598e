import { ArgumentMetadata, PipeTransform, Type } from '@nestjs/common';
import { METHOD_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { ConfigModule } from '@nestjs/config';
import { ModulesContainer } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { getMetadataStorage } from 'class-validator';
import fc from 'fast-check';
import { parse as parseQuery } from 'fast-querystring';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createApp } from '../../app.factory';
import { AppConfig, loadConfig } from '../../config/app-config';
import { DomainError } from '../../core/domain-error';
import { normaliseError } from '../filters/all-exceptions.filter';
import { namesAField } from '../../../test/utils/field-names';
import { encodeQuery, fuzzSeed, hostileValue, jsonRoundTrip, mutationsOf, pathParamValue, queryPairsOf, textValue, urlTextValue } from '../../../test/utils/hostile-input';
import { BODY_EXAMPLES, PARAM_EXAMPLES, QUERY_EXAMPLES } from '../../../test/utils/request-examples';
import { createValidationPipe, inputProblem } from './validation';

/**
 * Every body, query and path parameter of every route, found from the application's own route metadata, goes
 * through the real validation (the global pipe, then the parameter's pipes) with hostile input: the result is
 * a valid DTO instance, or a 4xx DomainError whose every detail names a field. Nothing else is thrown, and
 * Object.prototype is never touched. FUZZ_RUNS × 10 inputs per parameter (default 200); FUZZ_SEED reproduces a run.
 */

const RUNS = Number(process.env.FUZZ_RUNS ?? 20) * 10;
const SEED = fuzzSeed();

type Kind = 'body' | 'query' | 'param';
const KIND: Partial<Record<RouteParamtypes, Kind>> = {
  [RouteParamtypes.BODY]: 'body',
  [RouteParamtypes.QUERY]: 'query',
  [RouteParamtypes.PARAM]: 'param',
};
const BUILT_INS: unknown[] = [String, Number, Boolean, Object, Array];

interface Target {
  id: string;
  operationId: string;
  kind: Kind;
  data?: string;
  metatype?: Type<unknown>;
  /** The class validation applies to (the parameter's type), when it is a DTO. */
  dto?: Type<unknown>;
  exampleKey: string;
  pipes: PipeTransform[];
  knownFields: Set<string>;
}

interface RawParam {
  kind: Kind;
  data?: string;
  pipes: (Type<PipeTransform> | PipeTransform)[];
}

function propertiesOf(type: unknown): string[] {
  if (typeof type !== 'function') return [];
  const validated = getMetadataStorage()
    .getTargetValidationMetadatas(type, '', true, false)
    .map((m) => m.propertyName);
  const documented = ((Reflect.getMetadata('swagger/apiModelPropertiesArray', type.prototype) ?? []) as string[]).map((p) => p.replace(/^:/, ''));
  return [...validated, ...documented];
}

async function discoverTargets(app: NestFastifyApplication, config: AppConfig): Promise<Target[]> {
  const found: { controller: Type<unknown>; handler: string; param: RawParam; metatype?: Type<unknown>; documented?: unknown }[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as Type<unknown>;
      for (const handler of Object.getOwnPropertyNames(controller.prototype)) {
        const fn = (controller.prototype as Record<string, unknown>)[handler];
        if (typeof fn !== 'function' || Reflect.getMetadata(METHOD_METADATA, fn) === undefined) continue;
        const args: Record<string, { index: number; data?: string; pipes?: RawParam['pipes'] }> = Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, handler) ?? {};
        const types: Type<unknown>[] = Reflect.getMetadata('design:paramtypes', controller.prototype, handler) ?? [];
        const apiBody = ((Reflect.getMetadata('swagger/apiParameters', fn) ?? []) as { in: string; type?: unknown }[]).find((p) => p.in === 'body');
        for (const [key, arg] of Object.entries(args)) {
          const kind = KIND[Number(key.split(':')[0]) as RouteParamtypes];
          if (!kind) continue;
          found.push({ controller, handler, param: { kind, data: arg.data, pipes: arg.pipes ?? [] }, metatype: types[arg.index], documented: kind === 'body' ? apiBody?.type : undefined });
        }
      }
    }
  }
  const pipeTypes = [...new Set(found.flatMap((f) => f.param.pipes.filter((p): p is Type<PipeTransform> => typeof p === 'function')))];
  const moduleRef = await Test.createTestingModule({
    imports: [ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: [() => config] })],
    providers: pipeTypes,
  }).compile();
  return found.map(({ controller, handler, param, metatype, documented }) => {
    const dto = metatype && !BUILT_INS.includes(metatype) ? metatype : undefined;
    const pipeNames = param.pipes.map((p) => (typeof p === 'function' ? p.name : p.constructor.name));
    const operationId = `${controller.name.replace(/Controller$/, '')}_${handler}`;
    const documentedDto = typeof documented === 'function' && !BUILT_INS.includes(documented) ? documented : undefined;
    const exampleKey = param.kind === 'param' ? (pipeNames[0] ?? 'String') : (dto?.name ?? documentedDto?.name ?? operationId);
    return {
      id: `${controller.name}.${handler} ${param.kind}${param.data ? `:${param.data}` : ''}`,
      operationId,
      kind: param.kind,
      data: param.data,
      metatype,
      dto,
      exampleKey,
      pipes: param.pipes.map((p) => (typeof p === 'function' ? moduleRef.get(p) : p)),
      knownFields: new Set([...propertiesOf(dto), ...propertiesOf(documented), ...(param.data ? [param.data] : [])]),
    };
  });
}

const globalPipe = createValidationPipe();

async function validate(target: Target, value: unknown): Promise<unknown> {
  const metadata: ArgumentMetadata = { type: target.kind, metatype: target.metatype, data: target.data };
  let result = await globalPipe.transform(value, metadata);
  for (const pipe of target.pipes) result = await pipe.transform(result, metadata);
  return result;
}

/** Why the outcome of validating `input` is wrong, or null when it is right. */
async function problemWith(target: Target, input: unknown): Promise<string | null> {
  let result: unknown;
  try {
    result = await validate(target, input);
  } catch (e) {
    if (!(e instanceof DomainError)) return `threw ${e instanceof Error ? `${e.name}: ${e.message}\n${e.stack}` : String(e)}`;
    // what the client receives: the global filter's answer for this error
    const answer = normaliseError(e);
    if (answer.status < 400 || answer.status >= 500) return `DomainError ${e.code} answers ${answer.status}, not a client error`;
    if (!answer.details?.length) return `${e.code} without details: ${e.message}`;
    const bad = answer.details.filter((d) => !namesAField(d.field, target.knownFields, input) || typeof d.reason !== 'string' || !d.reason);
    return bad.length ? `details that name no field: ${JSON.stringify(bad).slice(0, 500)}` : null;
  }
  const unstorable = inputProblem(result, target.kind);
  if (unstorable) return `resolved to a value with ${unstorable.field} that ${unstorable.reason}`;
  if (target.dto) {
    if (!(result instanceof target.dto)) return `resolved to something that is not a ${target.dto.name}`;
    const unknown = Object.keys(result as object).filter((k) => !target.knownFields.has(k));
    if (unknown.length) return `resolved with unknown fields ${JSON.stringify(unknown)}`;
  }
  return null;
}

function inputsFor(target: Target): fc.Arbitrary<unknown> {
  if (target.kind === 'param') return pathParamValue([PARAM_EXAMPLES[target.exampleKey]].filter(Boolean));
  if (target.kind === 'query') {
    const pairs = queryPairsOf(QUERY_EXAMPLES[target.exampleKey] ?? {});
    return fc.oneof({ weight: 9, arbitrary: pairs.map(encodeQuery) }, { weight: 1, arbitrary: urlTextValue }).map((qs) => parseQuery(qs));
  }
  const example = BODY_EXAMPLES[target.exampleKey];
  if (example === undefined) return hostileValue;
  if (typeof example === 'string') {
    const lines = example.split('\n').map((line) => JSON.parse(line) as unknown);
    const line = fc.oneof(fc.constantFrom(...lines).chain(mutationsOf).map((v) => JSON.stringify(v) ?? ''), textValue);
    return fc.oneof({ weight: 4, arbitrary: fc.array(line, { maxLength: 4 }).map((ls) => ls.join('\n')) }, { weight: 1, arbitrary: hostileValue });
  }
  return fc.oneof({ weight: 3, arbitrary: mutationsOf(example) }, { weight: 1, arbitrary: hostileValue });
}

const prototypeNames = () => Object.getOwnPropertyNames(Object.prototype).sort();

describe('request DTOs under hostile input', () => {
  let targets: Target[] = [];

  beforeAll(async () => {
    const config = loadConfig({ LOG_LEVEL: 'silent', NODE_ENV: 'test' });
    const app = await createApp(config, { preview: true });
    try {
      targets = await discoverTargets(app, config);
    } finally {
      await app.close();
    }
  }, 60_000);

  it('finds a target for every body, query and path parameter of the OpenAPI document', () => {
    const document = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'openapi.json'), 'utf8')) as {
      paths: Record<string, Record<string, { operationId: string; parameters?: { in: string; name: string }[]; requestBody?: { content: Record<string, unknown> } }>>;
    };
    const expected: string[] = [];
    for (const item of Object.values(document.paths)) {
      for (const op of Object.values(item)) {
        const params = op.parameters ?? [];
        if (params.some((p) => p.in === 'query')) expected.push(`${op.operationId} query`);
        for (const p of params.filter((x) => x.in === 'path')) expected.push(`${op.operationId} param:${p.name}`);
        const types = Object.keys(op.requestBody?.content ?? {});
        if (types.some((t) => t !== 'multipart/form-data')) expected.push(`${op.operationId} body`);
      }
    }
    const found = new Set(targets.map((t) => `${t.operationId} ${t.kind}${t.kind === 'param' ? `:${t.data}` : ''}`));
    expect(expected.filter((e) => !found.has(e))).toEqual([]);
    expect(targets.length).toBeGreaterThanOrEqual(expected.length);
  });

  it('has a valid example for every DTO and path parameter, and validation accepts it', async () => {
    const problems: string[] = [];
    for (const target of targets) {
      const example =
        target.kind === 'body' ? BODY_EXAMPLES[target.exampleKey] : target.kind === 'query' ? QUERY_EXAMPLES[target.exampleKey] : PARAM_EXAMPLES[target.exampleKey];
      if (example === undefined) {
        problems.push(`${target.id}: no example for ${target.exampleKey} in test/utils/request-examples.ts`);
        continue;
      }
      const input = target.kind === 'query' ? parseQuery(encodeQuery(Object.entries(example as Record<string, string | string[]>).flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x): [string, string] => [k, x])))) : example;
      try {
        await validate(target, input);
      } catch (e) {
        problems.push(`${target.id}: the example of ${target.exampleKey} is refused: ${JSON.stringify((e as DomainError).details ?? String(e))}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('answers every hostile input with a valid instance or a 4xx naming the fields', async () => {
    const prototypeBefore = prototypeNames();
    const failures: string[] = [];
    for (const target of targets) {
      const property = fc.asyncProperty(inputsFor(target), async (generated) => {
        // a body arrives as JSON.parse made it (own `__proto__` keys included)
        const input = target.kind === 'body' ? jsonRoundTrip(generated) : generated;
        const problem = await problemWith(target, input);
        if (problem) throw new Error(`${problem}\ninput: ${(JSON.stringify(input) ?? String(input)).slice(0, 1000)}`);
        if (prototypeNames().join() !== prototypeBefore.join()) throw new Error('Object.prototype was modified');
      });
      try {
        await fc.assert(property, { numRuns: RUNS, seed: SEED, includeErrorInReport: true });
      } catch (e) {
        failures.push(`${target.id} (reproduce: FUZZ_SEED=${SEED} FUZZ_RUNS=${RUNS / 10}):\n${(e as Error).message.slice(0, 3000)}`);
      }
    }
    expect(failures).toEqual([]);
  }, 300_000);
});
