import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { DomainError, FieldProblem } from '../../core/domain-error';
import { holdsNoEscape } from './json-body';

/** A key that reads unambiguously after a dot; others (empty, with dots, brackets, quotes, spaces) are quoted. */
const PLAIN_KEY = /^[\p{L}\p{N}_$-]+$/u;

/**
 * The path of `property` inside `parent`: `flows[3]`, `filter.status`, `filter["a.b"]`, `[""]`. `plain` tells
 * which keys read unambiguously after a dot (others are quoted).
 */
export function joinPath(parent: string, property: string, plain: RegExp = PLAIN_KEY): string {
  if (/^\d+$/.test(property)) return parent ? `${parent}[${property}]` : property;
  if (!plain.test(property)) return `${parent}[${JSON.stringify(property)}]`;
  return parent ? `${parent}.${property}` : property;
}

/**
 * Flattens class-validator errors into `{field, reason}` pairs with paths such as `flows[3].src_ip`; a key that
 * a dotted path cannot hold is quoted (`filter["a.b"]`, `[""]`).
 */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const field = joinPath(parent, error.property);
    const own = Object.values(error.constraints ?? {}).map((reason) => ({ field, reason }));
    return [...own, ...flattenValidationErrors(error.children ?? [], field)];
  });
}

/** The deepest nesting of objects and arrays a request body may have (the body itself is level 1). */
export const MAX_BODY_DEPTH = 32;

const NUL_REASON = 'must not contain the NUL character (U+0000)';
const SURROGATE_REASON = 'must be valid Unicode (it holds a lone surrogate)';

/** Why a string cannot be taken as text (PostgreSQL refuses NUL; a lone surrogate has no UTF-8 form), or null. */
export function textProblem(text: string): string | null {
  if (!SUSPECT.test(text)) return null;
  if (text.includes('\u0000')) return NUL_REASON;
  return /\p{Cs}/u.test(text) ? SURROGATE_REASON : null;
}

/** NUL or any surrogate code unit: one quick test that clears almost every string (pairs are checked further). */
// eslint-disable-next-line no-control-regex -- NUL is exactly what it looks for
const SUSPECT = /[\u0000\ud800-\udfff]/;

interface Visit {
  node: object;
  depth: number;
  parent: Visit | null;
  key: string;
}

function pathOf(visit: Visit | null, key?: string): string {
  const keys: string[] = key === undefined ? [] : [key];
  for (let v = visit; v?.parent; v = v.parent) keys.unshift(v.key);
  return keys.reduce((path, key) => joinPath(path, key), '');
}

/**
 * The first part of a request value that no handler should receive, as a field problem: objects and arrays
 * nested deeper than {@link MAX_BODY_DEPTH} (recursive code after this pipe, from prototype-key stripping to
 * class-transformer and JSON columns, would exhaust the stack), or a string (or key) that is not text: NUL,
 * which PostgreSQL cannot store, or a lone surrogate, which has no UTF-8 form (validators that encode it throw).
 * Iterative, and it builds a path only for the problem it reports; `root` names the value itself. Strings are not
 * checked when `checkText` is false (a body parsed from JSON text without escapes cannot hold either: see
 * `holdsNoEscape`).
 */
export function inputProblem(value: unknown, root: string, checkText = true): FieldProblem | null {
  if (typeof value === 'string') {
    const reason = textProblem(value);
    return reason ? { field: root, reason } : null;
  }
  if (value === null || typeof value !== 'object') return null;
  const problem = scan(value, root, checkText);
  // inside an array given where an object was expected, a path would name nothing of the API
  return problem && Array.isArray(value) ? { field: root, reason: problem.reason } : problem;
}

function scan(value: object, root: string, checkText: boolean): FieldProblem | null {
  const pending: Visit[] = [{ node: value, depth: 1, parent: null, key: root }];
  while (pending.length) {
    const visit = pending.pop() as Visit;
    if (visit.depth > MAX_BODY_DEPTH) {
      let top = visit;
      while (top.parent?.parent) top = top.parent;
      return { field: top.parent ? pathOf(top) : root, reason: `nests more than ${MAX_BODY_DEPTH} levels of objects and arrays` };
    }
    if (Array.isArray(visit.node)) {
      const items: unknown[] = visit.node;
      for (let i = 0; i < items.length; i++) {
        const problem = check(items[i], visit, String(i), pending, checkText);
        if (problem) return problem;
      }
      continue;
    }
    const node = visit.node as Record<string, unknown>;
    for (const key in node) {
      const reason = checkText ? textProblem(key) : null;
      if (reason) return { field: pathOf(visit, key), reason };
      const problem = check(node[key], visit, key, pending, checkText);
      if (problem) return problem;
    }
  }
  return null;
}

/** A string child's problem, or an object child queued for the scan. */
function check(child: unknown, parent: Visit, key: string, pending: Visit[], checkText: boolean): FieldProblem | null {
  if (typeof child === 'string') {
    if (!checkText) return null;
    const reason = textProblem(child);
    return reason ? { field: pathOf(parent, key), reason } : null;
  }
  if (child !== null && typeof child === 'object') pending.push({ node: child, depth: parent.depth + 1, parent, key });
  return null;
}

/** The global pipe: unknown fields are rejected (mass assignment), payloads are transformed to DTO classes. */
class RequestValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' || metadata.type === 'query' || metadata.type === 'param') {
      const root = metadata.type === 'param' ? (metadata.data ?? 'param') : metadata.type;
      const problem = inputProblem(value, root, !(metadata.type === 'body' && holdsNoEscape(value)));
      if (problem) throw DomainError.validation([problem]);
    }
    // a DTO body is a JSON object: an array or a scalar is refused as a whole rather than field by field
    const scalarOrArray = value !== undefined && value !== null && (typeof value !== 'object' || Array.isArray(value));
    if (metadata.type === 'body' && scalarOrArray && this.toValidate(metadata)) {
      throw DomainError.validation([{ field: 'body', reason: 'must be a JSON object' }]);
    }
    return super.transform(value, metadata);
  }
}

export function createValidationPipe(): ValidationPipe {
  return new RequestValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => DomainError.validation(flattenValidationErrors(errors)),
  });
}
