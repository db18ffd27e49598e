import { applyDecorators } from '@nestjs/common';
import { ValidateBy, ValidateIf, ValidationOptions } from 'class-validator';
import { tryParseTarget } from '../../core/net';

/** An IPv4/IPv6 address or CIDR, through the strict parser of `core/net`. */
export function IsAddressOrCidr(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isAddressOrCidr',
      validator: {
        validate: (value: unknown, args) => tryParseTarget(value, args?.property).ok,
        defaultMessage: (args) => {
          const result = tryParseTarget(args?.value, args?.property);
          return `$property must be an IP address or CIDR (${result.ok ? 'invalid' : result.error.reason})`;
        },
      },
    },
    options,
  );
}

/**
 * A field that may be left out but, when given, is checked, null included (`@IsOptional()` lets null through to
 * the service, where it reached NOT NULL columns and address parsers as a 500).
 */
export function IsOptionalNotNull(): PropertyDecorator {
  return applyDecorators(
    ValidateIf((_object: object, value: unknown) => value !== undefined),
    ValidateBy({
      name: 'isNotNull',
      validator: {
        validate: (value: unknown) => value !== null,
        defaultMessage: () => '$property must not be null (leave it out instead)',
      },
    }),
  );
}
