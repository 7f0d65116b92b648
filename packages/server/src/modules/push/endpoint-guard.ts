import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { lookup } from 'node:dns/promises';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * Push endpoints are URLs a user hands us and the server then calls: without a check, a
 * subscription could point the server at its own network (SSRF). Only public unicast addresses are
 * called, checked when the device is added and again at every connection (a name that resolved to
 * a public address yesterday may resolve to 127.0.0.1 today).
 */
export type EndpointProblem = 'bad_url' | 'private';

export const isPublicAddress = (address: string): boolean => {
  if (!ipaddr.isValid(address)) return false;
  return ipaddr.process(address).range() === 'unicast';
};

/** Why this endpoint may not be used, or null; resolves the host name once. */
export async function checkEndpoint(
  endpoint: string,
  allowPrivate: boolean,
): Promise<EndpointProblem | null> {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return 'bad_url';
  }
  if (url.username || url.password || url.hash) return 'bad_url';
  if (url.protocol !== 'https:' && !(allowPrivate && url.protocol === 'http:')) return 'bad_url';
  if (allowPrivate) return null;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  try {
    addresses = ipaddr.isValid(host) ? [host] : (await lookup(host, { all: true })).map((a) => a.address);
  } catch {
    return 'bad_url';
  }
  return addresses.length > 0 && addresses.every(isPublicAddress) ? null : 'private';
}

/** A `lookup` for the push agents that refuses to connect to a non-public address. */
export function guardedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '', 0);
      const list = addresses as unknown as LookupAddress[];
      const usable = allowPrivate ? list : list.filter((a) => isPublicAddress(a.address));
      if (usable.length === 0) {
        const refused = Object.assign(new Error(`push endpoint ${hostname} resolves to a private address`), {
          code: 'EPRIVATE',
        });
        return callback(refused, '', 0);
      }
      if ((options as { all?: boolean }).all)
        return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, usable);
      return callback(null, usable[0]!.address, usable[0]!.family);
    });
  };
}
