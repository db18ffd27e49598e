import { ApiProperty } from '@nestjs/swagger';
import { AttackMapping, AttackTactic, AttackTechnique, tacticUrl, techniqueUrl } from '../../core/attack/mitre-attack';

export class AttackTacticDto {
  @ApiProperty({ example: 'TA0006', pattern: '^TA\\d{4}$' }) id: string;
  @ApiProperty({ example: 'Credential Access' }) name: string;
  @ApiProperty({ example: 'https://attack.mitre.org/tactics/TA0006/', description: 'Its page on attack.mitre.org' })
  url: string;
}

export class AttackTechniqueDto {
  @ApiProperty({ example: 'T1110.001', pattern: '^T\\d{4}(\\.\\d{3})?$', description: 'A technique or sub-technique' })
  id: string;
  @ApiProperty({ example: 'Brute Force: Password Guessing', description: 'Sub-technique: `Technique: Sub-technique`' })
  name: string;
  @ApiProperty({ example: 'https://attack.mitre.org/techniques/T1110/001/' }) url: string;
}

/** One MITRE ATT&CK (Enterprise) technique an alert stands for, with the tactic it serves there. */
export class AlertAttackDto {
  @ApiProperty({ type: AttackTacticDto }) tactic: AttackTacticDto;
  @ApiProperty({ type: AttackTechniqueDto }) technique: AttackTechniqueDto;
}

export const toAttackTacticDto = (t: AttackTactic): AttackTacticDto => ({
  id: t.id,
  name: t.name,
  url: tacticUrl(t.id),
});

export const toAttackTechniqueDto = (t: AttackTechnique): AttackTechniqueDto => ({
  id: t.id,
  name: t.name,
  url: techniqueUrl(t.id),
});

export function toAlertAttackDtos(attack: readonly AttackMapping[] | null | undefined): AlertAttackDto[] {
  return (attack ?? []).map((m) => ({
    tactic: toAttackTacticDto(m.tactic),
    technique: toAttackTechniqueDto(m.technique),
  }));
}
