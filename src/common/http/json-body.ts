import { isAscii } from 'node:buffer';
import { FastifyAdapter } from '@nestjs/platform-fastify';

/**
 * The text of a JSON request body. A body of ASCII bytes only (what sensors send: numbers, addresses and feature
 * names) is the same text whatever the decoder, and decoding it as Latin-1 skips UTF-8 validation, which is most of
 * the cost of decoding (a 2 MB batch: ~0.4 ms instead of ~1.8 ms); any other body is decoded as UTF-8.
 */
export function jsonBodyText(body: Buffer): string {
  return isAscii(body) ? body.toString('latin1') : body.toString('utf8');
}

/** Fastify's poisoning patterns for a text without `\u` escapes: either key, written plainly. */
const PLAIN_POISON_KEY = /"(?:__proto__|constructor)"\s*:/;

/** Parsed request bodies whose JSON text holds no `\u` escape (see {@link holdsNoEscape}). */
const ESCAPE_FREE = new WeakSet<object>();

/**
 * Whether `body` is a request body parsed from JSON text without a single `\u` escape. None of its strings (keys
 * included) can then hold NUL or a lone surrogate: JSON allows neither a raw control character nor a raw surrogate
 * (UTF-8 decoding turns invalid bytes into U+FFFD), so both can only come from an escape.
 */
export function holdsNoEscape(body: unknown): boolean {
  return typeof body === 'object' && body !== null && ESCAPE_FREE.has(body);
}

/**
 * Fastify adapter whose `application/json` parser decodes bodies with {@link jsonBodyText}, then parses them as
 * Fastify's own JSON parser does (prototype and constructor poisoning refused, as Nest's parser does). Nest's other
 * parsers are kept as they are.
 *
 * Fastify's parser runs `JSON.parse`, then two regular expressions over the whole text looking for a
 * `"__proto__":` or `"constructor":` key, each letter possibly written as a `\u` escape. In a text without `\u`
 * escapes they reduce to {@link PLAIN_POISON_KEY}, one pass instead of two (a 1,000-flow batch: ~0.35 ms instead
 * of ~0.7); such a text that it does not match is parsed with `JSON.parse` alone. Any other text, and any text
 * that does not parse, goes to Fastify's parser.
 */
export class JsonBodyFastifyAdapter extends FastifyAdapter {
  private jsonParserReplaced = false;

  override registerParserMiddleware(prefix?: string, rawBody?: boolean): void {
    super.registerParserMiddleware(prefix, rawBody);
    if (this.jsonParserReplaced) return;
    this.jsonParserReplaced = true;
    const fastify = this.getInstance();
    const { bodyLimit, onProtoPoisoning, onConstructorPoisoning } = fastify.initialConfig;
    const parse = fastify.getDefaultJsonParser(onProtoPoisoning ?? 'error', onConstructorPoisoning ?? 'error');
    fastify.removeContentTypeParser('application/json');
    this.useBodyParser('application/json', !!rawBody, { bodyLimit }, (request, body, done) => {
      const text = jsonBodyText(body);
      const escapeFree = !text.includes('\\u');
      const parsed = (error: Error | null, value?: unknown) => {
        if (escapeFree && typeof value === 'object' && value !== null) ESCAPE_FREE.add(value);
        done(error, value);
      };
      if (!escapeFree || PLAIN_POISON_KEY.test(text)) return parse(request, text, parsed);
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        return parse(request, text, parsed); // Fastify's own error for an empty or malformed body
      }
      parsed(null, value);
    });
  }
}
