import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { dirname } from 'node:path';

/** tfjs backends in order of preference: native TensorFlow (tfjs-node), WebAssembly, plain JavaScript. */
export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

export const BACKEND_PREFERENCE: readonly BackendName[] = ['tensorflow', 'wasm', 'cpu'];

let nodeBindingTried = false;
let wasmPathsSet = false;

/**
 * Registers the tfjs-node backend when the optional package is installed. It is loaded with `require` so that
 * its absence is an ordinary outcome, not a start-up failure.
 */
function registerNativeBackend(): boolean {
  if (!nodeBindingTried) {
    nodeBindingTried = true;
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require('@tensorflow/tfjs-node');
    } catch {
      // tfjs-node is an optional dependency: the other backends remain.
    }
  }
  return tf.findBackendFactory('tensorflow') !== null;
}

function prepareWasm(): void {
  if (wasmPathsSet) return;
  wasmPathsSet = true;
  const wasmFile = require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm');
  setWasmPaths(`${dirname(wasmFile)}/`);
}

/** Switches tfjs to `name`; false when the backend cannot start on this machine. */
export async function useBackend(name: BackendName): Promise<boolean> {
  tf.enableProdMode();
  if (name === 'tensorflow' && !registerNativeBackend()) return false;
  if (name === 'wasm') prepareWasm();
  try {
    const ok = await tf.setBackend(name);
    await tf.ready();
    return ok && tf.getBackend() === name;
  } catch {
    return false;
  }
}

/**
 * Selects the first backend of `preference` that starts (tfjs-node, else WebAssembly, else CPU by default) and
 * returns its name.
 */
export async function selectBackend(preference: readonly BackendName[] = BACKEND_PREFERENCE): Promise<BackendName> {
  for (const name of preference) {
    if (await useBackend(name)) return name;
  }
  throw new Error(`no tfjs backend among ${preference.join(', ')} could start`);
}

/** Backends that start on this machine; the active backend is restored afterwards. */
export async function availableBackends(): Promise<BackendName[]> {
  const current = tf.getBackend() as BackendName | undefined;
  const found: BackendName[] = [];
  for (const name of BACKEND_PREFERENCE) if (await useBackend(name)) found.push(name);
  if (current) await useBackend(current);
  return found;
}

export function activeBackend(): BackendName {
  return tf.getBackend() as BackendName;
}
