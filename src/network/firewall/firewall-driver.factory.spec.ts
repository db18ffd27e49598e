import { DryRunFirewallDriver } from './dry-run.driver';
import { createFirewallDriver } from './firewall-driver.factory';
import { FirewallOptions } from './firewall-driver.factory';
import { IptablesFirewallDriver } from './iptables.driver';
import { NftablesFirewallDriver } from './nftables.driver';
import { RecordingCommandRunner } from './recording.runner';

describe('createFirewallDriver', () => {
  it.each([
    ['iptables', IptablesFirewallDriver],
    ['nftables', NftablesFirewallDriver],
    ['dry-run', DryRunFirewallDriver],
  ] as const)('builds the %s driver', (driver, type) => {
    const built = createFirewallDriver({ driver, netns: 'idsfw-x' });
    expect(built).toBeInstanceOf(type);
    expect(built.name).toBe(driver);
  });

  it('names everything after the set prefix', async () => {
    const runner = new RecordingCommandRunner();
    const driver = createFirewallDriver({ driver: 'iptables', setPrefix: 'lab2' }, { runner });
    await driver.blockPort(443, 'tcp');
    expect(runner.commands()[0].input).toBe('add lab2_tcp 443 timeout 0\n');
  });

  it('renders iptables commands in dry-run when asked', async () => {
    const driver = createFirewallDriver({ driver: 'dry-run', dryRunSyntax: 'iptables' }) as DryRunFirewallDriver;
    await driver.ensureBase();
    expect(driver.commands()[0].file).toBe('ipset');
  });

  it.each<[string, FirewallOptions, string]>([
    ['an unknown driver', { driver: 'pf' as 'iptables' }, 'Unknown firewall driver: pf'],
    ['a netns starting with -', { driver: 'nftables', netns: '-all' }, 'Invalid network namespace name'],
    ['a netns with a slash', { driver: 'iptables', netns: '../../etc' }, 'Invalid network namespace name'],
    ['an upper-case prefix', { driver: 'nftables', setPrefix: 'IDS' }, 'Invalid firewall set prefix'],
    ['a prefix with a space', { driver: 'nftables', setPrefix: 'ids ai' }, 'Invalid firewall set prefix'],
    ['a prefix too long for ipset names', { driver: 'iptables', setPrefix: 'a'.repeat(17) }, 'Invalid firewall set prefix'],
    ['an unknown dry-run syntax', { driver: 'dry-run', dryRunSyntax: 'pf' as 'iptables' }, 'Unknown dry-run syntax'],
  ])('refuses %s', (_label, options, message) => {
    expect(() => createFirewallDriver(options)).toThrow(message);
  });
});
