import { API_KEY_PERMISSIONS, Permission, Role, ROLE_PERMISSIONS } from '../../core/permissions';

export interface UserPrincipal {
  kind: 'user';
  id: string;
  email: string;
  role: Role;
  /** The refresh family (login session) the access token belongs to. */
  sessionId: string;
}

export interface ApiKeyPrincipal {
  kind: 'api_key';
  id: string;
  name: string;
  prefix: string;
}

export type Principal = UserPrincipal | ApiKeyPrincipal;

export function permissionsOf(principal: Principal): ReadonlySet<Permission> {
  return principal.kind === 'user' ? ROLE_PERMISSIONS[principal.role] : API_KEY_PERMISSIONS;
}

/** Who did something, from where, in which request: what the audit log and the alert timeline record. */
export interface ActorContext {
  principal: Principal | null;
  ip: string | null;
  correlationId: string | null;
}

export const SYSTEM_ACTOR: ActorContext = { principal: null, ip: null, correlationId: null };
