import { Provider } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { AppConfig } from '../../config/app-config';
import { ExecFileCommandRunner, firewallNames } from '../firewall';
import { DryRunFeedFirewall } from './firewall/dry-run-feed-firewall';
import { FeedFirewall } from './firewall/feed-firewall';
import { IpsetFeedFirewall } from './firewall/ipset-feed-firewall';
import { NftFeedFirewall } from './firewall/nft-feed-firewall';

/** The feed sets beside the configured firewall driver: same tool, namespace and name prefix. */
export const feedFirewallProvider: Provider = {
  provide: FeedFirewall,
  inject: [ConfigService],
  useFactory: (config: ConfigService<AppConfig, true>): FeedFirewall => {
    const { driver, netns, setPrefix, commandTimeoutMs } = config.get('network.firewall', { infer: true });
    const names = firewallNames(setPrefix);
    const runner = () => new ExecFileCommandRunner({ netns, timeoutMs: commandTimeoutMs });
    if (driver === 'iptables') return new IpsetFeedFirewall(runner(), names);
    if (driver === 'nftables') return new NftFeedFirewall(runner(), names);
    return new DryRunFeedFirewall();
  },
};
