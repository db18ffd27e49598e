import {
  attackFor,
  AttackTactic,
  AttackTechnique,
  CLASS_ATTACK,
  knownTechnique,
  TACTIC_ORDER,
  tacticOf,
} from '../core/attack/mitre-attack';
import { AttackCountRow } from './attack-coverage.repository';

export type CoverageModelKind = 'full' | 'eve';

/** A detection model as the coverage sees it: the classes it can emit (none while it is not loaded). */
export interface CoverageModel {
  model: CoverageModelKind;
  version: string | null;
  labels: readonly string[];
}

export interface CoverageEntry {
  tactic: AttackTactic;
  technique: AttackTechnique;
  /** Classes of the mapping table standing for this pair (none for a technique only Suricata rules named). */
  classes: string[];
  /** Loaded models that can emit one of those classes. */
  models: CoverageModelKind[];
  counts: AttackCountRow | undefined;
}

export interface Coverage {
  entries: CoverageEntry[];
  /** Classes the loaded models can emit that stand for no technique, the anomaly verdict among them. */
  unmapped: string[];
}

const ANOMALY = 'Anomaly';

const rank = (tacticId: string) => {
  const i = TACTIC_ORDER.indexOf(tacticId);
  return i < 0 ? TACTIC_ORDER.length : i;
};

/**
 * Every (tactic, technique) pair of the mapping table, whether a loaded model covers it, and every pair alerts
 * carried in the period (Suricata rules name techniques no class maps to), in the matrix's tactic order.
 */
export function buildCoverage(models: readonly CoverageModel[], counts: readonly AttackCountRow[]): Coverage {
  const entries = new Map<string, CoverageEntry>();
  const entryOf = (tactic: AttackTactic, technique: AttackTechnique): CoverageEntry => {
    const key = `${tactic.id}/${technique.id}`;
    let entry = entries.get(key);
    if (!entry) {
      entry = { tactic, technique, classes: [], models: [], counts: undefined };
      entries.set(key, entry);
    }
    return entry;
  };
  for (const [cls, { attack }] of Object.entries(CLASS_ATTACK)) {
    for (const m of attack) {
      const entry = entryOf(m.tactic, m.technique);
      entry.classes.push(cls);
      for (const model of models) {
        if (model.labels.includes(cls) && !entry.models.includes(model.model)) entry.models.push(model.model);
      }
    }
  }
  for (const row of counts) {
    const tactic = tacticOf(row.tactic_id) ?? { id: row.tactic_id, name: row.tactic_name };
    const known = knownTechnique(row.technique_id);
    const technique = known ? { id: known.id, name: known.name } : { id: row.technique_id, name: row.technique_name };
    entryOf(tactic, technique).counts = row;
  }
  const sorted = [...entries.values()].sort(
    (a, b) =>
      rank(a.tactic.id) - rank(b.tactic.id) ||
      a.tactic.id.localeCompare(b.tactic.id) ||
      a.technique.id.localeCompare(b.technique.id),
  );
  const emitted = new Set(models.flatMap((m) => (m.labels.length ? [...m.labels, ANOMALY] : [])));
  const unmapped = [...emitted].filter((label) => attackFor(label).length === 0).sort();
  return { entries: sorted, unmapped };
}
