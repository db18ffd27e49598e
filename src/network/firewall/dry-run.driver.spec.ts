import { Logger, LoggerService } from '@nestjs/common';
import { ParsedTarget, parseTarget, tryParseTarget } from '../../core/net';
import { HOSTILE_TARGETS } from '../../core/net/hostile-targets.fixture';
import { argvOf } from './command-runner';
import { DryRunFirewallDriver, DryRunOptions } from './dry-run.driver';
import { firewallNames } from './firewall-names';
import { FirewallBaseMissingError, FirewallConflictError } from './firewall.errors';
import { FirewallChanges } from './firewall.types';
import { nftBaseCommand, nftTeardownCommand } from './nftables.commands';

const logged: string[] = [];
const capture: LoggerService = { log: (m: string) => logged.push(m), warn: () => undefined, error: () => undefined };
beforeAll(() => Logger.overrideLogger(capture));

function dryRun(options: DryRunOptions = {}) {
  let now = 1_000_000;
  const driver = new DryRunFirewallDriver(firewallNames(), { now: () => now, ...options });
  return { driver, advance: (ms: number) => (now += ms) };
}

const a = parseTarget('198.18.0.2');

describe('dry-run driver (nftables syntax)', () => {
  it('records the exact commands, wrapped for the namespace, and logs them', async () => {
    const { driver } = dryRun({ netns: 'lab-1' });
    await driver.ensureBase();
    await driver.blockAddress(a, 600);
    await driver.blockAddress(a, 60);
    await driver.unblockAddress(a);
    const commands = driver.commands();
    expect(commands.map(argvOf)).toEqual(Array(4).fill(['ip', 'netns', 'exec', 'lab-1', 'nft', '-f', '-']));
    expect(commands[0].input).toBe(nftBaseCommand(firewallNames()).input);
    expect(commands.slice(1).map((c) => c.input)).toEqual([
      'add element inet ids_ai blocked_v4 { 198.18.0.2 }\ndelete element inet ids_ai blocked_v4 { 198.18.0.2 }\nadd element inet ids_ai blocked_v4 { 198.18.0.2 timeout 600s }\n',
      'add element inet ids_ai blocked_v4 { 198.18.0.2 }\ndelete element inet ids_ai blocked_v4 { 198.18.0.2 }\nadd element inet ids_ai blocked_v4 { 198.18.0.2 timeout 60s }\n',
      'add element inet ids_ai blocked_v4 { 198.18.0.2 }\ndelete element inet ids_ai blocked_v4 { 198.18.0.2 }\n',
    ]);
    expect(logged).toContain(`would run: ip netns exec lab-1 nft -f -\n${commands[1].input}`);
  });

  it('installs the base once: a later check finds it intact and writes and logs nothing', async () => {
    const { driver } = dryRun();
    await driver.ensureBase();
    logged.length = 0;
    expect(await driver.ensureBase()).toEqual({ missingChains: 0, missingRules: 0, unexpectedRules: 0 });
    expect(driver.commands()).toHaveLength(1);
    expect(logged).toEqual([]);
    await driver.teardown();
    await driver.ensureBase();
    expect(driver.commands().map((c) => c.input)).toEqual([nftBaseCommand(firewallNames()).input, nftTeardownCommand(firewallNames()).input, nftBaseCommand(firewallNames()).input]);
  });

  it('answers list() like the kernel, timeouts included', async () => {
    const { driver, advance } = dryRun();
    await driver.ensureBase();
    await driver.apply({
      blockAddresses: [{ target: a, timeoutSec: 10 }, { target: parseTarget('2001:db8::/32') }],
      blockPorts: [{ port: 8080, proto: 'tcp', timeoutSec: 5 }],
    });
    advance(4_500);
    expect(await driver.list()).toEqual({
      addresses: [
        { target: '198.18.0.2', family: 4, expiresInSec: 5 },
        { target: '2001:db8::/32', family: 6, expiresInSec: null },
      ],
      ports: [{ port: 8080, proto: 'tcp', expiresInSec: 0 }],
    });
    advance(5_500);
    expect(await driver.list()).toEqual({ addresses: [{ target: '2001:db8::/32', family: 6, expiresInSec: null }], ports: [] });
  });

  it('refuses overlapping networks as nftables would, recording nothing', async () => {
    const { driver } = dryRun();
    await driver.ensureBase();
    await driver.blockAddress(parseTarget('198.18.0.0/16'));
    await driver.blockAddress(a);
    driver.clearCommands();
    await expect(driver.blockAddress(parseTarget('198.18.0.0/24'))).rejects.toBeInstanceOf(FirewallConflictError);
    expect(driver.commands()).toEqual([]);
    expect(driver.allowsOverlappingTargets).toBe(false);
  });

  it('needs the base first, like the real drivers', async () => {
    const { driver } = dryRun();
    await expect(driver.list()).rejects.toBeInstanceOf(FirewallBaseMissingError);
    await expect(driver.blockAddress(a)).rejects.toBeInstanceOf(FirewallBaseMissingError);
  });

  it('flush empties the sets and teardown drops the table', async () => {
    const { driver } = dryRun();
    await driver.ensureBase();
    await driver.blockPort(22, 'tcp');
    driver.clearCommands();
    await driver.flush();
    expect(await driver.list()).toEqual({ addresses: [], ports: [] });
    await driver.teardown();
    expect(driver.commands().map((c) => c.input!.split('\n')[0])).toEqual(['flush set inet ids_ai blocked_v4', 'add table inet ids_ai']);
  });
});

describe('dry-run driver (iptables syntax)', () => {
  it('records ipset and iptables-restore commands, the base only on first install', async () => {
    const { driver } = dryRun({ syntax: 'iptables' });
    await driver.ensureBase();
    await driver.ensureBase();
    await driver.apply({ blockAddresses: [{ target: parseTarget('10.0.0.0/8') }, { target: parseTarget('10.1.2.3'), timeoutSec: 30 }] });
    const commands = driver.commands();
    expect(commands.map(argvOf)).toEqual([
      ['ipset', 'restore', '-exist'],
      ['iptables-restore', '-w', '--noflush'],
      ['ip6tables-restore', '-w', '--noflush'],
      ['ipset', 'restore', '-exist'],
    ]);
    expect(commands[1].input).toContain('-I INPUT 1 -j IDS_AI\n-I FORWARD 1 -j IDS_AI\n');
    expect(commands[3].input).toBe('add ids_ai_v4 10.0.0.0/8 timeout 0\nadd ids_ai_v4 10.1.2.3 timeout 30\n');
    expect(driver.allowsOverlappingTargets).toBe(true);
  });

  it('tears down jumps, chain and sets', async () => {
    const { driver } = dryRun({ syntax: 'iptables' });
    await driver.ensureBase();
    driver.clearCommands();
    await driver.teardown();
    expect(driver.commands().map((c) => c.input)).toEqual([
      '*filter\n-D INPUT -j IDS_AI\n-D FORWARD -j IDS_AI\n-F IDS_AI\n-X IDS_AI\nCOMMIT\n',
      '*filter\n-D INPUT -j IDS_AI\n-D FORWARD -j IDS_AI\n-F IDS_AI\n-X IDS_AI\nCOMMIT\n',
      'destroy ids_ai_v4\ndestroy ids_ai_v6\ndestroy ids_ai_tcp\ndestroy ids_ai_udp\n',
    ]);
  });
});

describe('hostile input never reaches a command', () => {
  const forged = (text: string) => ({ family: 4, address: text, prefix: 32, canonical: text }) as unknown as ParsedTarget;
  const attempts = (text: string): FirewallChanges[] => [
    { blockAddresses: [{ target: forged(text) }] },
    { unblockAddresses: [forged(text)] },
    { blockAddresses: [{ target: a }, { target: forged(text) }] },
    { blockPorts: [{ port: text as unknown as number, proto: 'tcp' }] },
    { blockPorts: [{ port: 80, proto: text as 'tcp' }] },
    { blockAddresses: [{ target: a, timeoutSec: text as unknown as number }] },
  ];

  it.each(HOSTILE_TARGETS)('%s: rejected by the parser and by the driver, nothing recorded', async (_label, text) => {
    expect(tryParseTarget(text).ok).toBe(false);
    for (const syntax of ['nftables', 'iptables'] as const) {
      const { driver } = dryRun({ syntax });
      await driver.ensureBase();
      driver.clearCommands();
      for (const changes of attempts(text)) await expect(driver.apply(changes)).rejects.toThrow();
      expect(driver.commands()).toEqual([]);
      expect(await driver.list()).toEqual({ addresses: [], ports: [] });
    }
  });
});

describe('options', () => {
  it.each(['-x', '..', 'a b', 'a/b', 'x;reboot', 'a'.repeat(65), ''])('refuses netns %p', (netns) => {
    expect(() => dryRun({ netns })).toThrow('Invalid network namespace name');
  });
});
