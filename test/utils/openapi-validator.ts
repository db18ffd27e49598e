import Ajv, { ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

type Schema = Record<string, unknown>;

/** Every object schema that lists its properties and says nothing of others allows no others. */
function closed(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closed);
  if (!schema || typeof schema !== 'object') return schema;
  const entries = Object.entries(schema).map(([k, v]) => [k, k === 'properties' ? closedMap(v) : closed(v)]);
  const copy = Object.fromEntries(entries);
  if ('properties' in copy && !('additionalProperties' in copy)) copy.additionalProperties = false;
  return copy;
}

function closedMap(properties: unknown): unknown {
  return Object.fromEntries(Object.entries(properties as Schema).map(([k, v]) => [k, closed(v)]));
}

/**
 * Checks a value against a component schema of the committed openapi.json, as a generated client would read it.
 * Objects are closed: a field the server sends but the contract does not describe is an error too.
 */
export function openApiValidator(): (schema: string, value: unknown) => string[] {
  const document = JSON.parse(readFileSync(join(__dirname, '..', '..', 'openapi.json'), 'utf8'));
  const ajv = new Ajv({ allErrors: true, strict: true });
  addFormats(ajv);
  ajv.addVocabulary(['example']);
  // each component schema under its own id, its `#/components/schemas/X` references rewritten to those ids
  const refs = JSON.stringify(document.components.schemas).replace(/"#\/components\/schemas\/([^"]+)"/g, '"$1"');
  for (const [name, schema] of Object.entries<object>(JSON.parse(refs))) ajv.addSchema(closed(schema) as Schema, name);
  return (schema, value) => {
    const validate = ajv.getSchema(schema);
    if (!validate) return [`${schema}: no such schema in openapi.json`];
    if (validate(value)) return [];
    const extra = (e: ErrorObject) => ('additionalProperty' in e.params ? ` (${e.params.additionalProperty})` : '');
    return (validate.errors ?? []).map((e) => `${schema}${e.instancePath} ${e.message}${extra(e)}`);
  };
}
