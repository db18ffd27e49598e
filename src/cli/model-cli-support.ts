import { BackendName, selectBackend, useBackend } from '../inference/model/backend-selector';

/**
 * Sends everything libraries print with console.log/info/debug to stderr, so that stdout carries only what the
 * command itself writes (the JSON report of `model:evaluate --json`).
 */
export function keepStdoutClean(): void {
  const toStderr = (...args: unknown[]) => console.error(...args);
  console.log = toStderr;
  console.info = toStderr;
  console.debug = toStderr;
}

/** Starts the named backend, or the best available one (tfjs-node, WebAssembly, CPU). */
export async function startBackend(name?: string): Promise<BackendName> {
  if (name === undefined) return selectBackend();
  if (!['tensorflow', 'wasm', 'cpu'].includes(name)) {
    throw new Error(`unknown backend ${name}: use tensorflow, wasm or cpu`);
  }
  if (!(await useBackend(name as BackendName))) throw new Error(`backend ${name} is not available here`);
  return name as BackendName;
}

export function parseInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new Error(`${value} is not an integer`);
  return n;
}

export function parseFraction(value: string): number {
  const n = Number(value);
  if (!(n >= 0 && n < 1)) throw new Error(`${value} is not a fraction in [0, 1)`);
  return n;
}

export function runCli(main: () => Promise<void>): void {
  main().catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  });
}
