import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '../common/auth/auth.decorators';
import { ApiValidationErrors } from '../common/http/api-errors.decorator';
import { Permission } from '../core/permissions';
import { AttackCoverageService } from './attack-coverage.service';
import { AttackCoverageDto, AttackCoverageQueryDto } from './dto/attack-coverage.dto';

@ApiTags('stats')
@Controller('stats')
@RequirePermission(Permission.VIEW_STATS)
export class AttackCoverageController {
  constructor(private readonly coverage: AttackCoverageService) {}

  @Get('attack-coverage')
  @ApiOperation({
    summary: 'MITRE ATT&CK coverage: techniques the loaded models detect, and alerts per technique',
    description:
      'Every (tactic, technique) pair the class mapping holds (docs/attack-mapping.md), with the classes behind it, ' +
      'the loaded models (full, EVE) that can emit them, and the alerts carrying it raised in the period (all ' +
      'time without `range` or `from`); pairs only Suricata rules named follow. Periods are taken to the second. ' +
      'Answers may be up to STATS_CACHE_TTL_SECONDS old.',
  })
  @ApiOkResponse({ type: AttackCoverageDto })
  @ApiValidationErrors()
  attackCoverage(@Query() q: AttackCoverageQueryDto): Promise<AttackCoverageDto> {
    return this.coverage.coverage(q);
  }
}
