import '@fastify/multipart';
import { Controller, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { CurrentPrincipal, RequirePermission } from '../../common/auth/auth.decorators';
import { Principal } from '../../common/auth/principal';
import { ApiNotFound, ApiValidationErrors } from '../../common/http/api-errors.decorator';
import { UuidPipe } from '../../common/http/uuid.pipe';
import { DomainError, ErrorCode } from '../../core/domain-error';
import { Permission } from '../../core/permissions';
import { FlowImportService, ImportStatus, unreadableUpload } from './flow-import.service';
import { IMPORT_STATES, ImportListQueryDto, ImportQueryDto } from './import-query.dto';

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
  @ApiProperty({
    nullable: true,
    type: String,
    enum: ['machine-learning-cve', 'generated-labelled-flows', 'cicflowmeter-v4', 'cicflowmeter-corrected'],
    description: 'CICFlowMeter dialect detected from the header at upload (docs/flow-dialects.md)',
  })
  dialect: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'IANA zone the file\'s timestamps were read in; null: UTC' })
  time_zone: string | null;
  @ApiPropertyOptional({ type: ImportProgressDto, nullable: true }) progress: ImportProgressDto | null;
  @ApiProperty({ nullable: true, type: String }) error: string | null;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) finished_at: string | null;
}

class ImportListDto {
  @ApiProperty({ type: [ImportStatusDto], description: 'Newest first' }) items: ImportStatusDto[];
}

@ApiTags('flows')
@Controller('flows')
export class FlowImportController {
  constructor(private readonly imports: FlowImportService) {}

  @Post('import')
  @HttpCode(202)
  @RequirePermission(Permission.INGEST)
  @ApiOperation({
    summary: 'Import a CICFlowMeter CSV (CIC-IDS2017 either format, CICFlowMeter-V4/CSE-CIC-IDS2018, corrected meter)',
    description:
      'multipart/form-data with one `file` part. The header is checked as the file arrives: a file that is not a ' +
      'CICFlowMeter CSV, or lacks feature columns (named in the answer), is refused with 400. The file is stored ' +
      'and queued before the answer; follow the job at GET /flows/import/{jobId}, which shows the dialect.',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary' } } } })
  @ApiAcceptedResponse({ type: ImportStatusDto })
  @ApiValidationErrors()
  async upload(@CurrentPrincipal() principal: Principal, @Req() req: FastifyRequest, @Query() query: ImportQueryDto): Promise<ImportStatus> {
    if (!req.isMultipart()) {
      throw new DomainError(ErrorCode.UNSUPPORTED_MEDIA_TYPE, 'Send the CSV as multipart/form-data', {
        details: [{ field: 'file', reason: 'expected a multipart/form-data upload' }],
      });
    }
    const part = await req.file().catch((e: unknown) => {
      throw unreadableUpload(e);
    });
    if (!part || part.fieldname !== 'file') throw DomainError.validation([{ field: 'file', reason: 'a file part named file is required' }]);
    return this.imports.accept(part.file, part.filename, principal, query.time_zone ?? null);
  }

  @Get('imports')
  @RequirePermission(Permission.INGEST)
  @ApiOperation({
    summary: 'CSV imports, newest first, with their state and progress',
    description:
      'A sensor key lists only its own imports; users with system_config list every import. Reads the newest ' +
      '1,000 jobs the queue keeps per state.',
  })
  @ApiOkResponse({ type: ImportListDto })
  @ApiValidationErrors()
  async list(@CurrentPrincipal() principal: Principal, @Query() query: ImportListQueryDto): Promise<ImportListDto> {
    const states = query.state ? [query.state] : IMPORT_STATES;
    return { items: (await this.imports.list(principal, states, query.limit)) as ImportStatusDto[] };
  }

  @Get('import/:jobId')
  @RequirePermission(Permission.INGEST)
  @ApiOperation({
    summary: 'Progress of a CSV import',
    description: 'A sensor key reads only its own imports; users with system_config read every import.',
  })
  @ApiOkResponse({ type: ImportStatusDto })
  @ApiNotFound('Import')
  @ApiValidationErrors()
  status(@CurrentPrincipal() principal: Principal, @Param('jobId', UuidPipe) jobId: string): Promise<ImportStatus> {
    return this.imports.status(jobId, principal);
  }
}
