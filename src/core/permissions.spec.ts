import { API_KEY_PERMISSIONS, BOUNCER_KEY_PERMISSIONS, Permission, Role, roleHasPermission } from './permissions';

describe('role → permission map', () => {
  const table: [Role, Permission[]][] = [
    [Role.ADMIN, [Permission.VIEW_ALERTS, Permission.TAKE_ACTIONS, Permission.MANAGE_USERS, Permission.VIEW_STATS, Permission.SYSTEM_CONFIG, Permission.INGEST]],
    [Role.SECURITY, [Permission.VIEW_ALERTS, Permission.TAKE_ACTIONS, Permission.VIEW_STATS]],
    [Role.VIEWER, [Permission.VIEW_ALERTS, Permission.VIEW_STATS]],
  ];

  it.each(table)('%s holds exactly its permissions', (role, granted) => {
    for (const p of Object.values(Permission)) {
      expect([p, roleHasPermission(role, p)]).toEqual([p, granted.includes(p)]);
    }
  });

  it('API keys may only ingest', () => {
    expect([...API_KEY_PERMISSIONS]).toEqual([Permission.INGEST]);
  });

  it('bouncer keys may only read decisions, and no role holds that permission', () => {
    expect([...BOUNCER_KEY_PERMISSIONS]).toEqual([Permission.READ_DECISIONS]);
    for (const role of Object.values(Role)) expect(roleHasPermission(role, Permission.READ_DECISIONS)).toBe(false);
  });
});
