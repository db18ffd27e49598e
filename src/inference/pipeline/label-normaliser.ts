/** The class names of CIC-IDS2017 as this service writes them. */
export const KNOWN_LABELS = [
  'BENIGN',
  'Bot',
  'DDoS',
  'DoS GoldenEye',
  'DoS Hulk',
  'DoS Slowhttptest',
  'DoS slowloris',
  'FTP-Patator',
  'Heartbleed',
  'Infiltration',
  'PortScan',
  'SSH-Patator',
  'Web Attack Brute Force',
  'Web Attack XSS',
  'Web Attack Sql Injection',
] as const;

export const BENIGN_LABEL = 'BENIGN';
/** Verdict for flows the classifier calls benign while the anomaly detector finds them far off benign traffic. */
export const ANOMALY_LABEL = 'Anomaly';
export const WEB_ATTACK_PREFIX = 'Web Attack';

const labelKey = (label: string): string => label.toLowerCase().replace(/[^a-z0-9]+/g, '');

const KNOWN_BY_KEY: ReadonlyMap<string, string> = new Map(KNOWN_LABELS.map((label) => [labelKey(label), label]));

/**
 * The dataset writes `Web Attack – Brute Force` with a cp1252 en dash, which reaches us as `\x96`, `–`, `—`,
 * U+FFFD or a plain `-` depending on how the file was decoded.
 */
const WEB_ATTACK_DASH = /^web\s*attack\s*[\u0096\u2013\u2014\uFFFD-]?\s*/i;

/**
 * Canonical class name of a raw label: surrounding spaces removed, the web-attack dash dropped
 * (`Web Attack Brute Force`), known classes in their canonical case (`benign` → `BENIGN`). Unknown labels are
 * returned trimmed with inner whitespace collapsed; an empty label gives ''.
 */
export function normaliseLabel(raw: string): string {
  let label = raw.trim().replace(/\s+/g, ' ');
  if (WEB_ATTACK_DASH.test(label)) label = `${WEB_ATTACK_PREFIX} ${label.replace(WEB_ATTACK_DASH, '')}`.trim();
  return KNOWN_BY_KEY.get(labelKey(label)) ?? label;
}

export function isWebAttack(label: string): boolean {
  return label.startsWith(WEB_ATTACK_PREFIX);
}
