import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { hostname } from 'node:os';
import { Counter, Histogram } from 'prom-client';
import { AppConfig } from '../../config/app-config';
import { SiemDeliveryJob } from '../../infra/queues/queues';
import { OCSF_CLASSES } from './ocsf-events';
import { SiemDocument, SiemDocumentFactory } from './siem-document.factory';
import { SIEM_DELIVERIES_METRIC, SIEM_DELIVERY_DURATION_METRIC, SiemOutcomeLabel } from './siem.metrics';
import { sendSyslog } from './syslog.client';
import { asciiJson, formatSyslogMessage, octetFrame, SyslogSeverity } from './syslog-frame';

export type SiemOutcome = { kind: 'success' } | { kind: 'dropped' } | { kind: 'failed'; error: string; retry: boolean };

/** Syslog severity of an ECS document: alerts by risk (`event.severity` 4 → critical … 1 → notice), blocks warning. */
export function syslogSeverity(doc: SiemDocument): number {
  if ('class_uid' in doc) return ocsfSyslogSeverity(doc);
  const event = doc.event as { kind?: string; severity?: number; type?: string[] };
  if (event.kind !== 'alert') return event.type?.includes('end') ? SyslogSeverity.NOTICE : SyslogSeverity.WARNING;
  const bySeverity: Record<number, number> = {
    4: SyslogSeverity.CRITICAL,
    3: SyslogSeverity.ERROR,
    2: SyslogSeverity.WARNING,
  };
  return bySeverity[event.severity ?? 0] ?? SyslogSeverity.NOTICE;
}

/** The same for an OCSF event: findings by `severity_id` (5 → critical … 2 → notice), blocks warning, lifts notice. */
function ocsfSyslogSeverity(doc: SiemDocument): number {
  if (doc.class_uid === OCSF_CLASSES.DETECTION_FINDING.uid) {
    const bySeverity: Record<number, number> = {
      5: SyslogSeverity.CRITICAL,
      4: SyslogSeverity.ERROR,
      3: SyslogSeverity.WARNING,
    };
    return bySeverity[doc.severity_id as number] ?? SyslogSeverity.NOTICE;
  }
  if (doc.class_uid === OCSF_CLASSES.NETWORK_REMEDIATION.uid && doc.activity_name === 'Isolate') return SyslogSeverity.WARNING;
  return SyslogSeverity.NOTICE;
}

/** One delivery attempt to a syslog destination: map to ECS or OCSF, frame (RFC 5424 + octet counting), send, count. */
@Injectable()
export class SiemDeliveryService {
  private readonly settings: AppConfig['siem']['syslog'];
  private readonly host = hostname();

  constructor(
    private readonly documents: SiemDocumentFactory,
    config: ConfigService<AppConfig, true>,
    @InjectMetric(SIEM_DELIVERIES_METRIC) private readonly attempts: Counter<string>,
    @InjectMetric(SIEM_DELIVERY_DURATION_METRIC) private readonly durations: Histogram<string>,
  ) {
    this.settings = config.get('siem.syslog', { infer: true });
  }

  /** The frames of a delivery (a digest: its summary, then its first alerts, each a message of its own). */
  frames(job: SiemDeliveryJob): Buffer[] {
    const docs = this.documents.documents(job, this.settings.format, false);
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
