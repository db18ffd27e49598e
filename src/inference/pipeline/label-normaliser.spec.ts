import { isWebAttack, normaliseLabel } from './label-normaliser';

describe('normaliseLabel', () => {
  it.each([
    ['Web Attack \u0096 Brute Force', 'Web Attack Brute Force'],
    ['Web Attack \u2013 XSS', 'Web Attack XSS'],
    ['Web Attack \uFFFD Sql Injection', 'Web Attack Sql Injection'],
    ['Web Attack - Brute Force', 'Web Attack Brute Force'],
    ['Web Attack Brute Force', 'Web Attack Brute Force'],
    ['  web attack – xss ', 'Web Attack XSS'],
  ])('drops the web-attack dash in %j', (raw, expected) => {
    expect(normaliseLabel(raw)).toBe(expected);
  });

  it('trims and gives known classes their canonical case', () => {
    expect(normaliseLabel(' BENIGN')).toBe('BENIGN');
    expect(normaliseLabel('benign')).toBe('BENIGN');
    expect(normaliseLabel('portscan')).toBe('PortScan');
    expect(normaliseLabel('DoS  Hulk')).toBe('DoS Hulk');
    expect(normaliseLabel('ftp-patator')).toBe('FTP-Patator');
  });

  it('keeps unknown labels, trimmed, and an empty label empty', () => {
    expect(normaliseLabel('  Something   New ')).toBe('Something New');
    expect(normaliseLabel('Web Attack \u2013 Command Injection')).toBe('Web Attack Command Injection');
    expect(normaliseLabel('   ')).toBe('');
  });

  it('recognises web attacks by their normalised name', () => {
    expect(isWebAttack(normaliseLabel('Web Attack \uFFFD XSS'))).toBe(true);
    expect(isWebAttack('DoS Hulk')).toBe(false);
  });
});
