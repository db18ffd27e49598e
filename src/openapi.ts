import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { REALTIME_EXTRA_MODELS, SERVER_EVENT_DTOS } from './realtime/dto/realtime-event.dto';

export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('IDS-AI API')
    .setDescription(
      'Backend of the IDS-AI network intrusion detection system: flow ingest and ML detection, alert triage, ' +
        'network response, realtime events and statistics. JSON fields are snake_case. Errors share one shape: ' +
        '`{status_code, error, message, details?: [{field, reason}], correlation_id}`.',
    )
    .setVersion('1.0.0')
    .setLicense('MIT', 'https://opensource.org/licenses/MIT')
    .addServer('/', 'This server')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Access token' }, 'access-token')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'Sensor API key' }, 'api-key')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-Api-Key', description: 'Bouncer key (idsb_…): /v1/decisions only' }, 'bouncer-key')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'METRICS_TOKEN, when set' }, 'metrics-token')
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    // the realtime events' payloads: the frontend generates their types from here or from asyncapi.json
    extraModels: [...new Set(Object.values(SERVER_EVENT_DTOS)), ...REALTIME_EXTRA_MODELS],
    operationIdFactory: (controllerKey, methodKey) => `${controllerKey.replace(/Controller$/, '')}_${methodKey}`,
  });
  markPublicOperations(document);
  return document;
}

/** Operations that declare no security scheme are the public ones: say so explicitly (`security: []`). */
function markPublicOperations(document: OpenAPIObject): void {
  for (const item of Object.values(document.paths)) {
    for (const method of ['get', 'put', 'post', 'delete', 'patch'] as const) {
      const operation = item[method];
      if (operation && !operation.security) operation.security = [];
    }
  }
}

/** Swagger UI at `/docs` and the JSON document at `/docs-json`. */
export function setupOpenApi(app: INestApplication): OpenAPIObject {
  const document = buildOpenApiDocument(app);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json', yamlDocumentUrl: 'docs-yaml' });
  return document;
}
