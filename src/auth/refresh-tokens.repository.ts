import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, IsNull, Repository } from 'typeorm';
import { RefreshTokenEntity } from './refresh-token.entity';

@Injectable()
export class RefreshTokensRepository {
  constructor(@InjectRepository(RefreshTokenEntity) private readonly repo: Repository<RefreshTokenEntity>) {}

  async insert(manager: EntityManager, values: Partial<RefreshTokenEntity>): Promise<void> {
    await manager.getRepository(RefreshTokenEntity).insert(values);
  }

  /** The token row, locked for the rest of `manager`'s transaction so a token is redeemed once. */
  findByHashForUpdate(manager: EntityManager, hash: string): Promise<RefreshTokenEntity | null> {
    return manager
      .getRepository(RefreshTokenEntity)
      .createQueryBuilder('t')
      .setLock('pessimistic_write')
      .where('t.token_hash = :hash', { hash })
      .getOne();
  }

  async markUsed(manager: EntityManager, id: string): Promise<void> {
    await manager.getRepository(RefreshTokenEntity).update({ id }, { usedAt: new Date() });
  }

  async revokeFamily(manager: EntityManager, familyId: string, reason: string): Promise<number> {
    const result = await manager
      .getRepository(RefreshTokenEntity)
      .update({ familyId, revokedAt: IsNull() }, { revokedAt: new Date(), revokedReason: reason });
    return result.affected ?? 0;
  }

  async revokeAllOfUser(manager: EntityManager, userId: string, reason: string): Promise<number> {
    const result = await manager
      .getRepository(RefreshTokenEntity)
      .update({ userId, revokedAt: IsNull() }, { revokedAt: new Date(), revokedReason: reason });
    return result.affected ?? 0;
  }

  get manager(): EntityManager {
    return this.repo.manager;
  }
}
