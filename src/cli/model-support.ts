import { Command } from 'commander';
import { promises as fs } from 'node:fs';
import { join, resolve } from 'node:path';
import { ARTIFACT_FILES, ModelManifest } from '../inference/model/model-artifact';
import { parseDataSource, readDataSources } from '../inference/model/training-data';
import { countTrainingSupport, supportRowsOf, TRAINING_SUPPORT_FILE, writeTrainingSupport } from '../inference/model/training-support';
import { DIALECTS_HELP } from '../core/features/flow-dialects';
import { parseFraction, runCli } from './model-cli-support';

/**
 * Writes `training-support.json` beside a model version trained before `model:train` wrote it, from the same
 * training files: `npm run model:support -- --model models/default-eve --data <csv or dir> [--data …]`. The row
 * count must match the manifest's, so the counts describe the rows the model was fitted on.
 */
function parseArgs() {
  return new Command('model:support')
    .requiredOption('--model <dir>', 'model version directory to write the file into')
    .requiredOption('--data <sources...>', 'the training data sources, as given to model:train')
    .option('--holdout <fraction>', 'share held out per evaluation fold in the training run', parseFraction, 0.2)
    .addHelpText('after', DIALECTS_HELP)
    .parse()
    .opts<{ model: string; data: string[]; holdout: number }>();
}

async function main(): Promise<void> {
  const args = parseArgs();
  const dir = resolve(args.model);
  const manifest = JSON.parse(await fs.readFile(join(dir, ARTIFACT_FILES.manifest), 'utf8')) as ModelManifest;
  const flows = await readDataSources(args.data.map(parseDataSource).map((s) => ({ ...s, path: resolve(s.path) })));
  const support = countTrainingSupport(supportRowsOf(flows), Math.round(1 / args.holdout));
  const expected = manifest.training?.rows;
  if (expected !== undefined && expected !== support.rows) {
    throw new Error(`the data has ${support.rows} rows, model ${manifest.version} was trained on ${expected}`);
  }
  await writeTrainingSupport(dir, support);
  const perProtocol = Object.entries(support.protocols).map(([p, classes]) => {
    const rows = Object.values(classes).reduce((a, b) => a + b, 0);
    return `protocol ${p}: ${rows} rows, ${Object.keys(classes).length} classes`;
  });
  process.stderr.write(
    `${[...perProtocol, `unknown protocol: ${support.unknownProtocolRows} rows`].join('\n')}\n` +
      `wrote ${join(dir, TRAINING_SUPPORT_FILE)} (${support.rows} rows, ${support.minClassRows} rows a class needs)\n`,
  );
}

runCli(main);
