import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEnum, IsOptional, IsString, IsUUID, Matches, MaxLength, MinLength, ValidateIf } from 'class-validator';
import { IsOptionalNotNull } from '../../common/http/field-validators';
import { AlertStatus } from '../alert.entity';

export const NOTE_MAX_LENGTH = 5000;
export const REASON_MAX_LENGTH = 2000;

export class ChangeAlertStatusDto {
  @ApiProperty({ enum: AlertStatus, enumName: 'AlertStatus' })
  @IsEnum(AlertStatus)
  status: AlertStatus;

  @ApiPropertyOptional({
    maxLength: REASON_MAX_LENGTH,
    description: 'Why: kept as the resolution reason when closing (resolved, false_positive); on the timeline always',
  })
  @IsOptional()
  @IsString()
  @MaxLength(REASON_MAX_LENGTH)
  reason?: string;

  @ApiPropertyOptional({
    example: 'BENIGN',
    maxLength: 64,
    description:
      'Only with status false_positive: the traffic’s real class (an attack type name, e.g. BENIGN or another attack). ' +
      'Any spelling the flow pipeline reads is accepted (`Portscan`, `Web Attack – XSS`, `<attack> - Attempted` = ' +
      'BENIGN) and stored canonical. Defaults to BENIGN. The alert’s flow is stored as a training example with this label.',
  })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(64)
  label?: string;
}

export class AssignAlertDto {
  @ApiProperty({
    type: String,
    nullable: true,
    pattern: '^(me|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$',
    example: 'me',
    description: 'An active user’s id, `me` (the signed-in caller), or null to unassign',
  })
  @ValidateIf((o: AssignAlertDto) => o.assignee_id !== null && o.assignee_id !== 'me')
  @IsUUID()
  assignee_id: string | null;
}

export class AddAlertNoteDto {
  @ApiProperty({ minLength: 1, maxLength: NOTE_MAX_LENGTH, example: 'Source is our vulnerability scanner.' })
  @IsString()
  @MinLength(1)
  @MaxLength(NOTE_MAX_LENGTH)
  @Matches(/\S/, { message: 'body must not be blank' })
  body: string;
}
