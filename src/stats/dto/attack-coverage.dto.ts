import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional } from 'class-validator';
import {
  AttackTacticDto,
  AttackTechniqueDto,
  toAttackTacticDto,
  toAttackTechniqueDto,
} from '../../alerts/dto/alert-attack.dto';
import { Coverage, CoverageEntry, CoverageModel, CoverageModelKind } from '../attack-coverage';
import { STATS_RANGES, StatsRange, StatsWindow } from '../stats-window';

const MODEL_KINDS: CoverageModelKind[] = ['full', 'eve'];

/** Alerts counted over all time, or over a period: `range` ending now, or `from` [/ `to`], to the second. */
export class AttackCoverageQueryDto {
  @ApiPropertyOptional({ enum: STATS_RANGES, description: 'The period ending now. Cannot be combined with from/to.' })
  @IsOptional()
  @IsIn(STATS_RANGES)
  range?: StatsRange;

  @ApiPropertyOptional({ format: 'date-time', description: 'Alerts raised at or after this time (created_at)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Raised before this time; default now (needs from)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;
}

export class AttackCoverageModelDto {
  @ApiProperty({ enum: MODEL_KINDS, description: 'full: flows with every feature; eve: Suricata flow records' })
  model: CoverageModelKind;
  @ApiProperty({ nullable: true, type: String, example: 'mlp-884bee807859', description: 'null: not loaded' })
  version: string | null;
  @ApiProperty({ type: [String], example: ['BENIGN', 'PortScan'], description: 'The classes it can emit' })
  classes: string[];
}

export class AttackAlertSourcesDto {
  @ApiProperty({ type: 'integer', description: 'Raised by our models' }) model: number;
  @ApiProperty({ type: 'integer', description: 'Raised by an external AI service (POST /inference/process)' })
  external: number;
  @ApiProperty({ type: 'integer', description: 'Raised by Suricata rules carrying ATT&CK metadata' }) suricata: number;
}

export class AttackCoverageEntryDto {
  @ApiProperty({ type: AttackTacticDto }) tactic: AttackTacticDto;
  @ApiProperty({ type: AttackTechniqueDto }) technique: AttackTechniqueDto;
  @ApiProperty({ type: [String], example: ['FTP-Patator', 'SSH-Patator'], description: 'Classes mapped to it' })
  classes: string[];
  @ApiProperty({ enum: MODEL_KINDS, isArray: true, description: 'Loaded models that can emit one of those classes' })
  models: CoverageModelKind[];
  @ApiProperty({ description: 'A loaded model can detect it (models is not empty)' }) covered: boolean;
  @ApiProperty({ type: 'integer', description: 'Alerts raised in the period that carry it' }) alerts: number;
  @ApiProperty({ type: AttackAlertSourcesDto }) alerts_by_source: AttackAlertSourcesDto;
  @ApiProperty({ type: 'integer', description: 'Of those alerts, the ones analysts closed as false positives' })
  false_positives: number;
  @ApiProperty({ type: 'integer', description: 'Verdicts folded into those alerts (storm de-duplication)' })
  events: number;
  @ApiProperty({ nullable: true, type: String, format: 'date-time', description: 'Latest sighting among them' })
  last_seen: string | null;
}

export class AttackCoverageDto {
  @ApiProperty({ format: 'date-time' }) generated_at: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time', description: 'Period start; null: all time' })
  from: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time', description: 'End of the period (exclusive)' })
  to: string | null;
  @ApiProperty({ type: [AttackCoverageModelDto] }) models: AttackCoverageModelDto[];
  @ApiProperty({
    type: [AttackCoverageEntryDto],
    description: "Every pair of the mapping table, then those only Suricata rules named, in the matrix's tactic order",
  })
  techniques: AttackCoverageEntryDto[];
  @ApiProperty({
    type: [String],
    example: ['Anomaly', 'BENIGN'],
    description: 'Classes the loaded models can emit that stand for no technique (the anomaly verdict among them)',
  })
  unmapped_classes: string[];
}

function toEntryDto(e: CoverageEntry): AttackCoverageEntryDto {
  const n = (v: string | undefined) => Number(v ?? 0);
  return {
    tactic: toAttackTacticDto(e.tactic),
    technique: toAttackTechniqueDto(e.technique),
    classes: e.classes,
    models: e.models,
    covered: e.models.length > 0,
    alerts: n(e.counts?.alerts),
    alerts_by_source: { model: n(e.counts?.model), external: n(e.counts?.external), suricata: n(e.counts?.suricata) },
    false_positives: n(e.counts?.false_positives),
    events: n(e.counts?.events),
    last_seen: e.counts ? new Date(e.counts.last_seen).toISOString() : null,
  };
}

export function toAttackCoverageDto(
  w: StatsWindow | null,
  models: CoverageModel[],
  coverage: Coverage,
): AttackCoverageDto {
  return {
    generated_at: new Date().toISOString(),
    from: w ? w.from.toISOString() : null,
    to: w ? w.to.toISOString() : null,
    models: models.map((m) => ({ model: m.model, version: m.version, classes: [...m.labels] })),
    techniques: coverage.entries.map(toEntryDto),
    unmapped_classes: coverage.unmapped,
  };
}
