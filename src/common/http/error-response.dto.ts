import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ErrorCode } from '../../core/domain-error';

export class FieldProblemDto {
  @ApiProperty({ example: 'flows[3].src_ip', description: 'Path of the offending field in the request' })
  field: string;

  @ApiProperty({ example: 'src_ip must be an ip address' })
  reason: string;
}

/** The body of every error response. */
export class ErrorResponseDto {
  @ApiProperty({ example: 400 })
  status_code: number;

  @ApiProperty({ enum: ErrorCode, enumName: 'ErrorCode', example: ErrorCode.VALIDATION_FAILED })
  error: ErrorCode;

  @ApiProperty({ example: 'Validation failed' })
  message: string;

  @ApiPropertyOptional({ type: [FieldProblemDto] })
  details?: FieldProblemDto[];

  @ApiProperty({ example: '3f1c0a4e-9d0b-4b8e-a7c2-2d5f3b1e9a77', description: 'Also in the X-Request-Id header' })
  correlation_id: string;
}
