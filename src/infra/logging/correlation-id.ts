import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const VALID_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const KEY = Symbol.for('ids.correlationId');

type Tagged = IncomingMessage & { [KEY]?: string };

/**
 * The correlation id of a request: the caller's `X-Request-Id` when it is a sane token, else a new UUID. It is
 * computed once per raw request, so Fastify's request id, the log lines and the response header agree.
 */
export function correlationIdOf(req: IncomingMessage): string {
  const tagged = req as Tagged;
  if (tagged[KEY]) return tagged[KEY];
  const header = req.headers['x-request-id'];
  const candidate = Array.isArray(header) ? header[0] : header;
  const id = candidate && VALID_ID.test(candidate) ? candidate : randomUUID();
  tagged[KEY] = id;
  return id;
}
