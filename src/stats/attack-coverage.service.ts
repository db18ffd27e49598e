import { Injectable } from '@nestjs/common';
import { ModelClassifier } from '../inference/model-classifier';
import { CoverageModel, buildCoverage } from './attack-coverage';
import { AttackCoverageRepository } from './attack-coverage.repository';
import { AttackCoverageDto, AttackCoverageQueryDto, toAttackCoverageDto } from './dto/attack-coverage.dto';
import { StatsCache } from './stats-cache';
import { resolveExactWindow, StatsWindow, windowKey } from './stats-window';

/** Which ATT&CK techniques the loaded models can detect, and how often each fired (alerts carrying it). */
@Injectable()
export class AttackCoverageService {
  constructor(
    private readonly repository: AttackCoverageRepository,
    private readonly classifier: ModelClassifier,
    private readonly cache: StatsCache,
  ) {}

  coverage(q: AttackCoverageQueryDto, now = new Date()): Promise<AttackCoverageDto> {
    const w: StatsWindow | null = q.range || q.from || q.to ? resolveExactWindow(q, now) : null;
    const models = this.models();
    const key = `attack-coverage:${w ? windowKey(w) : 'all'}:${models.map((m) => m.version ?? '-').join(':')}`;
    return this.cache.remember(key, async () => {
      const counts = await this.repository.countsByTechnique(w);
      return toAttackCoverageDto(w, models, buildCoverage(models, counts));
    });
  }

  /** The full model and the EVE model as this process has them loaded. */
  private models(): CoverageModel[] {
    const full = this.classifier.info();
    const eve = this.classifier.eve.isLoaded() ? this.classifier.eve.info() : null;
    return [
      { model: 'full', version: full?.version ?? null, labels: full?.labels ?? [] },
      { model: 'eve', version: eve?.version ?? null, labels: eve?.labels ?? [] },
    ];
  }
}
