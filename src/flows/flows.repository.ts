import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { parseTarget } from '../core/net';
import { FlowEntity } from './flow.entity';
import { FlowQueryDto } from './dto/flow-query.dto';

export function decodeFlowCursor(cursor: string): { at: string; id: string } | null {
  const [at, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  if (!at || !id || Number.isNaN(Date.parse(at)) || !/^\d{1,19}$/.test(id)) return null;
  return { at, id };
}

export function encodeFlowCursor(f: FlowEntity): string {
  return Buffer.from(`${f.receivedAt.toISOString()}|${f.id}`).toString('base64url');
}

@Injectable()
export class FlowsRepository {
  constructor(@InjectRepository(FlowEntity) private readonly repo: Repository<FlowEntity>) {}

  /** Newest first, keyset-paginated on (received_at, id) so a page never scans what came before it. */
  list(q: FlowQueryDto, cursor: { at: string; id: string } | null, since: Date | null): Promise<FlowEntity[]> {
    const qb = this.repo.createQueryBuilder('f').orderBy('f.received_at', 'DESC').addOrderBy('f.id', 'DESC').limit(q.limit + 1);
    if (cursor) qb.andWhere('(f.received_at, f.id) < (:at, :cid)', { at: cursor.at, cid: cursor.id });
    if (since) qb.andWhere('f.received_at >= :since', { since });
    if (q.to) qb.andWhere('f.received_at < :to', { to: q.to });
    // the validated filter, as the strict parser spells it (the form PostgreSQL's inet reads)
    if (q.src_ip) qb.andWhere('f.src_ip <<= :src::inet', { src: parseTarget(q.src_ip, 'src_ip').canonical });
    if (q.dst_ip) qb.andWhere('f.dst_ip <<= :dst::inet', { dst: parseTarget(q.dst_ip, 'dst_ip').canonical });
    if (q.label) qb.andWhere('f.predicted_label = :label', { label: q.label });
    if (q.alert_id) qb.andWhere('f.alert_id = :alertId', { alertId: q.alert_id });
    if (q.source) qb.andWhere('f.source = :source', { source: q.source });
    return qb.getMany();
  }

  findOne(id: string, withFeatures: boolean): Promise<FlowEntity | null> {
    const qb = this.repo.createQueryBuilder('f').where('f.id = :id', { id });
    if (withFeatures) qb.addSelect(['f.rawFeatures', 'f.processedFeatures']);
    return qb.getOne();
  }
}
