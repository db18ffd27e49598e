import { Injectable } from '@nestjs/common';
import { IngestContext, IngestService } from '../ingest/ingest.service';
import { EveIngestResultDto } from './dto/eve-ingest-result.dto';
import { EveBatch } from './eve-ndjson';

/**
 * Stores a validated request of EVE events: `flow` events are classified by the model like any flow, `alert`
 * events become Suricata alerts (de-duplicated like ours). Flows go first: when the model is saturated (503)
 * nothing at all has been stored and the sensor can retry the request as is.
 */
@Injectable()
export class EveIngestService {
  constructor(private readonly ingest: IngestService) {}

  async store(batch: EveBatch, sensorId: string | null): Promise<EveIngestResultDto> {
    const ctx: IngestContext = { source: 'eve', sensorId };
    const flows = batch.flows.length ? await this.ingest.ingest(batch.flows, ctx) : null;
    const alerts = batch.alerts.length ? await this.ingest.ingestClassified(batch.alerts, ctx) : null;
    return {
      events: batch.counts,
      flows_stored: (flows?.flows.length ?? 0) + (alerts?.flowIds.length ?? 0),
      alerts_raised: (flows?.alertsRaised ?? 0) + (alerts?.dedup.raised.length ?? 0),
      alerts_updated: (flows?.alertsUpdated ?? 0) + (alerts?.dedup.updated.length ?? 0),
      skipped: batch.skipped,
      model_version: flows?.modelVersion ?? null,
      models: flows?.models ?? [],
    };
  }
}
