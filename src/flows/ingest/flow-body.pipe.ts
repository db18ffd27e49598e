import { Injectable, PipeTransform } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { AppConfig } from '../../config/app-config';
import { DomainError, ErrorCode } from '../../core/domain-error';
import { keyPath, ValidatedFlow, validateFlow, validateFlows } from './flow-input';

function refuse(problems: { field: string; reason: string }[]): never {
  throw DomainError.validation(problems, 'Invalid flows: nothing was stored');
}

/** Validates the body of `POST /flows` (one flow). */
@Injectable()
export class SingleFlowPipe implements PipeTransform<unknown, ValidatedFlow[]> {
  transform(body: unknown): ValidatedFlow[] {
    const problems: { field: string; reason: string }[] = [];
    const flow = validateFlow(body, '', problems);
    if (!flow || problems.length) refuse(problems);
    return [flow];
  }
}

/** Validates the body of `POST /flows/batch`: `{flows: [...]}` with at most INGEST_MAX_BATCH flows (else 413). */
@Injectable()
export class FlowBatchPipe implements PipeTransform<unknown, ValidatedFlow[]> {
  constructor(private readonly config: ConfigService<AppConfig, true>) {}

  transform(body: unknown): ValidatedFlow[] {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) refuse([{ field: 'body', reason: 'must be an object with a flows array' }]);
    const extra = Object.keys(body).filter((k) => k !== 'flows');
    if (extra.length) refuse(extra.map((key) => ({ field: keyPath('', key), reason: 'is not a known field' })));
    const flows = (body as { flows?: unknown }).flows;
    if (!Array.isArray(flows) || flows.length === 0) refuse([{ field: 'flows', reason: 'must be a non-empty array' }]);
    const max = this.config.get('ingest.maxBatch', { infer: true });
    if (flows.length > max) {
      throw new DomainError(ErrorCode.PAYLOAD_TOO_LARGE, `A batch holds at most ${max} flows`, {
        details: [{ field: 'flows', reason: `has ${flows.length} items; the maximum is ${max}` }],
      });
    }
    const result = validateFlows(flows, (i) => `flows[${i}]`);
    if (result.problems.length) refuse(result.problems);
    return result.flows;
  }
}
