import { DomainError, ErrorCode } from '../../core/domain-error';
import { FlowClassifier, Verdict } from '../../inference/verdict';

interface Pending {
  vectors: Float64Array[];
  protocols: readonly (number | null)[] | undefined;
  resolve: (v: Verdict[]) => void;
  reject: (e: unknown) => void;
}

export interface BatcherOptions {
  /** Largest number of flows in one model call. */
  maxBatch: number;
  /** Flows allowed to wait for the model; past this, callers get 503 with Retry-After instead of queueing. */
  maxQueued: number;
}

/**
 * Coalesces concurrent classification requests into model calls of up to `maxBatch` flows: while one call
 * runs, requests that arrive wait and are served together by the next call.
 */
export class InferenceBatcher {
  private queue: Pending[] = [];
  private queued = 0;
  private running = false;

  constructor(
    private readonly classifier: () => FlowClassifier,
    private readonly options: BatcherOptions,
  ) {}

  get queuedFlows(): number {
    return this.queued;
  }

  classify(vectors: Float64Array[], protocols?: readonly (number | null)[]): Promise<Verdict[]> {
    if (vectors.length === 0) return Promise.resolve([]);
    if (this.queued + vectors.length > this.options.maxQueued && this.queued > 0) {
      return Promise.reject(new DomainError(ErrorCode.OVERLOADED, 'Inference is saturated; retry shortly', { retryAfter: 1 }));
    }
    return new Promise<Verdict[]>((resolve, reject) => {
      this.queue.push({ vectors, protocols, resolve, reject });
      this.queued += vectors.length;
      if (!this.running) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.length) {
        const batch = this.take();
        const vectors = batch.flatMap((p) => p.vectors);
        const protocols = batch.flatMap((p) => p.protocols ?? p.vectors.map(() => null));
        this.queued -= vectors.length;
        try {
          const verdicts = await this.classifier().classify(vectors, protocols);
          let offset = 0;
          for (const p of batch) {
            p.resolve(verdicts.slice(offset, offset + p.vectors.length));
            offset += p.vectors.length;
          }
        } catch (e) {
          for (const p of batch) p.reject(e);
        }
      }
    } finally {
      this.running = false;
    }
  }

  /** Whole requests up to maxBatch flows (a single larger request goes alone). */
  private take(): Pending[] {
    const batch: Pending[] = [];
    let size = 0;
    while (this.queue.length && (batch.length === 0 || size + this.queue[0].vectors.length <= this.options.maxBatch)) {
      const next = this.queue.shift()!;
      size += next.vectors.length;
      batch.push(next);
    }
    return batch;
  }
}
