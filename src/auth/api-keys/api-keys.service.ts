import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { Repository } from 'typeorm';
import { ActorContext, ApiKeyPrincipal } from '../../common/auth/principal';
import { DomainError } from '../../core/domain-error';
import { AuditService } from '../../audit/audit.service';
import { hashSecret } from '../token.service';
import { ApiKeyEntity } from './api-key.entity';

export const API_KEY_MARK = 'idsk_';
const LAST_USED_RESOLUTION_MS = 60_000;

export interface IssuedKey {
  key: ApiKeyEntity;
  secret: string;
}

/** Sensor API keys: `idsk_<prefix>_<secret>`, stored as a SHA-256 hash, shown once. */
@Injectable()
export class ApiKeysService {
  private readonly lastUsedWritten = new Map<string, number>();

  constructor(
    @InjectRepository(ApiKeyEntity) private readonly repo: Repository<ApiKeyEntity>,
    private readonly audit: AuditService,
  ) {}

  async create(actor: ActorContext, name: string, expiresAt: Date | null): Promise<IssuedKey> {
    if (expiresAt && !(expiresAt.getTime() > Date.now())) {
      throw DomainError.validation([{ field: 'expires_at', reason: 'must be in the future' }], 'expires_at is not in the future');
    }
    const prefix = randomBytes(6).toString('hex');
    const secret = `${API_KEY_MARK}${prefix}_${randomBytes(32).toString('base64url')}`;
    const key = await this.repo.manager.transaction(async (m) => {
      const saved = await m.getRepository(ApiKeyEntity).save(
        m.getRepository(ApiKeyEntity).create({
          name,
          prefix,
          keyHash: hashSecret(secret),
          permissions: ['ingest'],
          createdBy: actor.principal?.id ?? null,
          expiresAt,
        }),
      );
      await this.audit.record(actor, { action: 'api_key.create', targetType: 'api_key', targetId: saved.id, after: { name, prefix } }, m);
      return saved;
    });
    return { key, secret };
  }

  list(): Promise<ApiKeyEntity[]> {
    return this.repo.find({ order: { createdAt: 'DESC' } });
  }

  async revoke(actor: ActorContext, id: string): Promise<ApiKeyEntity> {
    return this.repo.manager.transaction(async (m) => {
      const repo = m.getRepository(ApiKeyEntity);
      const key = await repo.findOne({ where: { id } });
      if (!key) throw DomainError.notFound('API key', id);
      if (!key.revokedAt) {
        key.revokedAt = new Date();
        await repo.update({ id }, { revokedAt: key.revokedAt });
        await this.audit.record(actor, { action: 'api_key.revoke', targetType: 'api_key', targetId: id, before: { name: key.name, prefix: key.prefix } }, m);
      }
      return key;
    });
  }

  /** The principal of a presented key, or null when it is unknown, revoked or expired. */
  async authenticate(secret: string): Promise<ApiKeyPrincipal | null> {
    if (!secret.startsWith(API_KEY_MARK) || secret.length > 128) return null;
    const key = await this.repo.findOne({ where: { keyHash: hashSecret(secret) } });
    if (!key || key.revokedAt || (key.expiresAt && key.expiresAt.getTime() <= Date.now())) return null;
    this.touch(key.id);
    return { kind: 'api_key', id: key.id, name: key.name, prefix: key.prefix };
  }

  /** Ids of the keys in force (not revoked, not expired) with each of these names (names need not be unique). */
  async idsInForceByName(names: string[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>(names.map((n) => [n, []]));
    if (names.length === 0) return out;
    const keys = await this.repo
      .createQueryBuilder('k')
      .select(['k.id', 'k.name'])
      .where('k.name IN (:...names) AND k.revokedAt IS NULL AND (k.expiresAt IS NULL OR k.expiresAt > now())', { names })
      .getMany();
    for (const k of keys) out.get(k.name)?.push(k.id);
    return out;
  }

  /** Records the last use at most once a minute per key, off the request's path. */
  private touch(id: string): void {
    const now = Date.now();
    if (now - (this.lastUsedWritten.get(id) ?? 0) < LAST_USED_RESOLUTION_MS) return;
    this.lastUsedWritten.set(id, now);
    void this.repo.update({ id }, { lastUsedAt: new Date(now) }).catch(() => this.lastUsedWritten.delete(id));
  }
}
