import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequirePermission } from '../../common/auth/auth.decorators';
import { Principal } from '../../common/auth/principal';
import { ApiValidationErrors } from '../../common/http/api-errors.decorator';
import { Permission } from '../../core/permissions';
import { ExternalVerdictDto, ExternalVerdictResultDto } from './external-verdict.dto';
import { ExternalVerdictService } from './external-verdict.service';

@ApiTags('inference')
@Controller('inference')
export class InferenceProcessController {
  constructor(private readonly verdicts: ExternalVerdictService) {}

  @Post('process')
  @HttpCode(200)
  @RequirePermission(Permission.INGEST)
  @ApiOperation({
    summary: 'Accept a verdict computed by an external AI service',
    description: 'Stored as a flow; an attack raises (or is folded into) an alert exactly like our own verdicts.',
  })
  @ApiOkResponse({ type: ExternalVerdictResultDto })
  @ApiValidationErrors()
  process(@CurrentPrincipal() principal: Principal, @Body() dto: ExternalVerdictDto): Promise<ExternalVerdictResultDto> {
    return this.verdicts.process(dto, principal.kind === 'api_key' ? principal.id : null);
  }
}
