import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Command } from 'commander';
import { SYSTEM_ACTOR } from '../../common/auth/principal';
import { DomainError } from '../../core/domain-error';
import { toModelVersionDto } from '../../inference/registry/model-version.dto';
import { ModelRegistryService } from '../../inference/registry/model-registry.service';
import { output, table, withApp } from '../cli-context';

const compiled = !__filename.endsWith('.ts');

/**
 * `model-evaluate` (the scoring script) on the version's files, its output passed through; resolves to its exit code.
 */
function runEvaluation(modelDir: string, data: string, json: boolean | undefined): Promise<number> {
  const script = join(__dirname, '..', `model-evaluate.${compiled ? 'js' : 'ts'}`);
  const [file, args] = compiled
    ? [process.execPath, [script]]
    : [join(__dirname, '..', '..', '..', 'node_modules', '.bin', 'ts-node'), ['--swc', script]];
  const child = spawn(file, [...args, '--model', modelDir, '--data', data, ...(json ? ['--json'] : [])], { stdio: 'inherit' });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => resolve(code ?? 1));
  });
}

export function modelCommands(program: Command): void {
  program
    .command('model:list')
    .description('List the registered model versions (the active one is marked)')
    .option('--json', 'print a JSON array')
    .action(async (opts: { json?: boolean }) => {
      await withApp(async (app) => {
        const versions = (await app.get(ModelRegistryService, { strict: false }).list()).map(toModelVersionDto);
        const rows = versions.map((v) => ({ ...v, macro_f1: v.metrics.macroF1 ?? null }));
        output(opts.json, versions, () => table(rows, ['version', 'is_active', 'is_shadow', 'macro_f1', 'created_at', 'activated_at']));
      });
    });

  program
    .command('model:activate')
    .description('Make a registered version the active model (running servers load it on their next registry check)')
    .argument('<version>', 'a version from model:list')
    .option('--json', 'print the version as JSON')
    .action(async (version: string, opts: { json?: boolean }) => {
      await withApp(async (app) => {
        const active = await app.get(ModelRegistryService, { strict: false }).activate(SYSTEM_ACTOR, version);
        output(opts.json, toModelVersionDto(active), () => `activated model ${active.version}\n`);
      });
    });

  program
    .command('model:evaluate')
    .description('Score a registered version on labelled CIC-IDS2017 flows (accuracy, macro-F1, per class)')
    .argument('<version>', 'a version from model:list')
    .requiredOption('--data <path>', 'labelled CSV file or directory of CSV files')
    .option('--json', 'print one JSON object')
    .action(async (version: string, opts: { data: string; json?: boolean }) => {
      const dir = await withApp(async (app) => {
        const row = (await app.get(ModelRegistryService, { strict: false }).list()).find((v) => v.version === version);
        if (!row) throw DomainError.notFound('Model version', version);
        return row.artifactPath;
      });
      const code = await runEvaluation(dir, opts.data, opts.json);
      if (code !== 0) process.exitCode = code;
    });
}
