import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { hostname } from 'node:os';
import { Counter, Histogram } from 'prom-client';
import { AppConfig } from '../../config/app-config';
import { SiemDeliveryJob } from '../../infra/queues/queues';
import { EcsDocument } from './ecs-documents';
import { EcsDocumentFactory } from './ecs-document.factory';
import { SIEM_DELIVERIES_METRIC, SIEM_DELIVERY_DURATION_METRIC, SiemOutcomeLabel } from './siem.metrics';
import { sendSyslog } from './syslog.client';
import { asciiJson, formatSyslogMessage, octetFrame, SyslogSeverity } from './syslog-frame';

export type SiemOutcome = { kind: 'success' } | { kind: 'dropped' } | { kind: 'failed'; error: string; retry: boolean };

/** Syslog severity of a document: alerts by risk (`event.severity` 4 → critical … 1 → notice), blocks warning. */
export function syslogSeverity(doc: EcsDocument): number {
  const event = doc.event as { kind?: string; severity?: number; type?: string[] };
  if (event.kind !== 'alert') return event.type?.includes('end') ? SyslogSeverity.NOTICE : SyslogSeverity.WARNING;
  const bySeverity: Record<number, number> = {
    4: SyslogSeverity.CRITICAL,
    3: SyslogSeverity.ERROR,
    2: SyslogSeverity.WARNING,
  };
  return bySeverity[event.severity ?? 0] ?? SyslogSeverity.NOTICE;
}

/** One delivery attempt to a syslog destination: map to ECS, frame (RFC 5424 + octet counting), send, count. */
@Injectable()
export class SiemDeliveryService {
  private readonly settings: AppConfig['siem']['syslog'];
  private readonly host = hostname();

  constructor(
    private readonly documents: EcsDocumentFactory,
    config: ConfigService<AppConfig, true>,
    @InjectMetric(SIEM_DELIVERIES_METRIC) private readonly attempts: Counter<string>,
    @InjectMetric(SIEM_DELIVERY_DURATION_METRIC) private readonly durations: Histogram<string>,
  ) {
    this.settings = config.get('siem.syslog', { infer: true });
  }

  /** The frames of a delivery (a digest: its summary, then its first alerts, each a message of its own). */
  frames(job: SiemDeliveryJob): Buffer[] {
    const docs = this.documents.documents(job, false);
    return docs.map((doc) =>
      octetFrame(
        formatSyslogMessage(
          {
            facility: this.settings.facility,
            severity: syslogSeverity(doc),
            timestamp: job.occurredAt,
            hostname: this.host,
            appName: this.settings.appName,
            procId: String(process.pid),
            msgId: job.event,
          },
          asciiJson(doc),
        ),
      ),
    );
  }

  async attempt(job: SiemDeliveryJob, isLast: boolean): Promise<SiemOutcome> {
    const destination = this.settings.destinations.find((d) => d.name === job.destination);
    if (!destination) return { kind: 'dropped' }; // no longer configured
    const started = process.hrtime.bigint();
    let error: string | null = null;
    try {
      await sendSyslog(destination, this.frames(job), this.settings.tls, this.settings.timeoutMs);
    } catch (e) {
      error = (e as Error).message || String(e);
    }
    const outcome: SiemOutcomeLabel = error === null ? 'success' : isLast ? 'failed' : 'retry';
    this.attempts.inc({ destination: job.destination, event: job.event, outcome });
    this.durations.observe({ destination: job.destination, outcome }, Number(process.hrtime.bigint() - started) / 1e9);
    return error === null ? { kind: 'success' } : { kind: 'failed', error, retry: !isLast };
  }
}
