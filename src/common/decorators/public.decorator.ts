import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC_KEY = 'ids:isPublic';

/** Opens a route to anonymous callers. Every other route is closed by the global guard. */
export const Public = () => SetMetadata(IS_PUBLIC_KEY, true);
