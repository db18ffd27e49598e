import { InferenceBatcher } from './inference-batcher';
import { FlowClassifier, Verdict } from '../../inference/verdict';

class CountingClassifier extends FlowClassifier {
  calls: number[] = [];
  protocols: (readonly (number | null)[] | undefined)[] = [];
  get modelVersion() {
    return 'test';
  }
  async classify(vectors: Float64Array[], protocols?: readonly (number | null)[]): Promise<Verdict[]> {
    this.calls.push(vectors.length);
    this.protocols.push(protocols);
    await new Promise((r) => setTimeout(r, 5));
    return vectors.map((v) => ({ label: `L${v[0]}`, confidence: 1, top3: [], explanation: [], anomalyScore: null, processed: null }));
  }
}

const vec = (n: number) => Float64Array.from([n]);

describe('InferenceBatcher', () => {
  it('coalesces concurrent requests into one model call and returns each caller its own verdicts', async () => {
    const model = new CountingClassifier();
    const batcher = new InferenceBatcher(() => model, { maxBatch: 1000, maxQueued: 10_000 });
    const first = batcher.classify([vec(0)]); // starts a call at once
    const rest = Array.from({ length: 20 }, (_, i) => batcher.classify([vec(i + 1), vec(i + 100)]));
    const results = await Promise.all([first, ...rest]);
    expect(model.calls).toEqual([1, 40]);
    expect(results[5].map((v) => v.label)).toEqual(['L5', 'L104']);
  });

  it("hands each flow's protocol to the model in the order of the coalesced call (null where a caller gave none)", async () => {
    const model = new CountingClassifier();
    const batcher = new InferenceBatcher(() => model, { maxBatch: 1000, maxQueued: 10_000 });
    const first = batcher.classify([vec(0)], [6]);
    await Promise.all([first, batcher.classify([vec(1), vec(2)], [17, 58]), batcher.classify([vec(3)])]);
    expect(model.protocols).toEqual([[6], [17, 58, null]]);
  });

  it('splits at maxBatch on request boundaries', async () => {
    const model = new CountingClassifier();
    const batcher = new InferenceBatcher(() => model, { maxBatch: 3, maxQueued: 100 });
    await Promise.all([batcher.classify([vec(1)]), batcher.classify([vec(2), vec(3)]), batcher.classify([vec(4), vec(5)]), batcher.classify([vec(6)])]);
    expect(model.calls).toEqual([1, 2, 3]);
  });

  it('refuses with 503 OVERLOADED instead of queueing without bound', async () => {
    const model = new CountingClassifier();
    const batcher = new InferenceBatcher(() => model, { maxBatch: 10, maxQueued: 5 });
    const running = batcher.classify([vec(1)]);
    const waiting = batcher.classify([vec(1), vec(2), vec(3)]);
    await expect(batcher.classify([vec(1), vec(2), vec(3)])).rejects.toMatchObject({ code: 'OVERLOADED', retryAfter: 1 });
    await Promise.all([running, waiting]);
  });

  it('rejects every caller of a failed call', async () => {
    const failing = new (class extends CountingClassifier {
      override async classify(): Promise<Verdict[]> {
        throw new Error('model failed');
      }
    })();
    const batcher = new InferenceBatcher(() => failing, { maxBatch: 10, maxQueued: 100 });
    await expect(Promise.all([batcher.classify([vec(1)]), batcher.classify([vec(2)])])).rejects.toThrow('model failed');
  });
});
