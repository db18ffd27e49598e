import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  validateSync,
  ValidationError,
} from 'class-validator';
import { IsNumber, ValidateBy } from 'class-validator';
import { statSync } from 'node:fs';
import { tryParseTarget } from '../core/net';
import { parseSyslogDestinations } from '../core/syslog-destination';
import { passwordProblem } from '../core/password-policy';
import { PROCESS_ROLES, ProcessRole } from './process-role';

export const DEV_JWT_SECRET = 'dev-only-insecure-jwt-secret-change-me';

const toBool = ({ value }: { value: unknown }) => {
  if (value === undefined || value === '') return undefined;
  if (typeof value === 'boolean') return value;
  const v = String(value).toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) return true;
  if (['false', '0', 'no', 'off'].includes(v)) return false;
  return value;
};
const toInt = ({ value }: { value: unknown }) => {
  if (value === undefined || value === '') return undefined;
  return /^-?\d+$/.test(String(value)) ? Number(value) : value;
};
const toNumber = ({ value }: { value: unknown }) => {
  if (value === undefined || value === '') return undefined;
  return /^\d+(\.\d+)?$/.test(String(value)) ? Number(value) : value;
};

/** A comma-separated list of IP addresses or CIDRs, each accepted by the strict parser of `core/net`. */
const IsAddressList = () =>
  ValidateBy({
    name: 'isAddressList',
    validator: {
      validate: (value: unknown) =>
        typeof value === 'string' && value.split(',').map((s) => s.trim()).filter(Boolean).every((s) => tryParseTarget(s).ok),
      defaultMessage: () => '$property must be a comma-separated list of IP addresses or CIDRs',
    },
  });

const IsDirectory = () =>
  ValidateBy({
    name: 'isDirectory',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && value !== '' && statSync(value, { throwIfNoEntry: false })?.isDirectory() === true,
      defaultMessage: () => '$property must name an existing directory',
    },
  });

const IsFile = () =>
  ValidateBy({
    name: 'isFile',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && statSync(value, { throwIfNoEntry: false })?.isFile() === true,
      defaultMessage: () => '$property must name an existing file',
    },
  });

/** Events SIEM forwarding may send (the webhooks' events: src/notifications/webhook-events.ts). */
export const SIEM_EVENT_NAMES = [
  'alert.raised',
  'alert.updated',
  'alert.resolved',
  'network.ip_blocked',
  'network.port_blocked',
  'network.block_expired',
  'network.block_revoked',
  'model.activated',
];

const IsSiemEventList = () =>
  ValidateBy({
    name: 'isSiemEventList',
    validator: {
      validate: (value: unknown) =>
        typeof value === 'string' && value.split(',').map((s) => s.trim()).filter(Boolean).every((s) => SIEM_EVENT_NAMES.includes(s)),
      defaultMessage: () => `$property must be a comma-separated list of: ${SIEM_EVENT_NAMES.join(', ')}`,
    },
  });

/**
 * Every environment variable the service reads. Validated once at start-up: a bad or missing value stops the
 * process with the variable's name and the reason. Defaults live here and in `.env.example`.
 */
export class EnvironmentVariables {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @IsString()
  HOST = '0.0.0.0';

  // --- Process role and shutdown (src/main.ts, src/infra/lifecycle) ---
  /** `api` (HTTP only, produces jobs), `worker` (queues, stream consumer, schedules; /health and /metrics) or `all`. */
  @IsIn(PROCESS_ROLES)
  PROCESS_ROLE: ProcessRole = 'all';

  /** Longest a graceful shutdown may take; past it the process logs what is still open and exits with status 1. */
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  @Max(600000)
  SHUTDOWN_TIMEOUT_MS = 30000;

  /** After SIGTERM, keep serving this long (with /health/ready at 503) before closing the listener. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(300000)
  SHUTDOWN_DRAIN_DELAY_MS = 0;

  /** Serve the Bull Board queue dashboard at /admin/queues (admins only) in the `api` and `all` roles. */
  @Transform(toBool)
  @IsBoolean()
  BULL_BOARD_ENABLED = true;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL: string = 'info';

  @Transform(toBool)
  @IsBoolean()
  LOG_PRETTY = false;

  @IsOptional()
  @IsUrl({ protocols: ['postgres', 'postgresql'], require_tld: false, require_protocol: true })
  DATABASE_URL?: string;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(200)
  DATABASE_POOL_SIZE = 10;

  @Transform(toBool)
  @IsBoolean()
  DATABASE_MIGRATIONS_RUN = true;

  @IsString()
  EMBEDDED_PG_DIR = './data/postgres';

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(65535)
  EMBEDDED_PG_PORT = 54329;

  @IsUrl({ protocols: ['redis', 'rediss'], require_tld: false, require_protocol: true })
  REDIS_URL = 'redis://127.0.0.1:6379';

  @Transform(toBool)
  @IsBoolean()
  REDIS_AUTOSTART = true;

  @IsString()
  REDIS_DATA_DIR = './data/redis';

  @IsString()
  REDIS_KEY_PREFIX = 'ids';

  @IsString()
  @MinLength(1)
  JWT_SECRET = DEV_JWT_SECRET;

  @IsString()
  JWT_ISSUER = 'ids-ai';

  @IsString()
  JWT_AUDIENCE = 'ids-ai-api';

  @Transform(toInt)
  @IsInt()
  @Min(30)
  JWT_ACCESS_TTL_SECONDS = 900;

  @Transform(toInt)
  @IsInt()
  @Min(60)
  JWT_REFRESH_TTL_SECONDS = 604800;

  @IsOptional()
  @IsEmail({ require_tld: false })
  ADMIN_EMAIL?: string;

  @IsOptional()
  @IsString()
  @ValidateBy({
    name: 'passwordPolicy',
    validator: {
      validate: (value: unknown, args) =>
        typeof value === 'string' && !passwordProblem(value, { email: (args?.object as EnvironmentVariables).ADMIN_EMAIL }),
      defaultMessage: (args) => `ADMIN_PASSWORD ${passwordProblem(String(args?.value), { email: (args?.object as EnvironmentVariables).ADMIN_EMAIL })}`,
    },
  })
  ADMIN_PASSWORD?: string;

  /**
   * Seconds a checked access-token session is trusted without asking PostgreSQL again (0: every request asks).
   * Ending a session clears it at once in every process (Redis pub/sub); this bounds a missed signal.
   */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(60)
  AUTH_SESSION_CACHE_SECONDS = 5;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  LOGIN_MAX_FAILURES_PER_ACCOUNT_IP = 5;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  LOGIN_MAX_FAILURES_PER_IP = 50;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  LOGIN_MAX_FAILURES_PER_ACCOUNT = 20;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(86400)
  LOGIN_FAILURE_WINDOW_SECONDS = 900;

  @IsOptional()
  @IsString()
  METRICS_TOKEN?: string;

  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(60000)
  HEALTH_DB_TIMEOUT_MS = 1500;

  @IsString()
  @Matches(/^[0-9]+(b|kb|mb)?$/i, { message: 'BODY_LIMIT must be a size such as 10mb' })
  BODY_LIMIT = '16mb';

  /**
   * Which peers may set the client address with X-Forwarded-For: `false` (none: the socket's peer is the
   * client), a number of proxy hops, or addresses / CIDRs / `loopback`, `linklocal`, `uniquelocal`, comma-separated.
   */
  @IsString()
  @Matches(/^(false|true|\d{1,2}|[0-9a-fA-F.:/]+(\s*,\s*[0-9a-fA-F.:/a-z]+)*|(loopback|linklocal|uniquelocal)(\s*,\s*[0-9a-zA-Z.:/]+)*)$/, {
    message: 'TRUST_PROXY must be false, true, a hop count, or comma-separated addresses, CIDRs, loopback, linklocal or uniquelocal',
  })
  TRUST_PROXY = 'false';

  // --- Request rate limits (src/infra/rate-limit) ---
  /** Length of the window the rate limits count requests in. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(3600)
  RATE_LIMIT_WINDOW_SECONDS = 60;

  /** Requests per window per API key or user on the ingest routes; 0 turns the limit off. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  RATE_LIMIT_INGEST_PER_WINDOW = 6000;

  /** Requests per window per user on the other API routes; 0 turns the limit off. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  RATE_LIMIT_API_PER_WINDOW = 1200;

  /** Requests per window per client address on the public API routes (login, refresh); 0 turns the limit off. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  RATE_LIMIT_ANONYMOUS_PER_WINDOW = 300;

  @IsString()
  MODEL_DIR = './models/default';

  @IsString()
  MODEL_STORE_DIR = './data/models';

  /** The only place `POST /inference/retrain` may read `data_path` from; unset, retraining uses feedback alone. */
  @Transform(({ value }: { value: unknown }) => (value === '' ? undefined : value))
  @IsOptional()
  @IsDirectory()
  DATASETS_DIR?: string;
  /** The model over the features a Suricata EVE flow record supplies (docs/eve-model.md); empty: none. */
  @IsString()
  EVE_MODEL_DIR = './models/default-eve';

  /**
   * Flows with a smaller share of the 78 features present (not missing) are scored by the EVE model: an EVE flow
   * has 0.49 (38 of 78), a complete CIC-IDS2017 row 1. 0 sends every flow to the full model.
   */
  @Transform(toNumber)
  @IsNumber()
  @Min(0)
  @Max(1)
  MODEL_MIN_FEATURE_COVERAGE = 0.8;

  /** Verdicts on flows below MODEL_MIN_FEATURE_COVERAGE raise an alert only at this confidence or above. */
  @Transform(toNumber)
  @IsNumber()
  @Min(0)
  @Max(1)
  LOW_COVERAGE_ALERT_MIN_CONFIDENCE = 0.9;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100000)
  INGEST_MAX_BATCH = 5000;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  ALERT_DEDUP_WINDOW_SECONDS = 300;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  INFERENCE_MAX_BATCH = 2048;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  INFERENCE_MAX_QUEUED_FLOWS = 50000;

  /** Run the detection model in a worker thread (off the event loop, on another core) instead of in the main thread. */
  @Transform(toBool)
  @IsBoolean()
  INFERENCE_THREAD = true;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  FLOW_RETENTION_DAYS = 30;

  /** How long the answer to an ingest request sent with an Idempotency-Key is kept for its retries. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(24 * 30)
  INGEST_IDEMPOTENCY_HOURS = 24;

  @IsString()
  IMPORT_DIR = './data/imports';

  @Transform(toInt)
  @IsInt()
  @Min(1)
  REALTIME_STORM_THRESHOLD = 20;

  @Transform(toInt)
  @IsInt()
  @Min(50)
  REALTIME_BATCH_MS = 250;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(10000)
  REALTIME_BATCH_MAX_ALERTS = 100;

  @Transform(toInt)
  @IsInt()
  @Min(500)
  REALTIME_STATUS_INTERVAL_MS = 5000;

  /** Sliding window of the model-drift alarm (see docs/model-drift.md). */
  @Transform(toInt)
  @IsInt()
  @Min(10)
  @Max(86400)
  MODEL_DRIFT_WINDOW_SECONDS = 300;

  /** Fewest flows in the window for a sensor's drift to be judged. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  MODEL_DRIFT_MIN_FLOWS = 200;

  /** The alarm fires when at least this share of the window's flows lies outside the training domain... */
  @Transform(toNumber)
  @IsNumber()
  @Min(0)
  @Max(1)
  MODEL_DRIFT_OUT_OF_DOMAIN_FIRE = 0.05;

  /** ...and clears when the share falls below this one (and the coverage is back). */
  @Transform(toNumber)
  @IsNumber()
  @Min(0)
  @Max(1)
  MODEL_DRIFT_OUT_OF_DOMAIN_CLEAR = 0.03;

  /** The alarm fires when the mean feature coverage of the window's flows falls below this share (0: never)... */
  @Transform(toNumber)
  @IsNumber()
  @Min(0)
  @Max(1)
  MODEL_DRIFT_COVERAGE_FIRE = 0.9;

  /** ...and clears when it is at least this share again (and the out-of-domain share is low). */
  @Transform(toNumber)
  @IsNumber()
  @Min(0)
  @Max(1)
  MODEL_DRIFT_COVERAGE_CLEAR = 0.95;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  IMPORT_MAX_FILE_MB = 2048;

  // --- Redis Streams ingest (src/flows/stream) ---
  @Transform(toBool)
  @IsBoolean()
  INGEST_STREAM_ENABLED = true;

  /** Default `<REDIS_KEY_PREFIX>:flows:in`. */
  @IsOptional()
  @IsString()
  @MinLength(1)
  INGEST_STREAM_KEY?: string;

  @IsString()
  @MinLength(1)
  INGEST_STREAM_GROUP = 'ids-ingest';

  /** Default `<hostname>-<pid>`. */
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  INGEST_STREAM_CONSUMER?: string;

  /** Default `<REDIS_KEY_PREFIX>:flows:out`. */
  @IsOptional()
  @IsString()
  @MinLength(1)
  INGEST_STREAM_OUT_KEY?: string;

  /** Default `<REDIS_KEY_PREFIX>:flows:dead`. */
  @IsOptional()
  @IsString()
  @MinLength(1)
  INGEST_STREAM_DEAD_KEY?: string;

  @Transform(toInt)
  @IsInt()
  @Min(1000)
  INGEST_STREAM_MAXLEN = 100000;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(10000)
  INGEST_STREAM_BATCH_SIZE = 500;

  @Transform(toInt)
  @IsInt()
  @Min(10)
  @Max(60000)
  INGEST_STREAM_BLOCK_MS = 1000;

  @Transform(toInt)
  @IsInt()
  @Min(100)
  INGEST_STREAM_CLAIM_MIN_IDLE_MS = 30000;

  @Transform(toInt)
  @IsInt()
  @Min(100)
  INGEST_STREAM_CLAIM_INTERVAL_MS = 15000;

  /**
   * A consumer that has not touched the stream for this long is not counted as live (ids_stream_consumers) and,
   * once it holds no pending entry, is removed from the group (XGROUP DELCONSUMER).
   */
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  INGEST_STREAM_CONSUMER_MAX_IDLE_MS = 120000;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1000)
  INGEST_STREAM_MAX_DELIVERIES = 10;

  @Transform(toInt)
  @IsInt()
  @Min(60)
  INGEST_STREAM_DEDUP_RETENTION_SECONDS = 3600;

  // --- Statistics (src/stats) ---
  /** Seconds a statistics answer is cached in Redis (keyed by the normalised query); 0 disables the cache. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(300)
  STATS_CACHE_TTL_SECONDS = 5;

  /**
   * Days the per-minute and per-hour-per-address rollups are kept (hourly pruning by a worker); the statistics of
   * older periods read as empty. The per-day model rollup is kept.
   */
  @Transform(toInt)
  @IsInt()
  @Min(31)
  STATS_RETENTION_DAYS = 400;

  // --- Outbound webhooks (src/notifications) ---
  /** Allow webhook URLs whose host is (or resolves to) a loopback, private or link-local address. */
  @Transform(toBool)
  @IsBoolean()
  WEBHOOK_ALLOW_PRIVATE = false;

  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(60000)
  WEBHOOK_TIMEOUT_MS = 5000;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(20)
  WEBHOOK_MAX_ATTEMPTS = 6;

  /** First retry delay; each further retry waits twice as long (exponential backoff). */
  @Transform(toInt)
  @IsInt()
  @Min(10)
  @Max(3600000)
  WEBHOOK_RETRY_DELAY_MS = 10000;

  /**
   * Storm coalescing of `alert.raised`, per webhook: beyond this many deliveries within WEBHOOK_DIGEST_WINDOW_MS,
   * alerts are delivered as one `alert.raised.digest` per window. 0 turns coalescing off.
   */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(100000)
  WEBHOOK_DIGEST_THRESHOLD = 20;

  /** The storm window, and how long a digest collects alerts before it is delivered. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(3600000)
  WEBHOOK_DIGEST_WINDOW_MS = 5000;

  /** How many alerts (the first ones) a digest carries in full; the others are counted. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1000)
  WEBHOOK_DIGEST_MAX_ALERTS = 20;

  /** Key the webhook signing secrets are encrypted with in the database. Default: derived from JWT_SECRET. */
  @IsOptional()
  @IsString()
  @MinLength(32)
  WEBHOOK_SECRET_KEY?: string;

  // --- SIEM forwarding over syslog (src/notifications/siem, docs/siem.md) ---
  /** Comma-separated `tcp://host:port` (RFC 6587) or `tls://host:port` (RFC 5425) receivers; empty: off. */
  @ValidateBy({
    name: 'isSyslogDestinationList',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && parseSyslogDestinations(value) !== null,
      defaultMessage: () => '$property must be a comma-separated list of tcp://host:port or tls://host:port',
    },
  })
  SIEM_SYSLOG_DESTINATIONS = '';

  /** PEM file of the CA(s) that sign the `tls://` receivers' certificates; unset: the system's CAs. */
  @IsOptional()
  @IsFile()
  SIEM_SYSLOG_TLS_CA_FILE?: string;

  /** PEM client certificate and key, for receivers that authenticate senders (x509/name); both or neither. */
  @IsOptional()
  @IsFile()
  SIEM_SYSLOG_TLS_CERT_FILE?: string;

  @IsOptional()
  @IsFile()
  SIEM_SYSLOG_TLS_KEY_FILE?: string;

  /** RFC 5424 facility, 0–23 (10: security/authorization; 16–23: local0–local7). */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(23)
  SIEM_SYSLOG_FACILITY = 10;

  @Matches(/^[\x21-\x7e]{1,48}$/, { message: 'SIEM_SYSLOG_APP_NAME must be 1–48 printable ASCII characters without spaces' })
  SIEM_SYSLOG_APP_NAME = 'ids-ai';

  /** Connect, send and close timeout of one delivery. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(60000)
  SIEM_SYSLOG_TIMEOUT_MS = 5000;

  /** The messages' JSON: Elastic Common Schema documents (`ecs`) or OCSF events (`ocsf`), docs/siem.md. */
  @IsIn(['ecs', 'ocsf'])
  SIEM_SYSLOG_FORMAT: 'ecs' | 'ocsf' = 'ecs';

  /** Events forwarded (comma-separated). */
  @IsSiemEventList()
  SIEM_EVENTS = 'alert.raised,network.ip_blocked,network.port_blocked,network.block_expired,network.block_revoked';

  /** Alert events are forwarded only for alerts of at least this risk level; other events are not filtered. */
  @IsOptional()
  @IsIn(['low', 'medium', 'high', 'critical'])
  SIEM_MIN_RISK_LEVEL?: 'low' | 'medium' | 'high' | 'critical';

  /** Attempts per delivery; with the backoff doubling from SIEM_RETRY_DELAY_MS the defaults span about two days. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(30)
  SIEM_MAX_ATTEMPTS = 16;

  @Transform(toInt)
  @IsInt()
  @Min(10)
  @Max(3600000)
  SIEM_RETRY_DELAY_MS = 5000;

  /** Storm coalescing of `alert.raised` per destination, as WEBHOOK_DIGEST_THRESHOLD; 0 turns it off. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(100000)
  SIEM_DIGEST_THRESHOLD = 20;

  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(3600000)
  SIEM_DIGEST_WINDOW_MS = 5000;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1000)
  SIEM_DIGEST_MAX_ALERTS = 20;

  // --- Network response: firewall, reconciler, escalation (src/network) ---
  /** Default: `iptables` when NODE_ENV=production, `dry-run` otherwise. */
  @IsOptional()
  @IsIn(['iptables', 'nftables', 'dry-run'])
  FIREWALL_DRIVER?: 'iptables' | 'nftables' | 'dry-run';

  /** Run every firewall command inside this network namespace (`ip netns exec`). */
  @IsOptional()
  @Matches(/^[A-Za-z0-9_.][A-Za-z0-9_.-]{0,63}$/, { message: 'FIREWALL_NETNS must be a network namespace name' })
  FIREWALL_NETNS?: string;

  @Matches(/^[a-z][a-z0-9_]{0,15}$/, { message: 'FIREWALL_SET_PREFIX must match [a-z][a-z0-9_]{0,15}' })
  FIREWALL_SET_PREFIX = 'ids_ai';

  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(120000)
  FIREWALL_COMMAND_TIMEOUT_MS = 15000;

  /**
   * What a worker does at start when the kernel holds the base of the project's other real driver (same
   * FIREWALL_SET_PREFIX), left by an earlier FIREWALL_DRIVER: `remove` it, or `refuse` to start, naming it.
   */
  @IsIn(['remove', 'refuse'])
  FIREWALL_OTHER_DRIVER: 'remove' | 'refuse' = 'remove';

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(3600)
  FIREWALL_RECONCILE_SECONDS = 30;

  /** Addresses and networks that are never blocked (unless an admin forces it). */
  @IsAddressList()
  FIREWALL_MANAGEMENT_CIDRS = '';

  /** 0 turns escalation off. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  FIREWALL_ESCALATION_LOOKBACK_SECONDS = 86400;

  @Transform(toNumber)
  @IsNumber()
  @Min(1)
  @Max(100)
  FIREWALL_ESCALATION_FACTOR = 2;

  /** At most the longest per-entry timeout ipset and nftables accept (2,147,483 s). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(2147483)
  FIREWALL_ESCALATION_MAX_SECONDS = 604800;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(20)
  FIREWALL_JOB_ATTEMPTS = 5;

  /** First retry delay of a firewall job; each further retry waits twice as long. */
  @Transform(toInt)
  @IsInt()
  @Min(10)
  @Max(600000)
  FIREWALL_JOB_BACKOFF_MS = 1000;
}

function describe(errors: ValidationError[], parent = ''): string[] {
  return errors.flatMap((e) => {
    const name = parent ? `${parent}.${e.property}` : e.property;
    // a secret's value stays out of the message (it ends up in logs)
    const got = /PASSWORD|SECRET|TOKEN/.test(e.property) ? '' : ` (got ${JSON.stringify(e.value)})`;
    const own = Object.values(e.constraints ?? {}).map((msg) => `${name}: ${msg}${got}`);
    return [...own, ...describe(e.children ?? [], name)];
  });
}

export class EnvValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid environment:\n  - ${problems.join('\n  - ')}`);
  }
}

/** Validates a raw environment (normally `process.env`) and returns the typed, defaulted variables. */
export function validateEnv(raw: Record<string, string | undefined>): EnvironmentVariables {
  const cleaned = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined && v !== ''));
  const env = plainToInstance(EnvironmentVariables, cleaned, { exposeDefaultValues: true });
  const problems = describe(validateSync(env, { skipMissingProperties: false, whitelist: false }));
  if (env.NODE_ENV === 'production' && (env.JWT_SECRET === DEV_JWT_SECRET || env.JWT_SECRET.length < 32)) {
    problems.push('JWT_SECRET: must be set to a random value of at least 32 characters when NODE_ENV=production');
  }
  if (env.SHUTDOWN_DRAIN_DELAY_MS >= env.SHUTDOWN_TIMEOUT_MS) {
    problems.push('SHUTDOWN_DRAIN_DELAY_MS: must be shorter than SHUTDOWN_TIMEOUT_MS');
  }
  if ((env.SIEM_SYSLOG_TLS_CERT_FILE === undefined) !== (env.SIEM_SYSLOG_TLS_KEY_FILE === undefined)) {
    problems.push('SIEM_SYSLOG_TLS_CERT_FILE / SIEM_SYSLOG_TLS_KEY_FILE: set both or neither');
  }
  if ((env.ADMIN_EMAIL === undefined) !== (env.ADMIN_PASSWORD === undefined)) {
    problems.push('ADMIN_EMAIL / ADMIN_PASSWORD: set both to create the first admin, or neither');
  }
  if (env.MODEL_DRIFT_OUT_OF_DOMAIN_CLEAR > env.MODEL_DRIFT_OUT_OF_DOMAIN_FIRE) {
    problems.push('MODEL_DRIFT_OUT_OF_DOMAIN_CLEAR: must not exceed MODEL_DRIFT_OUT_OF_DOMAIN_FIRE');
  }
  if (env.MODEL_DRIFT_COVERAGE_CLEAR < env.MODEL_DRIFT_COVERAGE_FIRE) {
    problems.push('MODEL_DRIFT_COVERAGE_CLEAR: must not be below MODEL_DRIFT_COVERAGE_FIRE');
  }
  if (problems.length) throw new EnvValidationError(problems);
  return env;
}
