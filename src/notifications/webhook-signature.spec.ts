import { createHmac } from 'node:crypto';
import { SIGNATURE_TOLERANCE_SECONDS, signWebhook, verifyWebhookSignature } from './webhook-signature';
import { generateWebhookSecret, WebhookSecretCipher, WebhookSecretUnreadableError } from './webhook-secret.cipher';

describe('webhook signature', () => {
  const secret = 'whsec_test-secret-value';
  const body = '{"id":"d1","event":"ping","occurred_at":"2026-11-20T00:00:00.000Z","data":{}}';

  it('is sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">', () => {
    const expected = createHmac('sha256', secret).update(`1700000000.${body}`).digest('hex');
    expect(signWebhook(secret, 1700000000, body)).toBe(`sha256=${expected}`);
  });

  it('verifies, and refuses another body, secret, timestamp or a stale timestamp', () => {
    const sig = signWebhook(secret, 1700000000, body);
    expect(verifyWebhookSignature(secret, '1700000000', body, sig, 1700000010)).toBe(true);
    expect(verifyWebhookSignature(secret, '1700000000', `${body} `, sig, 1700000010)).toBe(false);
    expect(verifyWebhookSignature('whsec_other', '1700000000', body, sig, 1700000010)).toBe(false);
    expect(verifyWebhookSignature(secret, '1700000001', body, sig, 1700000010)).toBe(false);
    expect(verifyWebhookSignature(secret, '1700000000', body, sig, 1700000000 + SIGNATURE_TOLERANCE_SECONDS + 1)).toBe(false);
    expect(verifyWebhookSignature(secret, undefined, body, sig)).toBe(false);
  });
});

describe('webhook secret storage', () => {
  it('round-trips through AES-GCM without the secret appearing in the stored form', () => {
    const cipher = new WebhookSecretCipher('k'.repeat(40));
    const secret = generateWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    const stored = cipher.encrypt(secret);
    expect(stored).not.toContain(secret.slice(6));
    expect(stored.length).toBeLessThanOrEqual(255);
    expect(cipher.encrypt(secret)).not.toBe(stored);
    expect(cipher.decrypt(stored)).toBe(secret);
  });

  it('refuses a secret encrypted under another key or tampered with', () => {
    const stored = new WebhookSecretCipher('a'.repeat(40)).encrypt('whsec_x'.padEnd(30, 'y'));
    expect(() => new WebhookSecretCipher('b'.repeat(40)).decrypt(stored)).toThrow(WebhookSecretUnreadableError);
    // one bit of the ciphertext flipped (a text edit could leave the bytes as they were)
    const parts = stored.split('.');
    const body = Buffer.from(parts[3], 'base64url');
    body[body.length - 1] ^= 1;
    const tampered = [...parts.slice(0, 3), body.toString('base64url')].join('.');
    expect(() => new WebhookSecretCipher('a'.repeat(40)).decrypt(tampered)).toThrow(WebhookSecretUnreadableError);
    expect(() => new WebhookSecretCipher('a'.repeat(40)).decrypt('plain-secret')).toThrow(WebhookSecretUnreadableError);
  });
});
