import { ApiProperty } from '@nestjs/swagger';

export class StreamLengthDto {
  @ApiProperty({ example: 'ids:flows:in' }) key: string;
  @ApiProperty({ description: 'Entries in the stream (XLEN)' }) length: number;
}

export class StreamConsumerInfoDto {
  @ApiProperty({ example: 'ids-api-1-4242' }) name: string;
  @ApiProperty({ description: 'Entries delivered to this consumer and not yet acknowledged' }) pending: number;
  @ApiProperty({ description: 'Milliseconds since this consumer last interacted with the group' }) idle_ms: number;
}

export class StreamGroupInfoDto {
  @ApiProperty({ example: 'ids-ingest' }) name: string;
  @ApiProperty({ nullable: true, type: Number, description: 'Entries not yet delivered to the group (null when Redis cannot tell)' })
  lag: number | null;
  @ApiProperty({ description: 'Entries delivered and not yet acknowledged' }) pending: number;
  @ApiProperty({ example: '1763702400000-0' }) last_delivered_id: string;
  @ApiProperty({ type: [StreamConsumerInfoDto] }) consumers: StreamConsumerInfoDto[];
}

export class StreamErrorDto {
  @ApiProperty() message: string;
  @ApiProperty({ format: 'date-time' }) at: string;
}

export class LocalStreamConsumerDto {
  @ApiProperty({ description: 'This process’s consumer name' }) name: string;
  @ApiProperty() running: boolean;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) last_batch_at: string | null;
  @ApiProperty({ description: 'Entries held for another attempt after a failure' }) retrying_entries: number;
  @ApiProperty({ type: StreamErrorDto, nullable: true, description: 'The last failure (kept after recovery)' })
  last_error: StreamErrorDto | null;
}

export class StreamInfoDto {
  @ApiProperty({ description: 'INGEST_STREAM_ENABLED' }) enabled: boolean;
  @ApiProperty({ type: StreamLengthDto }) stream: StreamLengthDto;
  @ApiProperty({ type: StreamGroupInfoDto, nullable: true, description: 'Null until the consumer group exists' })
  group: StreamGroupInfoDto | null;
  @ApiProperty({ type: StreamLengthDto }) dead_letter: StreamLengthDto;
  @ApiProperty({ type: StreamLengthDto }) output: StreamLengthDto;
  @ApiProperty({ type: LocalStreamConsumerDto }) this_consumer: LocalStreamConsumerDto;
}
