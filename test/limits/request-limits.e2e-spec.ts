import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { request as httpRequest } from 'node:http';
import { startTestServer } from '../utils/create-test-app';
import { createApiKey } from '../utils/factories';

const MB = 1024 * 1024;

interface Answer {
  status: number;
  body: string;
  /** What the client managed to write before the server closed the connection. */
  sentBytes: number;
}

/**
 * POSTs `totalBytes` of JSON whitespace from one reused 64 KiB buffer (the client itself holds no more than that),
 * with a declared Content-Length or chunked, and, like a hostile client, keeps sending whatever the answer until
 * the connection closes. Resolves with the answer once the connection is closed.
 */
function postLargeBody(url: string, key: string, totalBytes: number, declareLength: boolean): Promise<Answer> {
  const chunk = Buffer.alloc(64 * 1024, 0x20);
  return new Promise((resolve, reject) => {
    let sent = 0;
    let status = 0;
    let body = '';
    let bodyDone = false;
    let closed = false;
    const finish = () => closed && bodyDone && resolve({ status, body, sentBytes: sent });
    const req = httpRequest(`${url}/api/v1/flows/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key, ...(declareLength ? { 'content-length': totalBytes } : {}) },
    });
    req.on('response', (res) => {
      status = res.statusCode ?? 0;
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => {
        bodyDone = true;
        finish();
      });
    });
    // the server closing the connection mid-body surfaces as EPIPE / ECONNRESET on the writing side
    req.on('error', (e) => setTimeout(() => status || reject(e), 2000));
    req.on('close', () => {
      closed = true;
      finish();
    });
    const pump = (): void => {
      while (sent < totalBytes && !req.destroyed) {
        sent += chunk.length;
        if (!req.write(chunk)) {
          req.once('drain', pump);
          return;
        }
      }
      if (!req.destroyed) req.end();
    };
    pump();
  });
}

describe('request limits', () => {
  jest.setTimeout(120_000);
  let app: NestFastifyApplication;
  let url: string;
  let key: string;

  beforeAll(async () => {
    ({ app, url } = await startTestServer({ BODY_LIMIT: '1mb' }));
    key = await createApiKey(app);
  });
  afterAll(async () => {
    await app?.close();
  });

  it('answers a body over BODY_LIMIT with 413 in the error shape', async () => {
    const payload = JSON.stringify({ flows: [{ features: 'x'.repeat(2 * MB) }] });
    const res = await fetch(`${url}/api/v1/flows/batch`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': key }, body: payload });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ status_code: 413, error: 'PAYLOAD_TOO_LARGE', correlation_id: expect.any(String) });
  });

  it('refuses a declared 100 MB body from its Content-Length and closes the connection without reading it', async () => {
    const answer = await postLargeBody(url, key, 100 * MB, true);
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toMatchObject({ status_code: 413, error: 'PAYLOAD_TOO_LARGE' });
    expect(answer.sentBytes).toBeLessThan(32 * MB);
  });

  it('refuses chunked 100 MB bodies as they stream: the rest is never read and memory stays flat', async () => {
    await postLargeBody(url, key, 4 * MB, false); // warm-up
    const before = process.memoryUsage().rss;
    for (let i = 0; i < 3; i++) {
      const answer = await postLargeBody(url, key, 100 * MB, false);
      expect(answer.status).toBe(413);
      expect(JSON.parse(answer.body)).toMatchObject({ status_code: 413, error: 'PAYLOAD_TOO_LARGE' });
      expect(answer.sentBytes).toBeLessThan(32 * MB);
    }
    // buffering even one of the bodies would add 100 MB (this process is both client and server)
    const growthMb = (process.memoryUsage().rss - before) / MB;
    expect(growthMb).toBeLessThan(50);
  });
});
