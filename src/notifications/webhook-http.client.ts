import { request as httpRequest, RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { guardedLookup, hostOf, refusalForAddress, WebhookTargetRefusedError } from './webhook-url.guard';

export interface PostResult {
  statusCode: number;
  statusMessage: string;
}

export interface PostOptions {
  timeoutMs: number;
  allowPrivate: boolean;
}

/** Responses are read and discarded; a receiver answering more than this is cut off (the status is kept). */
const MAX_RESPONSE_BYTES = 64 * 1024;

/**
 * POSTs a body and resolves with the response status, or rejects (connection error, refused target, no status
 * within the timeout). Redirects are not followed: a 3xx is an
 * answer like any other non-2xx. The target address is checked at connect time (SSRF, DNS rebinding).
 */
export function postWebhook(rawUrl: string, headers: Record<string, string>, body: string, options: PostOptions): Promise<PostResult> {
  const url = new URL(rawUrl);
  const host = hostOf(url);
  if (isIP(host)) {
    const refusal = refusalForAddress(host, options.allowPrivate);
    if (refusal) return Promise.reject(new WebhookTargetRefusedError(refusal));
  }
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const requestOptions: RequestOptions = {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) },
    lookup: guardedLookup(options.allowPrivate),
    agent: false,
  };
  return new Promise<PostResult>((resolve, reject) => {
    const req = send(url, requestOptions, (res) => {
      let received = 0;
      res.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (received > MAX_RESPONSE_BYTES) res.destroy();
      });
      const done = () => resolve({ statusCode: res.statusCode ?? 0, statusMessage: res.statusMessage ?? '' });
      res.on('end', done);
      res.on('close', done);
      res.on('error', done);
    });
    const timer = setTimeout(() => req.destroy(new Error(`timed out after ${options.timeoutMs} ms`)), options.timeoutMs);
    req.on('error', reject);
    req.on('close', () => clearTimeout(timer));
    req.end(body);
  });
}
