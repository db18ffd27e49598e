import { Injectable } from '@nestjs/common';
import { AuditService } from '../../audit/audit.service';
import { ActorContext } from '../../common/auth/principal';
import { DomainError, FieldProblem } from '../../core/domain-error';
import { isWholeInternet, parseTarget, tryParseTarget } from '../../core/net';
import { SuppressionInputDto, SuppressionMatchDto } from './dto/suppression.dto';
import { SuppressionMatcher } from './suppression-matcher.service';
import { SuppressionRuleEntity } from './suppression-rule.entity';
import { MatchFields, RuleFields, RuleHits, SuppressionRulesRepository } from './suppression-rules.repository';

const auditView = (r: SuppressionRuleEntity) => ({
  attack_type: r.attackType,
  src_cidr: r.srcCidr === null ? null : parseTarget(r.srcCidr).canonical,
  dst_cidr: r.dstCidr === null ? null : parseTarget(r.dstCidr).canonical,
  dst_port: r.dstPort,
  reason: r.reason,
  expires_at: r.expiresAt?.toISOString() ?? null,
});

/**
 * Suppression rules: CRUD with validation and audit. Every committed change reloads the rules of every process
 * (see {@link SuppressionMatcher}).
 */
@Injectable()
export class SuppressionsService {
  constructor(
    private readonly rules: SuppressionRulesRepository,
    private readonly matcher: SuppressionMatcher,
    private readonly audit: AuditService,
  ) {}

  async list(): Promise<{ rule: SuppressionRuleEntity; hits: RuleHits | undefined }[]> {
    const rules = await this.rules.list();
    const hits = await this.rules.hitsOf(rules.map((r) => r.id));
    return rules.map((rule) => ({ rule, hits: hits.get(rule.id) }));
  }

  async get(id: string): Promise<{ rule: SuppressionRuleEntity; hits: RuleHits | undefined }> {
    const rule = await this.rules.findById(id);
    if (!rule) throw DomainError.notFound('Suppression rule', id);
    return { rule, hits: (await this.rules.hitsOf([id])).get(id) };
  }

  async create(actor: ActorContext, dto: SuppressionInputDto): Promise<SuppressionRuleEntity> {
    const fields = await this.ruleFields(dto);
    const rule = await this.rules.manager.transaction(async (m) => {
      const created = await this.rules.insert(m, { ...fields, createdBy: actor.principal?.kind === 'user' ? actor.principal.id : null });
      await this.audit.record(actor, { action: 'suppression.create', targetType: 'suppression_rule', targetId: created.id, after: auditView(created) }, m);
      return created;
    });
    await this.matcher.changed();
    return rule;
  }

  async replace(actor: ActorContext, id: string, dto: SuppressionInputDto): Promise<SuppressionRuleEntity> {
    const fields = await this.ruleFields(dto);
    const rule = await this.rules.manager.transaction(async (m) => {
      const before = await this.rules.lockById(m, id);
      if (!before) throw DomainError.notFound('Suppression rule', id);
      const after = await this.rules.update(m, id, fields);
      await this.audit.record(actor, { action: 'suppression.update', targetType: 'suppression_rule', targetId: id, before: auditView(before), after: auditView(after) }, m);
      return after;
    });
    await this.matcher.changed();
    return rule;
  }

  async remove(actor: ActorContext, id: string): Promise<void> {
    await this.rules.manager.transaction(async (m) => {
      const rule = await this.rules.lockById(m, id);
      if (!rule) throw DomainError.notFound('Suppression rule', id);
      await this.rules.delete(m, id);
      await this.audit.record(actor, { action: 'suppression.delete', targetType: 'suppression_rule', targetId: id, before: auditView(rule) }, m);
    });
    await this.matcher.changed();
  }

  /** The rule's match fields, validated and canonical; a 400 naming every field in error. */
  async matchFields(dto: SuppressionMatchDto): Promise<MatchFields> {
    const problems: FieldProblem[] = [];
    const fields = await this.checkMatch(dto, problems);
    if (problems.length) throw DomainError.validation(problems);
    return fields;
  }

  private async ruleFields(dto: SuppressionInputDto): Promise<RuleFields> {
    const problems: FieldProblem[] = [];
    const match = await this.checkMatch(dto, problems);
    const expiresAt = dto.expires_at ? new Date(dto.expires_at) : null;
    if (expiresAt && expiresAt.getTime() <= Date.now()) problems.push({ field: 'expires_at', reason: 'must be in the future' });
    if (problems.length) throw DomainError.validation(problems);
    return { ...match, reason: dto.reason.trim(), expiresAt };
  }

  /** Known class, parseable networks (not /0), and an address when there is no class; problems added to `problems`. */
  private async checkMatch(dto: SuppressionMatchDto, problems: FieldProblem[]): Promise<MatchFields> {
    const network = (value: string | null | undefined, field: string): string | null => {
      if (value === undefined || value === null) return null;
      const target = tryParseTarget(value, field);
      if (!target.ok) problems.push({ field, reason: target.error.reason });
      else if (isWholeInternet(target.value)) problems.push({ field, reason: 'must not be the whole address space: omit it to match any' });
      return target.ok ? target.value.canonical : null;
    };
    const fields: MatchFields = {
      attackType: dto.attack_type?.trim() ?? null,
      srcCidr: network(dto.src_cidr, 'src_cidr'),
      dstCidr: network(dto.dst_cidr, 'dst_cidr'),
      dstPort: dto.dst_port ?? null,
    };
    if (fields.attackType === null && !dto.src_cidr && !dto.dst_cidr) {
      problems.push({ field: 'attack_type', reason: 'a rule without a class must name src_cidr or dst_cidr (it would suppress too much)' });
    }
    if (fields.attackType !== null && !(await this.rules.isKnownClass(fields.attackType))) {
      problems.push({ field: 'attack_type', reason: 'unknown class: not a model class nor one any alert carries' });
    }
    return fields;
  }
}
