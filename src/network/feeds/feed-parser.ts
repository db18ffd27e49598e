import { ParsedTarget, tryParseTarget } from '../../core/net';

/** What a list looked like; informational (every format is read the same way). */
export type FeedFormat = 'firehol' | 'spamhaus' | 'plain';

export interface ParsedFeed {
  format: FeedFormat;
  /** Distinct entries in canonical form, in file order. */
  entries: ParsedTarget[];
  /** Lines that held something other than an address or CIDR. */
  invalid: number;
  /** The first few invalid lines (number and at most 80 characters), for the feed's status. */
  invalidSamples: string[];
}

const MAX_SAMPLES = 5;

/** FireHOL headers name the ipset (`# firehol_level1`, `# ipset: ...`); Spamhaus DROP lines carry `; SBL<n>`. */
function detectFormat(text: string): FeedFormat {
  const head = text.slice(0, 4096);
  if (/^#\s*(firehol_|ipset\b|.*firehol)/im.test(head)) return 'firehol';
  if (/;\s*SBL\d+/.test(head) || /^;.*spamhaus/im.test(head)) return 'spamhaus';
  return 'plain';
}

/**
 * Reads a FireHOL `.netset`/`.ipset`, a Spamhaus DROP list (`CIDR ; SBLnnn`) or a plain list of one address or
 * CIDR per line: `#` and `;` start comments, the first word of a line is the entry, IPv4 and IPv6 alike.
 */
export function parseFeed(text: string): ParsedFeed {
  const seen = new Set<string>();
  const entries: ParsedTarget[] = [];
  const invalidSamples: string[] = [];
  let invalid = 0;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const cut = line.search(/[#;]/);
    const word = (cut < 0 ? line : line.slice(0, cut)).trim().split(/\s+/)[0];
    if (!word) continue;
    const parsed = tryParseTarget(word);
    if (!parsed.ok) {
      invalid++;
      if (invalidSamples.length < MAX_SAMPLES) invalidSamples.push(`line ${i + 1}: ${line.trim().slice(0, 80)}`);
      continue;
    }
    if (seen.has(parsed.value.canonical)) continue;
    seen.add(parsed.value.canonical);
    entries.push(parsed.value);
  }
  return { format: detectFormat(text), entries, invalid, invalidSamples };
}
