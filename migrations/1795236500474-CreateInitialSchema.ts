import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The schema of the whole product: identities and credentials, detection (attack types, partitioned flows,
 * model versions), triage (alerts and their timeline), response (network actions, allowlist), outbound
 * notifications (webhooks), dashboard rollups and the append-only audit log.
 */
export class CreateInitialSchema1795236500474 implements MigrationInterface {
  name = 'CreateInitialSchema1795236500474';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS pgcrypto`);
    await q.query(`CREATE TYPE user_role AS ENUM ('admin', 'security', 'viewer')`);
    await q.query(`CREATE TYPE severity_level AS ENUM ('none', 'low', 'medium', 'high', 'critical')`);
    await q.query(`CREATE TYPE risk_level AS ENUM ('low', 'medium', 'high', 'critical')`);
    await q.query(`CREATE TYPE alert_status AS ENUM ('active', 'investigating', 'resolved', 'false_positive')`);
    await q.query(`CREATE TYPE network_action_type AS ENUM ('block_ip', 'block_port')`);
    await q.query(
      `CREATE TYPE network_action_status AS ENUM ('pending', 'active', 'expired', 'revoked', 'failed')`,
    );
    await q.query(`CREATE TYPE actor_type AS ENUM ('user', 'api_key', 'system')`);

    await this.createIdentity(q);
    await this.createDetection(q);
    await this.createTriage(q);
    await this.createResponse(q);
    await this.createNotificationsAndStats(q);
    await this.createAudit(q);
  }

  private async createIdentity(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email varchar(320) NOT NULL,
        username varchar(100),
        name varchar(200) NOT NULL DEFAULT '',
        password_hash varchar(255) NOT NULL,
        role user_role NOT NULL DEFAULT 'viewer',
        is_active boolean NOT NULL DEFAULT true,
        token_version integer NOT NULL DEFAULT 0,
        last_login_at timestamptz,
        password_changed_at timestamptz NOT NULL DEFAULT now(),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        deleted_at timestamptz
      )`);
    await q.query(`CREATE UNIQUE INDEX uq_users_email ON users (lower(email)) WHERE deleted_at IS NULL`);
    await q.query(`CREATE UNIQUE INDEX uq_users_username ON users (lower(username)) WHERE deleted_at IS NULL`);
    await q.query(`CREATE INDEX ix_users_role_active ON users (role, is_active) WHERE deleted_at IS NULL`);

    await q.query(`
      CREATE TABLE refresh_tokens (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        family_id uuid NOT NULL,
        parent_id uuid REFERENCES refresh_tokens (id) ON DELETE SET NULL,
        token_hash char(64) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        family_expires_at timestamptz NOT NULL,
        used_at timestamptz,
        revoked_at timestamptz,
        revoked_reason varchar(64),
        ip inet,
        user_agent varchar(512)
      )`);
    await q.query(`CREATE UNIQUE INDEX uq_refresh_tokens_hash ON refresh_tokens (token_hash)`);
    await q.query(`CREATE INDEX ix_refresh_tokens_family ON refresh_tokens (family_id)`);
    await q.query(`CREATE INDEX ix_refresh_tokens_user ON refresh_tokens (user_id) WHERE revoked_at IS NULL`);

    await q.query(`
      CREATE TABLE api_keys (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name varchar(200) NOT NULL,
        prefix varchar(32) NOT NULL,
        key_hash char(64) NOT NULL,
        permissions text[] NOT NULL DEFAULT '{ingest}',
        created_by uuid REFERENCES users (id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz,
        expires_at timestamptz,
        revoked_at timestamptz
      )`);
    await q.query(`CREATE UNIQUE INDEX uq_api_keys_prefix ON api_keys (prefix)`);
    await q.query(`CREATE UNIQUE INDEX uq_api_keys_hash ON api_keys (key_hash)`);
  }

  private async createDetection(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE attack_types (
        name varchar(64) PRIMARY KEY,
        severity severity_level NOT NULL,
        is_attack boolean NOT NULL DEFAULT true,
        description text NOT NULL DEFAULT ''
      )`);
    await q.query(`
      INSERT INTO attack_types (name, severity, is_attack, description) VALUES
        ('BENIGN', 'none', false, 'Normal traffic'),
        ('DDoS', 'critical', true, 'Distributed denial of service flood (LOIC) against a web server'),
        ('DoS Hulk', 'high', true, 'HTTP flood generating unique, uncached requests (HULK)'),
        ('DoS GoldenEye', 'high', true, 'HTTP keep-alive flood exhausting server connections (GoldenEye)'),
        ('DoS slowloris', 'high', true, 'Slow partial HTTP requests holding connections open (slowloris)'),
        ('DoS Slowhttptest', 'high', true, 'Slow HTTP body or read attacks (slowhttptest)'),
        ('Heartbleed', 'critical', true, 'OpenSSL heartbeat over-read leaking server memory (CVE-2014-0160)'),
        ('PortScan', 'medium', true, 'Port and service scanning (nmap) to map reachable services'),
        ('Bot', 'high', true, 'Botnet command-and-control traffic (Ares)'),
        ('Infiltration', 'critical', true, 'Internal host compromised and used to scan or pivot'),
        ('FTP-Patator', 'medium', true, 'FTP password brute force (Patator)'),
        ('SSH-Patator', 'high', true, 'SSH password brute force (Patator)'),
        ('Web Attack Brute Force', 'medium', true, 'Web login brute force'),
        ('Web Attack XSS', 'high', true, 'Cross-site scripting attempts against a web application'),
        ('Web Attack Sql Injection', 'critical', true, 'SQL injection attempts against a web application'),
        ('Anomaly', 'medium', true, 'Traffic unlike anything seen in training (anomaly detector)')`);

    await q.query(`
      CREATE TABLE model_versions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        version varchar(64) NOT NULL,
        artifact_path text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        data_summary jsonb NOT NULL DEFAULT '{}',
        metrics jsonb NOT NULL DEFAULT '{}',
        backend varchar(32),
        is_active boolean NOT NULL DEFAULT false,
        is_shadow boolean NOT NULL DEFAULT false,
        activated_at timestamptz
      )`);
    await q.query(`CREATE UNIQUE INDEX uq_model_versions_version ON model_versions (version)`);
    await q.query(`CREATE UNIQUE INDEX uq_model_versions_active ON model_versions (is_active) WHERE is_active`);
    await q.query(`CREATE UNIQUE INDEX uq_model_versions_shadow ON model_versions (is_shadow) WHERE is_shadow`);

    // Flows are range-partitioned by the day they were received; the server keeps partitions ahead of time and
    // the default partition catches anything outside them so an accepted flow is never refused.
    await q.query(`
      CREATE TABLE flows (
        id bigint GENERATED BY DEFAULT AS IDENTITY,
        received_at timestamptz NOT NULL DEFAULT now(),
        flow_ts timestamptz,
        flow_id varchar(128),
        src_ip inet,
        dst_ip inet,
        src_port integer,
        dst_port integer,
        protocol smallint,
        source varchar(16) NOT NULL,
        sensor_id uuid,
        raw_features double precision[] NOT NULL,
        processed_features real[],
        predicted_label varchar(64),
        confidence real,
        anomaly_score real,
        model_version varchar(64),
        alert_id bigint,
        PRIMARY KEY (id, received_at)
      ) PARTITION BY RANGE (received_at)`);
    await q.query(`CREATE INDEX ix_flows_received_at ON flows (received_at)`);
    await q.query(`CREATE INDEX ix_flows_src_dst ON flows (src_ip, dst_ip)`);
    await q.query(`CREATE INDEX ix_flows_alert ON flows (alert_id) WHERE alert_id IS NOT NULL`);
    await q.query(`CREATE TABLE flows_default PARTITION OF flows DEFAULT`);
    await q.query(`
      CREATE FUNCTION ids_ensure_flow_partition(day date) RETURNS text LANGUAGE plpgsql AS $$
      DECLARE
        part text := 'flows_' || to_char(day, 'YYYYMMDD');
      BEGIN
        IF to_regclass(part) IS NULL THEN
          EXECUTE format('CREATE TABLE %I PARTITION OF flows FOR VALUES FROM (%L) TO (%L)',
                         part, (day::timestamp AT TIME ZONE 'UTC'), ((day + 1)::timestamp AT TIME ZONE 'UTC'));
        END IF;
        RETURN part;
      END $$`);
    await q.query(`SELECT ids_ensure_flow_partition((now() AT TIME ZONE 'UTC')::date + d) FROM generate_series(0, 2) d`);
  }

  private async createTriage(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE alerts (
        id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        attack_type varchar(128) NOT NULL,
        source varchar(16) NOT NULL DEFAULT 'model',
        risk_level risk_level NOT NULL,
        status alert_status NOT NULL DEFAULT 'active',
        confidence real NOT NULL,
        max_confidence real NOT NULL,
        src_ip inet,
        dst_ip inet,
        src_port integer,
        dst_port integer,
        protocol smallint,
        event_count integer NOT NULL DEFAULT 1,
        first_seen timestamptz NOT NULL DEFAULT now(),
        last_seen timestamptz NOT NULL DEFAULT now(),
        flow_id bigint,
        flow_received_at timestamptz,
        model_version varchar(64),
        top_probabilities jsonb,
        explanation jsonb,
        anomaly_score real,
        details jsonb NOT NULL DEFAULT '{}',
        assignee_id uuid REFERENCES users (id) ON DELETE SET NULL,
        resolution_reason text,
        resolved_by uuid REFERENCES users (id) ON DELETE SET NULL,
        resolved_at timestamptz,
        feedback_label varchar(64),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX ix_alerts_created ON alerts (created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX ix_alerts_status_created ON alerts (status, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX ix_alerts_risk_created ON alerts (risk_level, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX ix_alerts_type_created ON alerts (attack_type, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX ix_alerts_src_ip ON alerts USING gist (src_ip inet_ops)`);
    await q.query(`CREATE INDEX ix_alerts_dst_ip ON alerts USING gist (dst_ip inet_ops)`);
    await q.query(`CREATE INDEX ix_alerts_assignee ON alerts (assignee_id) WHERE assignee_id IS NOT NULL`);
    await q.query(
      `CREATE INDEX ix_alerts_dedup ON alerts (src_ip, dst_ip, attack_type, last_seen DESC)
         WHERE status IN ('active', 'investigating')`,
    );

    await q.query(`
      CREATE TABLE alert_events (
        id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        alert_id bigint NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
        actor_type actor_type NOT NULL DEFAULT 'user',
        actor_id uuid,
        kind varchar(32) NOT NULL,
        body text,
        from_status alert_status,
        to_status alert_status,
        data jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX ix_alert_events_alert ON alert_events (alert_id, created_at)`);

    await q.query(`
      CREATE TABLE feedback_examples (
        id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        alert_id bigint REFERENCES alerts (id) ON DELETE SET NULL,
        flow_id bigint,
        label varchar(64) NOT NULL,
        predicted_label varchar(64),
        model_version varchar(64),
        raw_features double precision[] NOT NULL,
        created_by uuid REFERENCES users (id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX ix_feedback_examples_created ON feedback_examples (created_at)`);
  }

  private async createResponse(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE network_actions (
        id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        action_type network_action_type NOT NULL,
        target varchar(64) NOT NULL,
        family smallint,
        port integer,
        protocol varchar(8),
        status network_action_status NOT NULL DEFAULT 'pending',
        reason text NOT NULL DEFAULT '',
        duration_seconds integer,
        escalation_level integer NOT NULL DEFAULT 0,
        expires_at timestamptz,
        is_automatic boolean NOT NULL DEFAULT false,
        alert_id bigint REFERENCES alerts (id) ON DELETE SET NULL,
        created_by uuid REFERENCES users (id) ON DELETE SET NULL,
        revoked_by uuid REFERENCES users (id) ON DELETE SET NULL,
        driver varchar(16),
        attempts integer NOT NULL DEFAULT 0,
        error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        applied_at timestamptz,
        ended_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE UNIQUE INDEX uq_network_actions_live_target ON network_actions (action_type, target)
         WHERE status IN ('pending', 'active')`,
    );
    await q.query(`CREATE INDEX ix_network_actions_status_expires ON network_actions (status, expires_at)`);
    await q.query(`CREATE INDEX ix_network_actions_target_created ON network_actions (target, created_at DESC)`);
    await q.query(`CREATE INDEX ix_network_actions_alert ON network_actions (alert_id) WHERE alert_id IS NOT NULL`);

    await q.query(`
      CREATE TABLE allowlist_entries (
        id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        cidr cidr NOT NULL,
        comment text NOT NULL DEFAULT '',
        expires_at timestamptz,
        created_by uuid REFERENCES users (id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX ix_allowlist_entries_cidr ON allowlist_entries USING gist (cidr inet_ops)`);
  }

  private async createNotificationsAndStats(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE webhooks (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name varchar(200) NOT NULL,
        url text NOT NULL,
        secret varchar(255) NOT NULL,
        events text[] NOT NULL,
        min_risk_level risk_level,
        is_active boolean NOT NULL DEFAULT true,
        created_by uuid REFERENCES users (id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE webhook_deliveries (
        id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        webhook_id uuid NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
        event varchar(64) NOT NULL,
        payload jsonb NOT NULL,
        attempt integer NOT NULL DEFAULT 1,
        status_code integer,
        success boolean NOT NULL,
        error text,
        duration_ms integer,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX ix_webhook_deliveries_webhook ON webhook_deliveries (webhook_id, created_at DESC)`);

    // Per-minute rollups maintained on ingest, so dashboards never scan flows.
    await q.query(`
      CREATE TABLE stats_minute (
        bucket timestamptz NOT NULL,
        attack_type varchar(128) NOT NULL,
        flows bigint NOT NULL DEFAULT 0,
        alerts bigint NOT NULL DEFAULT 0,
        PRIMARY KEY (bucket, attack_type)
      )`);
    await q.query(`
      CREATE TABLE stats_sources_hour (
        bucket timestamptz NOT NULL,
        direction char(3) NOT NULL,
        ip inet NOT NULL,
        flows bigint NOT NULL DEFAULT 0,
        alerts bigint NOT NULL DEFAULT 0,
        PRIMARY KEY (bucket, direction, ip)
      )`);
    await q.query(`
      CREATE TABLE stats_model_day (
        bucket date NOT NULL,
        model_version varchar(64) NOT NULL,
        predicted_label varchar(64) NOT NULL,
        predictions bigint NOT NULL DEFAULT 0,
        PRIMARY KEY (bucket, model_version, predicted_label)
      )`);
  }

  private async createAudit(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_log (
        id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        created_at timestamptz NOT NULL DEFAULT now(),
        actor_type actor_type NOT NULL,
        actor_id uuid,
        actor_label varchar(320),
        action varchar(64) NOT NULL,
        outcome varchar(16) NOT NULL DEFAULT 'success',
        target_type varchar(64),
        target_id varchar(128),
        source_ip inet,
        correlation_id varchar(128),
        before jsonb,
        after jsonb,
        details jsonb NOT NULL DEFAULT '{}'
      )`);
    await q.query(`CREATE INDEX ix_audit_log_created ON audit_log (created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX ix_audit_log_actor ON audit_log (actor_id, created_at DESC)`);
    await q.query(`CREATE INDEX ix_audit_log_action ON audit_log (action, created_at DESC)`);
    await q.query(`CREATE INDEX ix_audit_log_target ON audit_log (target_type, target_id)`);
    await q.query(`
      CREATE FUNCTION ids_audit_log_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_log rows are append-only';
      END $$`);
    await q.query(`
      CREATE TRIGGER trg_audit_log_immutable BEFORE UPDATE OR DELETE ON audit_log
        FOR EACH ROW EXECUTE FUNCTION ids_audit_log_immutable()`);
  }

  public async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'audit_log',
      'stats_model_day',
      'stats_sources_hour',
      'stats_minute',
      'webhook_deliveries',
      'webhooks',
      'allowlist_entries',
      'network_actions',
      'feedback_examples',
      'alert_events',
      'alerts',
      'flows',
      'model_versions',
      'attack_types',
      'api_keys',
      'refresh_tokens',
      'users',
    ]) {
      await q.query(`DROP TABLE IF EXISTS ${table} CASCADE`);
    }
    await q.query(`DROP FUNCTION IF EXISTS ids_audit_log_immutable()`);
    await q.query(`DROP FUNCTION IF EXISTS ids_ensure_flow_partition(date)`);
    for (const type of [
      'actor_type',
      'network_action_status',
      'network_action_type',
      'alert_status',
      'risk_level',
      'severity_level',
      'user_role',
    ]) {
      await q.query(`DROP TYPE IF EXISTS ${type}`);
    }
  }
}
