import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor, RequirePermission } from '../../common/auth/auth.decorators';
import { ActorContext } from '../../common/auth/principal';
import { ApiNotFound, ApiValidationErrors } from '../../common/http/api-errors.decorator';
import { UuidPipe } from '../../common/http/uuid.pipe';
import { Permission } from '../../core/permissions';
import { ApiKeyDto, CreateApiKeyDto, CreatedApiKeyDto, toApiKeyDto } from './api-key.dto';
import { ApiKeysService } from './api-keys.service';

@ApiTags('api-keys')
@Controller('api-keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Post()
  @RequirePermission(Permission.SYSTEM_CONFIG)
  @ApiOperation({ summary: 'Create a sensor API key (permission: ingest only); the secret is returned once' })
  @ApiCreatedResponse({ type: CreatedApiKeyDto })
  @ApiValidationErrors()
  async create(@Actor() actor: ActorContext, @Body() dto: CreateApiKeyDto): Promise<CreatedApiKeyDto> {
    const { key, secret } = await this.keys.create(actor, dto.name, dto.expires_at ? new Date(dto.expires_at) : null);
    return { ...toApiKeyDto(key), key: secret };
  }

  @Get()
  @RequirePermission(Permission.SYSTEM_CONFIG)
  @ApiOperation({ summary: 'List API keys (never their secrets)' })
  @ApiOkResponse({ type: [ApiKeyDto] })
  async list(): Promise<ApiKeyDto[]> {
    return (await this.keys.list()).map(toApiKeyDto);
  }

  @Delete(':id')
  @HttpCode(200)
  @RequirePermission(Permission.SYSTEM_CONFIG)
  @ApiOperation({ summary: 'Revoke an API key (idempotent)' })
  @ApiOkResponse({ type: ApiKeyDto })
  @ApiNotFound('API key')
  @ApiValidationErrors()
  async revoke(@Actor() actor: ActorContext, @Param('id', UuidPipe) id: string): Promise<ApiKeyDto> {
    return toApiKeyDto(await this.keys.revoke(actor, id));
  }
}
