import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import {
  ApiBody,
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentPrincipal, RequirePermission } from '../common/auth/auth.decorators';
import { Principal } from '../common/auth/principal';
import { ApiValidationErrors } from '../common/http/api-errors.decorator';
import { ErrorResponseDto } from '../common/http/error-response.dto';
import { Permission } from '../core/permissions';
import { FlowBatchDto, FlowInputDto, IngestResultDto } from './dto/flow-input.dto';
import { FlowBatchPipe, SingleFlowPipe } from './ingest/flow-body.pipe';
import { ValidatedFlow } from './ingest/flow-input';
import { IngestOutcome, IngestService } from './ingest/ingest.service';

const toResult = (o: IngestOutcome): IngestResultDto => ({
  accepted: o.flows.length,
  alerts_raised: o.alertsRaised,
  alerts_updated: o.alertsUpdated,
  model_version: o.modelVersion,
  flows: o.flows,
});

const sensorOf = (p: Principal) => (p.kind === 'api_key' ? p.id : null);

@ApiTags('flows')
@Controller('flows')
export class FlowsIngestController {
  constructor(private readonly ingest: IngestService) {}

  @Post()
  @HttpCode(200)
  @RequirePermission(Permission.INGEST)
  @ApiOperation({
    summary: 'Ingest one flow',
    description: 'Classified, stored and (when it is an attack) alerted before the response is sent.',
  })
  @ApiBody({ type: FlowInputDto })
  @ApiOkResponse({ type: IngestResultDto })
  @ApiValidationErrors()
  @ApiServiceUnavailableResponse({ description: 'Saturated or a dependency is down; see Retry-After', type: ErrorResponseDto })
  async one(@CurrentPrincipal() principal: Principal, @Body(SingleFlowPipe) flows: ValidatedFlow[]): Promise<IngestResultDto> {
    return toResult(await this.ingest.ingest(flows, { source: 'api', sensorId: sensorOf(principal) }));
  }

  @Post('batch')
  @HttpCode(200)
  @RequirePermission(Permission.INGEST)
  @ApiOperation({
    summary: 'Ingest a batch of flows',
    description:
      'All or nothing: one invalid flow refuses the request with every problem listed (`flows[i].field`). The ' +
      'response is sent after the flows and their alerts are committed.',
  })
  @ApiBody({ type: FlowBatchDto })
  @ApiOkResponse({ type: IngestResultDto })
  @ApiValidationErrors()
  @ApiPayloadTooLargeResponse({ description: 'More flows than INGEST_MAX_BATCH, or a body over BODY_LIMIT', type: ErrorResponseDto })
  @ApiServiceUnavailableResponse({ description: 'Saturated or a dependency is down; see Retry-After', type: ErrorResponseDto })
  async batch(@CurrentPrincipal() principal: Principal, @Body(FlowBatchPipe) flows: ValidatedFlow[]): Promise<IngestResultDto> {
    return toResult(await this.ingest.ingest(flows, { source: 'batch', sensorId: sensorOf(principal) }));
  }
}
