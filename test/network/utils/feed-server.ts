import { IncomingHttpHeaders, Server, createServer } from 'node:http';
import { AddressInfo } from 'node:net';

/**
 * A blocklist publisher on 127.0.0.1: serves one list with an ETag and Last-Modified, answers 304 to a matching
 * If-None-Match (or If-Modified-Since when no ETag is sent), and records every request's headers.
 */
export class FeedServer {
  readonly requests: IncomingHttpHeaders[] = [];
  private body = '';
  private etag = '';
  private lastModified = '';
  private version = 0;
  private failWith: number | null = null;
  private server?: Server;

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/firehol_test.netset`;
  }

  /** Publishes a new list: a new ETag and a Last-Modified one second later than the previous. */
  publish(body: string): void {
    this.version++;
    this.body = body;
    this.etag = `"v${this.version}"`;
    this.lastModified = new Date(Date.UTC(2026, 11, 6, 10, 0, this.version)).toUTCString();
    this.failWith = null;
  }

  /** Answers every request with this status until the next publish (null: serve again). */
  fail(status: number | null): void {
    this.failWith = status;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      this.requests.push(req.headers);
      if (this.failWith) return void res.writeHead(this.failWith).end('upstream trouble');
      const inm = req.headers['if-none-match'];
      const ims = req.headers['if-modified-since'];
      if ((inm && inm === this.etag) || (!inm && ims && ims === this.lastModified)) {
        return void res.writeHead(304, { etag: this.etag, 'last-modified': this.lastModified }).end();
      }
      res.writeHead(200, { 'content-type': 'text/plain', etag: this.etag, 'last-modified': this.lastModified }).end(this.body);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

/** A FireHOL netset as iplists.firehol.org writes it: the header, then one address or CIDR per line. */
export function fireholNetset(name: string, entries: readonly string[]): string {
  return [
    '#',
    `# ${name}`,
    '#',
    '# ipv4 hash:net ipset',
    '#',
    '# Maintainer      : FireHOL',
    '# Maintainer URL  : http://iplists.firehol.org/',
    '# Source File Date: Sun Dec  6 10:27:34 UTC 2026',
    '#',
    `# Entries         : ${entries.length} subnets`,
    '#',
    ...entries,
    '',
  ].join('\n');
}
