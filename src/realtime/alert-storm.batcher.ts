import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { RiskLevel } from '../alerts/alert.entity';
import { AlertDto } from '../alerts/dto/alert.dto';
import { AppConfig } from '../config/app-config';
import { RealtimeBroadcaster } from './realtime-broadcaster';

/**
 * New alerts as `attack_detected`, one each, up to REALTIME_STORM_THRESHOLD a second; above it, one
 * `attack_detected_batch` every REALTIME_BATCH_MS with the most severe alerts and the count per attack type.
 */
@Injectable()
export class AlertStormBatcher implements OnModuleDestroy {
  private windowStart = 0;
  private windowCount = 0;
  private pending: AlertDto[] = [];
  private pendingByType: Record<string, number> = {};
  private pendingByTechnique: Record<string, number> = {};
  private flushTimer: NodeJS.Timeout | null = null;
  private readonly threshold: number;
  private readonly batchMs: number;
  private readonly batchMaxAlerts: number;

  constructor(
    private readonly broadcaster: RealtimeBroadcaster,
    config: ConfigService<AppConfig, true>,
  ) {
    const realtime = config.get('realtime', { infer: true });
    this.threshold = realtime.stormThreshold;
    this.batchMs = realtime.batchMs;
    this.batchMaxAlerts = realtime.batchMaxAlerts;
  }

  raised(alert: AlertDto): void {
    const now = Date.now();
    if (now - this.windowStart >= 1000) {
      this.windowStart = now;
      this.windowCount = 0;
    }
    this.windowCount++;
    if (this.windowCount <= this.threshold && !this.flushTimer) {
      void this.broadcaster.publish('attack_detected', { alert });
      return;
    }
    this.pending.push(alert);
    this.pendingByType[alert.attack_type] = (this.pendingByType[alert.attack_type] ?? 0) + 1;
    for (const id of new Set((alert.attack ?? []).map((m) => m.technique.id))) {
      this.pendingByTechnique[id] = (this.pendingByTechnique[id] ?? 0) + 1;
    }
    if (this.pending.length >= 4 * this.batchMaxAlerts) this.pending = mostSevere(this.pending, this.batchMaxAlerts);
    this.flushTimer ??= setTimeout(() => this.flush(), this.batchMs);
  }

  private flush(): void {
    this.flushTimer = null;
    const byType = this.pendingByType;
    const byTechnique = this.pendingByTechnique;
    const alerts = mostSevere(this.pending, this.batchMaxAlerts);
    this.pending = [];
    this.pendingByType = {};
    this.pendingByTechnique = {};
    const count = Object.values(byType).reduce((a, b) => a + b, 0);
    const batch = { alerts, count, by_attack_type: byType, by_technique: byTechnique };
    if (count) void this.broadcaster.publish('attack_detected_batch', batch);
  }

  onModuleDestroy(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flush();
  }
}

const RISK_RANK: Record<RiskLevel, number> = { low: 0, medium: 1, high: 2, critical: 3 };

/** The `max` most severe alerts (the later ones among equals), in their order of arrival. */
export function mostSevere(alerts: AlertDto[], max: number): AlertDto[] {
  if (alerts.length <= max) return alerts;
  return alerts
    .map((a, i) => ({ a, i }))
    .sort((x, y) => RISK_RANK[y.a.risk_level] - RISK_RANK[x.a.risk_level] || y.i - x.i)
    .slice(0, max)
    .sort((x, y) => x.i - y.i)
    .map(({ a }) => a);
}
