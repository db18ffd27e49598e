import { lookup as dnsLookup, LookupAddress, LookupAllOptions } from 'node:dns';
import { isIP, LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

/** Cloud instance-metadata endpoints: never a webhook target, whatever WEBHOOK_ALLOW_PRIVATE says. */
const METADATA_ADDRESSES = new Set(['169.254.169.254', '169.254.170.2', '100.100.100.200', 'fd00:ec2::254']);
const METADATA_HOSTS = new Set(['metadata', 'metadata.google.internal', 'metadata.goog', 'instance-data']);
/** Not addressable as a destination at all. */
const NEVER = new Set(['unspecified', 'multicast', 'broadcast']);

export class WebhookTargetRefusedError extends Error {}

/**
 * Why an address may not receive webhooks, or null when it may. Without `allowPrivate` only public unicast
 * addresses are allowed (no loopback, private, link-local, unique-local, CGNAT, reserved …).
 */
export function refusalForAddress(address: string, allowPrivate: boolean): string | null {
  if (!ipaddr.isValid(address)) return `${address} is not an IP address`;
  const ip = ipaddr.process(address);
  const normalised = ip.toString();
  if (METADATA_ADDRESSES.has(normalised)) return `${normalised} is a cloud metadata address`;
  const range = ip.range();
  if (NEVER.has(range)) return `${normalised} is a ${range} address`;
  if (!allowPrivate && range !== 'unicast') return `${normalised} is a ${range} address (set WEBHOOK_ALLOW_PRIVATE=true to allow)`;
  return null;
}

/** The URL as a webhook target, or why not: http(s) only, no credentials in it. Does not resolve the host. */
export function parseWebhookUrl(raw: string): { url: URL } | { reason: string } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { reason: 'must be an absolute http or https URL' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { reason: 'must use http or https' };
  if (url.username || url.password) return { reason: 'must not contain credentials' };
  if (!url.hostname) return { reason: 'must have a host' };
  return { url };
}

/** The URL host without IPv6 brackets. */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

type LookupAll = (hostname: string, options: LookupAllOptions) => Promise<LookupAddress[]>;

const lookupAll: LookupAll = (hostname, options) =>
  new Promise((resolve, reject) => dnsLookup(hostname, options, (err, addresses) => (err ? reject(err) : resolve(addresses))));

/**
 * Why the URL may not receive webhooks (checking every address its host resolves to), or null when it may.
 * Used when a webhook is created; deliveries check again at connect time (`guardedLookup`).
 */
export async function refusalForUrl(raw: string, allowPrivate: boolean, resolve: LookupAll = lookupAll): Promise<string | null> {
  const parsed = parseWebhookUrl(raw);
  if ('reason' in parsed) return parsed.reason;
  const host = hostOf(parsed.url);
  if (METADATA_HOSTS.has(host.toLowerCase())) return `${host} is a cloud metadata host`;
  if (isIP(host)) return refusalForAddress(host, allowPrivate);
  let addresses: LookupAddress[];
  try {
    addresses = await resolve(host, { all: true });
  } catch {
    return `host ${host} does not resolve`;
  }
  for (const { address } of addresses) {
    const refusal = refusalForAddress(address, allowPrivate);
    if (refusal) return `host ${host} resolves to ${refusal}`;
  }
  return addresses.length ? null : `host ${host} does not resolve`;
}

/**
 * A `lookup` for http.request that refuses disallowed addresses at connect time, so a host re-pointed after
 * the webhook was created (DNS rebinding) cannot reach internal addresses. IP-literal hosts skip lookup: check
 * them with `refusalForAddress` before connecting.
 */
export function guardedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    if (METADATA_HOSTS.has(hostname.toLowerCase())) {
      callback(new WebhookTargetRefusedError(`${hostname} is a cloud metadata host`), '', 4);
      return;
    }
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '', 4);
      for (const { address } of addresses) {
        const refusal = refusalForAddress(address, allowPrivate);
        if (refusal) return callback(new WebhookTargetRefusedError(`host ${hostname} resolves to ${refusal}`), '', 4);
      }
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      if (!addresses.length) return callback(new WebhookTargetRefusedError(`host ${hostname} does not resolve`), '', 4);
      callback(null, addresses[0].address, addresses[0].family);
    });
  };
}
