import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsEnum, IsOptional, IsString, Matches } from 'class-validator';
import { DEFAULT_PAGE_SIZE, PageLimit } from '../../common/pagination/pagination.dto';
import { NetworkActionStatus, NetworkActionType } from '../network-action.entity';
import { BIGINT_ID } from './id-fields';

const toBool = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

export class NetworkActionQueryDto {
  @ApiPropertyOptional({ description: 'Only live blocks (pending or active)', default: false })
  @IsOptional()
  @Transform(toBool)
  @IsBoolean()
  active_only?: boolean;

  @ApiPropertyOptional({
    example: '198.51.100.0/24',
    description: 'An address or CIDR (IP blocks inside it), or `<port>/<protocol>` such as `8080/tcp`',
  })
  @IsOptional()
  @IsString()
  target?: string;

  @ApiPropertyOptional({ enum: NetworkActionStatus, enumName: 'NetworkActionStatus' })
  @IsOptional()
  @IsEnum(NetworkActionStatus)
  status?: NetworkActionStatus;

  @ApiPropertyOptional({ enum: NetworkActionType, enumName: 'NetworkActionType' })
  @IsOptional()
  @IsEnum(NetworkActionType)
  type?: NetworkActionType;

  @ApiPropertyOptional({ example: '1042' })
  @IsOptional()
  @Matches(BIGINT_ID, { message: 'alert_id must be a positive integer id' })
  alert_id?: string;

  @ApiPropertyOptional({ description: 'The next_cursor of the previous page' })
  @IsOptional()
  @Matches(BIGINT_ID, { message: 'cursor must be the next_cursor of a previous page' })
  cursor?: string;

  @PageLimit()
  limit: number = DEFAULT_PAGE_SIZE;
}
