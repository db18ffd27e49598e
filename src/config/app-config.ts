import { hostname } from 'node:os';
import { parseSyslogDestinations, SyslogDestination } from '../core/syslog-destination';
import { EnvironmentVariables, validateEnv } from './env.schema';
import { ProcessRole } from './process-role';

/** The typed configuration the application reads through `ConfigService<AppConfig, true>`. */
export interface AppConfig {
  app: {
    nodeEnv: EnvironmentVariables['NODE_ENV'];
    /** What this process runs (see `process-role.ts`). */
    role: ProcessRole;
    port: number;
    host: string;
    bodyLimitBytes: number;
    /**
     * Fastify's `trustProxy`: which peers' X-Forwarded-For is believed (the client address of rate limits and the audit
     * log).
     */
    trustProxy: boolean | number | string[];
  };
  shutdown: { timeoutMs: number; drainDelayMs: number };
  bullBoard: { enabled: boolean };
  log: { level: string; pretty: boolean };
  database: {
    url: string | undefined;
    poolSize: number;
    migrationsRun: boolean;
    embeddedDir: string;
    embeddedPort: number;
    healthTimeoutMs: number;
  };
  redis: { url: string; autostart: boolean; dataDir: string; keyPrefix: string };
  auth: {
    jwtSecret: string;
    issuer: string;
    audience: string;
    accessTtlSeconds: number;
    refreshTtlSeconds: number;
    sessionCacheSeconds: number;
    adminEmail: string | undefined;
    adminPassword: string | undefined;
    login: { maxPerAccountIp: number; maxPerIp: number; maxPerAccount: number; windowSeconds: number };
  };
  metrics: { token: string | undefined };
  /**
   * Requests per window (0: no limit) per principal on ingest routes, per user on the rest, per address when anonymous.
   */
  rateLimit: { windowSeconds: number; ingest: number; api: number; anonymous: number };
  model: {
    dir: string;
    storeDir: string;
    /** The only directory retraining reads `data_path` from; null: feedback alone. */
    datasetsDir: string | null;
    /** The EVE model's directory; null: none (every flow goes to the full model). */
    eveDir: string | null;
    /** Flows with a smaller feature coverage are scored by the EVE model. */
    minFeatureCoverage: number;
    /** Alerts from flows below `minFeatureCoverage` need at least this confidence. */
    lowCoverageAlertMinConfidence: number;
  };
  /** The model-drift alarm: window, fewest flows judged, fire and clear thresholds (shares in [0, 1]). */
  drift: {
    windowSeconds: number;
    minFlows: number;
    outOfDomainFire: number;
    outOfDomainClear: number;
    coverageFire: number;
    coverageClear: number;
  };
  realtime: { stormThreshold: number; batchMs: number; batchMaxAlerts: number; statusIntervalMs: number };
  ingest: {
    maxBatch: number;
    dedupWindowSeconds: number;
    inferenceMaxBatch: number;
    inferenceMaxQueued: number;
    /** The detection model runs in a worker thread. */
    inferenceThread: boolean;
    retentionDays: number;
    /** Answers to requests sent with an Idempotency-Key are kept this long. */
    idempotencyHours: number;
    importDir: string;
    importMaxBytes: number;
  };
  ingestStream: {
    enabled: boolean;
    key: string;
    group: string;
    consumer: string;
    outKey: string;
    deadKey: string;
    maxLen: number;
    batchSize: number;
    blockMs: number;
    claimMinIdleMs: number;
    claimIntervalMs: number;
    consumerMaxIdleMs: number;
    maxDeliveries: number;
    dedupRetentionSeconds: number;
  };
  stats: { cacheTtlSeconds: number; retentionDays: number };
  webhooks: {
    allowPrivate: boolean;
    timeoutMs: number;
    maxAttempts: number;
    retryDelayMs: number;
    /** WEBHOOK_DIGEST_*: storm coalescing of `alert.raised` per webhook (threshold 0: off). */
    digest: { threshold: number; windowMs: number; maxAlerts: number };
    /** Key material the stored signing secrets are encrypted with (WEBHOOK_SECRET_KEY, else JWT_SECRET). */
    secretKey: string;
  };
  /** SIEM_*: ECS documents or OCSF events over syslog (docs/siem.md). */
  siem: {
    syslog: {
      destinations: SyslogDestination[];
      tls: { caFile: string | null; certFile: string | null; keyFile: string | null };
      facility: number;
      appName: string;
      timeoutMs: number;
      format: 'ecs' | 'ocsf';
    };
    events: string[];
    minRiskLevel: 'low' | 'medium' | 'high' | 'critical' | null;
    maxAttempts: number;
    retryDelayMs: number;
    digest: { threshold: number; windowMs: number; maxAlerts: number };
  };
  network: {
    firewall: {
      driver: 'iptables' | 'nftables' | 'dry-run';
      netns: string | undefined;
      setPrefix: string;
      commandTimeoutMs: number;
      /** FIREWALL_OTHER_DRIVER: the other real driver's leftovers at start. */
      otherDriver: 'remove' | 'refuse';
    };
    reconcileSeconds: number;
    /** FIREWALL_MANAGEMENT_CIDRS, split and trimmed (each validated at start-up). */
    managementCidrs: string[];
    escalation: { lookbackSeconds: number; factor: number; maxSeconds: number };
    jobs: { attempts: number; backoffMs: number };
  };
}

export function parseTrustProxy(value: string): boolean | number | string[] {
  if (value === 'false' || value === 'true') return value === 'true';
  if (/^\d+$/.test(value)) return Number(value);
  return value.split(',').map((part) => part.trim()).filter(Boolean);
}

export function parseSize(size: string): number {
  const m = /^([0-9]+)(b|kb|mb)?$/i.exec(size);
  if (!m) throw new Error(`invalid size ${size}`);
  const unit = (m[2] ?? 'b').toLowerCase();
  return Number(m[1]) * (unit === 'mb' ? 1024 * 1024 : unit === 'kb' ? 1024 : 1);
}

export function buildConfig(env: EnvironmentVariables): AppConfig {
  return {
    app: { nodeEnv: env.NODE_ENV, role: env.PROCESS_ROLE, port: env.PORT, host: env.HOST, bodyLimitBytes: parseSize(env.BODY_LIMIT), trustProxy: parseTrustProxy(env.TRUST_PROXY) },
    shutdown: { timeoutMs: env.SHUTDOWN_TIMEOUT_MS, drainDelayMs: env.SHUTDOWN_DRAIN_DELAY_MS },
    bullBoard: { enabled: env.BULL_BOARD_ENABLED },
    log: { level: env.LOG_LEVEL, pretty: env.LOG_PRETTY },
    database: {
      url: env.DATABASE_URL,
      poolSize: env.DATABASE_POOL_SIZE,
      migrationsRun: env.DATABASE_MIGRATIONS_RUN,
      embeddedDir: env.EMBEDDED_PG_DIR,
      embeddedPort: env.EMBEDDED_PG_PORT,
      healthTimeoutMs: env.HEALTH_DB_TIMEOUT_MS,
    },
    redis: {
      url: env.REDIS_URL,
      autostart: env.REDIS_AUTOSTART,
      dataDir: env.REDIS_DATA_DIR,
      keyPrefix: env.REDIS_KEY_PREFIX,
    },
    auth: {
      jwtSecret: env.JWT_SECRET,
      issuer: env.JWT_ISSUER,
      audience: env.JWT_AUDIENCE,
      accessTtlSeconds: env.JWT_ACCESS_TTL_SECONDS,
      refreshTtlSeconds: env.JWT_REFRESH_TTL_SECONDS,
      sessionCacheSeconds: env.AUTH_SESSION_CACHE_SECONDS,
      adminEmail: env.ADMIN_EMAIL,
      adminPassword: env.ADMIN_PASSWORD,
      login: {
        maxPerAccountIp: env.LOGIN_MAX_FAILURES_PER_ACCOUNT_IP,
        maxPerIp: env.LOGIN_MAX_FAILURES_PER_IP,
        maxPerAccount: env.LOGIN_MAX_FAILURES_PER_ACCOUNT,
        windowSeconds: env.LOGIN_FAILURE_WINDOW_SECONDS,
      },
    },
    metrics: { token: env.METRICS_TOKEN },
    rateLimit: {
      windowSeconds: env.RATE_LIMIT_WINDOW_SECONDS,
      ingest: env.RATE_LIMIT_INGEST_PER_WINDOW,
      api: env.RATE_LIMIT_API_PER_WINDOW,
      anonymous: env.RATE_LIMIT_ANONYMOUS_PER_WINDOW,
    },
    model: {
      dir: env.MODEL_DIR,
      storeDir: env.MODEL_STORE_DIR,
      datasetsDir: env.DATASETS_DIR ?? null,
      eveDir: env.EVE_MODEL_DIR.trim() || null,
      minFeatureCoverage: env.MODEL_MIN_FEATURE_COVERAGE,
      lowCoverageAlertMinConfidence: env.LOW_COVERAGE_ALERT_MIN_CONFIDENCE,
    },
    drift: {
      windowSeconds: env.MODEL_DRIFT_WINDOW_SECONDS,
      minFlows: env.MODEL_DRIFT_MIN_FLOWS,
      outOfDomainFire: env.MODEL_DRIFT_OUT_OF_DOMAIN_FIRE,
      outOfDomainClear: env.MODEL_DRIFT_OUT_OF_DOMAIN_CLEAR,
      coverageFire: env.MODEL_DRIFT_COVERAGE_FIRE,
      coverageClear: env.MODEL_DRIFT_COVERAGE_CLEAR,
    },
    realtime: {
      stormThreshold: env.REALTIME_STORM_THRESHOLD,
      batchMs: env.REALTIME_BATCH_MS,
      batchMaxAlerts: env.REALTIME_BATCH_MAX_ALERTS,
      statusIntervalMs: env.REALTIME_STATUS_INTERVAL_MS,
    },
    ingest: {
      maxBatch: env.INGEST_MAX_BATCH,
      dedupWindowSeconds: env.ALERT_DEDUP_WINDOW_SECONDS,
      inferenceMaxBatch: env.INFERENCE_MAX_BATCH,
      inferenceMaxQueued: env.INFERENCE_MAX_QUEUED_FLOWS,
      inferenceThread: env.INFERENCE_THREAD,
      retentionDays: env.FLOW_RETENTION_DAYS,
      idempotencyHours: env.INGEST_IDEMPOTENCY_HOURS,
      importDir: env.IMPORT_DIR,
      importMaxBytes: env.IMPORT_MAX_FILE_MB * 1024 * 1024,
    },
    ingestStream: {
      enabled: env.INGEST_STREAM_ENABLED,
      key: env.INGEST_STREAM_KEY ?? `${env.REDIS_KEY_PREFIX}:flows:in`,
      group: env.INGEST_STREAM_GROUP,
      consumer: env.INGEST_STREAM_CONSUMER ?? `${hostname()}-${process.pid}`,
      outKey: env.INGEST_STREAM_OUT_KEY ?? `${env.REDIS_KEY_PREFIX}:flows:out`,
      deadKey: env.INGEST_STREAM_DEAD_KEY ?? `${env.REDIS_KEY_PREFIX}:flows:dead`,
      maxLen: env.INGEST_STREAM_MAXLEN,
      batchSize: env.INGEST_STREAM_BATCH_SIZE,
      blockMs: env.INGEST_STREAM_BLOCK_MS,
      claimMinIdleMs: env.INGEST_STREAM_CLAIM_MIN_IDLE_MS,
      claimIntervalMs: env.INGEST_STREAM_CLAIM_INTERVAL_MS,
      consumerMaxIdleMs: env.INGEST_STREAM_CONSUMER_MAX_IDLE_MS,
      maxDeliveries: env.INGEST_STREAM_MAX_DELIVERIES,
      dedupRetentionSeconds: env.INGEST_STREAM_DEDUP_RETENTION_SECONDS,
    },
    stats: { cacheTtlSeconds: env.STATS_CACHE_TTL_SECONDS, retentionDays: env.STATS_RETENTION_DAYS },
    webhooks: {
      allowPrivate: env.WEBHOOK_ALLOW_PRIVATE,
      timeoutMs: env.WEBHOOK_TIMEOUT_MS,
      maxAttempts: env.WEBHOOK_MAX_ATTEMPTS,
      retryDelayMs: env.WEBHOOK_RETRY_DELAY_MS,
      digest: { threshold: env.WEBHOOK_DIGEST_THRESHOLD, windowMs: env.WEBHOOK_DIGEST_WINDOW_MS, maxAlerts: env.WEBHOOK_DIGEST_MAX_ALERTS },
      secretKey: env.WEBHOOK_SECRET_KEY ?? env.JWT_SECRET,
    },
    siem: {
      syslog: {
        destinations: parseSyslogDestinations(env.SIEM_SYSLOG_DESTINATIONS) ?? [],
        tls: { caFile: env.SIEM_SYSLOG_TLS_CA_FILE ?? null, certFile: env.SIEM_SYSLOG_TLS_CERT_FILE ?? null, keyFile: env.SIEM_SYSLOG_TLS_KEY_FILE ?? null },
        facility: env.SIEM_SYSLOG_FACILITY,
        appName: env.SIEM_SYSLOG_APP_NAME,
        timeoutMs: env.SIEM_SYSLOG_TIMEOUT_MS,
        format: env.SIEM_SYSLOG_FORMAT,
      },
      events: env.SIEM_EVENTS.split(',').map((s) => s.trim()).filter(Boolean),
      minRiskLevel: env.SIEM_MIN_RISK_LEVEL ?? null,
      maxAttempts: env.SIEM_MAX_ATTEMPTS,
      retryDelayMs: env.SIEM_RETRY_DELAY_MS,
      digest: { threshold: env.SIEM_DIGEST_THRESHOLD, windowMs: env.SIEM_DIGEST_WINDOW_MS, maxAlerts: env.SIEM_DIGEST_MAX_ALERTS },
    },
    network: {
      firewall: {
        driver: env.FIREWALL_DRIVER ?? (env.NODE_ENV === 'production' ? 'iptables' : 'dry-run'),
        netns: env.FIREWALL_NETNS,
        setPrefix: env.FIREWALL_SET_PREFIX,
        commandTimeoutMs: env.FIREWALL_COMMAND_TIMEOUT_MS,
        otherDriver: env.FIREWALL_OTHER_DRIVER,
      },
      reconcileSeconds: env.FIREWALL_RECONCILE_SECONDS,
      managementCidrs: env.FIREWALL_MANAGEMENT_CIDRS.split(',').map((s) => s.trim()).filter(Boolean),
      escalation: {
        lookbackSeconds: env.FIREWALL_ESCALATION_LOOKBACK_SECONDS,
        factor: env.FIREWALL_ESCALATION_FACTOR,
        maxSeconds: env.FIREWALL_ESCALATION_MAX_SECONDS,
      },
      jobs: { attempts: env.FIREWALL_JOB_ATTEMPTS, backoffMs: env.FIREWALL_JOB_BACKOFF_MS },
    },
  };
}

/** Reads and validates `process.env` (the only place that does), with optional overrides for tests and tools. */
export function loadConfig(overrides: Record<string, string | undefined> = {}): AppConfig {
  return buildConfig(validateEnv({ ...process.env, ...overrides }));
}
