import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { WebhookDeliveryEntity } from './webhook-delivery.entity';
import { WebhookEntity } from './webhook.entity';

/** What the dispatcher needs to route an event (no URL, no secret). */
export type WebhookRoute = Pick<WebhookEntity, 'id' | 'events' | 'minRiskLevel'>;

export type DeliveryAttempt = Omit<WebhookDeliveryEntity, 'id' | 'createdAt'>;

@Injectable()
export class WebhooksRepository {
  constructor(
    @InjectRepository(WebhookEntity) private readonly webhooks: Repository<WebhookEntity>,
    @InjectRepository(WebhookDeliveryEntity) private readonly deliveries: Repository<WebhookDeliveryEntity>,
  ) {}

  create(manager: EntityManager, values: Partial<WebhookEntity>): Promise<WebhookEntity> {
    const repo = manager.getRepository(WebhookEntity);
    return repo.save(repo.create(values));
  }

  list(): Promise<WebhookEntity[]> {
    return this.webhooks.find({ order: { createdAt: 'DESC', id: 'ASC' } });
  }

  findById(id: string): Promise<WebhookEntity | null> {
    return this.webhooks.findOne({ where: { id } });
  }

  /** With the (encrypted) signing secret, for a delivery. */
  findWithSecret(id: string): Promise<WebhookEntity | null> {
    return this.webhooks.createQueryBuilder('w').addSelect('w.secret').where('w.id = :id', { id }).getOne();
  }

  async delete(manager: EntityManager, id: string): Promise<void> {
    await manager.getRepository(WebhookEntity).delete({ id });
  }

  findActiveRoutes(): Promise<WebhookRoute[]> {
    return this.webhooks.find({ select: { id: true, events: true, minRiskLevel: true }, where: { isActive: true } });
  }

  async recordAttempt(attempt: DeliveryAttempt): Promise<void> {
    await this.deliveries.insert(attempt as never);
  }

  /** Attempts of a webhook, newest first, after `cursor` (an attempt id) when given. */
  listDeliveries(webhookId: string, cursor: string | undefined, limit: number): Promise<WebhookDeliveryEntity[]> {
    const qb = this.deliveries
      .createQueryBuilder('d')
      .where('d.webhook_id = :webhookId', { webhookId })
      .orderBy('d.id', 'DESC')
      .limit(limit);
    if (cursor) qb.andWhere('d.id < :cursor', { cursor });
    return qb.getMany();
  }

  get manager(): EntityManager {
    return this.webhooks.manager;
  }
}
