import { Injectable } from '@nestjs/common';
import { DomainError } from '../core/domain-error';
import { parseTarget } from '../core/net';
import { NetworkActionQueryDto } from './dto/action-query.dto';
import { NetworkActionEntity } from './network-action.entity';
import { ActionFilter, NetworkActionsRepository } from './network-actions.repository';

const PORT_TARGET = /^[1-9][0-9]{0,4}\/(tcp|udp)$/;

/** Reads of the network actions (the writes are the block and unblock use cases). */
@Injectable()
export class NetworkActionsService {
  constructor(private readonly actions: NetworkActionsRepository) {}

  async get(id: string): Promise<NetworkActionEntity> {
    const action = await this.actions.findById(id);
    if (!action) throw DomainError.notFound('Network action', id);
    return action;
  }

  /** A page newest first, and the cursor of the next page (null at the end). */
  async list(q: NetworkActionQueryDto): Promise<{ items: NetworkActionEntity[]; nextCursor: string | null }> {
    const filter: ActionFilter = { liveOnly: q.active_only, status: q.status, type: q.type, alertId: q.alert_id, cursor: q.cursor, limit: q.limit };
    if (q.target !== undefined) {
      if (PORT_TARGET.test(q.target)) filter.target = q.target;
      else filter.insideCidr = parseTarget(q.target, 'target').canonical;
    }
    const rows = await this.actions.page(filter);
    const items = rows.slice(0, q.limit);
    return { items, nextCursor: rows.length > q.limit ? items[items.length - 1].id : null };
  }
}
