import { inputProblem } from '../../common/http/validation';
import { FieldProblem } from '../../core/domain-error';
import { MAX_REPORTED_PROBLEMS, ValidatedFlow } from '../ingest/flow-input';
import { ClassifiedFlow } from '../ingest/ingest-writer.service';
import { readEveEvent } from './eve-event';
import { isRecord } from './eve-fields';

/** A request of EVE events, validated and sorted: flows for the model, Suricata alerts, the rest counted. */
export interface EveBatch {
  /** Events per `event_type`, every type included. */
  counts: Record<string, number>;
  flows: ValidatedFlow[];
  alerts: ClassifiedFlow[];
  skipped: number;
}

export type EveReadResult = { ok: true; batch: EveBatch } | { ok: false; problems: FieldProblem[] };

/**
 * Reads NDJSON of Suricata EVE events (one JSON object per line; blank lines are ignored). Every problem is
 * reported as `{field: 'line N', reason}` (N counts from 1, blank lines included), at most
 * MAX_REPORTED_PROBLEMS of them.
 */
export function readEveNdjson(body: string): EveReadResult {
  const counts = new Map<string, number>();
  const batch: Omit<EveBatch, 'counts'> = { flows: [], alerts: [], skipped: 0 };
  const problems: FieldProblem[] = [];
  const lines = body.split('\n');
  for (let i = 0; i < lines.length && problems.length < MAX_REPORTED_PROBLEMS; i++) {
    const line = lines[i].trim();
    if (!line) continue;
    const field = `line ${i + 1}`;
    const reasons = readLine(line, batch, counts);
    for (const reason of reasons) problems.push({ field, reason });
  }
  if (problems.length) return { ok: false, problems: problems.slice(0, MAX_REPORTED_PROBLEMS) };
  if (counts.size === 0) return { ok: false, problems: [{ field: 'body', reason: 'holds no EVE events (one JSON object per line)' }] };
  return { ok: true, batch: { ...batch, counts: Object.fromEntries(counts) } };
}

function readLine(line: string, batch: Omit<EveBatch, 'counts'>, counts: Map<string, number>): string[] {
  let event: unknown;
  try {
    event = JSON.parse(line);
  } catch {
    return ['is not valid JSON'];
  }
  if (!isRecord(event)) return ['must be a JSON object (one EVE event)'];
  // text PostgreSQL cannot store (NUL, lone surrogates) and absurd nesting refuse the line, naming the field
  const unusable = inputProblem(event, '');
  if (unusable) return [unusable.field ? `${unusable.field}: ${unusable.reason}` : unusable.reason];
  const type = event.event_type;
  if (typeof type !== 'string' || type.length < 1 || type.length > 64) return ['event_type: must be a string of 1 to 64 characters'];
  counts.set(type, (counts.get(type) ?? 0) + 1);
  const reasons: string[] = [];
  const item = readEveEvent(event, line, reasons);
  if (!item) return reasons.length ? reasons : ['could not be read as an EVE event'];
  if (reasons.length) return reasons;
  if (item.kind === 'flow') batch.flows.push(item.flow);
  else if (item.kind === 'alert') batch.alerts.push(item.item);
  else batch.skipped++;
  return [];
}
