import { SingleBar } from 'cli-progress';
import { Command, InvalidArgumentError, Option } from 'commander';
import { DIALECTS_HELP } from '../core/features/flow-dialects';
import { resolve } from 'node:path';
import { DEFAULT_DETECTOR_SETTINGS, FLOW_METER_ARTIFACTS } from '../inference/model/detector-training';
import { EpochRecord } from '../inference/model/mlp-trainer';
import { parseDataSource } from '../inference/model/training-data';
import { runTraining } from '../inference/model/training-run';
import { FEATURE_SETS, FeatureSet } from '../core/features/eve-projection';
import { keepStdoutClean, parseFraction, parseInteger, runCli, startBackend } from './model-cli-support';

/**
 * Trains a model version from CICFlowMeter CSV files and writes it to a directory:
 * `npm run model:train -- --data [name=]<csv file or directory> [--data …] [--out DIR] [--features full|eve]
 * [--epochs N] [--seed N]`. Several `--data` sources are trained on together and reported per source. Progress
 * goes to stderr.
 */
interface TrainArgs {
  data: string[];
  out: string;
  epochs: number;
  seed: number;
  evalSeeds: number;
  holdout: number;
  backend?: string;
  features: FeatureSet;
  transfer: boolean;
  groupTwins?: boolean;
  classWeightPower: number;
  exclude: string[];
}

function parseArgs(): TrainArgs {
  const asInt = (v: string) => wrap(() => parseInteger(v));
  const asFraction = (v: string) => wrap(() => parseFraction(v));
  return new Command('model:train')
    .requiredOption(
      '--data <sources...>',
      'data sources trained on together, each [name=]path of a CSV file or directory (any CICFlowMeter dialect, ' +
        'listed below); unnamed sources are named after their flow meter (original, v4, corrected)',
    )
    .option('--out <dir>', 'directory to write the model version to', 'models/default')
    .option('--epochs <n>', 'most epochs per training (early stopping may end sooner)', asInt, 30)
    .option('--seed <n>', 'seed of splits, initial weights, dropout and shuffles', asInt, 42)
    .option('--eval-seeds <n>', 'held-out evaluation runs before the final model (seed, seed+1, …)', asInt, 3)
    .option('--holdout <fraction>', 'share of each class held out in evaluation runs', asFraction, 0.2)
    .addOption(
      new Option('--features <set>', 'full: all 78 CIC features; eve: the rows projected to what a Suricata EVE flow record supplies')
        .choices(FEATURE_SETS)
        .default('full'),
    )
    .option('--backend <name>', 'tensorflow, wasm or cpu (default: best available)')
    .addOption(
      new Option('--exclude <features>', 'comma-separated features left out of the model input ("" for none)')
        .argParser((v: string) => v.split(',').map((f) => f.trim()).filter(Boolean))
        .default([...FLOW_METER_ARTIFACTS], 'the features the original flow meter broke (docs/training.md)'),
    )
    .option('--no-transfer', 'skip the transfer runs (each source alone, scored on the others)')
    .option(
      '--class-weight-power <p>',
      'class weight = (rows / (classes × class rows)) ^ p: 0 weighs every row alike, 1 every class alike',
      asFraction,
      DEFAULT_DETECTOR_SETTINGS.classWeightPower,
    )
    .option('--group-twins', 'keep rows with identical feature vectors in one fold: no held-out row has a twin in training')
    .addHelpText('after', DIALECTS_HELP)
    .parse()
    .opts<TrainArgs>();
}

function wrap<T>(parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
}

function progressReporter() {
  const bar = new SingleBar({
    format: 'epoch {epoch} [{bar}] {value}/{total} batches',
    hideCursor: true,
    clearOnComplete: true,
  });
  let running = false;
  return {
    onPhase: (phase: string) => process.stderr.write(`${phase}\n`),
    onBatch: (epoch: number, batch: number, batches: number) => {
      if (!running) bar.start(batches, 0, { epoch });
      running = true;
      bar.update(batch, { epoch });
    },
    onEpoch: (r: EpochRecord) => {
      bar.stop();
      running = false;
      const val = Number.isNaN(r.valLoss)
        ? ''
        : ` val_loss=${r.valLoss.toFixed(4)} val_acc=${r.valAccuracy.toFixed(4)}` +
          ` val_macroF1=${r.valMacroF1.toFixed(4)}`;
      process.stderr.write(`epoch ${r.epoch} loss=${r.loss.toFixed(4)}${val} lr=${r.learningRate.toExponential(2)}\n`);
    },
  };
}

async function main(): Promise<void> {
  keepStdoutClean();
  const args = parseArgs();
  const backend = await startBackend(args.backend);
  process.stderr.write(`tfjs backend: ${backend}\n`);
  const started = Date.now();
  const { manifest, metrics } = await runTraining({
    data: args.data.map(parseDataSource).map((s) => ({ ...s, path: resolve(s.path) })),
    out: resolve(args.out),
    featureSet: args.features,
    settings: { seed: args.seed, epochs: args.epochs, excludedFeatures: args.exclude, classWeightPower: args.classWeightPower },
    evaluationSeeds: args.evalSeeds,
    holdout: args.holdout,
    transfer: args.transfer,
    groupTwins: args.groupTwins,
    hooks: progressReporter(),
  });
  const spread = metrics.evaluation.spread as Record<string, { mean: number; min: number; max: number }>;
  const line = (name: string) => {
    const s = spread[name];
    return s ? `${name} ${s.mean.toFixed(4)} (${s.min.toFixed(4)}–${s.max.toFixed(4)})` : '';
  };
  const perSource = Object.entries(metrics.evaluation.perSource).map(
    ([name, s]) => `${name}: accuracy ${s.spread.accuracy.mean.toFixed(4)}, macroF1 ${s.spread.macroF1.mean.toFixed(4)}\n`,
  );
  const transfer = metrics.transfer.runs.map((r) => {
    const input = r.excludedFeatures.length ? ` (${r.excludedFeatures.length} features left out)` : '';
    return `transfer ${r.trainedOn} → ${r.scoredOn}${input}: accuracy ${r.accuracy.toFixed(4)}, macroF1 ${r.macroF1.toFixed(4)}\n`;
  });
  process.stderr.write(
    `held-out over seeds: ${['accuracy', 'macroF1', 'weightedF1', 'macroF1WebMerged'].map(line).join(', ')}\n` +
      perSource.join('') +
      transfer.join('') +
      `wrote ${manifest.version} to ${resolve(args.out)} in ${((Date.now() - started) / 1000).toFixed(0)} s\n`,
  );
}

runCli(main);
