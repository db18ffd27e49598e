import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { DomainError, ErrorCode } from '../../core/domain-error';
import { FEATURE_COUNT } from '../../core/features/feature-names';
import type { BackendName } from './backend-selector';
import type { Prediction, PredictOptions } from './detection-model';
import type { ModelManifest } from './model-artifact';
import { PackedPredictions, unpackPredictions } from './packed-predictions';

/** What a model instance offers the runtime, whether it runs in this thread or in an inference thread. */
export interface ModelPredictor {
  readonly labels: readonly string[];
  predict(vectors: readonly ArrayLike<number>[], options?: PredictOptions): Promise<Prediction[]>;
  warmUp(): Promise<void>;
  dispose(): void;
}

export interface ModelThreadData {
  dir: string;
  /** Backends to try in order; the default order when undefined. */
  preference?: readonly BackendName[];
}

export interface ModelThreadRequest {
  id: number;
  /** Raw feature vectors, `width` numbers each, one after the other. */
  vectors: Float64Array;
  width: number;
  options?: PredictOptions;
}

export type ModelThreadReply =
  | { type: 'ready'; backend: BackendName; labels: string[]; manifest: ModelManifest }
  | { type: 'failed'; message: string }
  | { type: 'result'; id: number; predictions: PackedPredictions }
  | { type: 'error'; id: number; message: string };

interface Call {
  resolve: (p: Prediction[]) => void;
  reject: (e: Error) => void;
}

/**
 * Starts the worker script next to this file. Under ts-node or Jest (this file is TypeScript) the worker first
 * registers ts-node, since require hooks are per thread; a build runs the compiled JavaScript directly.
 */
function spawn(data: ModelThreadData): Worker {
  const ext = extname(__filename);
  const script = join(__dirname, `model-thread.worker${ext}`);
  if (ext !== '.ts') return new Worker(script, { workerData: data });
  const source = `require('ts-node').register({ transpileOnly: true, swc: true }); require(${JSON.stringify(script)});`;
  return new Worker(source, { eval: true, workerData: data });
}

/**
 * A model version running in a worker thread of its own, so that inference (feature transform, network, anomaly
 * detector, explanations) does not hold up the event loop that parses requests and writes to the database, and
 * runs on another core. Calls are answered in the order the thread finishes them. If the thread dies, the calls
 * it held fail with 503 (`DEPENDENCY_UNAVAILABLE`, retry after 1 s) and the next call starts a new one.
 */
export class ModelThread implements ModelPredictor {
  private worker: Worker | null = null;
  private starting: Promise<Worker> | null = null;
  private readonly calls = new Map<number, Call>();
  private nextId = 0;
  private disposed = false;

  private constructor(
    private readonly data: ModelThreadData,
    readonly labels: readonly string[],
    readonly backend: BackendName,
    readonly manifest: ModelManifest,
  ) {}

  /** Starts a thread on the model version in `dir`; resolves once it is loaded and warmed up. */
  static async start(dir: string, preference?: readonly BackendName[]): Promise<ModelThread> {
    const data: ModelThreadData = { dir, preference };
    const { worker, ready } = await ModelThread.launch(data);
    const thread = new ModelThread(data, ready.labels, ready.backend, ready.manifest);
    thread.adopt(worker);
    return thread;
  }

  private static launch(data: ModelThreadData): Promise<{ worker: Worker; ready: Extract<ModelThreadReply, { type: 'ready' }> }> {
    const worker = spawn(data);
    return new Promise((resolve, reject) => {
      const fail = (e: Error) => {
        void worker.terminate();
        reject(e);
      };
      worker.once('message', (reply: ModelThreadReply) => {
        worker.removeAllListeners('error').removeAllListeners('exit');
        if (reply.type === 'ready') resolve({ worker, ready: reply });
        else fail(new Error(`inference thread could not load ${data.dir}: ${reply.type === 'failed' ? reply.message : reply.type}`));
      });
      worker.once('error', fail);
      worker.once('exit', (code) => fail(new Error(`inference thread exited with ${code} while loading ${data.dir}`)));
    });
  }

  predict(vectors: readonly ArrayLike<number>[], options?: PredictOptions): Promise<Prediction[]> {
    if (this.disposed) return Promise.reject(new Error('model disposed'));
    if (vectors.length === 0) return Promise.resolve([]);
    const packed = new Float64Array(vectors.length * FEATURE_COUNT);
    vectors.forEach((v, i) => packed.set(v, i * FEATURE_COUNT));
    const send = (worker: Worker) =>
      new Promise<Prediction[]>((resolve, reject) => {
        const id = this.nextId++;
        this.calls.set(id, { resolve, reject });
        if (this.calls.size === 1) worker.ref();
        const request: ModelThreadRequest = { id, vectors: packed, width: FEATURE_COUNT, options };
        worker.postMessage(request, [packed.buffer]);
      });
    return this.worker ? send(this.worker) : this.running().then(send);
  }

  /** The thread warms its model up before it reports ready; a restarted one does the same. */
  async warmUp(): Promise<void> {
    await this.running();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const worker = this.worker;
    this.worker = null;
    this.failCalls(new Error('model disposed'));
    void worker?.terminate();
  }

  /** Calls waiting for the thread (for tests and diagnostics). */
  get pendingCalls(): number {
    return this.calls.size;
  }

  private running(): Promise<Worker> {
    if (this.worker) return Promise.resolve(this.worker);
    this.starting ??= ModelThread.launch(this.data).then(
      ({ worker }) => {
        this.starting = null;
        if (this.disposed) {
          void worker.terminate();
          throw new Error('model disposed');
        }
        this.adopt(worker);
        return worker;
      },
      (e: Error) => {
        this.starting = null;
        throw unavailable(e.message);
      },
    );
    return this.starting;
  }

  private adopt(worker: Worker): void {
    this.worker = worker;
    worker.unref();
    worker.on('message', (reply: ModelThreadReply) => this.settle(reply));
    worker.on('error', (e) => this.lose(worker, `inference thread failed: ${e.message}`));
    worker.on('exit', (code) => this.lose(worker, `inference thread exited with ${code}`));
  }

  private settle(reply: ModelThreadReply): void {
    if (reply.type !== 'result' && reply.type !== 'error') return;
    const call = this.calls.get(reply.id);
    if (!call) return;
    this.calls.delete(reply.id);
    if (this.calls.size === 0) this.worker?.unref();
    if (reply.type === 'result') call.resolve(unpackPredictions(reply.predictions));
    else call.reject(new Error(reply.message));
  }

  /** The thread is gone: its calls fail, and the next call starts another thread. */
  private lose(worker: Worker, reason: string): void {
    if (this.worker !== worker) return;
    this.worker = null;
    this.failCalls(unavailable(reason));
  }

  private failCalls(error: Error): void {
    const calls = [...this.calls.values()];
    this.calls.clear();
    for (const call of calls) call.reject(error);
  }
}

function unavailable(reason: string): DomainError {
  return new DomainError(ErrorCode.DEPENDENCY_UNAVAILABLE, `Inference is unavailable: ${reason}`, { retryAfter: 1 });
}
