import { Command } from 'commander';
import { DataSource } from 'typeorm';
import { releaseServices } from '../../bootstrap';
import { buildDataSourceOptions } from '../../database/data-source-options';
import { commandConfig, output } from '../cli-context';

/** A DataSource on the server's database (DATABASE_URL, or the embedded one, running or started for the command). */
async function withDataSource<T>(fn: (ds: DataSource) => Promise<T>): Promise<T> {
  const config = await commandConfig();
  const ds = new DataSource({ ...buildDataSourceOptions(config.database.url!, 2), logging: false });
  await ds.initialize();
  try {
    return await fn(ds);
  } finally {
    await ds.destroy();
    await releaseServices();
  }
}

export function databaseCommands(program: Command): void {
  program
    .command('db:migrate')
    .description('Apply the pending migrations, each in its own transaction')
    .option('--json', 'print the applied migrations as a JSON array')
    .action(async (opts: { json?: boolean }) => {
      const applied = await withDataSource((ds) => ds.runMigrations({ transaction: 'each' }));
      const names = applied.map((m) => m.name);
      output(opts.json, names, () => (names.length ? names.map((n) => `applied ${n}\n`).join('') : 'no pending migration\n'));
    });

  program
    .command('db:revert')
    .description('Revert the last applied migration')
    .option('--json', 'print the reverted migration as JSON')
    .action(async (opts: { json?: boolean }) => {
      const reverted = await withDataSource(async (ds) => {
        const [last] = await ds.query('SELECT name FROM migrations ORDER BY id DESC LIMIT 1');
        if (!last) return null;
        await ds.undoLastMigration({ transaction: 'each' });
        return String(last.name);
      });
      output(opts.json, { reverted }, () => (reverted ? `reverted ${reverted}\n` : 'no migration to revert\n'));
    });
}
