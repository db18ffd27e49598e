import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { ActorContext } from '../common/auth/principal';
import { DomainError, ErrorCode } from '../core/domain-error';
import { parseTarget } from '../core/net';
import { AllowlistEntryEntity } from './allowlist-entry.entity';
import { AllowlistRepository } from './allowlist.repository';
import { CreateAllowlistEntryDto, canonicalCidr } from './dto/allowlist.dto';

const auditView = (e: AllowlistEntryEntity) => ({ cidr: canonicalCidr(e.cidr), comment: e.comment, expires_at: e.expiresAt?.toISOString() ?? null });

/**
 * Addresses and networks that are never blocked. Adding an entry does not lift existing blocks inside it
 * (POST /network/unblock with `cidr` does); it makes every later block that overlaps it a 409.
 */
@Injectable()
export class AllowlistService {
  constructor(
    private readonly entries: AllowlistRepository,
    private readonly audit: AuditService,
  ) {}

  list(): Promise<{ entry: AllowlistEntryEntity; active: boolean }[]> {
    return this.entries.list();
  }

  async add(actor: ActorContext, dto: CreateAllowlistEntryDto): Promise<AllowlistEntryEntity> {
    const cidr = parseTarget(dto.cidr, 'cidr');
    const expiresAt = dto.expires_at ? new Date(dto.expires_at) : null;
    if (expiresAt && expiresAt.getTime() <= Date.now()) throw DomainError.validation([{ field: 'expires_at', reason: 'must be in the future' }]);
    return this.entries.manager.transaction(async (m) => {
      if (await this.entries.activeExists(m, cidr.canonical)) {
        throw new DomainError(ErrorCode.CONFLICT, `${cidr.canonical} is already on the allowlist`, { details: [{ field: 'cidr', reason: 'already on the allowlist' }] });
      }
      const entry = await this.entries.insert(m, {
        cidr: cidr.canonical,
        comment: dto.comment.trim(),
        expiresAt,
        createdBy: actor.principal?.kind === 'user' ? actor.principal.id : null,
      });
      await this.audit.record(actor, { action: 'network.allowlist.add', targetType: 'allowlist_entry', targetId: entry.id, after: auditView(entry) }, m);
      return entry;
    });
  }

  async remove(actor: ActorContext, id: string): Promise<void> {
    await this.entries.manager.transaction(async (m) => {
      const entry = await this.entries.findById(m, id);
      if (!entry) throw DomainError.notFound('Allowlist entry', id);
      await this.entries.delete(m, id);
      await this.audit.record(actor, { action: 'network.allowlist.remove', targetType: 'allowlist_entry', targetId: id, before: auditView(entry) }, m);
    });
  }
}
