import { API_KEY_PERMISSIONS, BOUNCER_KEY_PERMISSIONS, Permission, Role, ROLE_PERMISSIONS } from '../../core/permissions';

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

/** A firewall or proxy bouncer pulling CrowdSec-style decisions (`X-Api-Key: idsb_…`). */
export interface BouncerPrincipal {
  kind: 'bouncer';
  id: string;
  name: string;
  prefix: string;
}

export type Principal = UserPrincipal | ApiKeyPrincipal | BouncerPrincipal;

export function permissionsOf(principal: Principal): ReadonlySet<Permission> {
  switch (principal.kind) {
    case 'user':
      return ROLE_PERMISSIONS[principal.role];
    case 'api_key':
      return API_KEY_PERMISSIONS;
    case 'bouncer':
      return BOUNCER_KEY_PERMISSIONS;
  }
}

/**
 * How audit rows and alert events record the actor. Bouncer keys only read decisions, so they never act; were
 * one to, it is recorded as a key.
 */
export function actorTypeOf(principal: Principal | null): 'user' | 'api_key' | 'system' {
  if (!principal) return 'system';
  return principal.kind === 'bouncer' ? 'api_key' : principal.kind;
}

/** Who did something, from where, in which request: what the audit log and the alert timeline record. */
export interface ActorContext {
  principal: Principal | null;
  ip: string | null;
  correlationId: string | null;
}

export const SYSTEM_ACTOR: ActorContext = { principal: null, ip: null, correlationId: null };
