import { FieldProblem } from '../../core/domain-error';
import { ValidatedFlow, validateFlow } from '../ingest/flow-input';

/** One stream entry as read: its field / value pairs, null when it was deleted (trimmed) while pending. */
export interface StreamEntry {
  id: string;
  fields: [string, string][] | null;
}

/** An entry that passed validation. */
export interface ParsedEntry {
  id: string;
  flows: ValidatedFlow[];
  sensorId: string | null;
  /** A `sensor` given as the API key's name, still to be resolved to the key's id. */
  sensorName?: string;
}

export type EntryCheck = { ok: true; entry: ParsedEntry } | { ok: false; reason: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** The longest API key name (api_keys.name). */
const MAX_SENSOR_NAME = 200;
/** At most this many problems are spelled out in a dead-letter reason. */
const MAX_REASONS = 10;

/** The field / value pairs of a raw XREADGROUP / XAUTOCLAIM entry (`[f1, v1, f2, v2, …]`). */
export function pairsOf(raw: readonly unknown[]): [string, string][] {
  const pairs: [string, string][] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) pairs.push([String(raw[i]), String(raw[i + 1])]);
  return pairs;
}

/** Name → value, or the first name that appears twice. */
function recordOf(pairs: [string, string][]): { fields: Record<string, string> } | { repeated: string } {
  const fields: Record<string, string> = Object.create(null);
  for (const [name, value] of pairs) {
    if (name in fields) return { repeated: name };
    fields[name] = value;
  }
  return { fields };
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

function describe(problems: FieldProblem[]): string {
  const shown = problems.slice(0, MAX_REASONS).map((p) => `${p.field}: ${p.reason}`);
  const more = problems.length > MAX_REASONS ? `; and ${problems.length - MAX_REASONS} more` : '';
  return shown.join('; ') + more;
}

/**
 * Validates one entry of the ingest stream: a field `flow` (one flow, the JSON body of `POST /flows`) or `flows`
 * (a JSON array of them, at most `maxFlows`), and optionally `sensor`: the sensor's API key id (a UUID) or name
 * (resolved later, see `StreamBatchService`). Other fields are ignored. An invalid entry is reported with the
 * reason it gets in the dead-letter stream.
 */
export function parseStreamEntry(id: string, pairs: [string, string][], maxFlows: number): EntryCheck {
  const record = recordOf(pairs);
  if ('repeated' in record) return { ok: false, reason: `${record.repeated}: appears more than once` };
  const { fields } = record;
  const hasOne = fields.flow !== undefined;
  const hasMany = fields.flows !== undefined;
  if (hasOne === hasMany) return { ok: false, reason: 'an entry must have exactly one of the fields flow and flows' };
  const sensor = fields.sensor;
  if (sensor !== undefined && (sensor.trim() === '' || sensor.length > MAX_SENSOR_NAME)) {
    return { ok: false, reason: `sensor: must be the sensor's API key id (a UUID) or name (1 to ${MAX_SENSOR_NAME} characters)` };
  }
  const name = hasOne ? 'flow' : 'flows';
  const json = parseJson(hasOne ? fields.flow : fields.flows);
  if (!json.ok) return { ok: false, reason: `${name}: is not valid JSON` };
  let items: unknown[];
  if (hasOne) items = [json.value];
  else if (!Array.isArray(json.value) || json.value.length === 0) return { ok: false, reason: 'flows: must be a non-empty JSON array' };
  else if (json.value.length > maxFlows) return { ok: false, reason: `flows: has ${json.value.length} items; the maximum is ${maxFlows}` };
  else items = json.value;
  const problems: FieldProblem[] = [];
  const flows: ValidatedFlow[] = [];
  for (let i = 0; i < items.length && problems.length < MAX_REASONS; i++) {
    const flow = validateFlow(items[i], hasOne ? 'flow' : `flows[${i}]`, problems);
    if (flow) flows.push(flow);
  }
  if (problems.length) return { ok: false, reason: describe(problems) };
  if (sensor !== undefined && !UUID.test(sensor)) return { ok: true, entry: { id, flows, sensorId: null, sensorName: sensor } };
  return { ok: true, entry: { id, flows, sensorId: sensor ? sensor.toLowerCase() : null } };
}

/**
 * Splits valid entries into ingest calls: one per sensor (a call has one sensor id), each of at most `maxFlows`
 * flows, entries never split. Usually a whole read batch is one call.
 */
export function planIngestCalls(entries: ParsedEntry[], maxFlows: number): ParsedEntry[][] {
  const bySensor = new Map<string | null, ParsedEntry[]>();
  for (const e of entries) {
    const group = bySensor.get(e.sensorId);
    if (group) group.push(e);
    else bySensor.set(e.sensorId, [e]);
  }
  const calls: ParsedEntry[][] = [];
  for (const group of bySensor.values()) {
    let call: ParsedEntry[] = [];
    let size = 0;
    for (const e of group) {
      if (call.length && size + e.flows.length > maxFlows) {
        calls.push(call);
        call = [];
        size = 0;
      }
      call.push(e);
      size += e.flows.length;
    }
    if (call.length) calls.push(call);
  }
  return calls;
}

/** Compares two stream entry ids (`<ms>-<seq>`) numerically. */
export function compareEntryIds(a: string, b: string): number {
  const [am, as] = a.split('-').map(BigInt);
  const [bm, bs] = b.split('-').map(BigInt);
  if (am !== bm) return am < bm ? -1 : 1;
  return as === bs ? 0 : as < bs ? -1 : 1;
}
