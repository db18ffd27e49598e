import { ConfigService } from '@nestjs/config';
import { RiskLevel } from '../alerts/alert.entity';
import { AlertDto } from '../alerts/dto/alert.dto';
import { AppConfig } from '../config/app-config';
import { AlertFoldBatcher } from './alert-fold.batcher';
import { AlertStormBatcher } from './alert-storm.batcher';
import { RealtimeBroadcaster } from './realtime-broadcaster';
import { ServerEventName } from './realtime.events';

/** A broadcaster that records what it is asked to send (no replay log, no sockets). */
class RecordingBroadcaster extends RealtimeBroadcaster {
  readonly sent: { event: ServerEventName; payload: Record<string, unknown> }[] = [];
  constructor() {
    super(null as never, null as never);
  }
  override async publish(event: ServerEventName, payload: object): Promise<void> {
    this.sent.push({ event, payload: payload as Record<string, unknown> });
  }
}

const config = new ConfigService<AppConfig, true>({ realtime: { stormThreshold: 2, batchMs: 50, batchMaxAlerts: 2 } });
const alert = (id: number, risk: RiskLevel = RiskLevel.MEDIUM) => {
  const attackType = id % 2 ? 'DDoS' : 'PortScan';
  return Object.assign(new AlertDto(), { id: String(id), attack_type: attackType, risk_level: risk, event_count: id });
};

describe('AlertStormBatcher', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('sends alerts one by one up to the threshold, then one batch of the most severe with counts per type', () => {
    const broadcaster = new RecordingBroadcaster();
    const storm = new AlertStormBatcher(broadcaster, config);
    storm.raised(alert(1));
    storm.raised(alert(2));
    storm.raised(alert(3, RiskLevel.CRITICAL));
    storm.raised(alert(4));
    storm.raised(alert(5, RiskLevel.HIGH));
    expect(broadcaster.sent.map((s) => s.event)).toEqual(['attack_detected', 'attack_detected']);
    jest.advanceTimersByTime(50);
    expect(broadcaster.sent).toHaveLength(3);
    const batch = broadcaster.sent[2];
    expect(batch.event).toBe('attack_detected_batch');
    expect((batch.payload.alerts as AlertDto[]).map((a) => a.id)).toEqual(['3', '5']);
    expect(batch.payload).toMatchObject({ count: 3, by_attack_type: { DDoS: 2, PortScan: 1 }, by_technique: {} });
    storm.onModuleDestroy();
  });
});

describe('AlertFoldBatcher', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('announces each folded alert once per window with its latest state, unless another change superseded it', () => {
    const broadcaster = new RecordingBroadcaster();
    const folds = new AlertFoldBatcher(broadcaster, config);
    folds.folded(alert(1));
    folds.folded(Object.assign(alert(1), { event_count: 9 }));
    folds.folded(alert(2));
    folds.forget('2');
    jest.advanceTimersByTime(50);
    const latest = expect.objectContaining({ id: '1', event_count: 9 });
    expect(broadcaster.sent).toEqual([{ event: 'alert_updated', payload: { alert: latest, change: 'deduplicated' } }]);
    folds.onModuleDestroy();
  });

  it('folds above the threshold become one alerts_deduplicated message of what folding changes', () => {
    const broadcaster = new RecordingBroadcaster();
    const folds = new AlertFoldBatcher(broadcaster, config);
    for (const id of [1, 2, 3]) folds.folded(alert(id));
    folds.onModuleDestroy();
    expect(broadcaster.sent.map((s) => s.event)).toEqual(['alerts_deduplicated']);
    expect((broadcaster.sent[0].payload.alerts as { id: string }[]).map((a) => a.id)).toEqual(['1', '2', '3']);
    expect(Object.keys((broadcaster.sent[0].payload.alerts as object[])[0]).sort()).toEqual(
      ['confidence', 'event_count', 'id', 'last_seen', 'max_confidence', 'risk_level', 'updated_at'],
    );
  });
});
