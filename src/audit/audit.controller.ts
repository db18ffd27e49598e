import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '../common/auth/auth.decorators';
import { ApiValidationErrors } from '../common/http/api-errors.decorator';
import { Permission } from '../core/permissions';
import { AuditService } from './audit.service';
import { AuditPageDto, toAuditEntryDto } from './dto/audit-entry.dto';
import { AuditQueryDto } from './dto/audit-query.dto';

@ApiTags('audit')
@Controller('audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @RequirePermission(Permission.SYSTEM_CONFIG)
  @ApiOperation({ summary: 'Audit log, newest first (read-only; rows cannot be changed through the API)' })
  @ApiOkResponse({ type: AuditPageDto })
  @ApiValidationErrors()
  async list(@Query() query: AuditQueryDto): Promise<AuditPageDto> {
    const rows = await this.audit.query(query);
    const page = rows.slice(0, query.limit);
    return {
      items: page.map(toAuditEntryDto),
      meta: { next_cursor: rows.length > query.limit ? page[page.length - 1].id : null, limit: query.limit },
    };
  }
}
