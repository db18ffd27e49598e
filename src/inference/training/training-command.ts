import { join } from 'node:path';

/** How to run the training CLI from this process: the compiled script, or the TypeScript source. */
export function trainingCommand(args: string[]): { file: string; args: string[] } {
  const compiled = !__filename.endsWith('.ts');
  if (compiled) return { file: process.execPath, args: [join(__dirname, '..', '..', 'cli', 'model-train.js'), ...args] };
  const tsNode = require.resolve('ts-node/dist/bin.js');
  return { file: process.execPath, args: [tsNode, '--swc', join(__dirname, '..', '..', 'cli', 'model-train.ts'), ...args] };
}

export interface EpochLine {
  epoch: number;
  loss: number;
  val_loss?: number;
  val_accuracy?: number;
  val_macro_f1?: number;
}

const EPOCH = /^epoch (\d+) loss=([\d.eE+-]+)(?: val_loss=([\d.eE+-]+) val_acc=([\d.eE+-]+) val_macroF1=([\d.eE+-]+))?/;

/** Reads one per-epoch line of `model:train`'s standard error, or null for any other line. */
export function parseEpochLine(line: string): EpochLine | null {
  const m = EPOCH.exec(line.trim());
  if (!m) return null;
  const out: EpochLine = { epoch: Number(m[1]), loss: Number(m[2]) };
  if (m[3] !== undefined) {
    out.val_loss = Number(m[3]);
    out.val_accuracy = Number(m[4]);
    out.val_macro_f1 = Number(m[5]);
  }
  return out;
}
