import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Public } from '../../common/decorators/public.decorator';

export class LandingDto {
  @ApiProperty({ example: 'IDS-AI' }) name: string;
  @ApiProperty({ example: 'AI-powered network intrusion detection backend' }) description: string;
  @ApiProperty({ example: '/docs', description: 'Interactive API documentation (OpenAPI at /docs-json)' }) docs: string;
  @ApiProperty({ example: '/docs-json' }) openapi: string;
  @ApiProperty({ example: '/health/ready', description: 'Readiness of the database, Redis and every component' }) health: string;
  @ApiProperty({ example: '/api/v1', description: 'Prefix of every REST route' }) api: string;
  @ApiProperty({ example: 'docs/quickstart.md', description: 'From a started server to a first alert, in the repository' })
  quickstart: string;
}

/** `GET /`: where a newcomer who opens the server's address in a browser or with curl goes next. */
@ApiTags('operations')
@Public()
@Controller()
export class LandingController {
  @Get()
  @ApiOperation({ summary: 'Where to go next: API documentation, readiness, quick start' })
  @ApiOkResponse({ type: LandingDto })
  landing(): LandingDto {
    return {
      name: 'IDS-AI',
      description: 'AI-powered network intrusion detection backend',
      docs: '/docs',
      openapi: '/docs-json',
      health: '/health/ready',
      api: '/api/v1',
      quickstart: 'docs/quickstart.md',
    };
  }
}
