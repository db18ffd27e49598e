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
  MaxLength,
  ValidateBy,
  ValidationOptions,
} from 'class-validator';
import { tryParseTarget } from '../../core/net';
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

/** An IPv4/IPv6 address or CIDR, through the strict parser of `core/net`. */
export function IsAddressOrCidr(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isAddressOrCidr',
      validator: {
        validate: (value: unknown, args) => tryParseTarget(value, args?.property).ok,
        defaultMessage: (args) => {
          const result = tryParseTarget(args?.value, args?.property);
          return `$property must be an IP address or CIDR (${result.ok ? 'invalid' : result.error.reason})`;
        },
      },
    },
    options,
  );
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
  @IsOptional()
  @IsAddressOrCidr()
  src_ip?: string;

  @ApiPropertyOptional({ example: '10.0.0.5', description: 'Destination address, or a CIDR the destination lies in' })
  @IsOptional()
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
