import { Protocol } from '../../core/net';
import { FirewallCommand } from './command-runner';
import { FirewallPlan } from './firewall-plan';
import { FirewallNames } from './firewall-names';
import { BlockedAddress, BlockedPort, FirewallState } from './firewall.types';
import { FirewallBaseMissingError, FirewallOutputError } from './firewall.errors';
import { listedAddress, listedPort, sortState } from './firewall-state';

/**
 * ipset side of the iptables driver. One `hash:net` set per family and one `bitmap:port` set per protocol,
 * all created with `timeout 0` so every entry carries its own timeout (0 = none).
 *
 *   ipset restore -exist            create ids_ai_v4 hash:net family inet timeout 0 maxelem 1048576
 *                                   create ids_ai_v6 hash:net family inet6 timeout 0 maxelem 1048576
 *                                   create ids_ai_tcp bitmap:port range 1-65535 timeout 0
 *                                   create ids_ai_udp bitmap:port range 1-65535 timeout 0
 *   ipset restore -exist            del ids_ai_v4 198.18.0.9
 *                                   add ids_ai_v4 198.18.0.0/24 timeout 600
 *                                   add ids_ai_tcp 8080 timeout 0
 *   ipset save                      (read back by parseIpsetSave)
 *   ipset restore                   flush ids_ai_v4 … / destroy ids_ai_v4 …
 *
 * `-exist` makes `add` replace the timeout of an entry already present and `del` of an absent entry a no-op.
 */

const MAX_SET_ENTRIES = 1_048_576;

export function ipsetSetNames(names: FirewallNames): string[] {
  return [names.ipsetV4, names.ipsetV6, names.ipsetTcp, names.ipsetUdp];
}

function restore(lines: string[], exist: boolean): FirewallCommand {
  return { file: 'ipset', args: exist ? ['restore', '-exist'] : ['restore'], input: `${lines.join('\n')}\n` };
}

export function ipsetCreateCommand(names: FirewallNames): FirewallCommand {
  return restore(
    [
      `create ${names.ipsetV4} hash:net family inet timeout 0 maxelem ${MAX_SET_ENTRIES}`,
      `create ${names.ipsetV6} hash:net family inet6 timeout 0 maxelem ${MAX_SET_ENTRIES}`,
      `create ${names.ipsetTcp} bitmap:port range 1-65535 timeout 0`,
      `create ${names.ipsetUdp} bitmap:port range 1-65535 timeout 0`,
    ],
    true,
  );
}

const portSet = (names: FirewallNames, proto: Protocol): string => (proto === 'tcp' ? names.ipsetTcp : names.ipsetUdp);
const addressSet = (names: FirewallNames, family: 4 | 6): string => (family === 4 ? names.ipsetV4 : names.ipsetV6);

/** Removals first, then additions; every value comes from a validated plan. */
export function ipsetChangeCommand(names: FirewallNames, plan: FirewallPlan): FirewallCommand {
  return restore(
    [
      ...plan.unblockAddresses.map((t) => `del ${addressSet(names, t.family)} ${t.canonical}`),
      ...plan.unblockPorts.map((p) => `del ${portSet(names, p.proto)} ${p.port}`),
      ...plan.blockAddresses.map(
        (b) => `add ${addressSet(names, b.target.family)} ${b.target.canonical} timeout ${b.timeoutSec ?? 0}`,
      ),
      ...plan.blockPorts.map((p) => `add ${portSet(names, p.proto)} ${p.port} timeout ${p.timeoutSec ?? 0}`),
    ],
    true,
  );
}

export function ipsetFlushCommand(names: FirewallNames): FirewallCommand {
  return restore(
    ipsetSetNames(names).map((set) => `flush ${set}`),
    false,
  );
}

export const ipsetSaveCommand: FirewallCommand = { file: 'ipset', args: ['save'] };
export const ipsetListNamesCommand: FirewallCommand = { file: 'ipset', args: ['list', '-n'] };

/** Destroys those of our sets that exist (after the iptables rules referring to them are gone). */
export function ipsetDestroyCommand(names: FirewallNames, existing: readonly string[]): FirewallCommand | null {
  const present = ipsetSetNames(names).filter((set) => existing.includes(set));
  return present.length ? restore(present.map((set) => `destroy ${set}`), false) : null;
}

export function parseIpsetNames(output: string): string[] {
  return output.split('\n').map((line) => line.trim()).filter(Boolean);
}

function timeoutOf(tokens: string[]): number | null {
  const i = tokens.indexOf('timeout');
  if (i < 0) return null;
  const seconds = Number(tokens[i + 1]);
  if (!Number.isInteger(seconds) || seconds < 0) throw new FirewallOutputError('ipset save: bad timeout');
  return seconds === 0 ? null : seconds;
}

/** Reads `ipset save` output into state, ignoring sets that are not ours. */
export function parseIpsetSave(output: string, names: FirewallNames): FirewallState {
  const lines = output.split('\n').map((line) => line.trim().split(/\s+/));
  for (const set of ipsetSetNames(names)) {
    if (!lines.some((tokens) => tokens[0] === 'create' && tokens[1] === set)) throw new FirewallBaseMissingError(set);
  }
  const addresses: BlockedAddress[] = [];
  const ports: BlockedPort[] = [];
  for (const tokens of lines) {
    if (tokens[0] !== 'add') continue;
    const [, set, entry] = tokens;
    const expiresInSec = timeoutOf(tokens.slice(3));
    if (set === names.ipsetV4 || set === names.ipsetV6) {
      addresses.push(listedAddress(entry, expiresInSec, 'ipset save'));
    } else if (set === names.ipsetTcp || set === names.ipsetUdp) {
      ports.push(listedPort(entry, set === names.ipsetTcp ? 'tcp' : 'udp', expiresInSec, 'ipset save'));
    }
  }
  return sortState({ addresses, ports });
}
