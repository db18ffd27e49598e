import {
  AttackMapping,
  AttackTactic,
  knownTechnique,
  TACTIC_ID,
  tacticOf,
  TECHNIQUE_ID,
} from '../../core/attack/mitre-attack';
import { isRecord } from './eve-fields';

/** A rule rarely names more; more would only bloat the alert row. */
const MAX_MAPPINGS = 8;
const MAX_NAME = 128;

/** A metadata key's values: Suricata writes arrays of strings (`"mitre_technique_id": ["T1190"]`). */
function values(metadata: Record<string, unknown>, key: string): string[] {
  const v = metadata[key];
  const list = Array.isArray(v) ? v : v === undefined ? [] : [v];
  return list.filter((x): x is string => typeof x === 'string').map((x) => x.trim());
}

/** Rule metadata cannot hold spaces in a value, so rules write `Credential_Access`. */
const nameOf = (raw: string | undefined): string | undefined => {
  const name = raw?.replace(/_/g, ' ').replace(/\s+/g, ' ').trim();
  return name ? name.slice(0, MAX_NAME) : undefined;
};

/** The i-th value of a list, or its only value when it has one (a tactic shared by every technique). */
const nth = (list: string[], i: number): string | undefined => (list.length === 1 ? list[0] : list[i]);

interface RuleTechnique {
  id: string;
  name: string;
}

function ruleTechniques(metadata: Record<string, unknown>): RuleTechnique[] {
  const ids = values(metadata, 'mitre_technique_id');
  const names = values(metadata, 'mitre_technique_name');
  const subIds = values(metadata, 'mitre_subtechnique_id');
  const subNames = values(metadata, 'mitre_subtechnique_name');
  const found: RuleTechnique[] = [];
  for (let i = 0; i < Math.max(ids.length, subIds.length); i++) {
    // a sub-technique given beside its technique (`mitre_subtechnique_id`) is the more precise of the two
    const sub = subIds[i]?.toUpperCase();
    const id = sub && TECHNIQUE_ID.test(sub) ? sub : ids[i]?.toUpperCase();
    if (!id || !TECHNIQUE_ID.test(id)) continue;
    const parentName = nameOf(names[i]);
    const ruleName = id === sub ? [parentName, nameOf(subNames[i])].filter(Boolean).join(': ') : parentName;
    found.push({ id, name: knownTechnique(id)?.name ?? (ruleName || id) });
  }
  return found;
}

function ruleTactic(ids: string[], names: string[], i: number, techniqueId: string): AttackTactic | undefined {
  const id = nth(ids, i)?.toUpperCase();
  if (id && TACTIC_ID.test(id)) return tacticOf(id) ?? { id, name: nameOf(nth(names, i)) ?? id };
  const named = nth(names, i);
  if (named) return tacticOf(named);
  return knownTechnique(techniqueId)?.tactic;
}

/**
 * The ATT&CK techniques a Suricata rule declares in its metadata (`mitre_tactic_id`, `mitre_tactic_name`,
 * `mitre_technique_id`, `mitre_technique_name`, and `mitre_subtechnique_*` where rules use them), as the alert
 * keeps them. Tactics pair with techniques by position, or one tactic with every technique, or every tactic
 * with the one technique; a technique whose tactic cannot be told is left out. Names of techniques this server
 * knows are ATT&CK's own; others are the rule's, underscores read as spaces.
 */
export function attackOfRuleMetadata(metadata: unknown): AttackMapping[] {
  if (!isRecord(metadata)) return [];
  const techniques = ruleTechniques(metadata);
  const tacticIds = values(metadata, 'mitre_tactic_id');
  const tacticNames = values(metadata, 'mitre_tactic_name');
  const pairs: [AttackTactic | undefined, RuleTechnique][] =
    techniques.length === 1 && Math.max(tacticIds.length, tacticNames.length) > 1
      ? Array.from({ length: Math.max(tacticIds.length, tacticNames.length) }, (_, i) => [
          ruleTactic(tacticIds, tacticNames, i, techniques[0].id),
          techniques[0],
        ])
      : techniques.map((t, i) => [ruleTactic(tacticIds, tacticNames, i, t.id), t]);
  const seen = new Set<string>();
  const out: AttackMapping[] = [];
  for (const [tactic, technique] of pairs) {
    const key = `${tactic?.id}/${technique.id}`;
    if (!tactic || seen.has(key) || out.length === MAX_MAPPINGS) continue;
    seen.add(key);
    out.push({ tactic: { id: tactic.id, name: tactic.name }, technique });
  }
  return out;
}
