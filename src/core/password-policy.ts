import { dictionary } from '@zxcvbn-ts/language-common';

/** Length limits in characters (Unicode code points), as OWASP ASVS 5.0 6.2.1 and 6.2.9 ask. */
export const PASSWORD_MIN_CHARS = 8;
export const PASSWORD_MAX_CHARS = 128;

/** The product's names, refused inside a password whatever the separators (ids-ai, IDS AI, idsai, ...). */
const PRODUCT_WORDS = ['idsai'];
/** Shorter context words (an "al" in a name) are refused only as the whole password. */
const MIN_CONTAINED_WORD = 4;

/** What a password is checked against besides the common list: the account it is set for. */
export interface PasswordContext {
  email?: string | null;
  username?: string | null;
  name?: string | null;
}

let common: ReadonlySet<string> | null = null;

/**
 * The common-password list shipped with @zxcvbn-ts/language-common (`passwords-common`: the ~49,000 passwords seen
 * more than ten times in the 10-million-password corpus Mark Burnett published in 2015, lowercased, ranked by
 * frequency). Loaded on first use.
 */
export function commonPasswords(): ReadonlySet<string> {
  common ??= new Set(dictionary['passwords-common']);
  return common;
}

const normalise = (s: string) => s.normalize('NFKC').toLowerCase();
/** Letters and digits only: "IDS-AI", "ids ai" and "ids_ai" all become "idsai". */
const compact = (s: string) => normalise(s).replace(/[^\p{L}\p{N}]+/gu, '');

export const characterCount = (s: string) => [...s].length;

/** The context words of an account: the e-mail, its local part and its pieces, the username, the name and its words. */
function contextWords(ctx: PasswordContext): string[] {
  const words = new Set<string>();
  const add = (w: string | null | undefined) => {
    const c = w ? compact(w) : '';
    if (c) words.add(c);
  };
  if (ctx.email) {
    const email = ctx.email.trim();
    add(email);
    const local = email.split('@')[0];
    add(local);
    local.split(/[._+-]+/).forEach(add);
  }
  add(ctx.username);
  if (ctx.name) {
    add(ctx.name);
    ctx.name.split(/\s+/).forEach(add);
  }
  return [...words];
}

/**
 * Why a password may not be used, or null when it may: OWASP ASVS 5.0 section 6.2. Any character is allowed
 * (spaces, Unicode); no composition rules. Refused: fewer than 8 or more than 128 characters, a password of the
 * common list (case-insensitively), and one built on a context word (the account's e-mail, its local part, the
 * username, the name, the product's name).
 */
export function passwordProblem(password: string, ctx: PasswordContext = {}): string | null {
  const length = characterCount(password);
  if (length < PASSWORD_MIN_CHARS) return `must be at least ${PASSWORD_MIN_CHARS} characters long`;
  if (length > PASSWORD_MAX_CHARS) return `must be at most ${PASSWORD_MAX_CHARS} characters long`;
  const lower = normalise(password);
  if (commonPasswords().has(lower) || commonPasswords().has(lower.trim())) {
    return 'is a commonly used password (it appears in a list of breached passwords)';
  }
  const compacted = compact(password);
  if (PRODUCT_WORDS.some((w) => compacted.includes(w))) return 'must not contain the product name';
  for (const word of contextWords(ctx)) {
    if (compacted === word || (word.length >= MIN_CONTAINED_WORD && compacted.includes(word))) {
      return 'must not contain the e-mail address, username or name of the account';
    }
  }
  return null;
}
