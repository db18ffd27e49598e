import { Injectable } from '@nestjs/common';

/** Largest list accepted (FireHOL level 1 is about 100 kB; full bogon lists a few MB). */
export const MAX_FEED_BYTES = 32 * 1024 * 1024;
const FETCH_TIMEOUT_MS = 30_000;
const USER_AGENT = 'ids-ai-feeds/1';

export interface FetchValidators {
  etag: string | null;
  lastModified: string | null;
}

export type FetchResult =
  | { modified: false }
  | { modified: true; text: string; etag: string | null; lastModified: string | null };

/** A download that failed: the feed keeps its entries and counts a failure. */
export class FeedFetchError extends Error {}

/** Reads the body, refusing more than MAX_FEED_BYTES without buffering it all first. */
async function readCapped(response: Response): Promise<string> {
  if (!response.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_FEED_BYTES) {
      await reader.cancel();
      throw new FeedFetchError(`larger than ${MAX_FEED_BYTES} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Conditional GET of a feed: `If-None-Match` with the stored ETag and `If-Modified-Since` with the stored
 * Last-Modified; a 304 means the list did not change. Redirects are followed; anything but 2xx or 304 fails.
 */
@Injectable()
export class FeedFetcher {
  async fetch(url: string, known: FetchValidators): Promise<FetchResult> {
    const headers: Record<string, string> = { 'user-agent': USER_AGENT, accept: 'text/plain, */*' };
    if (known.etag) headers['if-none-match'] = known.etag;
    if (known.lastModified) headers['if-modified-since'] = known.lastModified;
    let response: Response;
    try {
      response = await fetch(url, { headers, redirect: 'follow', signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
    } catch (error) {
      const cause = (error as { cause?: { message?: string } }).cause?.message;
      throw new FeedFetchError(`GET failed: ${(error as Error).message}${cause ? ` (${cause})` : ''}`);
    }
    if (response.status === 304) {
      await response.body?.cancel();
      return { modified: false };
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new FeedFetchError(`GET answered ${response.status} ${response.statusText}`.trim());
    }
    const text = await readCapped(response);
    const etag = response.headers.get('etag');
    return { modified: true, text, etag, lastModified: response.headers.get('last-modified') };
  }
}
