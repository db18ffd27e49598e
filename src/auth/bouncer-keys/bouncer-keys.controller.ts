import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor, RequirePermission } from '../../common/auth/auth.decorators';
import { ActorContext } from '../../common/auth/principal';
import { ApiConflict, ApiNotFound, ApiValidationErrors } from '../../common/http/api-errors.decorator';
import { UuidPipe } from '../../common/http/uuid.pipe';
import { Permission } from '../../core/permissions';
import { BouncerDto, CreateBouncerDto, CreatedBouncerDto, toBouncerDto } from './bouncer.dto';
import { BouncerKeysService } from './bouncer-keys.service';

@ApiTags('bouncers')
@Controller('bouncers')
export class BouncerKeysController {
  constructor(private readonly bouncers: BouncerKeysService) {}

  @Post()
  @RequirePermission(Permission.SYSTEM_CONFIG)
  @ApiOperation({
    summary: 'Create a bouncer key (CrowdSec-compatible, read-only on /v1/decisions); the secret is returned once',
    description: 'Give the key to a CrowdSec bouncer as its `api_key`, with `api_url` the root of this server (see docs/crowdsec.md).',
  })
  @ApiCreatedResponse({ type: CreatedBouncerDto })
  @ApiValidationErrors()
  @ApiConflict('A bouncer in force already has this name')
  async create(@Actor() actor: ActorContext, @Body() dto: CreateBouncerDto): Promise<CreatedBouncerDto> {
    const { bouncer, secret } = await this.bouncers.create(actor, dto.name);
    return { ...toBouncerDto(bouncer), key: secret };
  }

  @Get()
  @RequirePermission(Permission.SYSTEM_CONFIG)
  @ApiOperation({ summary: 'List bouncers with their last pull (time, address, version), never their keys' })
  @ApiOkResponse({ type: [BouncerDto] })
  async list(): Promise<BouncerDto[]> {
    return (await this.bouncers.list()).map(toBouncerDto);
  }

  @Delete(':id')
  @HttpCode(200)
  @RequirePermission(Permission.SYSTEM_CONFIG)
  @ApiOperation({ summary: 'Revoke a bouncer key (idempotent): its next pull is refused with 401' })
  @ApiOkResponse({ type: BouncerDto })
  @ApiNotFound('Bouncer')
  @ApiValidationErrors()
  async revoke(@Actor() actor: ActorContext, @Param('id', UuidPipe) id: string): Promise<BouncerDto> {
    return toBouncerDto(await this.bouncers.revoke(actor, id));
  }
}
