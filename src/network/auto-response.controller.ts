import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor, RequirePermission } from '../common/auth/auth.decorators';
import { ActorContext } from '../common/auth/principal';
import { ApiValidationErrors } from '../common/http/api-errors.decorator';
import { Permission } from '../core/permissions';
import { AutoResponsePolicyService } from './auto-response-policy.service';
import { AutoResponsePolicyDto, AutoResponsePolicyInputDto, toAutoResponsePolicyDto } from './dto/auto-response.dto';

@ApiTags('network')
@Controller('network/auto-response')
@RequirePermission(Permission.SYSTEM_CONFIG)
export class AutoResponseController {
  constructor(private readonly policies: AutoResponsePolicyService) {}

  @Get()
  @ApiOperation({ summary: 'The automatic response policy (off by default)' })
  @ApiOkResponse({ type: AutoResponsePolicyDto })
  async get(): Promise<AutoResponsePolicyDto> {
    return toAutoResponsePolicyDto(await this.policies.get());
  }

  @Put()
  @ApiOperation({
    summary: 'Replace the automatic response policy',
    description:
      'When enabled, a raised alert (or an updated one that now qualifies) with at least `min_risk_level` and ' +
      '`min_confidence`, of one of `attack_types` (empty: any), gets its `src_ip` blocked for `duration` seconds ' +
      '(escalation applies) through the same guards as a manual block, never forced; audited as `system`, linked ' +
      'to the alert, with an `auto_response` entry on its timeline. At most one response per alert. With ' +
      '`dry_run`, only the audit record and the timeline entry say what would have been blocked.',
  })
  @ApiOkResponse({ type: AutoResponsePolicyDto })
  @ApiValidationErrors()
  async put(@Actor() actor: ActorContext, @Body() dto: AutoResponsePolicyInputDto): Promise<AutoResponsePolicyDto> {
    return toAutoResponsePolicyDto(await this.policies.update(actor, dto));
  }
}
