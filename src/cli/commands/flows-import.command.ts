import { SingleBar } from 'cli-progress';
import { Command, InvalidArgumentError } from 'commander';
import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DomainError } from '../../core/domain-error';
import { FlowImportService, ImportStatus } from '../../flows/import/flow-import.service';
import { ImportQueryDto } from '../../flows/import/import-query.dto';
import { output, validated, withApp } from '../cli-context';

const FINAL_STATES = new Set(['completed', 'failed']);
const POLL_MS = 500;

/** Exit code of an import still unfinished when `--timeout` runs out. */
export const EXIT_TIMEOUT = 3;

function positiveSeconds(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number of seconds, at least 1');
  return n;
}

function summary(s: ImportStatus): string {
  const p = s.progress;
  const counts = p ? `: ${p.rows} rows, ${p.flows_stored} flows stored, ${p.skipped} skipped, ${p.alerts_raised} alerts raised` : '';
  return `import ${s.job_id} ${s.state}${counts}${s.error ? ` (${s.error})` : ''}\n`;
}

/** Polls the import until it completes or fails, drawing a progress bar on stderr when it is a terminal. */
async function follow(imports: FlowImportService, first: ImportStatus, timeoutSec: number): Promise<ImportStatus> {
  const bar = process.stderr.isTTY
    ? new SingleBar({ stream: process.stderr, format: 'importing [{bar}] {percentage}% | {rows} rows | {alerts} alerts', hideCursor: true })
    : null;
  bar?.start(1, 0, { rows: 0, alerts: 0 });
  const deadline = Date.now() + timeoutSec * 1000;
  let status = first;
  try {
    while (!FINAL_STATES.has(status.state) && Date.now() < deadline) {
      await sleep(POLL_MS);
      status = await imports.status(first.job_id, null);
      const p = status.progress;
      if (p) bar?.setTotal(Math.max(p.bytes_total, 1));
      if (p) bar?.update(p.bytes_read, { rows: p.rows, alerts: p.alerts_raised });
    }
  } finally {
    bar?.stop();
  }
  return status;
}

export function flowsImportCommands(program: Command): void {
  program
    .command('flows:import')
    .description(
      'Import a CICFlowMeter CSV (any dialect: docs/flow-dialects.md) through the ingest pipeline. A running server ' +
        '(PROCESS_ROLE all or worker) processes it; --follow waits for the end and shows the progress.',
    )
    .argument('<file>', 'the CSV file')
    .option('--follow', 'wait until the import has completed or failed (exit code 1 when it failed)')
    .option('--timeout <seconds>', `with --follow: give up after this long (exit code ${EXIT_TIMEOUT})`, positiveSeconds, 600)
    .option('--time-zone <zone>', 'IANA time zone of the file\'s local timestamps (default UTC)')
    .option('--json', 'print the import status as JSON')
    .action(async (file: string, opts: { follow?: boolean; timeout: number; timeZone?: string; json?: boolean }) => {
      const path = resolve(file);
      await access(path).catch(() => {
        throw DomainError.validation([{ field: 'file', reason: `cannot read ${path}` }]);
      });
      const query = await validated(ImportQueryDto, { time_zone: opts.timeZone });
      const status = await withApp(async (app) => {
        const imports = app.get(FlowImportService, { strict: false });
        const accepted = await imports.accept(createReadStream(path), basename(path), null, query.time_zone ?? null);
        if (!opts.follow) return accepted;
        if (!opts.json) process.stderr.write(`import ${accepted.job_id} queued; waiting for a worker to process it\n`);
        return follow(imports, accepted, opts.timeout);
      });
      output(opts.json, status, () => summary(status));
      if (status.state === 'failed') process.exitCode = 1;
      else if (opts.follow && status.state !== 'completed') {
        process.stderr.write(`still ${status.state} after ${opts.timeout} s: is the server running (PROCESS_ROLE all or worker)?\n`);
        process.exitCode = EXIT_TIMEOUT;
      }
    });
}
