import { Injectable } from '@nestjs/common';

/** Flows waiting for the model in this process: ingest registers its batcher here, the model status reads it. */
@Injectable()
export class InferenceQueue {
  private readonly sources = new Set<() => number>();

  track(queued: () => number): void {
    this.sources.add(queued);
  }

  get queuedFlows(): number {
    let total = 0;
    for (const queued of this.sources) total += queued();
    return total;
  }
}
