// Every response an e2e spec receives through createTestApp is kept; after each spec file they are scanned for
// password or key material, which no response may ever contain.
const FORBIDDEN = [/\$argon2(id|i|d)\$/, /"(password_?hash|key_?hash|token_?hash)"\s*:/i, /\b[0-9a-f]{64}\b/];

declare global {
  var __idsResponses: string[] | undefined;
}

afterAll(() => {
  const leaks = (globalThis.__idsResponses ?? []).filter((body) => FORBIDDEN.some((re) => re.test(body)));
  globalThis.__idsResponses = [];
  expect(leaks).toEqual([]);
});

export {};
