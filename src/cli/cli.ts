import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { Command, CommanderError } from 'commander';
import { DomainError, ErrorCode } from '../core/domain-error';
import { apiKeysCommands } from './commands/api-keys.command';
import { databaseCommands } from './commands/database.command';
import { flowsImportCommands } from './commands/flows-import.command';
import { modelCommands } from './commands/model.command';
import { usersCommands } from './commands/users.command';

/**
 * `npm run cli -- <command>`: administration on the server's own database and Redis (the same environment as
 * the server; the embedded PostgreSQL of a running server is used, not started twice). Exit codes: 0 done,
 * 1 failed, 2 invalid input (usage, validation), 3 an import still unfinished at --timeout, 4 not found.
 */
const EXIT_FAILED = 1;
const EXIT_INVALID = 2;
const EXIT_NOT_FOUND = 4;

// a command's output is its result: the services' start-up notes (embedded database, first-admin hint) stay out
Logger.overrideLogger(['error']);

const program = new Command('ids-ai')
  .description('IDS-AI administration commands')
  .showHelpAfterError()
  .exitOverride();
usersCommands(program);
apiKeysCommands(program);
flowsImportCommands(program);
modelCommands(program);
databaseCommands(program);

function exitCodeOf(e: unknown): number {
  if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : EXIT_INVALID;
  if (e instanceof DomainError && e.code === ErrorCode.VALIDATION_FAILED) return EXIT_INVALID;
  if (e instanceof DomainError && e.code === ErrorCode.NOT_FOUND) return EXIT_NOT_FOUND;
  return EXIT_FAILED;
}

program.parseAsync(process.argv).then(
  () => process.exit(process.exitCode ?? 0),
  (e: unknown) => {
    // commander has printed its own message (usage errors, --help)
    if (!(e instanceof CommanderError)) {
      process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
      const details = e instanceof DomainError ? e.details : undefined;
      for (const d of details ?? []) process.stderr.write(`  ${d.field}: ${d.reason}\n`);
    }
    process.exit(exitCodeOf(e));
  },
);
