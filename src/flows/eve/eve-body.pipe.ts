import { Injectable, PipeTransform } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { AppConfig } from '../../config/app-config';
import { DomainError, ErrorCode } from '../../core/domain-error';
import { EveBatch, readEveNdjson } from './eve-ndjson';

/**
 * Validates the body of `POST /ingest/eve`. All or nothing: one unreadable line refuses the whole request (400,
 * every problem listed as `line N`), so a sensor that retries gets the same answer and nothing is half stored.
 * At most INGEST_MAX_BATCH flow and alert events per request (else 413); other event types do not count.
 */
@Injectable()
export class EveBodyPipe implements PipeTransform<unknown, EveBatch> {
  constructor(private readonly config: ConfigService<AppConfig, true>) {}

  transform(body: unknown): EveBatch {
    if (typeof body !== 'string') {
      throw new DomainError(ErrorCode.UNSUPPORTED_MEDIA_TYPE, 'Send EVE events as NDJSON (Content-Type: application/x-ndjson)');
    }
    const read = readEveNdjson(body);
    if (!read.ok) throw DomainError.validation(read.problems, 'Invalid EVE events: nothing was stored');
    const stored = read.batch.flows.length + read.batch.alerts.length;
    const max = this.config.get('ingest.maxBatch', { infer: true });
    if (stored > max) {
      throw new DomainError(ErrorCode.PAYLOAD_TOO_LARGE, `A request holds at most ${max} flow and alert events`, {
        details: [{ field: 'body', reason: `has ${stored} flow and alert events; the maximum is ${max}` }],
      });
    }
    return read.batch;
  }
}
