import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  ApiBody,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { CurrentPrincipal, RequirePermission } from '../common/auth/auth.decorators';
import { Principal } from '../common/auth/principal';
import { ApiValidationErrors } from '../common/http/api-errors.decorator';
import { ErrorResponseDto } from '../common/http/error-response.dto';
import { Permission } from '../core/permissions';
import { FlowBatchDto, FlowInputDto, IngestResultDto } from './dto/flow-input.dto';
import { FlowBatchPipe, SingleFlowPipe } from './ingest/flow-body.pipe';
import { ValidatedFlow } from './ingest/flow-input';
import { IDEMPOTENCY_HEADER, IdempotentIngest, idempotentRequestOf, REPLAYED_HEADER } from './ingest/idempotency';
import { IngestOutcome, IngestService, IngestSource } from './ingest/ingest.service';

const toResult = (o: IngestOutcome): IngestResultDto => ({
  accepted: o.flows.length,
  alerts_raised: o.alertsRaised,
  alerts_updated: o.alertsUpdated,
  model_version: o.modelVersion,
  models: o.models,
  flows: o.flows,
});

const IDEMPOTENCY_DOCS = {
  name: IDEMPOTENCY_HEADER,
  required: false,
  schema: { type: 'string', minLength: 1, maxLength: 128, pattern: '^[!-~]+$' },
  description:
    'Makes a retry safe: a request sent again with the same key (1–128 visible ASCII characters, per API key or ' +
    `user) within INGEST_IDEMPOTENCY_HOURS gets the first answer, with \`${REPLAYED_HEADER}: true\`, and stores ` +
    'nothing; the same key with a different body is refused with 422. Only committed requests are remembered.',
};
const REPLAYED_DOCS = { [REPLAYED_HEADER]: { description: 'true when the answer is that of an earlier request with the same Idempotency-Key', schema: { type: 'string' } } };

const sensorOf = (p: Principal) => (p.kind === 'api_key' ? p.id : null);

@ApiTags('flows')
@Controller('flows')
export class FlowsIngestController {
  constructor(
    private readonly ingest: IngestService,
    private readonly idempotent: IdempotentIngest,
  ) {}

  /** Ingests once per Idempotency-Key (when the request has one); a replayed answer is marked in a header. */
  private async once(principal: Principal, req: FastifyRequest, reply: FastifyReply, flows: ValidatedFlow[], source: IngestSource): Promise<IngestResultDto> {
    const request = idempotentRequestOf(principal, req.headers['idempotency-key'], req.body);
    // The parsed body (a batch is ~80,000 numbers in objects) is not needed once validated and hashed: dropped
    // here, it dies young instead of being copied through the young generation for the rest of the request.
    (req as { body: unknown }).body = undefined;
    const { response, replayed } = await this.idempotent.run<IngestResultDto>(request, async (record) =>
      toResult(
        await this.ingest.ingest(flows, { source, sensorId: sensorOf(principal) }, record ? { recordOutcome: (client, outcome) => record(client, toResult(outcome)) } : {}),
      ),
    );
    if (replayed) void reply.header(REPLAYED_HEADER, 'true');
    return response;
  }

  @Post()
  @HttpCode(200)
  @RequirePermission(Permission.INGEST)
  @ApiOperation({
    summary: 'Ingest one flow',
    description: 'Classified, stored and (when it is an attack) alerted before the response is sent.',
  })
  @ApiBody({ type: FlowInputDto })
  @ApiHeader(IDEMPOTENCY_DOCS)
  @ApiOkResponse({ type: IngestResultDto, headers: REPLAYED_DOCS })
  @ApiUnprocessableEntityResponse({ description: 'The Idempotency-Key was used with a different body', type: ErrorResponseDto })
  @ApiValidationErrors()
  @ApiServiceUnavailableResponse({ description: 'Saturated or a dependency is down; see Retry-After', type: ErrorResponseDto })
  async one(
    @CurrentPrincipal() principal: Principal,
    @Body(SingleFlowPipe) flows: ValidatedFlow[],
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<IngestResultDto> {
    return this.once(principal, req, reply, flows, 'api');
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
  @ApiHeader(IDEMPOTENCY_DOCS)
  @ApiOkResponse({ type: IngestResultDto, headers: REPLAYED_DOCS })
  @ApiUnprocessableEntityResponse({ description: 'The Idempotency-Key was used with a different body', type: ErrorResponseDto })
  @ApiValidationErrors()
  @ApiPayloadTooLargeResponse({ description: 'More flows than INGEST_MAX_BATCH, or a body over BODY_LIMIT', type: ErrorResponseDto })
  @ApiServiceUnavailableResponse({ description: 'Saturated or a dependency is down; see Retry-After', type: ErrorResponseDto })
  async batch(
    @CurrentPrincipal() principal: Principal,
    @Body(FlowBatchPipe) flows: ValidatedFlow[],
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<IngestResultDto> {
    return this.once(principal, req, reply, flows, 'batch');
  }
}
