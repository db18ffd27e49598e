import { getQueueToken } from '@nestjs/bull';
import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ModuleRef } from '@nestjs/core';
import type { Queue } from 'bull';
import { AppConfig } from '../config/app-config';
import { Permission } from '../core/permissions';
import { ModelClassifier } from '../inference/model-classifier';
import { QUEUES } from '../infra/queues/queues';
import { StatsRollupsRepository } from '../stats/stats-rollups.repository';
import { permissionRoom, SystemStatusPayload } from './realtime.events';
import { RealtimeGateway } from './realtime.gateway';

/** Sends `system_status` to this instance's clients every REALTIME_STATUS_INTERVAL_MS. */
@Injectable()
export class SystemStatusService implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly gateway: RealtimeGateway,
    private readonly model: ModelClassifier,
    private readonly moduleRef: ModuleRef,
    private readonly rollups: StatsRollupsRepository,
    private readonly config: ConfigService<AppConfig, true>,
  ) {}

  onApplicationBootstrap(): void {
    const every = this.config.get('realtime.statusIntervalMs', { infer: true });
    this.timer = setInterval(() => void this.tick(), every);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async snapshot(): Promise<SystemStatusPayload> {
    let ready = this.model.info() !== null;
    let flowsPerSecond = 0;
    let alertsPerMinute = 0;
    try {
      const row = await this.rollups.lastMinute();
      flowsPerSecond = row.flows / 60;
      alertsPerMinute = row.alerts;
    } catch {
      ready = false;
    }
    return {
      at: new Date().toISOString(),
      flows_per_second: Math.round(flowsPerSecond * 100) / 100,
      alerts_per_minute: alertsPerMinute,
      queues: await this.queueDepths(),
      model: { version: this.model.modelVersion, backend: this.model.backend },
      ready,
    };
  }

  private async queueDepths(): Promise<SystemStatusPayload['queues']> {
    const out: SystemStatusPayload['queues'] = {};
    for (const name of Object.values(QUEUES)) {
      let queue: Queue;
      try {
        queue = this.moduleRef.get<Queue>(getQueueToken(name), { strict: false });
      } catch {
        continue; // that queue is not registered in this process
      }
      const counts = await queue.getJobCounts().catch(() => null);
      if (counts) out[name] = { waiting: counts.waiting, active: counts.active, delayed: counts.delayed, failed: counts.failed };
    }
    return out;
  }

  private async tick(): Promise<void> {
    if (!this.gateway.server) return;
    this.gateway.emitLocal(permissionRoom(Permission.VIEW_STATS), 'system_status', await this.snapshot());
  }
}
