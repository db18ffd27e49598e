import '@fastify/multipart';
import { Controller, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { CurrentPrincipal, RequirePermission } from '../../common/auth/auth.decorators';
import { Principal } from '../../common/auth/principal';
import { ApiNotFound, ApiValidationErrors } from '../../common/http/api-errors.decorator';
import { UuidPipe } from '../../common/http/uuid.pipe';
import { DomainError, ErrorCode } from '../../core/domain-error';
import { Permission } from '../../core/permissions';
import { FlowImportService, ImportStatus, unreadableUpload } from './flow-import.service';

class ImportProgressDto {
  @ApiProperty() rows: number;
  @ApiProperty({ description: 'Rows that could not be read (wrong column count, non-numeric values, …)' }) skipped: number;
  @ApiProperty() flows_stored: number;
  @ApiProperty() alerts_raised: number;
  @ApiProperty() alerts_updated: number;
  @ApiProperty() bytes_read: number;
  @ApiProperty() bytes_total: number;
}

class ImportStatusDto implements ImportStatus {
  @ApiProperty({ format: 'uuid' }) job_id: string;
  @ApiProperty({ enum: ['waiting', 'active', 'completed', 'failed', 'delayed', 'paused'] }) state: string;
  @ApiProperty() file_name: string;
  @ApiPropertyOptional({ type: ImportProgressDto, nullable: true }) progress: ImportProgressDto | null;
  @ApiProperty({ nullable: true, type: String }) error: string | null;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) finished_at: string | null;
}

@ApiTags('flows')
@Controller('flows/import')
export class FlowImportController {
  constructor(private readonly imports: FlowImportService) {}

  @Post()
  @HttpCode(202)
  @RequirePermission(Permission.INGEST)
  @ApiOperation({
    summary: 'Import a CIC-IDS2017 CSV (either published format)',
    description:
      'multipart/form-data with one `file` part. The file is stored and queued before the answer; follow the job ' +
      'at GET /flows/import/{jobId}.',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary' } } } })
  @ApiAcceptedResponse({ type: ImportStatusDto })
  @ApiValidationErrors()
  async upload(@CurrentPrincipal() principal: Principal, @Req() req: FastifyRequest): Promise<ImportStatus> {
    if (!req.isMultipart()) {
      throw new DomainError(ErrorCode.UNSUPPORTED_MEDIA_TYPE, 'Send the CSV as multipart/form-data', {
        details: [{ field: 'file', reason: 'expected a multipart/form-data upload' }],
      });
    }
    const part = await req.file().catch((e: unknown) => {
      throw unreadableUpload(e);
    });
    if (!part || part.fieldname !== 'file') throw DomainError.validation([{ field: 'file', reason: 'a file part named file is required' }]);
    return this.imports.accept(part.file, part.filename, principal.kind === 'api_key' ? principal.id : null, principal.kind === 'user' ? principal.id : null);
  }

  @Get(':jobId')
  @RequirePermission(Permission.INGEST)
  @ApiOperation({ summary: 'Progress of a CSV import' })
  @ApiOkResponse({ type: ImportStatusDto })
  @ApiNotFound('Import')
  @ApiValidationErrors()
  status(@Param('jobId', UuidPipe) jobId: string): Promise<ImportStatus> {
    return this.imports.status(jobId);
  }
}
