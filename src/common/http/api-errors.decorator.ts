import { ApiBadRequestResponse, ApiConflictResponse, ApiNotFoundResponse, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import { ErrorResponseDto } from './error-response.dto';

export const ApiValidationErrors = () =>
  ApiBadRequestResponse({ description: 'Invalid input: `details` lists each field and reason', type: ErrorResponseDto });

export const ApiNotFound = (what: string) => ApiNotFoundResponse({ description: `${what} not found`, type: ErrorResponseDto });

export const ApiConflict = (description: string) => ApiConflictResponse({ description, type: ErrorResponseDto });

const integerHeader = (description: string) => ({ description, schema: { type: 'integer' as const, minimum: 0 } });

/** The route counts against a per-principal rate limit (RATE_LIMIT_* variables). */
export const ApiRateLimited = () =>
  ApiTooManyRequestsResponse({
    description: 'Rate limit exceeded for this API key, user or (anonymous) address; retry after `Retry-After` seconds',
    type: ErrorResponseDto,
    headers: {
      'Retry-After': integerHeader('Seconds until the window ends'),
      'RateLimit-Limit': integerHeader('Requests allowed per window'),
      'RateLimit-Remaining': integerHeader('Requests left in this window'),
      'RateLimit-Reset': integerHeader('Seconds until the window ends'),
    },
  });
