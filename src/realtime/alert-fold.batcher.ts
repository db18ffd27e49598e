import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { AlertDto } from '../alerts/dto/alert.dto';
import { AppConfig } from '../config/app-config';
import { AlertFold } from './realtime.events';
import { RealtimeBroadcaster } from './realtime-broadcaster';

/**
 * Alerts a storm keeps folding verdicts into: announced at most once per REALTIME_BATCH_MS with their latest state,
 * and above REALTIME_STORM_THRESHOLD alerts in one window as a single `alerts_deduplicated` of what folding changes.
 */
@Injectable()
export class AlertFoldBatcher implements OnModuleDestroy {
  /** Alerts folded into since their last announcement, latest state by id. */
  private pending = new Map<string, AlertDto>();
  private foldedTimer: NodeJS.Timeout | null = null;
  private readonly threshold: number;
  private readonly batchMs: number;

  constructor(
    private readonly broadcaster: RealtimeBroadcaster,
    config: ConfigService<AppConfig, true>,
  ) {
    const realtime = config.get('realtime', { infer: true });
    this.threshold = realtime.stormThreshold;
    this.batchMs = realtime.batchMs;
  }

  folded(alert: AlertDto): void {
    this.pending.set(alert.id, alert);
    this.foldedTimer ??= setTimeout(() => this.flush(), this.batchMs);
  }

  /** Another change of the alert is sent at once and supersedes its pending fold. */
  forget(alertId: string): void {
    this.pending.delete(alertId);
  }

  private flush(): void {
    this.foldedTimer = null;
    const alerts = [...this.pending.values()];
    this.pending.clear();
    if (alerts.length > this.threshold) {
      void this.broadcaster.publish('alerts_deduplicated', { alerts: alerts.map(foldOf) });
      return;
    }
    for (const alert of alerts) void this.broadcaster.publish('alert_updated', { alert, change: 'deduplicated' });
  }

  onModuleDestroy(): void {
    if (this.foldedTimer) clearTimeout(this.foldedTimer);
    this.flush();
  }
}

function foldOf(a: AlertDto): AlertFold {
  return {
    id: a.id,
    event_count: a.event_count,
    last_seen: a.last_seen,
    confidence: a.confidence,
    max_confidence: a.max_confidence,
    risk_level: a.risk_level,
    updated_at: a.updated_at,
  };
}
