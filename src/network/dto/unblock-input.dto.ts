import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsOptional, IsString } from 'class-validator';
import { IsBigIntId } from './id-fields';

export const MAX_BULK_IDS = 1000;

/** Exactly one of `ids`, `cidr` or `alert_id`. */
export class BulkUnblockDto {
  @ApiPropertyOptional({ type: [String], example: ['41', '42'], maxItems: MAX_BULK_IDS, description: 'Action ids' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_BULK_IDS)
  @IsBigIntId({ each: true })
  ids?: string[];

  @ApiPropertyOptional({ example: '198.51.100.0/24', description: 'Every live IP block inside this address or network' })
  @IsOptional()
  @IsString()
  cidr?: string;

  @ApiPropertyOptional({ example: '1042', description: 'Every live block linked to this alert' })
  @IsOptional()
  @IsBigIntId()
  alert_id?: string;
}
