/** Domain events of the users module (EventEmitter2 names), emitted after the change is committed. */
export const UserEvents = {
  /** A user was created, changed, deleted or given a new password. */
  CHANGED: 'user.changed',
} as const;

/** What changed: `created`, `updated`, `deleted`, `password_reset`, `password_changed`. */
export type UserChange = 'created' | 'updated' | 'deleted' | 'password_reset' | 'password_changed';

export interface UserChangedEvent {
  user_id: string;
  change: UserChange;
  /** Set when the change ended every session of the user (role change, deactivation, deletion, new password). */
  sessions_ended: string | null;
}
