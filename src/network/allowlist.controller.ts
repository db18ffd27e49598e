import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor, RequirePermission } from '../common/auth/auth.decorators';
import { ActorContext } from '../common/auth/principal';
import { ApiConflict, ApiNotFound, ApiValidationErrors } from '../common/http/api-errors.decorator';
import { BigIntIdPipe } from '../common/http/uuid.pipe';
import { Permission } from '../core/permissions';
import { AllowlistService } from './allowlist.service';
import { AllowlistEntryDto, CreateAllowlistEntryDto, toAllowlistEntryDto } from './dto/allowlist.dto';

@ApiTags('network')
@Controller('network/allowlist')
@RequirePermission(Permission.SYSTEM_CONFIG)
export class AllowlistController {
  constructor(private readonly allowlist: AllowlistService) {}

  @Post()
  @ApiOperation({
    summary: 'Protect an address or network from blocking',
    description: 'Every later block overlapping an active entry is refused with 409 (admins may force it). Existing blocks inside it are not lifted: use POST /network/unblock with `cidr`.',
  })
  @ApiCreatedResponse({ type: AllowlistEntryDto })
  @ApiValidationErrors()
  @ApiConflict('An active entry for this address or network exists')
  async add(@Actor() actor: ActorContext, @Body() dto: CreateAllowlistEntryDto): Promise<AllowlistEntryDto> {
    return toAllowlistEntryDto(await this.allowlist.add(actor, dto), true);
  }

  @Get()
  @ApiOperation({ summary: 'Allowlist entries, newest first (expired ones too, with `active: false`)' })
  @ApiOkResponse({ type: [AllowlistEntryDto] })
  async list(): Promise<AllowlistEntryDto[]> {
    return (await this.allowlist.list()).map(({ entry, active }) => toAllowlistEntryDto(entry, active));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove an allowlist entry' })
  @ApiNoContentResponse({ description: 'Removed' })
  @ApiNotFound('Allowlist entry')
  @ApiValidationErrors()
  async remove(@Actor() actor: ActorContext, @Param('id', BigIntIdPipe) id: string): Promise<void> {
    await this.allowlist.remove(actor, id);
  }
}
