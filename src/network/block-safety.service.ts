import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { networkInterfaces } from 'node:os';
import { ActorContext, permissionsOf } from '../common/auth/principal';
import { AppConfig } from '../config/app-config';
import { DomainError, ErrorCode } from '../core/domain-error';
import { ParsedTarget, Protocol, isWholeInternet, overlaps, parseTarget, specialPurposeOf, tryParseTarget } from '../core/net';
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
  /** A forcible special-purpose range (link-local, reserved): only ever recorded as overridden by `force`. */
  SPECIAL_PURPOSE = 'special_purpose',
}

export interface ProtectionHit {
  protection: Protection;
  /** What it overlaps, for the message: `10.0.0.5 (this server)`. */
  detail: string;
}

/**
 * The guards every block passes, manual or automatic. The whole internet and the never-blocked special-purpose
 * ranges (loopback, unspecified, multicast, broadcast, and their embedded IPv6 forms) are refused outright (400,
 * never forceable); the forcible ones (link-local, reserved, networks that merely include embedded forms) with
 * 400 unless an admin sends `force: true` (see SPECIAL_RANGES). Protected targets — this server's addresses,
 * the caller's address, FIREWALL_MANAGEMENT_CIDRS, active allowlist entries, the API's own port — are refused
 * with 409 unless an admin sends `force: true`.
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

  /**
   * The target as the firewall will hold it; 400 naming `field` for anything the parser or the rules refuse.
   * `force` (already checked to come from an admin) lets the forcible special-purpose ranges through.
   */
  blockableTarget(input: unknown, field: string, force = false): ParsedTarget {
    const target = parseTarget(input, field);
    if (isWholeInternet(target)) throw DomainError.validation([{ field, reason: 'whole_internet' }], 'The whole internet can never be blocked');
    const special = specialPurposeOf(target);
    if (special && !(special.forcible && force)) {
      const verdict = special.forcible ? 'refused unless an admin forces it (force: true)' : 'never blocked';
      throw DomainError.validation([{ field, reason: special.reason }], `${special.explanation}: ${verdict}`);
    }
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
    const special = specialPurposeOf(target);
    if (special?.forcible) hits.push({ protection: Protection.SPECIAL_PURPOSE, detail: `${special.range} (${special.reason})` });
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
export function ownAddresses(): ParsedTarget[] {
  const found: ParsedTarget[] = [];
  for (const list of Object.values(networkInterfaces())) {
    for (const info of list ?? []) {
      const parsed = tryParseTarget(info.address);
      if (parsed.ok && !info.internal) found.push(parsed.value);
    }
  }
  return found;
}
