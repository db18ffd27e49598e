import { Injectable } from '@nestjs/common';
import { parseTarget } from '../core/net';
import { DryRunFirewallDriver, FirewallCommand, FirewallDriver } from './firewall';
import { NetworkActionEntity, NetworkActionType } from './network-action.entity';

/**
 * Under FIREWALL_DRIVER=dry-run, the commands a block would make the firewall run, so the API can show them with
 * the block (the driver also logs them when the firewall job applies the block).
 */
@Injectable()
export class DryRunPreview {
  constructor(private readonly firewall: FirewallDriver) {}

  /** The commands applying `action` would run; null under a real firewall driver. */
  async commandsFor(action: NetworkActionEntity): Promise<FirewallCommand[] | null> {
    if (!(this.firewall instanceof DryRunFirewallDriver)) return null;
    const timeoutSec = action.durationSeconds;
    if (action.actionType === NetworkActionType.BLOCK_IP) {
      return this.firewall.preview({ blockAddresses: [{ target: parseTarget(action.target), timeoutSec }] });
    }
    return this.firewall.preview({ blockPorts: [{ port: action.port!, proto: action.protocol as 'tcp' | 'udp', timeoutSec }] });
  }
}
