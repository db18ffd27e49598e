import { FirewallNames } from './firewall-names';
import { FirewallBaseMissingError, FirewallOutputError } from './firewall.errors';
import { BaseRepairs, BlockedAddress, BlockedPort, FirewallState, compareLines } from './firewall.types';
import { listedAddress, listedPort, sortState } from './firewall-state';
import { NFT_BASE_RULES, NFT_HOOKS, NFT_SETS } from './nftables.commands';

/** The parts of `nft -j list table …` output we read. */
interface NftJsonSet {
  family: string;
  table: string;
  name: string;
  elem?: unknown[];
}

interface NftElement {
  value: unknown;
  expiresInSec: number | null;
}

function unwrap(raw: unknown): NftElement {
  const wrapped = (raw as { elem?: { val: unknown; timeout?: number; expires?: number } } | null)?.elem;
  if (!wrapped || typeof wrapped !== 'object') return { value: raw, expiresInSec: null };
  const expires = wrapped.expires ?? wrapped.timeout;
  return { value: wrapped.val, expiresInSec: typeof expires === 'number' ? expires : null };
}

function addressText(value: unknown): string {
  if (typeof value === 'string') return value;
  const prefix = (value as { prefix?: { addr?: unknown; len?: unknown } } | null)?.prefix;
  if (prefix && typeof prefix.addr === 'string' && typeof prefix.len === 'number') {
    return `${prefix.addr}/${prefix.len}`;
  }
  throw new FirewallOutputError('nft list: set element the driver never writes (range or unknown form)');
}

function parseJson(output: string): unknown[] {
  try {
    const parsed = JSON.parse(output) as { nftables?: unknown };
    if (Array.isArray(parsed.nftables)) return parsed.nftables;
  } catch {
    // reported below
  }
  throw new FirewallOutputError('nft list: output is not nftables JSON');
}

function setsOf(output: string, names: FirewallNames): Map<string, NftJsonSet> {
  const sets = new Map<string, NftJsonSet>();
  for (const item of parseJson(output)) {
    const set = (item as { set?: NftJsonSet }).set;
    if (set && set.family === 'inet' && set.table === names.nftTable) sets.set(set.name, set);
  }
  for (const name of Object.values(NFT_SETS)) {
    if (!sets.has(name)) throw new FirewallBaseMissingError(`set inet ${names.nftTable} ${name}`);
  }
  return sets;
}

/** Reads `nft -j list table inet <table>` into state. */
export function parseNftTable(output: string, names: FirewallNames): FirewallState {
  const sets = setsOf(output, names);
  const addresses: BlockedAddress[] = [];
  const ports: BlockedPort[] = [];
  for (const name of [NFT_SETS.v4, NFT_SETS.v4Nets, NFT_SETS.v6, NFT_SETS.v6Nets]) {
    for (const raw of sets.get(name)!.elem ?? []) {
      const { value, expiresInSec } = unwrap(raw);
      addresses.push(listedAddress(addressText(value), expiresInSec, 'nft list'));
    }
  }
  for (const [name, proto] of [[NFT_SETS.tcp, 'tcp'], [NFT_SETS.udp, 'udp']] as const) {
    for (const raw of sets.get(name)!.elem ?? []) {
      const { value, expiresInSec } = unwrap(raw);
      ports.push(listedPort(value, proto, expiresInSec, 'nft list'));
    }
  }
  return sortState({ addresses, ports });
}

/** True when `nft -j list tables` output shows our table. */
export function hasNftTable(output: string, names: FirewallNames): boolean {
  return parseJson(output).some((item) => {
    const table = (item as { table?: { family?: string; name?: string } }).table;
    return table?.family === 'inet' && table.name === names.nftTable;
  });
}

/** Sets and chains of `nft list table …` (text), each chain with its rules, counter values dropped. */
export function parseNftTableText(output: string): { sets: string[]; chains: Map<string, string[]> } {
  const sets: string[] = [];
  const chains = new Map<string, string[]>();
  let chain: string[] | null = null;
  for (const raw of output.split('\n')) {
    const line = raw.trim();
    const opened = /^(set|chain) (\S+) \{$/.exec(line);
    if (opened?.[1] === 'set') sets.push(opened[2]);
    if (opened?.[1] === 'chain') chains.set(opened[2], (chain = []));
    else if (line === '}') chain = null;
    else if (chain && line && !line.startsWith('type ')) chain.push(line.replace(/ counter packets \d+ bytes \d+/, ' counter'));
  }
  return { sets, chains };
}

/**
 * What of our table is missing or was added by hand; `output` null: the table itself is missing. `intact` when
 * every set and chain exists and each chain holds exactly our rules in our order.
 */
export function nftBaseDrift(output: string | null): BaseRepairs & { intact: boolean } {
  const { sets, chains } = output === null ? { sets: [], chains: new Map<string, string[]>() } : parseNftTableText(output);
  const repairs = { missingRules: 0, unexpectedRules: 0, missingChains: output === null ? 1 : 0, intact: output !== null };
  repairs.missingChains += Object.values(NFT_SETS).filter((set) => !sets.includes(set)).length;
  for (const hook of NFT_HOOKS) {
    if (!chains.has(hook)) repairs.missingChains++;
    const rules = chains.get(hook) ?? [];
    const { missing, unexpected } = compareLines(NFT_BASE_RULES, rules);
    repairs.missingRules += missing;
    repairs.unexpectedRules += unexpected;
    if (rules.join('\n') !== NFT_BASE_RULES.join('\n')) repairs.intact = false;
  }
  if (repairs.missingChains > 0) repairs.intact = false;
  return repairs;
}
