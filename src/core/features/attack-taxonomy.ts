/** Severity of a class; the alert's risk level combines it with the verdict's confidence (alerts/risk-level.ts). */
export type ClassSeverity = 'none' | 'low' | 'medium' | 'high' | 'critical';

export interface AttackClass {
  /** Canonical name: what models, alerts, `attack_types` and feedback use. Never rename a shipped one. */
  name: string;
  severity: ClassSeverity;
  /** Other spellings, matched ignoring case, spaces and punctuation (so every dash variant of each is covered). */
  aliases: readonly string[];
}

/**
 * The classes of both CIC-IDS2017 extractions (the original MachineLearningCVE/GeneratedLabelledFlows labels and
 * the corrected extraction of Engelen et al.), with the CSE-CIC-IDS2018 labels folded onto the same attacks.
 * Severities match the `attack_types` table (migrations), which the alert writer reads.
 */
export const ATTACK_TAXONOMY: readonly AttackClass[] = [
  { name: 'BENIGN', severity: 'none', aliases: [] },
  {
    name: 'DDoS',
    severity: 'critical',
    aliases: ['DDoS attacks-LOIC-HTTP', 'DDOS attack-HOIC', 'DDOS attack-LOIC-UDP'],
  },
  { name: 'DoS Hulk', severity: 'high', aliases: ['DoS attacks-Hulk'] },
  { name: 'DoS GoldenEye', severity: 'high', aliases: ['DoS attacks-GoldenEye'] },
  // the original dataset's spelling; the corrected extraction writes `DoS Slowloris`
  { name: 'DoS slowloris', severity: 'high', aliases: ['DoS attacks-Slowloris'] },
  { name: 'DoS Slowhttptest', severity: 'high', aliases: ['DoS attacks-SlowHTTPTest'] },
  { name: 'Heartbleed', severity: 'critical', aliases: [] },
  { name: 'PortScan', severity: 'medium', aliases: [] },
  { name: 'Bot', severity: 'high', aliases: ['Botnet'] },
  { name: 'Infiltration', severity: 'critical', aliases: ['Infilteration'] },
  // the scan run from the infected host inside the network (corrected extraction; the original labelled it BENIGN)
  { name: 'Infiltration PortScan', severity: 'critical', aliases: ['Infiltration - Portscan'] },
  { name: 'FTP-Patator', severity: 'medium', aliases: ['FTP-BruteForce'] },
  { name: 'SSH-Patator', severity: 'high', aliases: ['SSH-Bruteforce'] },
  { name: 'Web Attack Brute Force', severity: 'medium', aliases: ['Brute Force -Web'] },
  { name: 'Web Attack XSS', severity: 'high', aliases: ['Brute Force -XSS', 'XSS'] },
  { name: 'Web Attack Sql Injection', severity: 'critical', aliases: ['SQL Injection'] },
];

/** Canonical class names in taxonomy order. */
export const KNOWN_LABELS: readonly string[] = ATTACK_TAXONOMY.map((c) => c.name);

/** Severity of a canonical class name, `undefined` for names outside the taxonomy. */
export function severityOf(label: string): ClassSeverity | undefined {
  return ATTACK_TAXONOMY.find((c) => c.name === label)?.severity;
}
