import { Injectable } from '@nestjs/common';
import { SuppressionMatchDto } from './dto/suppression.dto';
import { SuppressionPreviewDto, SuppressionStatsDto } from './dto/suppression-report.dto';
import { SuppressionRulesRepository } from './suppression-rules.repository';
import { SuppressionsService } from './suppressions.service';

const SAMPLES = 5;
const HOUR_MS = 3_600_000;

/** What a rule would suppress (preview, before saving) and what the rules have suppressed (stats). */
@Injectable()
export class SuppressionReportsService {
  constructor(
    private readonly rules: SuppressionRulesRepository,
    private readonly suppressions: SuppressionsService,
  ) {}

  async preview(dto: SuppressionMatchDto, hours: number): Promise<SuppressionPreviewDto> {
    const fields = await this.suppressions.matchFields(dto);
    const to = new Date();
    const [classes, samples] = await Promise.all([this.rules.previewByClass(fields, hours), this.rules.previewSamples(fields, hours, SAMPLES)]);
    const byClass = classes.map((c) => ({ attack_type: c.attack_type, flows: Number(c.flows), alerts: Number(c.alerts) }));
    return {
      from: new Date(to.getTime() - hours * HOUR_MS).toISOString(),
      to: to.toISOString(),
      flows: byClass.reduce((n, c) => n + c.flows, 0),
      alerts: byClass.reduce((n, c) => n + c.alerts, 0),
      by_class: byClass,
      samples: samples.map((s) => ({
        flow_id: s.id,
        received_at: new Date(s.received_at).toISOString(),
        attack_type: s.attack_type,
        src_ip: s.src_ip,
        dst_ip: s.dst_ip,
        dst_port: s.dst_port,
        alert_id: s.alert_id,
      })),
    };
  }

  async stats(hours: number): Promise<SuppressionStatsDto> {
    const rows = await this.rules.suppressedSince(hours);
    const to = new Date();
    const byRule = new Map<string, { suppressed: number; last: Date }>();
    const byClass = new Map<string, number>();
    for (const r of rows) {
      const n = Number(r.hits);
      const rule = byRule.get(r.rule_id);
      const last = new Date(r.last_hit_at);
      if (rule) {
        rule.suppressed += n;
        if (last > rule.last) rule.last = last;
      } else byRule.set(r.rule_id, { suppressed: n, last });
      byClass.set(r.attack_type, (byClass.get(r.attack_type) ?? 0) + n);
    }
    const hourStart = Math.floor(to.getTime() / HOUR_MS) * HOUR_MS;
    return {
      from: new Date(hourStart - (hours - 1) * HOUR_MS).toISOString(),
      to: to.toISOString(),
      suppressed: [...byClass.values()].reduce((a, b) => a + b, 0),
      by_rule: [...byRule].map(([rule_id, r]) => ({ rule_id, suppressed: r.suppressed, last_hit_at: r.last.toISOString() })).sort((a, b) => b.suppressed - a.suppressed),
      by_class: [...byClass].map(([attack_type, suppressed]) => ({ attack_type, suppressed })).sort((a, b) => b.suppressed - a.suppressed),
    };
  }
}
