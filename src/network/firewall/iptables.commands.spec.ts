import { firewallNames } from './firewall-names';
import { IPTABLES_FAMILIES, chainBaseCommand, chainDrift, chainParts, chainRules, chainTeardownCommand, missingJumps, parseRules } from './iptables.commands';

const names = firewallNames();
const [v4, v6] = IPTABLES_FAMILIES;

/** `iptables -S` with our base installed and one foreign rule. */
const RULES = parseRules(`-P INPUT ACCEPT
-P FORWARD DROP
-P OUTPUT ACCEPT
-N IDS_AI
-A INPUT -j IDS_AI
-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT
-A FORWARD -j IDS_AI
-A IDS_AI -i lo -j RETURN
`);

describe('iptables commands', () => {
  it('finds which jumps are missing', () => {
    expect(missingJumps(RULES, names)).toEqual([]);
    expect(missingJumps(RULES.filter((r) => r !== '-A FORWARD -j IDS_AI'), names)).toEqual(['FORWARD']);
    expect(missingJumps(parseRules('-P INPUT ACCEPT\n-A INPUT -j IDS_AI_OLD\n'), names)).toEqual(['INPUT', 'FORWARD']);
  });

  it('(re)builds the chain in one restore and inserts only the missing jumps', () => {
    expect(chainBaseCommand(v4, names, ['FORWARD'])).toEqual({
      file: 'iptables-restore',
      args: ['-w', '--noflush'],
      input: [
        '*filter',
        ':IDS_AI - [0:0]',
        '-A IDS_AI -i lo -j RETURN',
        '-A IDS_AI -m set --match-set ids_ai_v4 src -j DROP',
        '-A IDS_AI -p tcp -m set --match-set ids_ai_tcp dst -j DROP',
        '-A IDS_AI -p udp -m set --match-set ids_ai_udp dst -j DROP',
        '-I FORWARD 1 -j IDS_AI',
        'COMMIT',
        '',
      ].join('\n'),
    });
    expect(chainBaseCommand(v6, names, []).file).toBe('ip6tables-restore');
    expect(chainBaseCommand(v6, names, []).input).toContain('--match-set ids_ai_v6 src');
  });

  it('tears down every jump, then the chain, and nothing when nothing is ours', () => {
    const doubled = [...RULES, '-A INPUT -j IDS_AI'];
    expect(chainTeardownCommand(v4, names, doubled)?.input).toBe(
      ['*filter', '-D INPUT -j IDS_AI', '-D INPUT -j IDS_AI', '-D FORWARD -j IDS_AI', '-F IDS_AI', '-X IDS_AI', 'COMMIT', ''].join('\n'),
    );
    expect(chainTeardownCommand(v4, names, parseRules('-P INPUT ACCEPT\n'))).toBeNull();
  });
});

describe('chainDrift', () => {
  const intact = ['-P INPUT ACCEPT', '-N IDS_AI', '-A INPUT -j IDS_AI', '-A FORWARD -j IDS_AI', ...chainRules(v4, names)];

  it('finds an intact chain with both jumps', () => {
    expect(chainDrift(v4, names, intact)).toEqual({ missingRules: 0, unexpectedRules: 0, missingChains: 0, intact: true });
  });

  it('counts a missing jump, a deleted rule and a rule added by hand', () => {
    const rules = intact.filter((r) => r !== '-A INPUT -j IDS_AI' && !r.includes('ids_ai_tcp'));
    rules.push('-A IDS_AI -p udp -m udp --dport 9 -j DROP');
    expect(chainDrift(v4, names, rules)).toEqual({ missingRules: 1, unexpectedRules: 1, missingChains: 1, intact: false });
  });

  it('counts a missing chain with its rules and jumps, and names what is installed', () => {
    expect(chainDrift(v4, names, ['-P INPUT ACCEPT'])).toEqual({ missingRules: 4, unexpectedRules: 0, missingChains: 3, intact: false });
    expect(chainParts(v4, names, intact)).toEqual(['iptables chain IDS_AI', 'iptables jump INPUT -> IDS_AI', 'iptables jump FORWARD -> IDS_AI']);
    expect(chainParts(v4, names, ['-N OPERATOR', '-A INPUT -j OPERATOR'])).toEqual([]);
  });
});
