import { ApiBadRequestResponse, ApiConflictResponse, ApiNotFoundResponse } from '@nestjs/swagger';
import { ErrorResponseDto } from './error-response.dto';

export const ApiValidationErrors = () =>
  ApiBadRequestResponse({ description: 'Invalid input: `details` lists each field and reason', type: ErrorResponseDto });

export const ApiNotFound = (what: string) => ApiNotFoundResponse({ description: `${what} not found`, type: ErrorResponseDto });

export const ApiConflict = (description: string) => ApiConflictResponse({ description, type: ErrorResponseDto });
