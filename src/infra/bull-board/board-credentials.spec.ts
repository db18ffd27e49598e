import type { FastifyRequest } from 'fastify';
import { boardCookie, credentialOf } from './board-credentials';

const request = (headers: Record<string, string>) => ({ headers }) as FastifyRequest;

describe('board credentials', () => {
  it('takes the bearer header first, then the board cookie among others', () => {
    expect(credentialOf(request({ authorization: 'Bearer a.b.c', cookie: 'ids_queues_token=x.y.z' }))).toEqual({ token: 'a.b.c', via: 'header' });
    expect(credentialOf(request({ cookie: 'theme=dark; ids_queues_token=x.y.z; other=1' }))).toEqual({ token: 'x.y.z', via: 'cookie' });
    expect(credentialOf(request({ authorization: 'Basic dXNlcjpwdw==' }))).toBeNull();
    expect(credentialOf(request({ cookie: 'ids_queues_token=' }))).toBeNull();
    expect(credentialOf(request({}))).toBeNull();
  });

  it('scopes the cookie to the board, out of scripts and other sites, and clears it', () => {
    expect(boardCookie('t0k', 600, false)).toBe('ids_queues_token=t0k; Path=/admin/queues; HttpOnly; SameSite=Strict; Max-Age=600');
    expect(boardCookie('t0k', -5, true)).toBe('ids_queues_token=t0k; Path=/admin/queues; HttpOnly; SameSite=Strict; Max-Age=0; Secure');
    expect(boardCookie(null, 600, false)).toBe('ids_queues_token=; Path=/admin/queues; HttpOnly; SameSite=Strict; Max-Age=0');
  });
});
