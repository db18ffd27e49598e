import { Protocol, parseBlockPort, parseTarget } from '../../core/net';
import { FirewallOutputError } from './firewall.errors';
import { BlockedAddress, BlockedPort, FirewallState } from './firewall.types';

const byAddress = (a: BlockedAddress, b: BlockedAddress): number =>
  a.family - b.family || (a.target < b.target ? -1 : a.target > b.target ? 1 : 0);

const byPort = (a: BlockedPort, b: BlockedPort): number =>
  (a.proto < b.proto ? -1 : a.proto > b.proto ? 1 : 0) || a.port - b.port;

/** The order `list()` promises: addresses by family then text, ports by protocol then number. */
export function sortState(state: FirewallState): FirewallState {
  return { addresses: [...state.addresses].sort(byAddress), ports: [...state.ports].sort(byPort) };
}

export const emptyState = (): FirewallState => ({ addresses: [], ports: [] });

function readBack<T>(read: () => T, tool: string): T {
  try {
    return read();
  } catch {
    throw new FirewallOutputError(`${tool}: listed an entry the driver never writes`);
  }
}

/** An address entry read back from a tool's listing; anything unparseable is an output error, not a 400. */
export function listedAddress(text: unknown, expiresInSec: number | null, tool: string): BlockedAddress {
  const target = readBack(() => parseTarget(text), tool);
  return { target: target.canonical, family: target.family, expiresInSec };
}

export function listedPort(value: unknown, proto: Protocol, expiresInSec: number | null, tool: string): BlockedPort {
  return { port: readBack(() => parseBlockPort(value), tool), proto, expiresInSec };
}
