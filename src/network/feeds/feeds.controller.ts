import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor, RequirePermission } from '../../common/auth/auth.decorators';
import { ActorContext } from '../../common/auth/principal';
import { ApiConflict, ApiNotFound, ApiValidationErrors } from '../../common/http/api-errors.decorator';
import { BigIntIdPipe } from '../../common/http/uuid.pipe';
import { Permission } from '../../core/permissions';
import { CreateFeedDto, FeedContentDto, FeedDto, UpdateFeedDto, toFeedDto } from './dto/feed.dto';
import { FeedsService } from './feeds.service';

@ApiTags('network')
@Controller('network/feeds')
export class FeedsController {
  constructor(private readonly feeds: FeedsService) {}

  @Post()
  @RequirePermission(Permission.SYSTEM_CONFIG)
  @ApiOperation({
    summary: 'Subscribe to a blocklist by URL, or upload one',
    description:
      'The list is loaded at once (the answer carries its status): its entries that pass the guards become CrowdSec ' +
      'decisions with the feed\'s name as origin, and a firewall set when `enforce_firewall`. A URL feed is then ' +
      'refreshed every `refresh_seconds` with a conditional GET.',
  })
  @ApiCreatedResponse({ type: FeedDto })
  @ApiValidationErrors()
  @ApiConflict('A feed with this name exists')
  async create(@Actor() actor: ActorContext, @Body() dto: CreateFeedDto): Promise<FeedDto> {
    return toFeedDto(await this.feeds.create(actor, dto));
  }

  @Get()
  @RequirePermission(Permission.TAKE_ACTIONS)
  @ApiOperation({ summary: 'Blocklist feeds with their status and counts' })
  @ApiOkResponse({ type: [FeedDto] })
  async list(): Promise<FeedDto[]> {
    return (await this.feeds.list()).map(toFeedDto);
  }

  @Get(':id')
  @RequirePermission(Permission.TAKE_ACTIONS)
  @ApiOperation({ summary: 'One blocklist feed' })
  @ApiOkResponse({ type: FeedDto })
  @ApiNotFound('Blocklist feed')
  @ApiValidationErrors()
  async get(@Param('id', BigIntIdPipe) id: string): Promise<FeedDto> {
    return toFeedDto(await this.feeds.get(id));
  }

  @Patch(':id')
  @RequirePermission(Permission.SYSTEM_CONFIG)
  @ApiOperation({ summary: 'Change a feed (name, url, interval, firewall enforcement, enabled)' })
  @ApiOkResponse({ type: FeedDto })
  @ApiNotFound('Blocklist feed')
  @ApiValidationErrors()
  @ApiConflict('A feed with this name exists')
  async update(
    @Actor() actor: ActorContext,
    @Param('id', BigIntIdPipe) id: string,
    @Body() dto: UpdateFeedDto,
  ): Promise<FeedDto> {
    return toFeedDto(await this.feeds.update(actor, id, dto));
  }

  @Put(':id/content')
  @RequirePermission(Permission.SYSTEM_CONFIG)
  @ApiOperation({ summary: 'Replace the list of an uploaded feed (entries that left it are revoked)' })
  @ApiOkResponse({ type: FeedDto })
  @ApiNotFound('Blocklist feed')
  @ApiValidationErrors()
  @ApiConflict('The feed is downloaded from a URL')
  async upload(
    @Actor() actor: ActorContext,
    @Param('id', BigIntIdPipe) id: string,
    @Body() dto: FeedContentDto,
  ): Promise<FeedDto> {
    return toFeedDto(await this.feeds.upload(actor, id, dto.content));
  }

  @Post(':id/refresh')
  @HttpCode(200)
  @RequirePermission(Permission.TAKE_ACTIONS)
  @ApiOperation({
    summary: 'Refresh a feed now',
    description:
      'A URL feed is downloaded (conditional GET); an uploaded one is checked against the guards again. ' +
      'A failed download is `last_status: failed` in the answer, not an error.',
  })
  @ApiOkResponse({ type: FeedDto })
  @ApiNotFound('Blocklist feed')
  @ApiValidationErrors()
  async refresh(@Actor() actor: ActorContext, @Param('id', BigIntIdPipe) id: string): Promise<FeedDto> {
    return toFeedDto(await this.feeds.refreshNow(actor, id));
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermission(Permission.SYSTEM_CONFIG)
  @ApiOperation({ summary: 'Unsubscribe: its decisions are deleted for bouncers and its firewall set removed' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiNotFound('Blocklist feed')
  @ApiValidationErrors()
  async remove(@Actor() actor: ActorContext, @Param('id', BigIntIdPipe) id: string): Promise<void> {
    await this.feeds.remove(actor, id);
  }
}
