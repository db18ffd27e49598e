import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { IsNull, Repository } from 'typeorm';
import { AuditService } from '../../audit/audit.service';
import { ActorContext, BouncerPrincipal } from '../../common/auth/principal';
import { DomainError, ErrorCode } from '../../core/domain-error';
import { hashSecret } from '../token.service';
import { BouncerEntity } from './bouncer.entity';

export const BOUNCER_KEY_MARK = 'idsb_';
/** Pulls are recorded at most this often per bouncer and process (bouncers may pull every second). */
const PULL_RESOLUTION_MS = 5_000;
const USER_AGENT_MAX = 256;

export interface IssuedBouncerKey {
  bouncer: BouncerEntity;
  secret: string;
}

export interface PullRecord {
  age: number;
  name: string;
}

/** Bouncer keys (`idsb_<prefix>_<secret>`, stored as a SHA-256 hash, shown once): read-only access to decisions. */
@Injectable()
export class BouncerKeysService {
  private readonly logger = new Logger(BouncerKeysService.name);
  private readonly pullWritten = new Map<string, number>();

  constructor(
    @InjectRepository(BouncerEntity) private readonly repo: Repository<BouncerEntity>,
    private readonly audit: AuditService,
  ) {}

  async create(actor: ActorContext, name: string): Promise<IssuedBouncerKey> {
    const prefix = randomBytes(6).toString('hex');
    const secret = `${BOUNCER_KEY_MARK}${prefix}_${randomBytes(32).toString('base64url')}`;
    const bouncer = await this.repo.manager.transaction(async (m) => {
      const repo = m.getRepository(BouncerEntity);
      // serialises creations, so two requests cannot both take a free name
      await m.query(`SELECT pg_advisory_xact_lock(hashtext('bouncers.name'))`);
      if (await repo.exists({ where: { name, revokedAt: IsNull() } })) {
        throw new DomainError(ErrorCode.CONFLICT, `A bouncer named ${name} is already in force`, { details: [{ field: 'name', reason: 'already in use' }] });
      }
      const saved = await repo.save(repo.create({ name, prefix, keyHash: hashSecret(secret), createdBy: actor.principal?.id ?? null }));
      await this.audit.record(actor, { action: 'bouncer.create', targetType: 'bouncer', targetId: saved.id, after: { name, prefix } }, m);
      return saved;
    });
    return { bouncer, secret };
  }

  list(): Promise<BouncerEntity[]> {
    return this.repo.find({ order: { createdAt: 'DESC' } });
  }

  async revoke(actor: ActorContext, id: string): Promise<BouncerEntity> {
    return this.repo.manager.transaction(async (m) => {
      const repo = m.getRepository(BouncerEntity);
      const bouncer = await repo.findOne({ where: { id } });
      if (!bouncer) throw DomainError.notFound('Bouncer', id);
      if (!bouncer.revokedAt) {
        bouncer.revokedAt = new Date();
        await repo.update({ id }, { revokedAt: bouncer.revokedAt });
        await this.audit.record(actor, { action: 'bouncer.revoke', targetType: 'bouncer', targetId: id, before: { name: bouncer.name, prefix: bouncer.prefix } }, m);
      }
      return bouncer;
    });
  }

  /** The principal of a presented bouncer key, or null when it is unknown or revoked. */
  async authenticate(secret: string): Promise<BouncerPrincipal | null> {
    if (!secret.startsWith(BOUNCER_KEY_MARK) || secret.length > 128) return null;
    const bouncer = await this.repo.findOne({ where: { keyHash: hashSecret(secret) } });
    if (!bouncer || bouncer.revokedAt) return null;
    return { kind: 'bouncer', id: bouncer.id, name: bouncer.name, prefix: bouncer.prefix };
  }

  /**
   * Records a pull of decisions: time, address and User-Agent (the health signal of the bouncer). A failure is
   * logged, not thrown: the pull itself goes on (and fails on its own if the database is down).
   */
  async recordPull(id: string, ip: string | null, userAgent: string | null): Promise<void> {
    const now = Date.now();
    if (now - (this.pullWritten.get(id) ?? 0) < PULL_RESOLUTION_MS) return;
    this.pullWritten.set(id, now);
    const agent = userAgent?.slice(0, USER_AGENT_MAX) ?? null;
    try {
      await this.repo.update({ id }, { lastPullAt: new Date(now), lastPullIp: ip, userAgent: agent });
    } catch (error) {
      this.pullWritten.delete(id);
      this.logger.warn({ bouncer: id, err: (error as Error).message }, 'could not record a bouncer pull');
    }
  }

  /** Seconds since the last pull of every bouncer in force that has pulled, on the database clock. */
  async pullAges(): Promise<PullRecord[]> {
    const rows: { name: string; age: string }[] = await this.repo.query(
      `SELECT name, extract(epoch FROM now() - last_pull_at)::float8 AS age
         FROM bouncers WHERE revoked_at IS NULL AND last_pull_at IS NOT NULL`,
    );
    return rows.map((r) => ({ name: r.name, age: Math.max(0, Number(r.age)) }));
  }
}
