import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Checks realtime events against the committed AsyncAPI document: what a socket receives must match the
 * payload schema of the message with the event's name.
 */
export function asyncApiValidator(): (event: string, payload: unknown) => string[] {
  const document = JSON.parse(readFileSync(join(__dirname, '..', '..', 'asyncapi.json'), 'utf8'));
  const ajv = new Ajv({ allErrors: true, strict: true });
  addFormats(ajv);
  // each component schema under its own id, its `#/components/schemas/X` references rewritten to those ids
  const refs = JSON.stringify(document.components.schemas).replace(/"#\/components\/schemas\/([^"]+)"/g, '"$1"');
  for (const [name, schema] of Object.entries<object>(JSON.parse(refs))) ajv.addSchema(schema, name);
  const validators = new Map<string, ValidateFunction>();
  for (const [name, message] of Object.entries<{ payload: { $ref: string } }>(document.components.messages)) {
    validators.set(name, ajv.getSchema(message.payload.$ref.replace('#/components/schemas/', ''))!);
  }
  return (event, payload) => {
    const validate = validators.get(event);
    if (!validate) return [`${event}: no such message in asyncapi.json`];
    return validate(payload) ? [] : (validate.errors ?? []).map((e) => `${event}${e.instancePath} ${e.message}`);
  };
}
