import { parse as parseQuery } from 'fast-querystring';
import type { Response as InjectResponse } from 'light-my-request';
import { ErrorCode } from '../../src/core/domain-error';
import { namesAField } from '../utils/field-names';
import { ownObject } from '../utils/hostile-input';
import { FuzzRequest, Operation } from './openapi-requests';

const ERROR_KEYS = new Set(['status_code', 'error', 'message', 'details', 'correlation_id']);
const CODES = new Set<string>(Object.values(ErrorCode));
/** Client errors about the input: the body must list each field concerned. */
export const FIELD_STATUSES = new Set([400, 413, 415, 422]);

/** The body's fields as the server parsed them: JSON, or a form (`a=1&b=2`); none for anything else. */
function fieldsOf(request: FuzzRequest): object {
  if (request.sentBody !== undefined) {
    const body = request.sentBody;
    return body !== null && typeof body === 'object' && !Array.isArray(body) ? body : {};
  }
  const type = (request.headers['content-type'] ?? '').toLowerCase();
  if (type.startsWith('application/x-www-form-urlencoded')) return parseQuery(request.payload ?? '') as object;
  try {
    const value: unknown = JSON.parse(request.payload ?? '');
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : {};
  } catch {
    return {};
  }
}

/** What the server received, as one object of the body's and the query's fields (or the NDJSON text). */
function sent(op: Operation, request: FuzzRequest): unknown {
  if (op.body['application/x-ndjson'] && typeof request.payload === 'string') return request.payload;
  return ownObject([...Object.entries(fieldsOf(request)), ...request.sentQuery]);
}

/**
 * Why a response breaks the contract, or null: no 5xx; every error in the README's shape
 * (`{status_code, error, message, details?: [{field, reason}], correlation_id}`) with the request's correlation id;
 * a 400, 413, 415 or 422 names each field concerned (`body` for the body as a whole).
 */
export function contractProblem(op: Operation, request: FuzzRequest, res: InjectResponse): string | null {
  if (res.statusCode >= 500) return `answered ${res.statusCode}: ${res.body.slice(0, 300)}`;
  if (res.statusCode < 400) return null;
  let body: Record<string, unknown>;
  try {
    body = res.json();
  } catch {
    return `error ${res.statusCode} is not JSON: ${res.body.slice(0, 200)}`;
  }
  const extra = Object.keys(body).filter((k) => !ERROR_KEYS.has(k));
  if (extra.length) return `error body has unexpected keys ${JSON.stringify(extra)}`;
  if (body.status_code !== res.statusCode) return `status_code ${String(body.status_code)} differs from the status ${res.statusCode}`;
  if (typeof body.error !== 'string' || !CODES.has(body.error)) return `error ${JSON.stringify(body.error)} is not an ErrorCode`;
  if (typeof body.message !== 'string' || !body.message) return 'message is missing';
  if (typeof body.correlation_id !== 'string' || body.correlation_id !== res.headers['x-request-id']) return 'correlation_id differs from X-Request-Id';
  const details = body.details;
  if (details !== undefined && (!Array.isArray(details) || details.some((d) => typeof d?.field !== 'string' || typeof d?.reason !== 'string'))) {
    return `details is not a list of {field, reason}: ${JSON.stringify(details).slice(0, 300)}`;
  }
  if (!FIELD_STATUSES.has(res.statusCode)) return null;
  if (!Array.isArray(details) || details.length === 0) return `${res.statusCode} ${String(body.error)} names no field: ${String(body.message)}`;
  // `url`: a URL that cannot be decoded reaches no route, hence no parameter to name
  const declared = new Set([...op.declared, 'url']);
  const unnamed = (details as { field: string; reason: string }[]).filter((d) => !namesAField(d.field, declared, sent(op, request)) || !d.reason);
  return unnamed.length ? `details that name no field of the request: ${JSON.stringify(unnamed).slice(0, 300)}` : null;
}
