import { ValidationError, ValidationPipe } from '@nestjs/common';
import { DomainError, FieldProblem } from '../../core/domain-error';

function joinPath(parent: string, property: string): string {
  if (!parent) return property;
  return /^\d+$/.test(property) ? `${parent}[${property}]` : `${parent}.${property}`;
}

/** Flattens class-validator errors into `{field, reason}` pairs with paths such as `flows[3].src_ip`. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const field = joinPath(parent, error.property);
    const own = Object.values(error.constraints ?? {}).map((reason) => ({ field, reason }));
    return [...own, ...flattenValidationErrors(error.children ?? [], field)];
  });
}

/** The global pipe: unknown fields are rejected (mass assignment), payloads are transformed to DTO classes. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => DomainError.validation(flattenValidationErrors(errors)),
  });
}
