/** Roles and permissions of the product, as the design defines them. */
export enum Role {
  ADMIN = 'admin',
  SECURITY = 'security',
  VIEWER = 'viewer',
}

export enum Permission {
  VIEW_ALERTS = 'view_alerts',
  TAKE_ACTIONS = 'take_actions',
  MANAGE_USERS = 'manage_users',
  VIEW_STATS = 'view_stats',
  SYSTEM_CONFIG = 'system_config',
  /** Posting flows and verdicts; held by sensor API keys and admins. */
  INGEST = 'ingest',
  /** Reading the CrowdSec-compatible decisions (/v1/decisions); held by bouncer keys only. */
  READ_DECISIONS = 'read_decisions',
}

export const ROLE_PERMISSIONS: Readonly<Record<Role, ReadonlySet<Permission>>> = {
  [Role.ADMIN]: new Set([
    Permission.VIEW_ALERTS,
    Permission.TAKE_ACTIONS,
    Permission.MANAGE_USERS,
    Permission.VIEW_STATS,
    Permission.SYSTEM_CONFIG,
    Permission.INGEST,
  ]),
  [Role.SECURITY]: new Set([Permission.VIEW_ALERTS, Permission.TAKE_ACTIONS, Permission.VIEW_STATS]),
  [Role.VIEWER]: new Set([Permission.VIEW_ALERTS, Permission.VIEW_STATS]),
};

/** What an API key may do: ingest only. */
export const API_KEY_PERMISSIONS: ReadonlySet<Permission> = new Set([Permission.INGEST]);

/** What a bouncer key may do: read decisions, nothing else. */
export const BOUNCER_KEY_PERMISSIONS: ReadonlySet<Permission> = new Set([Permission.READ_DECISIONS]);

export function roleHasPermission(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].has(permission);
}
