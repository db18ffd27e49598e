import { Command, InvalidArgumentError } from 'commander';
import { DIALECTS_HELP } from '../core/features/flow-dialects';
import { isAbsolute, resolve } from 'node:path';
import { loadConfig } from '../config/app-config';
import { ConfusionMatrix } from '../inference/model/classification-metrics';
import { evaluationReport, EvaluationReport } from '../inference/model/detector-training';
import { loadDetectionModel } from '../inference/model/model-artifact';
import { projectRows } from '../core/features/eve-projection';
import { FlowCsvReader } from '../core/features/flow-csv-reader';
import { keepStdoutClean, parseInteger, runCli, startBackend } from './model-cli-support';
import { ProgressLine } from './progress-line';

/**
 * Scores a model version on labelled CIC-IDS2017 flows:
 * `npm run --silent model:evaluate -- --data <csv> [--model DIR] --json`. The CSV is streamed in batches, so
 * memory stays flat whatever its size. With `--json`, stdout carries exactly one JSON object; progress (rows read
 * and scored) goes to stderr. Rows with a protocol column are held to the model's training support, as served.
 */
interface EvaluateArgs {
  data: string;
  model?: string;
  json?: boolean;
  batchSize: number;
  backend?: string;
  progress: boolean;
  progressInterval: number;
}

function asSeconds(value: string): number {
  const n = Number(value);
  if (!(n >= 0)) throw new InvalidArgumentError('must be a number of seconds, 0 or more');
  return n;
}

function parseArgs(): EvaluateArgs {
  const asInt = (v: string) => {
    const n = parseInteger(v);
    if (n < 1) throw new InvalidArgumentError('must be at least 1');
    return n;
  };
  return new Command('model:evaluate')
    .requiredOption('--data <path>', 'labelled CSV file or directory of CSV files (any CICFlowMeter dialect, listed below)')
    .option('--model <dir>', 'model version directory (default: MODEL_DIR, else models/default)')
    .option('--json', 'print one JSON object on stdout')
    .option('--batch-size <n>', 'flows per inference batch', asInt, 1024)
    .option('--backend <name>', 'tensorflow, wasm or cpu (default: best available)')
    .option('--progress-interval <seconds>', 'seconds between progress lines when stderr is not a terminal', asSeconds, 10)
    .option('--no-progress', 'no progress on stderr')
    .addHelpText('after', DIALECTS_HELP)
    .parse()
    .opts<EvaluateArgs>();
}

function defaultModelDir(): string {
  const dir = loadConfig({ LOG_LEVEL: 'error' }).model.dir;
  return isAbsolute(dir) ? dir : resolve(dir);
}

async function main(): Promise<void> {
  keepStdoutClean();
  const args = parseArgs();
  const backend = await startBackend(args.backend);
  const modelDir = args.model ? resolve(args.model) : defaultModelDir();
  const { model, manifest } = await loadDetectionModel(modelDir);
  process.stderr.write(`model ${manifest.version} from ${modelDir} on tfjs backend ${backend}\n`);
  const reader = new FlowCsvReader(resolve(args.data));
  const confusion = new ConfusionMatrix(model.labels);
  const progress = args.progress ? new ProgressLine(process.stderr, args.progressInterval * 1000) : null;
  const started = performance.now();
  let scored = 0;
  let unsupported = 0;
  const status = () => {
    const seconds = (performance.now() - started) / 1000;
    const { rows, skipped } = reader.stats;
    return `read ${rows + skipped} rows (${skipped} skipped), scored ${scored} (${Math.round(scored / Math.max(seconds, 1e-3))} rows/s)`;
  };
  for await (const batch of reader.batches(args.batchSize)) {
    // an EVE model is scored on the rows as its training saw them: projected to what an EVE record gives
    const predictions = await model.predict(
      projectRows(batch.map((row) => row.features), manifest.featureSet ?? 'full'),
      { explain: false, protocols: batch.map((row) => row.meta.protocol ?? null) },
    );
    predictions.forEach((p, i) => confusion.add(batch[i].label as string, p.label));
    scored += batch.length;
    unsupported += predictions.filter((p) => p.unsupported).length;
    progress?.update(status());
  }
  progress?.done(status());
  model.dispose();
  const report = evaluationReport(confusion);
  const counts = { rows: reader.stats.rows, skipped: reader.stats.skipped, unsupported };
  if (args.json) process.stdout.write(`${JSON.stringify(jsonReport(report, counts))}\n`);
  else process.stdout.write(textReport(report, counts));
}

interface Counts {
  rows: number;
  skipped: number;
  /** Rows whose first class the model's training data did not support on their protocol (set aside). */
  unsupported: number;
}

function jsonReport(report: EvaluationReport, { rows, skipped, unsupported }: Counts) {
  return {
    accuracy: report.accuracy,
    macroF1: report.macroF1,
    weightedF1: report.weightedF1,
    perClass: report.perClass,
    macroF1WebMerged: report.macroF1WebMerged,
    rows,
    skipped,
    unsupported,
  };
}

function textReport(report: EvaluationReport, { rows, skipped, unsupported }: Counts): string {
  const f = (x: number) => x.toFixed(4);
  const lines = [
    `rows ${rows}, skipped ${skipped}, first class set aside for want of training support ${unsupported}`,
    `accuracy ${f(report.accuracy)}  macro-F1 ${f(report.macroF1)}  weighted-F1 ${f(report.weightedF1)}  ` +
      `macro-F1 (web attacks merged) ${f(report.macroF1WebMerged)}`,
    `${'class'.padEnd(28)}precision  recall     f1         support`,
    ...Object.entries(report.perClass).map(([label, s]) =>
      [label.padEnd(28), f(s.precision).padEnd(11), f(s.recall).padEnd(11), f(s.f1).padEnd(11), s.support].join(''),
    ),
  ];
  return `${lines.join('\n')}\n`;
}

runCli(main);
