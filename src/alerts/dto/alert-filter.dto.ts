import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, TransformFnParams } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  IsEnum,
  IsIn,
  IsISO8601,
  IsOptional,
  IsString,
  isUUID,
  Matches,
  MaxLength,
  ValidateBy,
  ValidationOptions,
} from 'class-validator';
import { IsAddressOrCidr, IsOptionalNotNull } from '../../common/http/field-validators';
import { AlertStatus, RiskLevel } from '../alert.entity';

export const TIME_RANGES = ['1h', '6h', '24h', '7d', '30d'] as const;
export type TimeRange = (typeof TIME_RANGES)[number];

const MAX_LIST_VALUES = 50;

/** `a,b` and repeated parameters (`?x=a&x=b`) both give `['a', 'b']`; JSON arrays pass through. */
export function toList({ value }: TransformFnParams): unknown {
  if (value === undefined || value === null) return value;
  const values: unknown[] = Array.isArray(value) ? value : [value];
  return values.flatMap((v) => (typeof v === 'string' ? v.split(',').map((s) => s.trim()) : [v]));
}

/** {@link toList}, ids upper-cased (`t1046` is `T1046`). */
function toUpperList(params: TransformFnParams): unknown {
  const list = toList(params);
  return Array.isArray(list) ? list.map((v) => (typeof v === 'string' ? v.toUpperCase() : v)) : list;
}

export function IsAssigneeFilter(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isAssigneeFilter',
      validator: {
        validate: (value: unknown) => value === 'me' || value === 'none' || (typeof value === 'string' && isUUID(value)),
        defaultMessage: () => '$property must be a user id (UUID), `me` or `none`',
      },
    },
    options,
  );
}

/** Which alerts: the list's filters, also accepted by the bulk operations. All given criteria must hold. */
export class AlertFilterDto {
  @ApiPropertyOptional({ enum: AlertStatus, enumName: 'AlertStatus', isArray: true, description: 'One or several (repeat the parameter or separate with commas)' })
  @IsOptional()
  @Transform(toList)
  @ArrayNotEmpty()
  @ArrayMaxSize(MAX_LIST_VALUES)
  @IsEnum(AlertStatus, { each: true })
  status?: AlertStatus[];

  @ApiPropertyOptional({ enum: RiskLevel, enumName: 'RiskLevel', isArray: true, description: 'Risk level: one or several' })
  @IsOptional()
  @Transform(toList)
  @ArrayNotEmpty()
  @ArrayMaxSize(MAX_LIST_VALUES)
  @IsEnum(RiskLevel, { each: true })
  severity?: RiskLevel[];

  @ApiPropertyOptional({ type: [String], example: ['DDoS'], description: 'Attack type: one or several' })
  @IsOptional()
  @Transform(toList)
  @ArrayNotEmpty()
  @ArrayMaxSize(MAX_LIST_VALUES)
  @IsString({ each: true })
  @MaxLength(128, { each: true })
  attack_type?: string[];

  @ApiPropertyOptional({
    type: [String],
    example: ['T1110'],
    description: 'MITRE ATT&CK technique: one or several; a technique also finds its sub-techniques (T1110 → T1110.001)',
  })
  @IsOptional()
  @Transform(toUpperList)
  @ArrayNotEmpty()
  @ArrayMaxSize(MAX_LIST_VALUES)
  @Matches(/^T\d{4}(\.\d{3})?$/, { each: true, message: '$property must hold technique ids such as T1046 or T1110.001' })
  technique?: string[];

  @ApiPropertyOptional({ type: [String], example: ['TA0006'], description: 'MITRE ATT&CK tactic: one or several' })
  @IsOptional()
  @Transform(toUpperList)
  @ArrayNotEmpty()
  @ArrayMaxSize(MAX_LIST_VALUES)
  @Matches(/^TA\d{4}$/, { each: true, message: '$property must hold tactic ids such as TA0007' })
  tactic?: string[];

  @ApiPropertyOptional({ enum: TIME_RANGES, description: 'Raised within this long before now (not with `from`/`to`)' })
  @IsOptional()
  @IsIn(TIME_RANGES)
  range?: TimeRange;

  @ApiPropertyOptional({ format: 'date-time', description: 'Raised at or after this time (created_at)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Raised before this time (created_at)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;

  @ApiPropertyOptional({ example: '198.18.0.0/15', description: 'Source address, or a CIDR the source lies in' })
  @IsOptionalNotNull()
  @IsAddressOrCidr()
  src_ip?: string;

  @ApiPropertyOptional({ example: '10.0.0.5', description: 'Destination address, or a CIDR the destination lies in' })
  @IsOptionalNotNull()
  @IsAddressOrCidr()
  dst_ip?: string;

  @ApiPropertyOptional({ example: 'me', description: 'A user id (UUID), `me` (the caller) or `none` (unassigned)' })
  @IsOptional()
  @IsAssigneeFilter()
  assignee?: string;

  @ApiPropertyOptional({ example: '2026.01.1', maxLength: 64 })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  model_version?: string;
}
