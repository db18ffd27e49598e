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
import { tryParseTarget } from '../core/net';
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
  @MinLength(8)
  @MaxLength(128)
  ADMIN_PASSWORD?: string;

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

  // --- Request rate limits (src/common/rate-limit) ---
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

  /** Key the webhook signing secrets are encrypted with in the database. Default: derived from JWT_SECRET. */
  @IsOptional()
  @IsString()
  @MinLength(32)
  WEBHOOK_SECRET_KEY?: string;

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
    const own = Object.values(e.constraints ?? {}).map((msg) => `${name}: ${msg} (got ${JSON.stringify(e.value)})`);
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
  if ((env.ADMIN_EMAIL === undefined) !== (env.ADMIN_PASSWORD === undefined)) {
    problems.push('ADMIN_EMAIL / ADMIN_PASSWORD: set both to create the first admin, or neither');
  }
  if (problems.length) throw new EnvValidationError(problems);
  return env;
}
