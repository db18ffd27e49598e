/**
 * MITRE ATT&CK (Enterprise matrix) for alerts: the tactics, the techniques the detection classes map to, and the
 * one table saying which class stands for which technique (docs/attack-mapping.md explains each choice).
 */

export interface AttackTactic {
  /** `TA` and four digits: `TA0007`. */
  readonly id: string;
  readonly name: string;
}

export interface AttackTechnique {
  /** `T` and four digits, with `.` and three more for a sub-technique: `T1046`, `T1110.001`. */
  readonly id: string;
  /** As ATT&CK writes it; a sub-technique as `Parent: Sub-technique` (`Brute Force: Password Guessing`). */
  readonly name: string;
}

/** One technique an alert stands for, under the tactic (the adversary's goal) it serves there. */
export interface AttackMapping {
  readonly tactic: AttackTactic;
  readonly technique: AttackTechnique;
}

export const TACTIC_ID = /^TA\d{4}$/;
export const TECHNIQUE_ID = /^T\d{4}(\.\d{3})?$/;

const tactic = (id: string, name: string): AttackTactic => Object.freeze({ id, name });

/** The fourteen Enterprise tactics, in the matrix's order (coverage lists follow it). */
export const TACTICS = Object.freeze({
  reconnaissance: tactic('TA0043', 'Reconnaissance'),
  resourceDevelopment: tactic('TA0042', 'Resource Development'),
  initialAccess: tactic('TA0001', 'Initial Access'),
  execution: tactic('TA0002', 'Execution'),
  persistence: tactic('TA0003', 'Persistence'),
  privilegeEscalation: tactic('TA0004', 'Privilege Escalation'),
  defenseEvasion: tactic('TA0005', 'Defense Evasion'),
  credentialAccess: tactic('TA0006', 'Credential Access'),
  discovery: tactic('TA0007', 'Discovery'),
  lateralMovement: tactic('TA0008', 'Lateral Movement'),
  collection: tactic('TA0009', 'Collection'),
  commandAndControl: tactic('TA0011', 'Command and Control'),
  exfiltration: tactic('TA0010', 'Exfiltration'),
  impact: tactic('TA0040', 'Impact'),
});

export const TACTIC_ORDER: readonly string[] = Object.values(TACTICS).map((t) => t.id);

const TACTIC_BY_ID: ReadonlyMap<string, AttackTactic> = new Map(Object.values(TACTICS).map((t) => [t.id, t]));
const nameKey = (name: string) => name.toLowerCase().replace(/[^a-z]+/g, '');
const TACTIC_BY_NAME: ReadonlyMap<string, AttackTactic> = new Map(
  Object.values(TACTICS).map((t) => [nameKey(t.name), t]),
);

/** A tactic of the matrix by id (`TA0007`) or by name in any case and spacing (`Credential_Access`). */
export function tacticOf(idOrName: string): AttackTactic | undefined {
  return TACTIC_BY_ID.get(idOrName.toUpperCase()) ?? TACTIC_BY_NAME.get(nameKey(idOrName));
}

interface CatalogueEntry extends AttackTechnique {
  /** The tactic the mapping table uses it under (a technique may serve others elsewhere in the matrix). */
  readonly tactic: AttackTactic;
}

const technique = (id: string, name: string, under: AttackTactic): CatalogueEntry =>
  Object.freeze({ id, name, tactic: under });

/** The techniques of the mapping table and their parents (names as in ATT&CK v16). */
const TECHNIQUES: readonly CatalogueEntry[] = [
  technique('T1046', 'Network Service Discovery', TACTICS.discovery),
  technique('T1110', 'Brute Force', TACTICS.credentialAccess),
  technique('T1110.001', 'Brute Force: Password Guessing', TACTICS.credentialAccess),
  technique('T1190', 'Exploit Public-Facing Application', TACTICS.initialAccess),
  technique('T1071', 'Application Layer Protocol', TACTICS.commandAndControl),
  technique('T1071.001', 'Application Layer Protocol: Web Protocols', TACTICS.commandAndControl),
  technique('T1095', 'Non-Application Layer Protocol', TACTICS.commandAndControl),
  technique('T1498', 'Network Denial of Service', TACTICS.impact),
  technique('T1498.001', 'Network Denial of Service: Direct Network Flood', TACTICS.impact),
  technique('T1499', 'Endpoint Denial of Service', TACTICS.impact),
  technique('T1499.002', 'Endpoint Denial of Service: Service Exhaustion Flood', TACTICS.impact),
];

const TECHNIQUE_BY_ID: ReadonlyMap<string, CatalogueEntry> = new Map(TECHNIQUES.map((t) => [t.id, t]));

/** A technique this server knows (the mapping table's and their parents), by id. */
export function knownTechnique(id: string): (AttackTechnique & { tactic: AttackTactic }) | undefined {
  return TECHNIQUE_BY_ID.get(id);
}

function mapping(techniqueId: string): AttackMapping {
  const t = TECHNIQUE_BY_ID.get(techniqueId);
  if (!t) throw new Error(`ATT&CK technique ${techniqueId} is not in the catalogue`);
  return Object.freeze({ tactic: t.tactic, technique: Object.freeze({ id: t.id, name: t.name }) });
}

export interface ClassAttack {
  /** Empty: the class deliberately stands for no technique (`why` says why). */
  readonly attack: readonly AttackMapping[];
  readonly why: string;
}

const classAttack = (why: string, ...techniqueIds: string[]): ClassAttack =>
  Object.freeze({ attack: Object.freeze(techniqueIds.map(mapping)), why });

const DOS = 'flood that exhausts the web server itself (its workers or connection slots), not the link or the OS';

/**
 * THE mapping: every class the models, the external AI service and analysts' feedback use (the taxonomy of
 * src/core/features/attack-taxonomy.ts, plus the anomaly verdict) to its ATT&CK techniques. A class missing
 * here maps to nothing; the unit test makes every taxonomy class appear, mapped or explicitly unmapped.
 */
export const CLASS_ATTACK: Readonly<Record<string, ClassAttack>> = Object.freeze({
  BENIGN: classAttack('normal traffic: raises no alert'),
  Anomaly: classAttack('the anomaly detector says only that a flow is unlike benign traffic, not what it does'),
  PortScan: classAttack('nmap scans of the victim network for listening services', 'T1046'),
  'Infiltration PortScan': classAttack('the same scan, run from the compromised host inside the network', 'T1046'),
  'FTP-Patator': classAttack('password guessing against FTP logins (Patator)', 'T1110.001'),
  'SSH-Patator': classAttack('password guessing against SSH logins (Patator)', 'T1110.001'),
  'Web Attack Brute Force': classAttack('password guessing against a web application login form', 'T1110.001'),
  'Web Attack XSS': classAttack(
    'script injected into a public web application (T1190); T1189 Drive-by Compromise would be the later victim ' +
      "browser's visit, which these flows are not",
    'T1190',
  ),
  'Web Attack Sql Injection': classAttack('SQL injection into a public web application', 'T1190'),
  Heartbleed: classAttack(
    'exploit of the OpenSSL heartbeat bug in a public TLS service (the memory it leaks would be T1212 in a later ' +
      'step the flows cannot show)',
    'T1190',
  ),
  'DoS Hulk': classAttack(`HTTP GET ${DOS}`, 'T1499.002'),
  'DoS GoldenEye': classAttack(`HTTP keep-alive ${DOS}`, 'T1499.002'),
  'DoS slowloris': classAttack(`slow-header ${DOS}`, 'T1499.002'),
  'DoS Slowhttptest': classAttack(`slow-body ${DOS}`, 'T1499.002'),
  DDoS: classAttack('many sources flooding one target directly (LOIC, HOIC): a volume attack', 'T1498.001'),
  Bot: classAttack('botnet hosts polling their controller over HTTP (Ares, Zeus)', 'T1071.001'),
  Infiltration: classAttack(
    "the victim's session with the attacker's Metasploit handler after it ran a malicious file: a raw TCP " +
      'backdoor on a non-standard port',
    'T1095',
  ),
});

const NONE: readonly AttackMapping[] = Object.freeze([]);

/**
 * The ATT&CK techniques of a class by its canonical name (as alerts store `attack_type`); empty for benign
 * traffic, the anomaly verdict and any name outside the table (a Suricata signature, say).
 */
export function attackFor(label: string): readonly AttackMapping[] {
  return Object.hasOwn(CLASS_ATTACK, label) ? CLASS_ATTACK[label].attack : NONE;
}

/** The parent technique id of a sub-technique (`T1110.001` → `T1110`), the id itself otherwise. */
export function parentTechniqueId(id: string): string {
  const dot = id.indexOf('.');
  return dot < 0 ? id : id.slice(0, dot);
}

/**
 * The technique and sub-technique apart, as ECS (`threat.technique`, `threat.technique.subtechnique`) and STIX
 * hold them: `T1110.001 Brute Force: Password Guessing` → `T1110 Brute Force` + `T1110.001 Password Guessing`.
 */
export function splitTechnique(t: AttackTechnique): {
  technique: AttackTechnique;
  subtechnique: AttackTechnique | null;
} {
  const parentId = parentTechniqueId(t.id);
  if (parentId === t.id) return { technique: t, subtechnique: null };
  const colon = t.name.indexOf(': ');
  const parentName = TECHNIQUE_BY_ID.get(parentId)?.name ?? (colon > 0 ? t.name.slice(0, colon) : parentId);
  const subName = colon > 0 ? t.name.slice(colon + 2) : t.name;
  return { technique: { id: parentId, name: parentName }, subtechnique: { id: t.id, name: subName } };
}

/**
 * Every id an alert can be filtered by: its tactics, techniques and their parents, sorted and unique. The same as
 * the SQL function `alert_attack_ids` the alert list filters with (migration AddAlertAttack).
 */
export function attackIdsOf(attack: readonly AttackMapping[]): string[] {
  const ids = new Set(attack.flatMap((m) => [m.tactic.id, m.technique.id, parentTechniqueId(m.technique.id)]));
  return [...ids].sort();
}

export const tacticUrl = (id: string) => `https://attack.mitre.org/tactics/${id}/`;
export const techniqueUrl = (id: string) => `https://attack.mitre.org/techniques/${id.replace('.', '/')}/`;
