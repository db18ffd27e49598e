import { Injectable } from '@nestjs/common';
import { DomainError } from '../../core/domain-error';
import { BENIGN_LABEL, normaliseLabel, toFeatureVector } from '../../core/features';
import { ValidatedFlow } from '../ingest/flow-input';
import { alertForFlow } from '../ingest/ingest-writer.service';
import { IngestService } from '../ingest/ingest.service';
import { ExternalVerdictDto, ExternalVerdictResultDto } from './external-verdict.dto';

/** Verdicts computed by an external AI service: stored as a flow and, for an attack, raised like ours. */
@Injectable()
export class ExternalVerdictService {
  constructor(private readonly ingest: IngestService) {}

  async process(dto: ExternalVerdictDto, sensorId: string | null): Promise<ExternalVerdictResultDto> {
    const flow: ValidatedFlow = {
      flowId: dto.flow_id ?? null,
      srcIp: dto.src_ip ?? null,
      dstIp: dto.dst_ip ?? null,
      srcPort: dto.src_port ?? null,
      dstPort: dto.dst_port ?? null,
      protocol: dto.protocol ?? null,
      timestamp: dto.timestamp ? new Date(dto.timestamp) : null,
      features: this.features(dto.features),
    };
    const label = dto.prediction === 'attack' ? normaliseLabel(dto.attack_type!) : BENIGN_LABEL;
    // an attack type that normalises to BENIGN (`<attack> - Attempted`) raises no alert
    const attack = label !== BENIGN_LABEL;
    const verdict = { label, confidence: dto.confidence, top3: [], explanation: [], anomalyScore: null, processed: null };
    const alert = attack
      ? alertForFlow(flow, { attackType: label, source: 'external', confidence: dto.confidence, details: dto.details ?? {} })
      : null;
    const result = await this.ingest.ingestClassified([{ flow, verdict, alert }], { source: 'external', sensorId });
    const alertId = result.alertIds[0];
    const noAlert = result.suppressedBy[0] ? 'alert_suppressed' : 'normal_traffic';
    return {
      status: !alertId ? noAlert : result.dedup.raised.includes(alertId) ? 'alert_created' : 'alert_updated',
      flow_id: result.flowIds[0],
      alert_id: alertId,
    };
  }

  private features(input: ExternalVerdictDto['features']): Float64Array {
    if (input === undefined) return new Float64Array(0);
    const vector = toFeatureVector(input as Record<string, unknown>);
    if (!vector.ok) {
      throw DomainError.validation(vector.errors.map((e) => ({ field: e.field ? `features.${e.field}` : 'features', reason: e.reason })));
    }
    return vector.values;
  }
}
