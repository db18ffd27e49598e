import { parentPort, workerData } from 'node:worker_threads';
import { selectBackend } from './backend-selector';
import type { DetectionModel } from './detection-model';
import { loadDetectionModel } from './model-artifact';
import type { ModelThreadData, ModelThreadReply, ModelThreadRequest } from './model-thread';
import { packPredictions, PackedPredictions } from './packed-predictions';

/**
 * The inference thread: loads one model version on the best tfjs backend of `preference`, warms it up, says
 * `ready`, then answers predict calls. Raw vectors arrive packed in one Float64Array; the predictions go back
 * packed in typed arrays ({@link PackedPredictions}), transferred, not copied.
 */
async function serve(port: NonNullable<typeof parentPort>, data: ModelThreadData): Promise<void> {
  let model: DetectionModel;
  try {
    const backend = await selectBackend(data.preference);
    const loaded = await loadDetectionModel(data.dir);
    model = loaded.model;
    await model.warmUp();
    port.postMessage({ type: 'ready', backend, labels: [...model.labels], manifest: loaded.manifest } satisfies ModelThreadReply);
  } catch (e) {
    port.postMessage({ type: 'failed', message: (e as Error).message } satisfies ModelThreadReply);
    return;
  }
  port.on('message', (request: ModelThreadRequest) => {
    void answer(model, request).then(
      ({ predictions, transfer }) => port.postMessage({ type: 'result', id: request.id, predictions } satisfies ModelThreadReply, transfer),
      (e: Error) => port.postMessage({ type: 'error', id: request.id, message: e.message } satisfies ModelThreadReply),
    );
  });
}

async function answer(model: DetectionModel, request: ModelThreadRequest): Promise<{ predictions: PackedPredictions; transfer: ArrayBuffer[] }> {
  const { vectors, width, options } = request;
  const rows = Array.from({ length: vectors.length / width }, (_, i) => vectors.subarray(i * width, (i + 1) * width));
  const { packed, transfer } = packPredictions(await model.predict(rows, options));
  return { predictions: packed, transfer };
}

if (parentPort) void serve(parentPort, workerData as ModelThreadData);
