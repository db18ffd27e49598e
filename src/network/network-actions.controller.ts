import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Actor, RequirePermission } from '../common/auth/auth.decorators';
import { ActorContext } from '../common/auth/principal';
import { ApiConflict, ApiNotFound, ApiValidationErrors } from '../common/http/api-errors.decorator';
import { BigIntIdPipe } from '../common/http/uuid.pipe';
import { Permission } from '../core/permissions';
import { NetworkActionQueryDto } from './dto/action-query.dto';
import { BlockIpDto, BlockPortDto } from './dto/block-input.dto';
import {
  BlockActionDto,
  BulkUnblockResultDto,
  NetworkActionDto,
  NetworkActionPageDto,
  toBlockActionDto,
  toNetworkActionDto,
} from './dto/network-action.dto';
import { BulkUnblockDto } from './dto/unblock-input.dto';
import { NetworkActionsService } from './network-actions.service';
import { BlockResult, BlockTargetUseCase } from './use-cases/block-target.use-case';
import { UnblockUseCase } from './use-cases/unblock.use-case';

const BLOCK_DESCRIPTION =
  'Records the block (status `pending`) and queues it for the firewall; it becomes `active` once applied ' +
  '(`network.ip_blocked` / `network.port_blocked` event) and `expired` at `expires_at`. **Idempotent per target:** ' +
  'when the target already has a live (pending or active) block, that block is returned with **200** instead of ' +
  '201 and no second rule is created; its expiry moves to now + `duration` when that is later (a request without ' +
  '`duration` makes it permanent). A target blocked again within FIREWALL_ESCALATION_LOOKBACK_SECONDS of earlier ' +
  'blocks gets `duration` × FIREWALL_ESCALATION_FACTOR per earlier block (capped), recorded as `escalation_level`.';

const FORCE_DOC = '`force: true` from a caller without `system_config` (admins) is refused with 403.';

@ApiTags('network')
@Controller('network')
export class NetworkActionsController {
  constructor(
    private readonly blocks: BlockTargetUseCase,
    private readonly unblocks: UnblockUseCase,
    private readonly actions: NetworkActionsService,
  ) {}

  @Post('block-ip')
  @RequirePermission(Permission.TAKE_ACTIONS)
  @ApiOperation({
    summary: 'Block an IPv4/IPv6 address or CIDR (all traffic from it)',
    description:
      `${BLOCK_DESCRIPTION}\n\n**Refused with 400** (never forceable): anything the strict address parser rejects, ` +
      'anything touching loopback (127.0.0.0/8, ::1, 0.0.0.0/1, …) and the whole internet (0.0.0.0/0, ::/0). ' +
      '**Refused with 409** unless an admin sends `force: true`: targets covering this server\'s own addresses, the ' +
      'caller\'s address, FIREWALL_MANAGEMENT_CIDRS or an active allowlist entry (`details` names each). ' +
      FORCE_DOC,
  })
  @ApiCreatedResponse({ type: BlockActionDto, description: 'A new block' })
  @ApiOkResponse({ type: BlockActionDto, description: 'The target was already blocked: the live block (extended when the new expiry is later)' })
  @ApiValidationErrors()
  @ApiConflict('The target is protected (this server, the caller, management network, allowlist)')
  async blockIp(@Actor() actor: ActorContext, @Body() dto: BlockIpDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<BlockActionDto> {
    return respond(await this.blocks.blockIp(actor, dto), reply);
  }

  @Post('block-port')
  @RequirePermission(Permission.TAKE_ACTIONS)
  @ApiOperation({
    summary: 'Block a destination port for every source',
    description: `${BLOCK_DESCRIPTION}\n\nTraffic on the loopback interface is never dropped. Blocking this API's own TCP port is refused with 409 unless an admin sends \`force: true\`. ${FORCE_DOC}`,
  })
  @ApiCreatedResponse({ type: BlockActionDto, description: 'A new block' })
  @ApiOkResponse({ type: BlockActionDto, description: 'The port was already blocked: the live block (extended when the new expiry is later)' })
  @ApiValidationErrors()
  @ApiConflict('The port is this API\'s own port')
  async blockPort(@Actor() actor: ActorContext, @Body() dto: BlockPortDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<BlockActionDto> {
    return respond(await this.blocks.blockPort(actor, dto), reply);
  }

  @Delete('unblock/:actionId')
  @HttpCode(200)
  @RequirePermission(Permission.TAKE_ACTIONS)
  @ApiOperation({
    summary: 'Lift a block',
    description: 'The action becomes `revoked` at once and the firewall entry is removed by a queued job (`network.block_revoked` event). Lifting a revoked block again returns it unchanged.',
  })
  @ApiOkResponse({ type: NetworkActionDto })
  @ApiNotFound('Network action')
  @ApiValidationErrors()
  @ApiConflict('The action already expired or failed: there is nothing to lift')
  async unblock(@Actor() actor: ActorContext, @Param('actionId', BigIntIdPipe) actionId: string): Promise<NetworkActionDto> {
    return toNetworkActionDto(await this.unblocks.unblockOne(actor, actionId));
  }

  @Post('unblock')
  @HttpCode(200)
  @RequirePermission(Permission.TAKE_ACTIONS)
  @ApiOperation({
    summary: 'Lift many blocks at once',
    description: 'Exactly one of: `ids` (up to 1,000 actions), `cidr` (every live IP block inside that address or network) or `alert_id` (every live block linked to the alert). Ids that are unknown or not live are listed in `skipped`.',
  })
  @ApiOkResponse({ type: BulkUnblockResultDto })
  @ApiValidationErrors()
  async unblockMany(@Actor() actor: ActorContext, @Body() dto: BulkUnblockDto): Promise<BulkUnblockResultDto> {
    const { revoked, skipped } = await this.unblocks.unblockMany(actor, dto);
    return { revoked: revoked.map(toNetworkActionDto), skipped };
  }

  @Get('actions')
  @RequirePermission(Permission.VIEW_ALERTS)
  @ApiOperation({ summary: 'Network actions, newest first (cursor pagination)' })
  @ApiOkResponse({ type: NetworkActionPageDto })
  @ApiValidationErrors()
  async list(@Query() query: NetworkActionQueryDto): Promise<NetworkActionPageDto> {
    const { items, nextCursor } = await this.actions.list(query);
    return { items: items.map(toNetworkActionDto), meta: { next_cursor: nextCursor, limit: query.limit } };
  }

  @Get('actions/:id')
  @RequirePermission(Permission.VIEW_ALERTS)
  @ApiOperation({ summary: 'One network action' })
  @ApiOkResponse({ type: NetworkActionDto })
  @ApiNotFound('Network action')
  @ApiValidationErrors()
  async get(@Param('id', BigIntIdPipe) id: string): Promise<NetworkActionDto> {
    return toNetworkActionDto(await this.actions.get(id));
  }
}

/** 201 for a new block, 200 for the live block of an already blocked target. */
function respond(result: BlockResult, reply: FastifyReply): BlockActionDto {
  void reply.status(result.created ? 201 : 200);
  return toBlockActionDto(result.action, result.dryRunCommands);
}
