import { Logger } from '@nestjs/common';
import { startupLogger } from './startup-logger';

function capture(level: string) {
  const lines: Record<string, unknown>[] = [];
  const logger = startupLogger({ level, pretty: false }, { write: (line: string) => lines.push(JSON.parse(line)) });
  return { logger, lines };
}

describe('startupLogger', () => {
  afterEach(() => Logger.overrideLogger(true));

  it("writes Nest's static log calls as the application's JSON lines, with their context", () => {
    const { logger, lines } = capture('info');
    Logger.overrideLogger(logger);
    new Logger('EmbeddedPostgres').log('Embedded PostgreSQL listening on 127.0.0.1:54329');
    new Logger('EmbeddedPostgres').warn('could not remove a stale pid file');
    expect(lines).toEqual([
      expect.objectContaining({ level: 30, context: 'EmbeddedPostgres', msg: 'Embedded PostgreSQL listening on 127.0.0.1:54329' }),
      expect.objectContaining({ level: 40, context: 'EmbeddedPostgres', msg: 'could not remove a stale pid file' }),
    ]);
  });

  it('keeps to LOG_LEVEL: debug lines are dropped at info', () => {
    const { logger, lines } = capture('info');
    Logger.overrideLogger(logger);
    new Logger('EmbeddedPostgres').debug('LOG:  database system is ready to accept connections');
    new Logger('EmbeddedPostgres').verbose('trace');
    expect(lines).toEqual([]);
  });

  it('keeps the stack of an error beside its context', () => {
    const { logger, lines } = capture('info');
    Logger.overrideLogger(logger);
    new Logger('Redis').error('redis-server did not start', 'Error: spawn redis-server ENOENT\n    at x');
    expect(lines).toEqual([
      expect.objectContaining({ level: 50, context: 'Redis', msg: 'redis-server did not start', err: { stack: 'Error: spawn redis-server ENOENT\n    at x' } }),
    ]);
  });
});
