import { ConfigService } from '@nestjs/config';
import Redis from 'ioredis';
import { Counter } from 'prom-client';
import { AppConfig } from '../../config/app-config';
import { SuppressionMatcher } from './suppression-matcher.service';
import { SuppressionRuleEntity } from './suppression-rule.entity';
import { SuppressionRulesRepository } from './suppression-rules.repository';

const row = (id: string, fields: Partial<SuppressionRuleEntity>) => ({ id, attackType: null, srcCidr: null, dstCidr: null, dstPort: null, expiresAt: null, ...fields });
const alert = (attackType: string, srcIp: string, dstPort = 22) => ({ attackType, srcIp, dstIp: '198.19.0.10', dstPort });

describe('SuppressionMatcher', () => {
  let rules: Partial<SuppressionRuleEntity>[];
  const published: string[] = [];
  const counted: [string, number][] = [];
  const matcher = () =>
    new SuppressionMatcher(
      { findInForce: async () => rules } as unknown as SuppressionRulesRepository,
      { publish: async (channel: string) => published.push(channel) } as unknown as Redis,
      { get: () => 'ids' } as unknown as ConfigService<AppConfig, true>,
      { inc: (labels: { rule: string }, n: number) => counted.push([labels.rule, n]) } as unknown as Counter<string>,
    );

  it('matches nothing and allocates nothing without rules', async () => {
    rules = [];
    const m = matcher();
    await m.changed();
    expect(m.match([{ alert: alert('PortScan', '198.18.0.1') }, { alert: null }])).toBeNull();
  });

  it('marks the suppressed items of a batch and counts them per rule and class', async () => {
    // a host as PostgreSQL prints a cidr (with its /32)
    rules = [row('scan', { attackType: 'PortScan', srcCidr: '198.18.0.0/24' }), row('lab', { srcCidr: '198.18.9.0/24' }), row('h', { dstCidr: '198.19.0.99/32' })];
    const m = matcher();
    await m.changed();
    expect(published).toContain('ids:alerts:suppressions-changed');
    const batch = m.match([
      { alert: alert('PortScan', '198.18.0.1') },
      { alert: null },
      { alert: alert('PortScan', '198.18.0.2') },
      { alert: alert('DDoS', '198.18.0.3') },
      { alert: alert('DDoS', '198.18.9.1') },
      { alert: alert('Bot', '198.18.9.2') },
      { alert: { ...alert('Bot', '198.18.7.7'), dstIp: '198.19.0.99' } },
    ]);
    expect(batch?.ruleOf).toEqual(['scan', null, 'scan', null, 'lab', 'lab', 'h']);
    expect(batch?.hits.map((h) => [h.ruleId, h.attackType, h.hits])).toEqual([
      ['scan', 'PortScan', 2],
      ['lab', 'DDoS', 1],
      ['lab', 'Bot', 1],
      ['h', 'Bot', 1],
    ]);
    m.committed(batch!);
    expect(counted).toEqual([['scan', 2], ['lab', 1], ['lab', 1], ['h', 1]]);
  });

  it('skips a rule from its expiry on, before any reload', async () => {
    const expiresAt = new Date(Date.now() + 60_000);
    rules = [row('brief', { attackType: 'PortScan', expiresAt })];
    const m = matcher();
    await m.changed();
    expect(m.match([{ alert: alert('PortScan', '198.18.0.1') }], new Date(expiresAt.getTime() - 1))?.ruleOf).toEqual(['brief']);
    expect(m.match([{ alert: alert('PortScan', '198.18.0.1') }], expiresAt)).toBeNull();
    m.onApplicationShutdown();
  });

  it('keeps the rules it has when a reload fails', async () => {
    rules = [row('kept', { attackType: 'PortScan' })];
    const m = matcher();
    await m.changed();
    rules = null as never;
    (m as unknown as { repo: { findInForce: () => Promise<never> } }).repo.findInForce = async () => {
      throw new Error('database away');
    };
    await m.changed();
    expect(m.match([{ alert: alert('PortScan', '198.18.0.1') }])?.ruleOf).toEqual(['kept']);
  });
});
