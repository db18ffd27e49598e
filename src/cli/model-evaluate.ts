import { Command, InvalidArgumentError } from 'commander';
import { isAbsolute, resolve } from 'node:path';
import { loadConfig } from '../config/app-config';
import { ConfusionMatrix } from '../inference/model/classification-metrics';
import { evaluationReport, EvaluationReport } from '../inference/model/detector-training';
import { loadDetectionModel } from '../inference/model/model-artifact';
import { FlowCsvReader } from '../inference/pipeline/flow-csv-reader';
import { keepStdoutClean, parseInteger, runCli, startBackend } from './model-cli-support';

/**
 * Scores a model version on labelled CIC-IDS2017 flows:
 * `npm run --silent model:evaluate -- --data <csv> [--model DIR] --json`. The CSV is streamed in batches, so
 * memory stays flat whatever its size. With `--json`, stdout carries exactly one JSON object.
 */
function parseArgs() {
  const asInt = (v: string) => {
    const n = parseInteger(v);
    if (n < 1) throw new InvalidArgumentError('must be at least 1');
    return n;
  };
  return new Command('model:evaluate')
    .requiredOption('--data <path>', 'labelled CSV file or directory of CSV files (either CIC-IDS2017 format)')
    .option('--model <dir>', 'model version directory (default: MODEL_DIR, else models/default)')
    .option('--json', 'print one JSON object on stdout')
    .option('--batch-size <n>', 'flows per inference batch', asInt, 1024)
    .option('--backend <name>', 'tensorflow, wasm or cpu (default: best available)')
    .parse()
    .opts<{ data: string; model?: string; json?: boolean; batchSize: number; backend?: string }>();
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
  for await (const batch of reader.batches(args.batchSize)) {
    const predictions = await model.predict(
      batch.map((row) => row.features),
      { explain: false },
    );
    predictions.forEach((p, i) => confusion.add(batch[i].label as string, p.label));
  }
  model.dispose();
  const report = evaluationReport(confusion);
  const { rows, skipped } = reader.stats;
  if (args.json) process.stdout.write(`${JSON.stringify(jsonReport(report, rows, skipped))}\n`);
  else process.stdout.write(textReport(report, rows, skipped));
}

function jsonReport(report: EvaluationReport, rows: number, skipped: number) {
  return {
    accuracy: report.accuracy,
    macroF1: report.macroF1,
    weightedF1: report.weightedF1,
    perClass: report.perClass,
    macroF1WebMerged: report.macroF1WebMerged,
    rows,
    skipped,
  };
}

function textReport(report: EvaluationReport, rows: number, skipped: number): string {
  const f = (x: number) => x.toFixed(4);
  const lines = [
    `rows ${rows}, skipped ${skipped}`,
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
