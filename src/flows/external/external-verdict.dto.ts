import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { RoundToDecimals } from '../../common/http/decimal';
import {
  IsIn,
  IsInt,
  IsIP,
  IsISO8601,
  IsNotEmpty,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateBy,
  ValidateIf,
} from 'class-validator';
import { IsOptionalNotNull } from '../../common/http/field-validators';

/** A verdict computed by an external AI service (the seed's InferenceRequest). */
export class ExternalVerdictDto {
  @ApiProperty({ enum: ['attack', 'normal'] })
  @IsIn(['attack', 'normal'])
  prediction: 'attack' | 'normal';

  @ApiPropertyOptional({ example: 'DDoS', description: 'Required when prediction is attack' })
  @ValidateIf((o: ExternalVerdictDto) => o.prediction === 'attack' || o.attack_type !== undefined)
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  attack_type?: string;

  @ApiProperty({ minimum: 0, maximum: 1, example: 0.97, description: 'Rounded to 6 decimals' })
  @RoundToDecimals(6)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1)
  confidence: number;

  @ApiPropertyOptional({ example: '198.18.0.10' })
  @IsOptional()
  @IsIP()
  src_ip?: string;

  @ApiPropertyOptional({ example: '198.18.1.20' })
  @IsOptional()
  @IsIP()
  dst_ip?: string;

  @ApiPropertyOptional({ minimum: 0, maximum: 65535 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(65535)
  src_port?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 65535 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(65535)
  dst_port?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 255, description: 'IP protocol number' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(255)
  protocol?: number;

  @ApiPropertyOptional({ maxLength: 128 })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  flow_id?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsISO8601()
  timestamp?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'Evidence kept on the alert' })
  @IsOptional()
  @IsObject()
  details?: Record<string, unknown>;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'number', nullable: true },
    description: 'The flow features, if the service has them (same forms as POST /flows)',
  })
  @IsOptionalNotNull()
  @ValidateBy({
    name: 'isRecordOrArray',
    validator: { validate: (v: unknown) => typeof v === 'object' && v !== null, defaultMessage: () => '$property must be an object or an array' },
  })
  features?: Record<string, unknown> | unknown[];
}

export class ExternalVerdictResultDto {
  @ApiProperty({
    enum: ['alert_created', 'alert_updated', 'alert_suppressed', 'normal_traffic'],
    description: '`alert_suppressed`: an attack verdict a suppression rule matched (stored, no alert)',
  })
  status: string;
  @ApiProperty({ description: 'Stored flow id' }) flow_id: string;
  @ApiProperty({ nullable: true, type: String }) alert_id: string | null;
}
