import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { AUTO_RESPONSE_POLICY_ID, AutoResponsePolicyEntity } from './auto-response-policy.entity';

export type PolicyValues = Pick<AutoResponsePolicyEntity, 'enabled' | 'minRiskLevel' | 'minConfidence' | 'attackTypes' | 'durationSeconds' | 'dryRun'>;

@Injectable()
export class AutoResponsePolicyRepository {
  constructor(@InjectRepository(AutoResponsePolicyEntity) private readonly repo: Repository<AutoResponsePolicyEntity>) {}

  get manager(): EntityManager {
    return this.repo.manager;
  }

  /** The policy row (its migration creates it), locked when read inside a transaction to change it. */
  get(m?: EntityManager): Promise<AutoResponsePolicyEntity> {
    const repo = m ? m.getRepository(AutoResponsePolicyEntity) : this.repo;
    return repo.findOneOrFail({ where: { id: AUTO_RESPONSE_POLICY_ID }, ...(m ? { lock: { mode: 'pessimistic_write' as const } } : {}) });
  }

  async update(m: EntityManager, values: PolicyValues, updatedBy: string | null): Promise<AutoResponsePolicyEntity> {
    await m.getRepository(AutoResponsePolicyEntity).update({ id: AUTO_RESPONSE_POLICY_ID }, { ...values, updatedBy, updatedAt: () => 'now()' });
    return m.getRepository(AutoResponsePolicyEntity).findOneOrFail({ where: { id: AUTO_RESPONSE_POLICY_ID } });
  }
}
