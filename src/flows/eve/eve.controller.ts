import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import { CurrentPrincipal, RequirePermission } from '../../common/auth/auth.decorators';
import { Principal } from '../../common/auth/principal';
import { ApiValidationErrors } from '../../common/http/api-errors.decorator';
import { ErrorResponseDto } from '../../common/http/error-response.dto';
import { Permission } from '../../core/permissions';
import { EveIngestResultDto } from './dto/eve-ingest-result.dto';
import { EveBodyPipe } from './eve-body.pipe';
import { EveIngestService } from './eve-ingest.service';
import { EveBatch } from './eve-ndjson';
import { NDJSON, NdjsonBody } from './ndjson-body';

const EXAMPLE = [
  '{"timestamp":"2026-11-21T10:00:05.120000+0000","flow_id":1459325613422394,"event_type":"flow","src_ip":"198.18.0.10","src_port":51234,"dest_ip":"198.19.0.20","dest_port":80,"proto":"TCP","app_proto":"http","flow":{"pkts_toserver":6,"pkts_toclient":5,"bytes_toserver":520,"bytes_toclient":3120,"start":"2026-11-21T10:00:00.000000+0000","end":"2026-11-21T10:00:04.500000+0000","state":"closed","reason":"timeout","alerted":false},"tcp":{"tcp_flags":"1b","tcp_flags_ts":"1b","tcp_flags_tc":"1b","syn":true,"fin":true,"psh":true,"ack":true}}',
  '{"timestamp":"2026-11-21T10:00:06.000000+0000","flow_id":1459325613422395,"event_type":"alert","src_ip":"198.18.0.66","src_port":44321,"dest_ip":"198.19.0.20","dest_port":22,"proto":"TCP","alert":{"action":"allowed","gid":1,"signature_id":2001219,"rev":20,"signature":"ET SCAN Potential SSH Scan","category":"Attempted Information Leak","severity":2},"flow":{"pkts_toserver":3,"pkts_toclient":1,"bytes_toserver":222,"bytes_toclient":74,"start":"2026-11-21T10:00:05.900000+0000"}}',
  '{"timestamp":"2026-11-21T10:00:06.100000+0000","event_type":"dns","src_ip":"198.18.0.10","src_port":53000,"dest_ip":"198.19.0.53","dest_port":53,"proto":"UDP","dns":{"type":"query","rrname":"example.test","rrtype":"A"}}',
].join('\n');

const sensorOf = (p: Principal) => (p.kind === 'api_key' ? p.id : null);

@ApiTags('ingest')
@Controller('ingest')
export class EveIngestController {
  constructor(private readonly eve: EveIngestService) {}

  @Post('eve')
  @HttpCode(200)
  @NdjsonBody()
  @RequirePermission(Permission.INGEST)
  @ApiOperation({
    summary: 'Ingest Suricata EVE JSON events (NDJSON)',
    description:
      'One EVE event per line. `flow` events become flows classified by the model (features mapped from EVE; ' +
      'those EVE lacks are imputed); `alert` events become alerts with source `suricata`, the signature as attack ' +
      'type, the risk from the Suricata severity (1 high, 2 medium, 3+ low), de-duplicated per source, ' +
      'destination and signature; other event types are counted and skipped. All or nothing: a line that is ' +
      'not JSON or lacks a required field refuses the whole request with 400 and `details: [{field: "line N", ' +
      'reason}]`, and nothing is stored. The response is sent after everything is committed.',
  })
  @ApiConsumes(NDJSON, 'application/json')
  @ApiBody({ description: 'EVE events, one JSON object per line', schema: { type: 'string', example: EXAMPLE } })
  @ApiOkResponse({ type: EveIngestResultDto })
  @ApiValidationErrors()
  @ApiPayloadTooLargeResponse({ description: 'More flow and alert events than INGEST_MAX_BATCH, or a body over BODY_LIMIT', type: ErrorResponseDto })
  @ApiUnsupportedMediaTypeResponse({ description: 'Neither NDJSON nor JSON', type: ErrorResponseDto })
  @ApiServiceUnavailableResponse({ description: 'Saturated or a dependency is down; see Retry-After', type: ErrorResponseDto })
  ingest(@CurrentPrincipal() principal: Principal, @Body(EveBodyPipe) batch: EveBatch): Promise<EveIngestResultDto> {
    return this.eve.store(batch, sensorOf(principal));
  }
}
