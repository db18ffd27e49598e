import { ATTACK_TAXONOMY, KNOWN_LABELS } from './attack-taxonomy';

export const BENIGN_LABEL = 'BENIGN';
/** Verdict for flows the classifier calls benign while the anomaly detector finds them far off benign traffic. */
export const ANOMALY_LABEL = 'Anomaly';
export const WEB_ATTACK_PREFIX = 'Web Attack';

/** Case, spaces and punctuation (every dash: `-`, `\x96`, `–`, `—`, U+FFFD) do not tell labels apart. */
const labelKey = (label: string): string => label.toLowerCase().replace(/[^a-z0-9]+/g, '');

const KNOWN_BY_KEY: ReadonlyMap<string, string> = new Map(
  ATTACK_TAXONOMY.flatMap((c) => [c.name, ...c.aliases].map((spelling) => [labelKey(spelling), c.name] as const)),
);

/**
 * The dataset writes `Web Attack – Brute Force` with a cp1252 en dash, which reaches us as `\x96`, `–`, `—`,
 * U+FFFD or a plain `-` depending on how the file was decoded.
 */
const WEB_ATTACK_DASH = /^web\s*attack\s*[\u0096\u2013\u2014\uFFFD-]?\s*/i;

/** `<attack> - Attempted` (corrected extraction): attack traffic that carried no attack. Any dash, any case. */
const ATTEMPTED_SUFFIX = /[\s\u0096\u2013\u2014\uFFFD-]+attempted$/i;

export interface ParsedLabel {
  /** Canonical class name (BENIGN for an attempted attack), or the trimmed raw label when it names no class. */
  label: string;
  /** For an `<attack> - Attempted` label: the attack's canonical name. */
  attempted?: string;
}

/**
 * Canonical class of a raw label and whether it was an attempted attack. `<attack> - Attempted` labels become
 * BENIGN: Engelen et al. (2021) gave them their own label because these flows belong to an attack by endpoints
 * and time but carry none of it (a connection refused or closed before any payload), so their features are those
 * of benign traffic; training them as the attack would teach the model to flag such harmless flows.
 */
export function parseLabel(raw: string): ParsedLabel {
  const label = raw.trim().replace(/\s+/g, ' ');
  if (ATTEMPTED_SUFFIX.test(label)) {
    return { label: BENIGN_LABEL, attempted: canonicalLabel(label.replace(ATTEMPTED_SUFFIX, '')) };
  }
  return { label: canonicalLabel(label) };
}

/**
 * Canonical class name of a raw label: surrounding spaces removed, aliases and every dash variant resolved
 * through the taxonomy (`Portscan` → `PortScan`, `Web Attack - SQL Injection` → `Web Attack Sql Injection`),
 * `<attack> - Attempted` → BENIGN (see {@link parseLabel}). Unknown labels are returned trimmed with inner
 * whitespace collapsed (an unknown web attack without its dash); an empty label gives ''.
 */
export function normaliseLabel(raw: string): string {
  return parseLabel(raw).label;
}

function canonicalLabel(trimmed: string): string {
  const known = KNOWN_BY_KEY.get(labelKey(trimmed));
  if (known !== undefined) return known;
  if (WEB_ATTACK_DASH.test(trimmed)) return `${WEB_ATTACK_PREFIX} ${trimmed.replace(WEB_ATTACK_DASH, '')}`.trim();
  return trimmed;
}

/** Whether a label is one of the taxonomy's canonical class names. */
export function isKnownLabel(label: string): boolean {
  return KNOWN_LABELS.includes(label);
}

export function isWebAttack(label: string): boolean {
  return label.startsWith(WEB_ATTACK_PREFIX);
}
