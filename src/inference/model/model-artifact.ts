import * as tf from '@tensorflow/tfjs';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { FeatureSet } from '../../core/features/eve-projection';
import { FEATURE_NAMES } from '../../core/features/feature-names';
import { FittedTransform, FittedTransformJSON } from '../../core/features/fitted-transform';
import { DetectionModel } from './detection-model';
import { AnomalyDetectorHead } from './domain-boundary';
import { IsolationForest, IsolationForestJSON } from './isolation-forest';
import { readTrainingSupport, TrainingSupport } from './training-support';

export const ARTIFACT_FILES = {
  manifest: 'manifest.json',
  topology: 'model.json',
  weights: 'weights.bin',
  transform: 'transform.json',
  labels: 'labels.json',
  anomaly: 'anomaly-detector.json',
  decision: 'decision.json',
  metrics: 'metrics.json',
  confusionMatrix: 'confusion-matrix.svg',
  trainingCurves: 'training-curves.svg',
} as const;

export interface ModelManifest {
  formatVersion: 1;
  /** Content hash of network, weights, transform, labels and anomaly detector: the same model, the same version. */
  version: string;
  createdAt: string;
  framework: string;
  /** The network's outputs are logits; probabilities are their softmax. */
  output: 'logits';
  inputSize: number;
  featureNames: string[];
  /** `eve`: trained on rows projected to what an EVE flow record supplies; absent or `full`: all features. */
  featureSet?: FeatureSet;
  labels: string[];
  training?: Record<string, unknown>;
}

/** Decision rule on top of the network: per-class logit offsets (absent file: no offsets). */
export interface DecisionFile {
  logitOffsets: number[];
  logitAdjustment?: number;
  classPriors?: number[];
  /** Offsets of the logit adjustment alone, before tuning for macro-F1. */
  adjustmentOffsets?: number[];
  tunedOn?: string;
}

interface AnomalyDetectorFile extends AnomalyDetectorHead {
  forest: IsolationForestJSON;
}

export interface SaveExtras {
  decision?: Omit<DecisionFile, 'logitOffsets'>;
  metrics?: unknown;
  confusionMatrixSvg?: string;
  trainingCurvesSvg?: string;
  featureSet?: FeatureSet;
  training?: Record<string, unknown>;
}

async function captureArtifacts(network: tf.LayersModel): Promise<tf.io.ModelArtifacts> {
  let captured: tf.io.ModelArtifacts | undefined;
  await network.save(
    tf.io.withSaveHandler(async (artifacts) => {
      captured = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (!captured?.weightData || !captured.weightSpecs) throw new Error('network produced no weights');
  return captured;
}

/**
 * Writes a model version to `dir`: tfjs layers-model files (`model.json` + `weights.bin`, loadable by any tfjs
 * file handler), the fitted transform, the label map, the decision rule (logit offsets), the anomaly detector, a
 * manifest with the version, and the optional evaluation report and pictures.
 */
export async function saveDetectionModel(
  model: DetectionModel,
  dir: string,
  extras: SaveExtras = {},
): Promise<ModelManifest> {
  const { network, transform, labels, forest, anomalyThreshold, domain, logitOffsets } = model.parts;
  const artifacts = await captureArtifacts(network);
  const weights = Buffer.from(new tf.io.CompositeArrayBuffer(artifacts.weightData).slice());
  const topology = JSON.stringify({
    format: 'layers-model',
    generatedBy: `TensorFlow.js tfjs-layers v${tf.version_layers}`,
    convertedBy: null,
    modelTopology: artifacts.modelTopology,
    weightsManifest: [{ paths: [ARTIFACT_FILES.weights], weights: artifacts.weightSpecs }],
  });
  const files: Record<string, string | Buffer> = {
    [ARTIFACT_FILES.topology]: topology,
    [ARTIFACT_FILES.weights]: weights,
    [ARTIFACT_FILES.transform]: json(transform.toJSON()),
    [ARTIFACT_FILES.labels]: json(labels),
    [ARTIFACT_FILES.decision]: json({ logitOffsets, ...extras.decision } satisfies DecisionFile),
    [ARTIFACT_FILES.anomaly]: JSON.stringify({
      threshold: anomalyThreshold,
      ...(domain && { domain }),
      forest: forest.toJSON(),
    } satisfies AnomalyDetectorFile),
  };
  const manifest: ModelManifest = {
    formatVersion: 1,
    version: versionOf(Object.values(files)),
    createdAt: new Date().toISOString(),
    framework: `@tensorflow/tfjs ${tf.version.tfjs}`,
    output: 'logits',
    inputSize: transform.outputSize,
    featureNames: [...FEATURE_NAMES],
    ...(extras.featureSet && extras.featureSet !== 'full' ? { featureSet: extras.featureSet } : {}),
    labels,
    training: extras.training,
  };
  files[ARTIFACT_FILES.manifest] = json(manifest);
  if (extras.metrics !== undefined) files[ARTIFACT_FILES.metrics] = json(extras.metrics);
  if (extras.confusionMatrixSvg) files[ARTIFACT_FILES.confusionMatrix] = extras.confusionMatrixSvg;
  if (extras.trainingCurvesSvg) files[ARTIFACT_FILES.trainingCurves] = extras.trainingCurvesSvg;
  await fs.mkdir(dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) await fs.writeFile(join(dir, name), content);
  return manifest;
}

/** Loads a model version written by {@link saveDetectionModel} onto the active tfjs backend. */
export async function loadDetectionModel(dir: string): Promise<{ model: DetectionModel; manifest: ModelManifest }> {
  const read = (name: string) => fs.readFile(join(dir, name), 'utf8').then((text) => JSON.parse(text));
  const manifest = (await read(ARTIFACT_FILES.manifest)) as ModelManifest;
  if (manifest.formatVersion !== 1) {
    throw new Error(`${dir}: unsupported model format ${String(manifest.formatVersion)}`);
  }
  const topology = await read(ARTIFACT_FILES.topology);
  const weights = await fs.readFile(join(dir, ARTIFACT_FILES.weights));
  const weightData = weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength);
  const network = await tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: topology.modelTopology,
      weightSpecs: (topology.weightsManifest as { weights: tf.io.WeightsManifestEntry[] }[]).flatMap((g) => g.weights),
      weightData,
    }),
  );
  const anomaly = (await read(ARTIFACT_FILES.anomaly)) as AnomalyDetectorFile;
  const labels = (await read(ARTIFACT_FILES.labels)) as string[];
  const decision = (await read(ARTIFACT_FILES.decision).catch(() => undefined)) as DecisionFile | undefined;
  const supportFile = await readTrainingSupport(dir);
  const model = new DetectionModel({
    network,
    transform: FittedTransform.fromJSON((await read(ARTIFACT_FILES.transform)) as FittedTransformJSON),
    labels,
    forest: IsolationForest.fromJSON(anomaly.forest),
    anomalyThreshold: anomaly.threshold,
    domain: anomaly.domain,
    logitOffsets: decision?.logitOffsets ?? labels.map(() => 0),
    support: supportFile ? new TrainingSupport(supportFile, labels) : undefined,
  });
  return { model, manifest };
}

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 1)}\n`;
}

function versionOf(contents: (string | Buffer)[]): string {
  const hash = createHash('sha256');
  contents.forEach((c) => hash.update(c));
  return `mlp-${hash.digest('hex').slice(0, 12)}`;
}
