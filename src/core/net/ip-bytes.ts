/**
 * Byte-level IPv4 / IPv6 parsing and RFC 5952 formatting. Inputs reaching these functions have already been
 * limited in length and character set by `ip-target.ts`; these functions only judge the grammar.
 */

/** Dotted-quad octet: `0` or 1–3 ASCII digits without a leading zero (so `010` can never mean octal 8). */
const IPV4_OCTET = /^(0|[1-9][0-9]{0,2})$/;
/** One IPv6 group: 1–4 hex digits. Leading zeros are legal in IPv6 (`0db8`): hex is never ambiguous. */
const IPV6_GROUP = /^[0-9a-fA-F]{1,4}$/;

export function parseIpv4Bytes(text: string): number[] | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  const bytes: number[] = [];
  for (const part of parts) {
    if (!IPV4_OCTET.test(part)) return null;
    const value = Number(part);
    if (value > 255) return null;
    bytes.push(value);
  }
  return bytes;
}

/** Groups of one side of `::` (or of the whole address), each 16 bits; a trailing dotted quad counts as two. */
function parseIpv6Side(text: string, mayEndWithIpv4: boolean): number[] | null {
  if (text === '') return [];
  const parts = text.split(':');
  const words: number[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if (mayEndWithIpv4 && i === parts.length - 1 && part.includes('.')) {
      const v4 = parseIpv4Bytes(part);
      if (!v4) return null;
      words.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
    } else {
      if (!IPV6_GROUP.test(part)) return null;
      words.push(parseInt(part, 16));
    }
  }
  return words;
}

function wordsToBytes(words: number[]): number[] {
  return words.flatMap((w) => [w >> 8, w & 0xff]);
}

export function parseIpv6Bytes(text: string): number[] | null {
  const halves = text.split('::');
  if (halves.length > 2) return null;
  if (halves.length === 1) {
    const words = parseIpv6Side(text, true);
    return words && words.length === 8 ? wordsToBytes(words) : null;
  }
  const head = parseIpv6Side(halves[0], false);
  const tail = parseIpv6Side(halves[1], true);
  // `::` stands for at least one zero group (RFC 4291 §2.2).
  if (!head || !tail || head.length + tail.length > 7) return null;
  const zeros = new Array<number>(8 - head.length - tail.length).fill(0);
  return wordsToBytes([...head, ...zeros, ...tail]);
}

export function formatIpv4(bytes: readonly number[]): string {
  return bytes.join('.');
}

/** RFC 5952: lower-case hex, no leading zeros, the longest run (≥ 2) of zero groups — the first on a tie — as `::`. */
export function formatIpv6(bytes: readonly number[]): string {
  const words: number[] = [];
  for (let i = 0; i < 16; i += 2) words.push((bytes[i] << 8) | bytes[i + 1]);
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLength) [bestStart, bestLength] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  const hex = words.map((w) => w.toString(16));
  if (bestStart < 0) return hex.join(':');
  const head = hex.slice(0, bestStart).join(':');
  const tail = hex.slice(bestStart + bestLength).join(':');
  return `${head}::${tail}`;
}

/** Clears every bit after the first `prefix` bits. */
export function maskBytes(bytes: readonly number[], prefix: number): number[] {
  return bytes.map((byte, i) => {
    const keep = Math.min(8, Math.max(0, prefix - i * 8));
    return keep === 0 ? 0 : byte & ((0xff << (8 - keep)) & 0xff);
  });
}

/** `::ffff:a.b.c.d` (RFC 4291 §2.5.5.2). */
export function isIpv4MappedBytes(bytes: readonly number[]): boolean {
  return bytes.length === 16 && bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
}
