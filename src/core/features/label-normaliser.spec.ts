import { ATTACK_TAXONOMY, KNOWN_LABELS, severityOf } from './attack-taxonomy';
import { isKnownLabel, isWebAttack, normaliseLabel, parseLabel } from './label-normaliser';

describe('normaliseLabel', () => {
  it.each([
    ['Web Attack \u0096 Brute Force', 'Web Attack Brute Force'],
    ['Web Attack \u2013 XSS', 'Web Attack XSS'],
    ['Web Attack \uFFFD Sql Injection', 'Web Attack Sql Injection'],
    ['Web Attack - Brute Force', 'Web Attack Brute Force'],
    ['Web Attack Brute Force', 'Web Attack Brute Force'],
    ['  web attack – xss ', 'Web Attack XSS'],
    ['Web Attack \u2014 XSS', 'Web Attack XSS'],
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

  // the labels of the corrected extraction (cicids2017-improved/train.csv), as written there
  it.each([
    ['BENIGN', 'BENIGN'],
    ['Portscan', 'PortScan'],
    ['Botnet', 'Bot'],
    ['DDoS', 'DDoS'],
    ['DoS Hulk', 'DoS Hulk'],
    ['DoS GoldenEye', 'DoS GoldenEye'],
    ['DoS Slowloris', 'DoS slowloris'],
    ['DoS Slowhttptest', 'DoS Slowhttptest'],
    ['Heartbleed', 'Heartbleed'],
    ['FTP-Patator', 'FTP-Patator'],
    ['SSH-Patator', 'SSH-Patator'],
    ['Infiltration', 'Infiltration'],
    ['Infiltration - Portscan', 'Infiltration PortScan'],
    ['Web Attack - Brute Force', 'Web Attack Brute Force'],
    ['Web Attack - XSS', 'Web Attack XSS'],
    ['Web Attack - SQL Injection', 'Web Attack Sql Injection'],
  ])('maps the corrected extraction label %j to %j', (raw, expected) => {
    expect(normaliseLabel(raw)).toBe(expected);
  });

  // the labels of the original extraction (cicids2017/train.csv, web attacks with U+FFFD) and the rest of 2017
  it.each([
    ['PortScan', 'PortScan'],
    ['Bot', 'Bot'],
    ['Web Attack \uFFFD Sql Injection', 'Web Attack Sql Injection'],
    ['DoS slowloris', 'DoS slowloris'],
    ['Infiltration \u2013 Portscan', 'Infiltration PortScan'],
    ['Infiltration \u0096 Portscan', 'Infiltration PortScan'],
    ['SQL Injection', 'Web Attack Sql Injection'],
  ])('maps %j to %j', (raw, expected) => {
    expect(normaliseLabel(raw)).toBe(expected);
  });

  it.each([
    ['Benign', 'BENIGN'],
    ['DDOS attack-HOIC', 'DDoS'],
    ['DDoS attacks-LOIC-HTTP', 'DDoS'],
    ['DDOS attack-LOIC-UDP', 'DDoS'],
    ['DoS attacks-Hulk', 'DoS Hulk'],
    ['DoS attacks-GoldenEye', 'DoS GoldenEye'],
    ['DoS attacks-Slowloris', 'DoS slowloris'],
    ['DoS attacks-SlowHTTPTest', 'DoS Slowhttptest'],
    ['FTP-BruteForce', 'FTP-Patator'],
    ['SSH-Bruteforce', 'SSH-Patator'],
    ['Infilteration', 'Infiltration'],
    ['Brute Force -Web', 'Web Attack Brute Force'],
    ['Brute Force -XSS', 'Web Attack XSS'],
  ])('folds the CSE-CIC-IDS2018 label %j onto %j', (raw, expected) => {
    expect(normaliseLabel(raw)).toBe(expected);
  });

  it.each([
    ['FTP-Patator - Attempted', 'FTP-Patator'],
    ['Web Attack - Brute Force - Attempted', 'Web Attack Brute Force'],
    ['Web Attack \u2013 XSS \u2013 Attempted', 'Web Attack XSS'],
    ['DoS Hulk - Attempted', 'DoS Hulk'],
    ['Botnet - Attempted', 'Bot'],
    ['Infiltration - Attempted', 'Infiltration'],
    ['dos slowloris -attempted', 'DoS slowloris'],
  ])('reads the attempted attack %j as BENIGN, remembering %j', (raw, attack) => {
    expect(parseLabel(raw)).toEqual({ label: 'BENIGN', attempted: attack });
    expect(normaliseLabel(raw)).toBe('BENIGN');
  });

  it('keeps unknown labels, trimmed, and an empty label empty', () => {
    expect(normaliseLabel('  Something   New ')).toBe('Something New');
    expect(normaliseLabel('Web Attack \u2013 Command Injection')).toBe('Web Attack Command Injection');
    expect(normaliseLabel('   ')).toBe('');
    expect(parseLabel('Attempted')).toEqual({ label: 'Attempted' });
  });

  it('recognises web attacks by their normalised name', () => {
    expect(isWebAttack(normaliseLabel('Web Attack \uFFFD XSS'))).toBe(true);
    expect(isWebAttack('DoS Hulk')).toBe(false);
  });
});

describe('the taxonomy', () => {
  it('keeps the class names of the shipped model', () => {
    const shipped = [
      'BENIGN', 'Bot', 'DDoS', 'DoS GoldenEye', 'DoS Hulk', 'FTP-Patator', 'Infiltration', 'PortScan', 'SSH-Patator',
      'Web Attack Brute Force', 'Web Attack Sql Injection', 'Web Attack XSS',
    ];
    expect(KNOWN_LABELS).toEqual(expect.arrayContaining(shipped));
    for (const name of shipped) expect(normaliseLabel(name)).toBe(name);
  });

  it('gives every class a severity, BENIGN none and every attack at least medium', () => {
    for (const c of ATTACK_TAXONOMY) {
      expect([c.name, severityOf(c.name)]).toEqual([c.name, c.name === 'BENIGN' ? 'none' : expect.stringMatching(/^(medium|high|critical)$/)]);
    }
    expect(severityOf('Infiltration PortScan')).toBe('critical');
    expect(severityOf('nope')).toBeUndefined();
  });

  it('normalises every canonical name and alias to its class', () => {
    for (const c of ATTACK_TAXONOMY) for (const spelling of [c.name, ...c.aliases]) expect(normaliseLabel(spelling)).toBe(c.name);
    expect(KNOWN_LABELS.every(isKnownLabel)).toBe(true);
    expect(isKnownLabel('Portscan')).toBe(false);
  });
});
