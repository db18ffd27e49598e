import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { DomainError } from '../../core/domain-error';

/** A model version as the registry names them (`mlp-<hash>`), validated before any lookup. */
@Injectable()
export class ModelVersionPipe implements PipeTransform<string, string> {
  transform(value: string, metadata: ArgumentMetadata): string {
    if (typeof value !== 'string' || !/^[A-Za-z0-9._-]{1,64}$/.test(value)) {
      throw DomainError.validation([{ field: metadata.data ?? 'version', reason: 'must be a model version (letters, digits, . _ -)' }]);
    }
    return value;
  }
}
