import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { networkInterfaces } from 'node:os';
import { ActorContext, permissionsOf } from '../common/auth/principal';
import { AppConfig } from '../config/app-config';
import { DomainError, ErrorCode } from '../core/domain-error';
import { ParsedTarget, Protocol, isWholeInternet, overlaps, parseTarget, touchesLoopback, tryParseTarget } from '../core/net';
import { Permission } from '../core/permissions';
import { AllowlistRepository } from './allowlist.repository';
import { canonicalCidr } from './dto/allowlist.dto';

/** Why a target is protected (409 unless an admin forces the block). */
export enum Protection {
  OWN_ADDRESS = 'own_address',
  REQUESTER_ADDRESS = 'requester_address',
  MANAGEMENT_NETWORK = 'management_network',
  ALLOWLISTED = 'allowlisted',
  API_PORT = 'api_port',
}

export interface ProtectionHit {
  protection: Protection;
  /** What it overlaps, for the message: `10.0.0.5 (this server)`. */
  detail: string;
}

/**
 * The guards every block passes, manual or automatic. Loopback and the whole internet are refused outright
 * (400, never forceable). Protected targets — this server's addresses, the caller's address,
 * FIREWALL_MANAGEMENT_CIDRS, active allowlist entries, the API's own port — are refused with 409 unless an
 * admin sends `force: true`.
 */
@Injectable()
export class BlockSafety {
  private readonly managementCidrs: ParsedTarget[];
  private readonly apiPort: number;

  constructor(
    private readonly allowlist: AllowlistRepository,
    config: ConfigService<AppConfig, true>,
  ) {
    this.managementCidrs = config.get('network.managementCidrs', { infer: true }).map((c) => parseTarget(c));
    this.apiPort = config.get('app.port', { infer: true });
  }

  /** The target as the firewall will hold it; 400 naming `field` for anything the parser or the rules refuse. */
  blockableTarget(input: unknown, field: string): ParsedTarget {
    const target = parseTarget(input, field);
    if (isWholeInternet(target)) throw DomainError.validation([{ field, reason: 'whole_internet' }], 'The whole internet can never be blocked');
    if (touchesLoopback(target)) throw DomainError.validation([{ field, reason: 'touches_loopback' }], 'Loopback can never be blocked');
    return target;
  }

  /** `force` is for admins (system_config) only: 403 otherwise, whether or not it would have mattered. */
  assertMayForce(actor: ActorContext, force: boolean): void {
    if (!force) return;
    const p = actor.principal;
    if (!p || !permissionsOf(p).has(Permission.SYSTEM_CONFIG)) {
      throw new DomainError(ErrorCode.FORBIDDEN, 'force: true requires the system_config permission (admins)');
    }
  }

  async addressProtections(target: ParsedTarget, actor: ActorContext): Promise<ProtectionHit[]> {
    const hits: ProtectionHit[] = [];
    for (const own of ownAddresses()) {
      if (overlaps(target, own)) hits.push({ protection: Protection.OWN_ADDRESS, detail: `${own.canonical} (this server)` });
    }
    const requester = actor.ip ? tryParseTarget(actor.ip) : null;
    if (requester?.ok && overlaps(target, requester.value)) {
      hits.push({ protection: Protection.REQUESTER_ADDRESS, detail: `${requester.value.canonical} (your address)` });
    }
    for (const cidr of this.managementCidrs) {
      if (overlaps(target, cidr)) hits.push({ protection: Protection.MANAGEMENT_NETWORK, detail: `${cidr.canonical} (FIREWALL_MANAGEMENT_CIDRS)` });
    }
    for (const entry of await this.allowlist.findActiveOverlapping(target.canonical)) {
      hits.push({ protection: Protection.ALLOWLISTED, detail: `${canonicalCidr(entry.cidr)} (allowlist entry ${entry.id})` });
    }
    return hits;
  }

  portProtections(port: number, proto: Protocol): ProtectionHit[] {
    return proto === 'tcp' && port === this.apiPort ? [{ protection: Protection.API_PORT, detail: `${port}/tcp (this API)` }] : [];
  }
}

/** This host's addresses now (interfaces come and go), loopback aside: loopback is refused outright anyway. */
function ownAddresses(): ParsedTarget[] {
  const found: ParsedTarget[] = [];
  for (const list of Object.values(networkInterfaces())) {
    for (const info of list ?? []) {
      const parsed = tryParseTarget(info.address);
      if (parsed.ok && !info.internal) found.push(parsed.value);
    }
  }
  return found;
}
