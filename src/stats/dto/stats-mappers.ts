import { ActionCountRow, ActiveModelRow, AlertCountRow, FeedbackRow } from '../stats-activity.repository';
import { AddressRow, ClassTotalsRow, PredictionRow } from '../stats-rollups.repository';
import { StatsWindow } from '../stats-window';
import {
  ActionCountDto,
  ActionStatsDto,
  AttackTypesDto,
  ModelStatsDto,
  ModelVersionStatsDto,
  TopAddressesDto,
} from './stats-breakdown.dto';
import { ActiveModelDto, AlertOverviewDto, AlertStatusCountsDto, RiskLevelCountsDto } from './stats-overview.dto';

const STATUSES = ['active', 'investigating', 'resolved', 'false_positive'] as const;
const RISK_LEVELS = ['low', 'medium', 'high', 'critical'] as const;
const OPEN = new Set<string>(['active', 'investigating']);
const ACTION_TYPES = ['block_ip', 'block_port'] as const;
const ACTION_STATUSES = ['pending', 'active', 'expired', 'revoked', 'failed'] as const;

const ratio = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 1e6) / 1e6 : 0);
const period = (w: StatsWindow) => ({ from: w.from.toISOString(), to: w.to.toISOString() });

function zeroCounts<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
}

export function toAlertOverview(rows: AlertCountRow[]): AlertOverviewDto {
  const byStatus = zeroCounts(STATUSES) as AlertStatusCountsDto;
  const byRisk = zeroCounts(RISK_LEVELS) as RiskLevelCountsDto;
  const openByRisk = zeroCounts(RISK_LEVELS) as RiskLevelCountsDto;
  let total = 0;
  for (const row of rows) {
    const n = Number(row.count);
    total += n;
    byStatus[row.status as keyof AlertStatusCountsDto] += n;
    byRisk[row.risk_level as keyof RiskLevelCountsDto] += n;
    if (OPEN.has(row.status)) openByRisk[row.risk_level as keyof RiskLevelCountsDto] += n;
  }
  return { total, open: byStatus.active + byStatus.investigating, by_status: byStatus, by_risk_level: byRisk, open_by_risk_level: openByRisk };
}

export function toActiveModelDto(row: ActiveModelRow | null): ActiveModelDto | null {
  if (!row) return null;
  return { version: row.version, backend: row.backend, activated_at: row.activated_at ? row.activated_at.toISOString() : null };
}

export function toTopAddressesDto(direction: 'src' | 'dst', w: StatsWindow, rows: AddressRow[]): TopAddressesDto {
  return { ...period(w), direction, items: rows.map((r) => ({ ip: r.ip, flows: Number(r.flows), alerts: Number(r.alerts) })) };
}

export function toAttackTypesDto(w: StatsWindow, rows: ClassTotalsRow[]): AttackTypesDto {
  const totalFlows = rows.reduce((sum, r) => sum + Number(r.flows), 0);
  const totalAlerts = rows.reduce((sum, r) => sum + Number(r.alerts), 0);
  return {
    ...period(w),
    total_flows: totalFlows,
    total_alerts: totalAlerts,
    items: rows.map((r) => ({
      attack_type: r.attack_type,
      severity: r.severity,
      flows: Number(r.flows),
      alerts: Number(r.alerts),
      share: ratio(Number(r.flows), totalFlows),
    })),
  };
}

export function toActionStatsDto(w: StatsWindow, rows: ActionCountRow[]): ActionStatsDto {
  const blank = (): ActionCountDto => ({ total: 0, automatic: 0, manual: 0 });
  const add = (c: ActionCountDto, n: number, automatic: boolean) => {
    c.total += n;
    if (automatic) c.automatic += n;
    else c.manual += n;
  };
  const counter = <T extends ActionCountDto>(map: Map<string, T>, key: string, make: () => T): T => {
    const found = map.get(key);
    if (found) return found;
    const created = make();
    map.set(key, created);
    return created;
  };
  const all = blank();
  const byType = new Map<string, ActionCountDto>(ACTION_TYPES.map((t) => [t, blank()]));
  const byStatus = new Map<string, ActionCountDto>(ACTION_STATUSES.map((s) => [s, blank()]));
  const items = new Map<string, ActionCountDto & { action_type: string; status: string }>();
  for (const row of rows) {
    const n = Number(row.count);
    add(all, n, row.is_automatic);
    add(counter(byType, row.action_type, blank), n, row.is_automatic);
    add(counter(byStatus, row.status, blank), n, row.is_automatic);
    const item = counter(items, `${row.action_type}/${row.status}`, () => ({ action_type: row.action_type, status: row.status, ...blank() }));
    add(item, n, row.is_automatic);
  }
  return {
    ...period(w),
    ...all,
    by_type: [...byType].map(([action_type, c]) => ({ action_type, ...c })),
    by_status: [...byStatus].map(([status, c]) => ({ status, ...c })),
    items: [...items.values()],
  };
}

export function toModelStatsDto(activeVersion: string | null, predictions: PredictionRow[], feedback: FeedbackRow[]): ModelStatsDto {
  const versions = new Map<string, ModelVersionStatsDto & { lastDay: string }>();
  const entry = (v: string) => {
    let e = versions.get(v);
    if (!e) {
      e = { model_version: v, is_active: v === activeVersion, predictions: 0, by_label: [], reviewed_alerts: 0, false_positives: 0, false_positive_rate: null, lastDay: '' };
      versions.set(v, e);
    }
    return e;
  };
  for (const row of predictions) {
    const e = entry(row.model_version);
    e.predictions += Number(row.predictions);
    e.by_label.push({ label: row.predicted_label, predictions: Number(row.predictions), share: 0 });
    if (row.last_day > e.lastDay) e.lastDay = row.last_day;
  }
  for (const row of feedback) {
    const e = entry(row.model_version);
    e.reviewed_alerts = Number(row.reviewed);
    e.false_positives = Number(row.false_positives);
    e.false_positive_rate = e.reviewed_alerts > 0 ? ratio(e.false_positives, e.reviewed_alerts) : null;
  }
  if (activeVersion) entry(activeVersion);
  const ordered = [...versions.values()].sort(
    (a, b) => Number(b.is_active) - Number(a.is_active) || b.lastDay.localeCompare(a.lastDay) || a.model_version.localeCompare(b.model_version),
  );
  return {
    active_version: activeVersion,
    versions: ordered.map(({ lastDay: _lastDay, ...v }) => ({
      ...v,
      by_label: v.by_label
        .sort((a, b) => b.predictions - a.predictions || a.label.localeCompare(b.label))
        .map((l) => ({ ...l, share: ratio(l.predictions, v.predictions) })),
    })),
  };
}
