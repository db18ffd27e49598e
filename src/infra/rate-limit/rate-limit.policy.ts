import type { Principal } from '../../common/auth/principal';
import { Permission } from '../../core/permissions';

/** Which budget a request draws on: ingest routes, the rest of the API, or public routes (per address). */
export type RateLimitScope = 'ingest' | 'api' | 'anonymous';

export const RATE_LIMIT_SCOPES: readonly RateLimitScope[] = ['ingest', 'api', 'anonymous'];

export interface RateLimitTarget {
  scope: RateLimitScope;
  /** Whose budget: `api_key:<id>`, `user:<id>` or `ip:<address>`. */
  subject: string;
}

export interface RateLimitRequest {
  /** The matched route template (`/api/v1/flows/batch`), not the raw URL. */
  route: string | undefined;
  /** The permission the route requires, if any. */
  permission: Permission | undefined;
  /** The authenticated caller; none on public routes. */
  principal: Principal | undefined;
  ip: string | undefined;
}

/** Only the API is limited: health probes and metrics scrapes live outside this prefix and never are. */
const LIMITED_PREFIX = '/api/';

/**
 * The budget a request counts against, or null when it is not limited. Routes that need the ingest permission
 * are counted per API key or user on their own budget, so a busy sensor never slows analysts down; other routes
 * per user; public routes (login, refresh) per client address.
 */
export function rateLimitTarget(request: RateLimitRequest): RateLimitTarget | null {
  if (!request.route?.startsWith(LIMITED_PREFIX)) return null;
  const { principal } = request;
  if (!principal) return { scope: 'anonymous', subject: `ip:${request.ip ?? 'unknown'}` };
  const subject = `${principal.kind}:${principal.id}`;
  return { scope: request.permission === Permission.INGEST ? 'ingest' : 'api', subject };
}
