import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const VERSION = 'v1';
const SECRET_MARK = 'whsec_';

export class WebhookSecretUnreadableError extends Error {}

/** A new signing secret: `whsec_` + 32 random bytes (base64url). */
export function generateWebhookSecret(): string {
  return SECRET_MARK + randomBytes(32).toString('base64url');
}

/**
 * Webhook signing secrets must be usable to sign, so they cannot be hashed: they are stored encrypted with
 * AES-256-GCM under a key derived (HKDF-SHA256) from WEBHOOK_SECRET_KEY, or JWT_SECRET when that is unset.
 * A database dump alone does not reveal them. Stored form: `v1.<iv>.<tag>.<ciphertext>` (base64url).
 */
export class WebhookSecretCipher {
  private readonly key: Buffer;

  constructor(keyMaterial: string) {
    this.key = Buffer.from(hkdfSync('sha256', keyMaterial, 'ids-ai', 'webhook-signing-secrets/v1', 32));
  }

  encrypt(secret: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const ciphertext = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    return [VERSION, iv, cipher.getAuthTag(), ciphertext].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.');
  }

  decrypt(stored: string): string {
    const [version, iv, tag, ciphertext] = stored.split('.');
    if (version !== VERSION || !iv || !tag || ciphertext === undefined) {
      throw new WebhookSecretUnreadableError('the stored signing secret has an unknown format');
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw new WebhookSecretUnreadableError(
        'the signing secret cannot be decrypted (WEBHOOK_SECRET_KEY or JWT_SECRET changed?): recreate the webhook',
      );
    }
  }
}
