import { commonPasswords, passwordProblem } from './password-policy';

describe('password policy', () => {
  it('ships a common-password list of at least 10,000 entries, all of them refused', () => {
    const list = [...commonPasswords()];
    expect(list.length).toBeGreaterThanOrEqual(10_000);
    const long = list.filter((p) => [...p].length >= 8);
    expect(long.length).toBeGreaterThanOrEqual(10_000);
    expect(long.filter((p) => passwordProblem(p) === null)).toEqual([]);
  });

  it('refuses by length in characters, not UTF-16 units', () => {
    expect(passwordProblem('🦊🐻🐼🐨')).toMatch(/at least 8/);
    expect(passwordProblem('🦊🐻🐼🐨🐯🦁🐮🐷')).toBeNull();
    expect(passwordProblem('x'.repeat(129))).toMatch(/at most 128/);
  });

  it('refuses context words: e-mail, its local part and pieces, username, name, product name', () => {
    const ctx = { email: 'Ada.Lovelace@example.test', username: 'countess1815', name: 'Ada Lovelace' };
    expect(passwordProblem('ada.lovelace@example.test', ctx)).toMatch(/e-mail/);
    expect(passwordProblem('Lovelace was first', ctx)).toMatch(/e-mail/);
    expect(passwordProblem('the countess1815!', ctx)).toMatch(/e-mail/);
    expect(passwordProblem('IDS_AI rocks hard', ctx)).toMatch(/product name/);
    // a short context word ("ada") is refused only as the whole password, not inside another word
    expect(passwordProblem('cicada in the summer', ctx)).toBeNull();
    expect(passwordProblem('correct horse battery staple', ctx)).toBeNull();
  });
});
