import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { isUUID } from 'class-validator';
import { DomainError } from '../../core/domain-error';

/** Validates a UUID path or query parameter, naming the parameter in the 400. */
@Injectable()
export class UuidPipe implements PipeTransform<string, string> {
  transform(value: string, metadata: ArgumentMetadata): string {
    if (typeof value !== 'string' || !isUUID(value)) {
      throw DomainError.validation([{ field: metadata.data ?? 'id', reason: 'must be a UUID' }]);
    }
    return value;
  }
}

/** Validates a positive bigint identifier (alerts, flows, actions), naming the parameter in the 400. */
@Injectable()
export class BigIntIdPipe implements PipeTransform<string, string> {
  transform(value: string, metadata: ArgumentMetadata): string {
    if (typeof value !== 'string' || !/^[1-9][0-9]{0,17}$/.test(value)) {
      throw DomainError.validation([{ field: metadata.data ?? 'id', reason: 'must be a positive integer id' }]);
    }
    return value;
  }
}
