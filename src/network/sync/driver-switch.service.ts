import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { AppConfig } from '../../config/app-config';
import { FirewallDriver } from '../firewall';
import { OTHER_FIREWALL_DRIVER } from '../firewall.provider';
import { FirewallLock } from './firewall-lock';

/** Long enough for another instance's pass to finish; the start-up of this one waits for it. */
const SWITCH_LOCK_WAIT_MS = 15_000;

/** The kernel holds the other driver's base and FIREWALL_OTHER_DRIVER=refuse (or removing it failed). */
export class OtherDriverInstalledError extends Error {
  constructor(driver: string, parts: string[], why: string) {
    super(`The ${driver} firewall driver's rule set is still installed (${parts.join(', ')}): ${why}`);
    this.name = 'OtherDriverInstalledError';
  }
}

/**
 * After FIREWALL_DRIVER changed, the earlier driver's rule set (same FIREWALL_SET_PREFIX names) would go on
 * dropping the traffic of blocks lifted since. At start, before the first pass, it is removed — only our own
 * chain, jumps, sets or table, found by name — or, with FIREWALL_OTHER_DRIVER=refuse, the worker refuses to start.
 */
@Injectable()
export class DriverSwitchService {
  private readonly logger = new Logger(DriverSwitchService.name);
  private readonly mode: 'remove' | 'refuse';

  constructor(
    private readonly driver: FirewallDriver,
    @Inject(OTHER_FIREWALL_DRIVER) private readonly other: FirewallDriver | null,
    private readonly lock: FirewallLock,
    config: ConfigService<AppConfig, true>,
  ) {
    this.mode = config.get('network.firewall.otherDriver', { infer: true });
  }

  /** The parts removed (none when nothing was left). Throws `OtherDriverInstalledError` to stop the start. */
  clearOtherDriver(): Promise<string[]> {
    const other = this.other;
    if (!other) return Promise.resolve([]);
    return this.lock.run(async () => {
      const found = await other.installedParts();
      if (found.length === 0) return [];
      if (this.mode === 'refuse') {
        throw new OtherDriverInstalledError(other.name, found, `remove it, or set FIREWALL_OTHER_DRIVER=remove (now ${this.driver.name})`);
      }
      await other.teardown();
      const left = await other.installedParts();
      if (left.length) throw new OtherDriverInstalledError(other.name, left, 'removing it failed');
      this.logger.warn(`FIREWALL_DRIVER is ${this.driver.name}: removed what the ${other.name} driver had installed (${found.join(', ')})`);
      return found;
    }, SWITCH_LOCK_WAIT_MS);
  }
}
