import { LoggerService } from '@nestjs/common';
import pino, { DestinationStream, Level, Logger } from 'pino';
import { AppConfig } from '../../config/app-config';

/** pino-pretty's single-line form, for LOG_PRETTY: the application's logger and this one write alike. */
export const PRETTY_TRANSPORT = { target: 'pino-pretty', options: { singleLine: true } };

/**
 * Nest's static logger for what runs before the application's own logger exists (Redis and the embedded
 * PostgreSQL at start-up): the same JSON lines (or pino-pretty with LOG_PRETTY), context and LOG_LEVEL as the
 * application's, instead of Nest's coloured console lines at every level. The application replaces it with its
 * own once created.
 */
export function startupLogger(log: AppConfig['log'], destination?: DestinationStream): LoggerService {
  const options = { level: log.level };
  const root = log.pretty
    ? pino({ ...options, transport: PRETTY_TRANSPORT })
    : destination
      ? pino(options, destination)
      : pino(options);
  return {
    log: at(root, 'info'),
    error: at(root, 'error'),
    warn: at(root, 'warn'),
    debug: at(root, 'debug'),
    verbose: at(root, 'trace'),
    fatal: at(root, 'fatal'),
  };
}

/** Nest passes the context last (`error(message, stack, context)`); anything before it is the error's stack. */
function at(root: Logger, level: Level) {
  return (message: unknown, ...params: unknown[]): void => {
    const context = params.length > 0 && typeof params[params.length - 1] === 'string' ? (params.pop() as string) : undefined;
    const stack = params.find((p): p is string => typeof p === 'string');
    const fields = { context, ...(stack ? { err: { stack } } : {}) };
    if (message instanceof Error) root[level]({ ...fields, err: message }, message.message);
    else root[level](fields, typeof message === 'string' ? message : JSON.stringify(message));
  };
}
