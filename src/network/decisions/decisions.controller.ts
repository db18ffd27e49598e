import { Controller, Get, Query, Req } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { CurrentPrincipal, RequirePermission } from '../../common/auth/auth.decorators';
import { Principal } from '../../common/auth/principal';
import { ApiValidationErrors } from '../../common/http/api-errors.decorator';
import { Permission } from '../../core/permissions';
import { DecisionDto, DecisionsQueryDto, DecisionsStreamDto, DecisionsStreamQueryDto } from './decision.dto';
import { DecisionsService } from './decisions.service';

/** Mounted at the server root (outside /api/v1): bouncers call `<api_url>/v1/decisions…`. */
export const DECISIONS_ROUTES = ['v1/decisions', 'v1/decisions/stream'];

@ApiTags('decisions (CrowdSec LAPI)')
@Controller('v1/decisions')
export class DecisionsController {
  constructor(private readonly decisions: DecisionsService) {}

  @Get('stream')
  @RequirePermission(Permission.READ_DECISIONS)
  @ApiOperation({
    summary: 'Decisions stream for CrowdSec bouncers (bouncer key in X-Api-Key)',
    description:
      'startup=true: every active decision as `new`. Otherwise what changed since this bouncer\'s previous pull: new ' +
      'blocks (and blocks whose end moved) in `new`, revoked and expired ones in `deleted`, each exactly once per ' +
      'bouncer. Active IP and CIDR blocks only: port blocks are not expressible as decisions.',
  })
  @ApiOkResponse({ type: DecisionsStreamDto })
  @ApiValidationErrors()
  async stream(@CurrentPrincipal() principal: Principal, @Query() query: DecisionsStreamQueryDto, @Req() request: FastifyRequest): Promise<DecisionsStreamDto> {
    // HEAD (served by this handler) gets no body: it must not move the cursor, or the delta it computed is lost
    if (request.method === 'HEAD') return { new: null, deleted: null };
    return this.decisions.stream(principal.id, query);
  }

  @Get()
  @RequirePermission(Permission.READ_DECISIONS)
  @ApiOperation({ summary: 'Active decisions matching the filters (live mode of CrowdSec bouncers); null when none' })
  @ApiExtraModels(DecisionDto)
  @ApiOkResponse({
    description: 'The matching decisions, or null (not an empty list) when none match',
    schema: { type: 'array', nullable: true, items: { $ref: getSchemaPath(DecisionDto) } },
  })
  @ApiValidationErrors()
  find(@Query() query: DecisionsQueryDto): Promise<DecisionDto[] | null> {
    return this.decisions.find(query);
  }
}
