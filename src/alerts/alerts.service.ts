import { Injectable } from '@nestjs/common';
import { ActorContext } from '../common/auth/principal';
import { decodeAlertCursor, encodeAlertCursor } from './alert-cursor';
import { AlertDetailsRepository } from './alert-details.repository';
import { AlertEntity } from './alert.entity';
import { alertNotFound } from './alert.errors';
import { toAlertFilter } from './alert-filter';
import { AlertTimelineRepository } from './alert-timeline.repository';
import { AlertsRepository } from './alerts.repository';
import { AlertDetail } from './dto/alert-detail.dto';
import { AlertListQueryDto } from './dto/alert-list.dto';

export interface AlertPage {
  alerts: AlertEntity[];
  nextCursor: string | null;
}

/** The read side of triage: the filtered, keyset-paginated list and one alert with its evidence. */
@Injectable()
export class AlertsService {
  constructor(
    private readonly alerts: AlertsRepository,
    private readonly timeline: AlertTimelineRepository,
    private readonly details: AlertDetailsRepository,
  ) {}

  async list(actor: ActorContext, q: AlertListQueryDto): Promise<AlertPage> {
    const filter = toAlertFilter(q, actor);
    const after = q.cursor ? decodeAlertCursor(q.cursor, q.sort, q.order) : undefined;
    const rows = await this.alerts.list(filter, { sort: q.sort, order: q.order, take: q.limit + 1, after });
    const page = rows.slice(0, q.limit);
    const last = page[page.length - 1];
    const nextCursor =
      rows.length > q.limit ? encodeAlertCursor({ sort: q.sort, order: q.order, keys: last.keys, id: last.alert.id }) : null;
    return { alerts: page.map((r) => r.alert), nextCursor };
  }

  async get(id: string, includeFeatures: boolean): Promise<AlertDetail> {
    const alert = await this.alerts.findById(id);
    if (!alert) throw alertNotFound(id);
    const [flows, timeline, actions] = await Promise.all([
      this.details.flows(id, includeFeatures),
      this.timeline.recent(id),
      this.details.actions(id),
    ]);
    return { alert, flows, timeline, actions };
  }
}
