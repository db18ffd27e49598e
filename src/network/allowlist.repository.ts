import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { AllowlistEntryEntity } from './allowlist-entry.entity';

const ACTIVE = `(e.expires_at IS NULL OR e.expires_at > now())`;

@Injectable()
export class AllowlistRepository {
  constructor(@InjectRepository(AllowlistEntryEntity) private readonly repo: Repository<AllowlistEntryEntity>) {}

  get manager(): EntityManager {
    return this.repo.manager;
  }

  findById(m: EntityManager, id: string): Promise<AllowlistEntryEntity | null> {
    return m.getRepository(AllowlistEntryEntity).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  /** Active entries sharing at least one address with the network (`&&`, served by the GiST index). */
  findActiveOverlapping(cidr: string): Promise<AllowlistEntryEntity[]> {
    return this.repo
      .createQueryBuilder('e')
      .where(`e.cidr && CAST(:cidr AS cidr) AND ${ACTIVE}`, { cidr })
      .orderBy('e.id')
      .getMany();
  }

  activeExists(m: EntityManager, cidr: string): Promise<boolean> {
    return m
      .getRepository(AllowlistEntryEntity)
      .createQueryBuilder('e')
      .where(`e.cidr = CAST(:cidr AS cidr) AND ${ACTIVE}`, { cidr })
      .getExists();
  }

  /** Every entry, newest first, with whether it is still in force. */
  async list(): Promise<{ entry: AllowlistEntryEntity; active: boolean }[]> {
    const { entities, raw } = await this.repo
      .createQueryBuilder('e')
      .addSelect(ACTIVE, 'active')
      .orderBy('e.id', 'DESC')
      .getRawAndEntities();
    return entities.map((entry, i) => ({ entry, active: Boolean(raw[i].active) }));
  }

  async insert(m: EntityManager, values: Pick<AllowlistEntryEntity, 'cidr' | 'comment' | 'expiresAt' | 'createdBy'>): Promise<AllowlistEntryEntity> {
    const repo = m.getRepository(AllowlistEntryEntity);
    const { identifiers } = await repo.insert(values);
    return repo.findOneOrFail({ where: { id: String(identifiers[0].id) } });
  }

  async delete(m: EntityManager, id: string): Promise<void> {
    await m.getRepository(AllowlistEntryEntity).delete({ id });
  }
}
