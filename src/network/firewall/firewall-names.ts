/** Our prefix becomes ipset and table names (lower case) and the iptables chain name (upper case). */
const SET_PREFIX = /^[a-z][a-z0-9_]{0,15}$/;

export const DEFAULT_SET_PREFIX = 'ids_ai';

/** Every name this feature creates in the kernel, derived from one validated prefix. */
export interface FirewallNames {
  ipsetV4: string;
  ipsetV6: string;
  ipsetTcp: string;
  ipsetUdp: string;
  /** iptables / ip6tables chain in the filter table, jumped to from INPUT and FORWARD. */
  chain: string;
  /** nftables table of family `inet`. */
  nftTable: string;
}

export function isValidSetPrefix(prefix: string): boolean {
  return SET_PREFIX.test(prefix);
}

export function firewallNames(prefix: string = DEFAULT_SET_PREFIX): FirewallNames {
  if (!isValidSetPrefix(prefix)) throw new Error('Invalid firewall set prefix: expected [a-z][a-z0-9_]{0,15}');
  return {
    ipsetV4: `${prefix}_v4`,
    ipsetV6: `${prefix}_v6`,
    ipsetTcp: `${prefix}_tcp`,
    ipsetUdp: `${prefix}_udp`,
    chain: prefix.toUpperCase(),
    nftTable: prefix,
  };
}
