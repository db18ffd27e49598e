import { SingleBar } from 'cli-progress';
import { Command, InvalidArgumentError } from 'commander';
import { resolve } from 'node:path';
import { EpochRecord } from '../inference/model/mlp-trainer';
import { runTraining } from '../inference/model/training-run';
import { keepStdoutClean, parseFraction, parseInteger, runCli, startBackend } from './model-cli-support';

/**
 * Trains a model version from CIC-IDS2017 CSV files and writes it to a directory:
 * `npm run model:train -- --data <csv file or directory> [--out DIR] [--epochs N] [--seed N]`.
 * Progress and per-epoch figures go to stderr.
 */
interface TrainArgs {
  data: string;
  out: string;
  epochs: number;
  seed: number;
  evalSeeds: number;
  holdout: number;
  backend?: string;
}

function parseArgs(): TrainArgs {
  const asInt = (v: string) => wrap(() => parseInteger(v));
  const asFraction = (v: string) => wrap(() => parseFraction(v));
  return new Command('model:train')
    .requiredOption('--data <path>', 'CSV file or directory of CSV files (either CIC-IDS2017 format)')
    .option('--out <dir>', 'directory to write the model version to', 'models/default')
    .option('--epochs <n>', 'most epochs per training (early stopping may end sooner)', asInt, 30)
    .option('--seed <n>', 'seed of splits, initial weights, dropout and shuffles', asInt, 42)
    .option('--eval-seeds <n>', 'held-out evaluation runs before the final model (seed, seed+1, …)', asInt, 3)
    .option('--holdout <fraction>', 'share of each class held out in evaluation runs', asFraction, 0.2)
    .option('--backend <name>', 'tensorflow, wasm or cpu (default: best available)')
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
    data: resolve(args.data),
    out: resolve(args.out),
    settings: { seed: args.seed, epochs: args.epochs },
    evaluationSeeds: args.evalSeeds,
    holdout: args.holdout,
    hooks: progressReporter(),
  });
  const spread = metrics.evaluation.spread as Record<string, { mean: number; min: number; max: number }>;
  const line = (name: string) => {
    const s = spread[name];
    return s ? `${name} ${s.mean.toFixed(4)} (${s.min.toFixed(4)}–${s.max.toFixed(4)})` : '';
  };
  process.stderr.write(
    `held-out over seeds: ${['accuracy', 'macroF1', 'weightedF1', 'macroF1WebMerged'].map(line).join(', ')}\n` +
      `wrote ${manifest.version} to ${resolve(args.out)} in ${((Date.now() - started) / 1000).toFixed(0)} s\n`,
  );
}

runCli(main);
