import { ApiProperty } from '@nestjs/swagger';
import { ModelUseDto } from '../../dto/flow-input.dto';

export class EveIngestResultDto {
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer' },
    example: { flow: 2, alert: 1, dns: 3 },
    description: 'Events received per event_type',
  })
  events: Record<string, number>;

  @ApiProperty({ description: 'Flow rows stored: one per flow event (classified by the model) and one per alert event' })
  flows_stored: number;

  @ApiProperty({ description: 'Alerts raised, by the model (flow events) and by Suricata (alert events)' })
  alerts_raised: number;

  @ApiProperty({ description: 'Open alerts the events were folded into (de-duplication)' })
  alerts_updated: number;

  @ApiProperty({ description: 'Events of other types (dns, http, tls, stats, …): counted, not stored' })
  skipped: number;

  @ApiProperty({ nullable: true, type: String, description: 'The active (full) model version (null without flow events)' })
  model_version: string | null;

  @ApiProperty({
    type: [ModelUseDto],
    description: 'The models that classified the flow events: eve for flows with few features (all EVE flow records), full for the others',
  })
  models: ModelUseDto[];
}
