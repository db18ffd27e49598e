import { Injectable } from '@nestjs/common';
import { ActionStatsDto, AttackTypesDto, ModelStatsDto, TopAddressesDto } from './dto/stats-breakdown.dto';
import {
  toActionStatsDto,
  toActiveModelDto,
  toAlertOverview,
  toAttackTypesDto,
  toModelStatsDto,
  toTopAddressesDto,
} from './dto/stats-mappers';
import { StatsOverviewDto } from './dto/stats-overview.dto';
import { StatsTimelineDto, toTimelineDto } from './dto/stats-timeline.dto';
import { StatsCache } from './stats-cache';
import { StatsActivityRepository } from './stats-activity.repository';
import { StatsRollupsRepository } from './stats-rollups.repository';
import {
  BUCKET_MS,
  PeriodQuery,
  resolveExactWindow,
  resolveTimelineWindow,
  resolveWindow,
  StatsBucket,
  UNIT,
  windowKey,
} from './stats-window';

/** Window of the current rates (ms): the last complete UTC minute (the current one is still filling). */
const RATE_WINDOW_MS = UNIT.MINUTE;

/**
 * Dashboard statistics. Traffic figures come from the rollups the ingest pipeline maintains (never from flows);
 * alert, action and model figures from their tables. Answers are cached briefly, keyed by the aligned period.
 */
@Injectable()
export class StatsService {
  constructor(
    private readonly rollups: StatsRollupsRepository,
    private readonly activity: StatsActivityRepository,
    private readonly cache: StatsCache,
  ) {}

  overview(now = new Date()): Promise<StatsOverviewDto> {
    const windowTo = new Date(Math.floor(now.getTime() / UNIT.MINUTE) * UNIT.MINUTE);
    const windowFrom = new Date(windowTo.getTime() - RATE_WINDOW_MS);
    return this.cache.remember(`overview:${windowTo.getTime()}`, async () => {
      const [alerts, traffic, activeBlocks, model, suppressions] = await Promise.all([
        this.activity.alertCounts(),
        this.rollups.trafficBetween(windowFrom, windowTo),
        this.activity.countActiveBlocks(),
        this.activity.findActiveModel(),
        this.activity.suppressionCounts(),
      ]);
      const minutes = RATE_WINDOW_MS / UNIT.MINUTE;
      return {
        generated_at: new Date().toISOString(),
        alerts: toAlertOverview(alerts),
        traffic: {
          window_from: windowFrom.toISOString(),
          window_to: windowTo.toISOString(),
          flows: traffic.flows,
          alert_verdicts: traffic.alerts,
          flows_per_second: Math.round((traffic.flows / (RATE_WINDOW_MS / 1000)) * 1000) / 1000,
          alerts_per_minute: Math.round((traffic.alerts / minutes) * 1000) / 1000,
        },
        active_blocks: activeBlocks,
        suppressions,
        model: toActiveModelDto(model),
      };
    });
  }

  /** Per-minute buckets read stats_minute; hour and day buckets read stats_hour (the period is whole buckets). */
  timeline(q: PeriodQuery & { bucket?: StatsBucket }, now = new Date()): Promise<StatsTimelineDto> {
    const w = resolveTimelineWindow(q, now);
    const table = w.bucket === '1m' ? 'stats_minute' : 'stats_hour';
    return this.cache.remember(`timeline:${w.bucket}:${windowKey(w)}`, async () =>
      toTimelineDto(w, await this.rollups.timeline(table, w, BUCKET_MS[w.bucket])),
    );
  }

  /** Source or destination addresses over exactly the period asked for (to the second). */
  topAddresses(direction: 'src' | 'dst', q: PeriodQuery & { limit: number }, now = new Date()): Promise<TopAddressesDto> {
    const w = resolveExactWindow(q, now);
    return this.cache.remember(`top:${direction}:${q.limit}:${windowKey(w)}`, async () =>
      toTopAddressesDto(direction, w, await this.rollups.topAddresses(direction, w, q.limit)),
    );
  }

  attackTypes(q: PeriodQuery, now = new Date()): Promise<AttackTypesDto> {
    const w = resolveWindow(q, now, UNIT.MINUTE);
    return this.cache.remember(`attack-types:${windowKey(w)}`, async () => toAttackTypesDto(w, await this.rollups.totalsByClass(w)));
  }

  actions(q: PeriodQuery, now = new Date()): Promise<ActionStatsDto> {
    const w = resolveWindow(q, now, UNIT.MINUTE);
    return this.cache.remember(`actions:${windowKey(w)}`, async () => toActionStatsDto(w, await this.activity.actionCounts(w)));
  }

  model(): Promise<ModelStatsDto> {
    return this.cache.remember('model', async () => {
      const [active, predictions, feedback] = await Promise.all([
        this.activity.findActiveModel(),
        this.rollups.predictionsByModel(),
        this.activity.feedbackByModel(),
      ]);
      return toModelStatsDto(active?.version ?? null, predictions, feedback);
    });
  }
}
