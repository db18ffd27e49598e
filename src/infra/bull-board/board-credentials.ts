import type { FastifyRequest } from 'fastify';

/** Where the queue board lives (outside the `/api/v1` prefix, like /health and /metrics). */
export const BOARD_PATH = '/admin/queues';

/** The cookie that carries an admin's access token to the board's pages, and only to them. */
export const BOARD_COOKIE = 'ids_queues_token';

export interface BoardCredential {
  token: string;
  via: 'header' | 'cookie';
}

/** The access token of a board request: `Authorization: Bearer <jwt>` first, else the board cookie. */
export function credentialOf(request: FastifyRequest): BoardCredential | null {
  const header = request.headers.authorization;
  const bearer = header ? /^Bearer ([^\s]+)$/i.exec(header) : null;
  if (bearer) return { token: bearer[1], via: 'header' };
  const cookie = cookiesOf(request.headers.cookie).get(BOARD_COOKIE);
  return cookie ? { token: cookie, via: 'cookie' } : null;
}

function cookiesOf(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) cookies.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  return cookies;
}

/**
 * The `Set-Cookie` value that stores `token` for the board: HttpOnly (no script reads it), SameSite=Strict (no
 * other site can make the browser send it), scoped to the board's path (the API never sees it; it reads bearer
 * headers only), Secure over HTTPS, and gone when the token expires. A null token clears the cookie.
 */
export function boardCookie(token: string | null, maxAgeSeconds: number, secure: boolean): string {
  const attributes = [`${BOARD_COOKIE}=${token ?? ''}`, `Path=${BOARD_PATH}`, 'HttpOnly', 'SameSite=Strict', `Max-Age=${token ? Math.max(0, maxAgeSeconds) : 0}`];
  if (secure) attributes.push('Secure');
  return attributes.join('; ');
}
