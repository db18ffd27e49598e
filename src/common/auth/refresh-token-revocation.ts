import { EntityManager } from 'typeorm';

/** Revokes a user's refresh tokens in the caller's transaction; the auth module (owner of the table) provides it. */
export abstract class RefreshTokenRevocation {
  abstract revokeAllOfUser(manager: EntityManager, userId: string, reason: string): Promise<number>;
}
