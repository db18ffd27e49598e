import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { InjectRepository } from '@nestjs/typeorm';
import { readFile, rename, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Repository } from 'typeorm';
import { AuditService } from '../../audit/audit.service';
import { ActorContext } from '../../common/auth/principal';
import { AppConfig } from '../../config/app-config';
import { DomainError, ErrorCode } from '../../core/domain-error';
import { ReadinessRegistry } from '../../infra/health/readiness.registry';
import { ModelClassifier } from '../model-classifier';
import { ARTIFACT_FILES, ModelManifest } from '../model/model-artifact';
import { ModelVersionEntity } from './model-version.entity';
import { ModelEvents } from '../model.events';

export const MODEL_ACTIVATED_EVENT = ModelEvents.ACTIVATED;
const SYNC_INTERVAL_MS = 10_000;

/**
 * The model registry (`model_versions`): which version is active and which is the shadow. At start-up the
 * active version is loaded (the directory MODEL_DIR is registered and activated when the registry is empty);
 * every instance follows activations made elsewhere by checking the registry every few seconds.
 */
@Injectable()
export class ModelRegistryService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ModelRegistryService.name);
  private timer: NodeJS.Timeout | null = null;
  private loadError: string | null = null;

  constructor(
    @InjectRepository(ModelVersionEntity) private readonly repo: Repository<ModelVersionEntity>,
    private readonly classifier: ModelClassifier,
    private readonly audit: AuditService,
    private readonly events: EventEmitter2,
    private readonly config: ConfigService<AppConfig, true>,
    readiness: ReadinessRegistry,
  ) {
    readiness.register('model', async () => {
      const info = this.classifier.info();
      if (!info) throw new Error(this.loadError ?? 'no model loaded');
      return { version: info.version, backend: info.backend };
    });
  }

  get error(): string | null {
    return this.loadError;
  }

  async onApplicationBootstrap(): Promise<void> {
    try {
      await this.registerDefault();
      await this.sync();
    } catch (e) {
      this.loadError = `model not loaded: ${(e as Error).message}`;
      this.logger.error(this.loadError);
    }
    this.timer = setInterval(() => void this.sync().catch((e) => this.logger.warn(`model sync: ${(e as Error).message}`)), SYNC_INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Labelled examples from analysts' feedback, available to a retraining run. */
  async feedbackExamples(): Promise<number> {
    const [row] = await this.repo.manager.query(`SELECT count(*)::int AS n FROM feedback_examples`);
    return row.n;
  }

  list(): Promise<ModelVersionEntity[]> {
    return this.repo.find({ order: { createdAt: 'DESC' } });
  }

  /** Registers a model version directory (not activated). Registering the same version again returns it. */
  async register(dir: string, dataSummary: Record<string, unknown> = {}): Promise<ModelVersionEntity> {
    const manifest = await readManifest(dir);
    const metrics = await readFile(join(dir, ARTIFACT_FILES.metrics), 'utf8').then(JSON.parse, () => ({}));
    await this.repo
      .createQueryBuilder()
      .insert()
      .values({ version: manifest.version, artifactPath: dir, metrics, dataSummary: { ...(manifest.training ?? {}), ...dataSummary } } as never)
      .orIgnore()
      .execute();
    return this.repo.findOneByOrFail({ version: manifest.version });
  }

  /**
   * Moves a freshly trained model from `stagingDir` into the model store as `<store>/<version>` and registers it.
   * The version is a content hash, so a directory of that name already holds the very same files: it is kept.
   */
  async storeTrained(stagingDir: string, dataSummary: Record<string, unknown>): Promise<ModelVersionEntity> {
    const { version } = await readManifest(stagingDir);
    if (!/^[A-Za-z0-9._-]{1,64}$/.test(version) || version.startsWith('.')) {
      throw new DomainError(ErrorCode.BAD_REQUEST, `the trained model's version ${JSON.stringify(version)} cannot name a directory`);
    }
    const target = join(resolve(this.config.get('model.storeDir', { infer: true })), version);
    const exists = () => stat(target).then(() => true, () => false);
    // another instance may have stored the same version meanwhile: its rename wins, ours is dropped
    const renamed = () => rename(stagingDir, target).then(() => true, async (e) => ((await exists()) ? false : Promise.reject(e)));
    const moved = !(await exists()) && (await renamed());
    if (!moved) await rm(stagingDir, { recursive: true, force: true });
    return this.register(target, dataSummary);
  }

  /** Loads the version, then makes it the active one in the registry; in-flight requests are not dropped. */
  async activate(actor: ActorContext, version: string): Promise<ModelVersionEntity> {
    const target = await this.find(version);
    const before = this.classifier.modelVersion;
    const info = await this.classifier.activate(target.artifactPath);
    await this.repo.manager.transaction(async (m) => {
      await m.update(ModelVersionEntity, { isActive: true }, { isActive: false });
      await m.update(ModelVersionEntity, { id: target.id }, { isActive: true, isShadow: false, activatedAt: new Date(), backend: info.backend });
      await this.audit.record(actor, { action: 'model.activate', targetType: 'model_version', targetId: version, before: { version: before }, after: { version } }, m);
    });
    if (this.classifier.shadowVersion === version) await this.classifier.setShadow(null);
    this.loadError = null;
    this.events.emit(MODEL_ACTIVATED_EVENT, { version });
    return this.find(version);
  }

  /** Makes `version` the shadow model, or removes the shadow (null). */
  async setShadow(actor: ActorContext, version: string | null): Promise<string | null> {
    const target = version === null ? null : await this.find(version);
    if (target?.isActive) throw new DomainError(ErrorCode.CONFLICT, 'The active version cannot also be the shadow');
    await this.classifier.setShadow(target ? target.artifactPath : null);
    await this.repo.manager.transaction(async (m) => {
      await m.update(ModelVersionEntity, { isShadow: true }, { isShadow: false });
      if (target) await m.update(ModelVersionEntity, { id: target.id }, { isShadow: true });
      await this.audit.record(actor, { action: 'model.shadow', targetType: 'model_version', targetId: version, after: { shadow: version } }, m);
    });
    return this.classifier.shadowVersion;
  }

  private async find(version: string): Promise<ModelVersionEntity> {
    const row = await this.repo.findOneBy({ version });
    if (!row) throw DomainError.notFound('Model version', version);
    return row;
  }

  private async registerDefault(): Promise<void> {
    if (await this.repo.existsBy({ isActive: true })) return;
    const row = await this.register(this.config.get('model.dir', { infer: true }), { source: 'MODEL_DIR' });
    await this.repo.update({ id: row.id }, { isActive: true, activatedAt: new Date() });
    this.logger.log(`registered ${row.version} from MODEL_DIR as the active model`);
  }

  /** Loads the registry's active and shadow versions when they differ from what this process runs. */
  private async sync(): Promise<void> {
    const active = await this.repo.findOneBy({ isActive: true });
    if (active && active.version !== this.classifier.modelVersion) {
      await this.classifier.activate(active.artifactPath);
      this.loadError = null;
    }
    // the version registered from MODEL_DIR (or activated before a restart) records the backend that runs it
    const info = this.classifier.info();
    if (active && info?.version === active.version && active.backend !== info.backend) {
      await this.repo.update({ id: active.id }, { backend: info.backend });
    }
    const shadow = await this.repo.findOneBy({ isShadow: true });
    if ((shadow?.version ?? null) !== this.classifier.shadowVersion) await this.classifier.setShadow(shadow?.artifactPath ?? null);
  }
}

async function readManifest(dir: string): Promise<ModelManifest> {
  try {
    return JSON.parse(await readFile(join(dir, ARTIFACT_FILES.manifest), 'utf8')) as ModelManifest;
  } catch (e) {
    throw new DomainError(ErrorCode.BAD_REQUEST, `${dir} holds no model version (${(e as Error).message})`);
  }
}

