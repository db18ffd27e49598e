import { attackFor, splitTechnique } from '../../core/attack/mitre-attack';

/** One MITRE ATT&CK tactic, technique or sub-technique, as ECS `threat.*` carries it. */
export interface AttackRef {
  /** `TA0007`, `T1046`, `T1110.001`. */
  id: string;
  name: string;
  /** Defaults to https://attack.mitre.org/<kind>/<id with . as />/. */
  reference?: string;
}

/** One technique an alert stands for, under its tactic; every part optional (ECS leaves out what is unknown). */
export interface AttackClassification {
  tactic?: AttackRef;
  technique?: AttackRef;
  /** A sub-technique (`T1110.001 Password Guessing`): `technique` is then its parent (`T1110 Brute Force`). */
  subtechnique?: AttackRef;
}

/** The alert fields a classification reads: the alert's own `attack` list (AlertDto), else its class. */
export interface AttackSubject {
  attack_type?: string;
  source?: string;
  attack?: { tactic?: { id: string; name: string }; technique?: { id: string; name: string } }[];
}

/** Port through which SIEM documents learn the ATT&CK classification of an alert (bound under ATTACK_MAPPER). */
export interface AttackMapper {
  classify(alert: AttackSubject): AttackClassification[];
}

export const ATTACK_MAPPER = Symbol('ATTACK_MAPPER');

/**
 * The alert's `attack` list as the alerts module stored it (its class's techniques or its Suricata rule's,
 * docs/attack-mapping.md); an alert event without the list (an older payload) falls back to the class table.
 */
export const ALERT_ATTACK_MAPPER: AttackMapper = {
  classify(alert) {
    const list = alert.attack ?? (alert.source !== 'suricata' && alert.attack_type ? attackFor(alert.attack_type) : []);
    return list.map(({ tactic, technique }) => {
      if (!technique) return { tactic };
      const { technique: parent, subtechnique } = splitTechnique(technique);
      return { tactic, technique: parent, subtechnique: subtechnique ?? undefined };
    });
  },
};

/** A mapper that knows nothing (documents without `threat.*`). */
export const NO_ATTACK_MAPPING: AttackMapper = { classify: () => [] };
