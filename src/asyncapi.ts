import { OpenAPIObject } from '@nestjs/swagger';
import { EVENT_PERMISSION, ServerEventName } from './realtime/realtime.events';
import { SERVER_EVENT_DTOS } from './realtime/dto/realtime-event.dto';

type Schema = Record<string, unknown>;

const SUMMARIES: Record<ServerEventName, string> = {
  attack_detected: 'A new alert was raised',
  attack_detected_batch: 'New alerts of a storm, coalesced per batch window',
  alert_updated: 'An alert changed (verdict folded in, status, assignee, note, feedback, action)',
  alerts_deduplicated: 'Alerts a storm folded verdicts into during one batch window, with what folding changed',
  alert_resolved: 'An alert reached resolved or false_positive',
  ip_blocked: 'An address or network block became active on the firewall',
  port_blocked: 'A port block became active on the firewall',
  block_expired: 'A block reached its expiry and was lifted',
  block_revoked: 'A block was lifted by staff',
  block_failed: 'A block could not be applied',
  model_training_progress: 'Progress of a retraining job',
  model_activated: 'A model version was activated',
  model_drift: 'The traffic of a sensor left the training domain of the model (firing), or came back (cleared)',
  user_changed: 'A user account changed',
  system_status: 'Throughput, queues, model and readiness, every REALTIME_STATUS_INTERVAL_MS',
  token_expired: 'The connection token expired: send `authenticate` with a new one within the grace period',
  session_ended: 'The connection’s session ended (logout, deactivation, role or password change): the server closes it',
};

/**
 * The Socket.IO events as an AsyncAPI 3.1 document, generated from the same DTO classes as the OpenAPI document
 * (their schemas are taken from it and turned from OpenAPI 3.0 schemas into JSON Schema).
 */
export function buildAsyncApiDocument(openapi: OpenAPIObject): Schema {
  const schemas = (openapi.components?.schemas ?? {}) as Record<string, Schema>;
  const events = Object.keys(SERVER_EVENT_DTOS) as ServerEventName[];
  const payloadNames = [...events.map((e) => SERVER_EVENT_DTOS[e].name), 'AuthenticateMessageDto', 'AuthenticateAckDto'];
  const messages: Record<string, Schema> = {};
  for (const event of events) {
    const permission = EVENT_PERMISSION[event];
    messages[event] = {
      name: event,
      title: event,
      summary: SUMMARIES[event],
      description: permission
        ? `Sent to clients whose role holds the \`${permission}\` permission.`
        : 'Sent to the connection concerned only.',
      payload: { $ref: `#/components/schemas/${SERVER_EVENT_DTOS[event].name}` },
      'x-permission': permission,
    };
  }
  messages.authenticate = {
    name: 'authenticate',
    title: 'authenticate',
    summary: 'Replace the connection’s access token (acknowledged with AuthenticateAckDto)',
    payload: { $ref: '#/components/schemas/AuthenticateMessageDto' },
  };
  messages.authenticate_ack = {
    name: 'authenticate_ack',
    title: 'authenticate acknowledgement',
    summary: 'The acknowledgement callback’s argument for `authenticate`',
    payload: { $ref: '#/components/schemas/AuthenticateAckDto' },
  };
  const channelMessages = Object.fromEntries(Object.keys(messages).map((m) => [m, { $ref: `#/components/messages/${m}` }]));
  const operations: Record<string, Schema> = {};
  for (const event of events) {
    operations[`send_${event}`] = {
      action: 'send',
      channel: { $ref: '#/channels/events' },
      summary: SUMMARIES[event],
      messages: [{ $ref: `#/channels/events/messages/${event}` }],
    };
  }
  operations.receive_authenticate = {
    action: 'receive',
    channel: { $ref: '#/channels/events' },
    summary: 'A client replaces its access token',
    messages: [{ $ref: '#/channels/events/messages/authenticate' }],
    reply: { channel: { $ref: '#/channels/events' }, messages: [{ $ref: '#/channels/events/messages/authenticate_ack' }] },
  };
  return {
    asyncapi: '3.1.0',
    info: {
      title: 'IDS-AI realtime events',
      version: openapi.info.version,
      description:
        'Socket.IO events of the IDS-AI API: connect to the API’s own port, default namespace, path `/socket.io`, ' +
        'with the access token in the handshake (`io(url, { path: "/socket.io", auth: { token } })`). Each message ' +
        'is a Socket.IO event whose name is the message name and whose single argument is the payload. Events ' +
        'carrying an `id` are in the replay log: `GET /api/v1/events?since=<id>` returns what a client missed.',
      license: { name: 'MIT', url: 'https://opensource.org/licenses/MIT' },
    },
    defaultContentType: 'application/json',
    servers: {
      api: {
        host: 'localhost:3000',
        protocol: 'ws',
        pathname: '/socket.io',
        description: 'The API server (Socket.IO over WebSocket, or HTTP long-polling)',
        security: [{ $ref: '#/components/securitySchemes/accessToken' }],
      },
    },
    channels: {
      events: { address: '/', title: 'Default namespace', messages: channelMessages },
    },
    operations,
    components: {
      messages,
      schemas: schemaClosure(schemas, payloadNames),
      securitySchemes: {
        accessToken: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'The access token of `POST /api/v1/auth/login`, sent as `auth.token` in the Socket.IO handshake',
        },
      },
    },
  };
}

/** The named schemas and every schema they refer to, as JSON Schema. */
function schemaClosure(all: Record<string, Schema>, names: string[]): Record<string, Schema> {
  const out: Record<string, Schema> = {};
  const queue = [...names];
  while (queue.length) {
    const name = queue.shift()!;
    if (out[name]) continue;
    const schema = all[name];
    if (!schema) throw new Error(`schema ${name} is not in the OpenAPI document`);
    out[name] = toJsonSchema(schema);
    for (const ref of JSON.stringify(schema).matchAll(/"#\/components\/schemas\/([^"]+)"/g)) queue.push(ref[1]);
  }
  return Object.fromEntries(Object.keys(out).sort().map((k) => [k, out[k]]));
}

/** OpenAPI 3.0 → JSON Schema: `nullable` becomes a `null` type (and enum member), `example` becomes `examples`. */
export function toJsonSchema(schema: unknown): Schema {
  if (Array.isArray(schema)) return schema.map(toJsonSchema) as unknown as Schema;
  if (schema === null || typeof schema !== 'object') return schema as Schema;
  const out: Schema = {};
  for (const [key, value] of Object.entries(schema as Schema)) {
    if (key === 'nullable' || key === 'example') continue;
    out[key] = key === 'enum' || key === 'required' || key === 'default' ? value : toJsonSchema(value);
  }
  const source = schema as Schema;
  if ('example' in source) out.examples = [source.example];
  if (source.nullable !== true) return out;
  if (typeof out.type === 'string') out.type = [out.type, 'null'];
  if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
  if (out.$ref || out.allOf || out.oneOf) {
    const { description, ...rest } = out;
    return { ...(description ? { description } : {}), oneOf: [rest, { type: 'null' }] };
  }
  return out;
}
