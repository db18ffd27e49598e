import { Logger, Provider } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { AppConfig } from '../config/app-config';
import { FirewallDriver, createFirewallDriver, createOtherFirewallDriver } from './firewall';

/** The configured firewall (FIREWALL_DRIVER, FIREWALL_NETNS, FIREWALL_SET_PREFIX), injected as `FirewallDriver`. */
export const firewallDriverProvider: Provider = {
  provide: FirewallDriver,
  inject: [ConfigService],
  useFactory: (config: ConfigService<AppConfig, true>): FirewallDriver => {
    const { driver, netns, setPrefix, commandTimeoutMs } = config.get('network.firewall', { infer: true });
    const firewall = createFirewallDriver({ driver, netns, setPrefix, commandTimeoutMs });
    const where = netns ? `network namespace ${netns}` : 'the host';
    new Logger('Firewall').log(`Firewall driver: ${firewall.name} (sets prefixed ${setPrefix}, in ${where})`);
    return firewall;
  },
};

/** Injection token of the other real driver (null for dry-run): see FirewallSyncService.clearOtherDriver. */
export const OTHER_FIREWALL_DRIVER = Symbol('OTHER_FIREWALL_DRIVER');

export const otherFirewallDriverProvider: Provider = {
  provide: OTHER_FIREWALL_DRIVER,
  inject: [ConfigService],
  useFactory: (config: ConfigService<AppConfig, true>): FirewallDriver | null => {
    const { driver, netns, setPrefix, commandTimeoutMs } = config.get('network.firewall', { infer: true });
    return createOtherFirewallDriver({ driver, netns, setPrefix, commandTimeoutMs });
  },
};
