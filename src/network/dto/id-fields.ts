import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { Matches } from 'class-validator';

/** Positive bigint ids (actions, alerts), as the path pipe `BigIntIdPipe` accepts them. */
export const BIGINT_ID = /^[1-9][0-9]{0,17}$/;

/** A bigint id in a body: a digit string, or a JSON integer taken as one. */
export const IsBigIntId = (options: { each?: boolean } = {}) =>
  applyDecorators(
    Transform(({ value }) => (typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? String(value) : value)),
    Matches(BIGINT_ID, { each: options.each, message: options.each ? 'each value in $property must be a positive integer id' : '$property must be a positive integer id' }),
  );
