// Fetches a client's metadata document with the care any server-side fetch of a URL an
// unauthenticated party chose needs (SSRF): https only, public addresses only, checked on the
// address actually connected to (no DNS rebinding between check and use), no redirects, a
// small size and time limit, and a cache so a client cannot make us fetch on every request.
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request } from 'node:https';
import { BlockList, isIP } from 'node:net';
import type { Clock } from '../core/clock.js';
import { CharonError } from '../core/errors.js';

export interface ClientMetadataFetchOptions {
  /** Extra trust anchors (PEM), besides the system's: a test CA. */
  readonly ca?: string;
  /** Loopback addresses are refused like every private range; a test serving the document locally allows them. */
  readonly allowLoopback?: boolean;
  readonly timeoutMs?: number;
  readonly maxBytes?: number;
}

const DEFAULT_TIMEOUT_MS = 5_000;
/** The draft recommends at most 5 KB. */
const DEFAULT_MAX_BYTES = 5 * 1024;
const MIN_CACHE_MS = 60_000;
const DEFAULT_CACHE_MS = 5 * 60_000;
const MAX_CACHE_MS = 24 * 3600_000;

const refused = (why: string): CharonError => new CharonError('ERR_OAUTH_INVALID_CLIENT', `client_id metadata document: ${why}`);

/** Addresses no fetch on a client's behalf may reach: this machine, private networks, link-local, multicast, reserved. */
function privateRanges(allowLoopback: boolean): BlockList {
  const list = new BlockList();
  const v4: [string, number][] = [['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['169.254.0.0', 16], ['172.16.0.0', 12], ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24], ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4]];
  const v6: [string, number][] = [['::', 128], ['64:ff9b::', 96], ['100::', 64], ['2001:db8::', 32], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8]];
  if (!allowLoopback) {
    v4.push(['127.0.0.0', 8]);
    v6.push(['::1', 128]);
  }
  for (const [net, prefix] of v4) list.addSubnet(net, prefix, 'ipv4');
  for (const [net, prefix] of v6) list.addSubnet(net, prefix, 'ipv6');
  return list;
}

export class ClientMetadataFetcher {
  readonly #options: ClientMetadataFetchOptions;
  readonly #clock: Clock;
  readonly #blocked: BlockList;
  readonly #cache = new Map<string, { body: unknown; until: number }>();

  constructor(options: ClientMetadataFetchOptions, clock: Clock) {
    this.#options = options;
    this.#clock = clock;
    this.#blocked = privateRanges(options.allowLoopback === true);
  }

  /** The document's JSON, from the cache while it is fresh. */
  async fetch(url: URL): Promise<unknown> {
    const key = url.href;
    const now = this.#clock.now();
    const cached = this.#cache.get(key);
    if (cached && cached.until > now) return cached.body;
    const { body, maxAgeMs } = await this.#get(url);
    if (this.#cache.size >= 256) this.#cache.delete(this.#cache.keys().next().value as string);
    this.#cache.set(key, { body, until: now + maxAgeMs });
    return body;
  }

  #isBlocked(address: string): boolean {
    const family = isIP(address);
    return family === 0 || this.#blocked.check(address, family === 6 ? 'ipv6' : 'ipv4');
  }

  #get(url: URL): Promise<{ body: unknown; maxAgeMs: number }> {
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (isIP(host) && this.#isBlocked(host)) return Promise.reject(refused(`${url.host} is a private or local address`));
    // Every address the name resolves to must be public; the connection uses only those.
    const lookup = (hostname: string, options: { all?: boolean }, callback: (error: Error | null, address: string | LookupAddress[], family?: number) => void): void => {
      dnsLookup(hostname, { all: true }, (error, addresses) => {
        if (error) return callback(error, []);
        if (addresses.length === 0 || addresses.some((a) => this.#isBlocked(a.address))) return callback(refused(`${hostname} resolves to a private or local address`), []);
        if (options.all) return callback(null, addresses);
        const first = addresses[0] as LookupAddress;
        callback(null, first.address, first.family);
      });
    };
    const timeoutMs = this.#options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const maxBytes = this.#options.maxBytes ?? DEFAULT_MAX_BYTES;
    return new Promise((resolve, reject) => {
      const req = request(url, { method: 'GET', headers: { accept: 'application/json' }, lookup: lookup as never, agent: false, ...(this.#options.ca ? { ca: this.#options.ca } : {}) }, (res) => {
        const status = res.statusCode ?? 0;
        if (status >= 300 && status < 400) return fail(refused('the server answered with a redirect, which is not followed'));
        if (status !== 200) return fail(refused(`the server answered ${status}`));
        if (!/^application\/(?:[\w.+-]+\+)?json\b/i.test(res.headers['content-type'] ?? '')) return fail(refused('it is not served as application/json'));
        if (Number(res.headers['content-length'] ?? 0) > maxBytes) return fail(refused(`it is larger than ${maxBytes} bytes`));
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) return fail(refused(`it is larger than ${maxBytes} bytes`));
          chunks.push(chunk);
        });
        res.on('end', () => {
          clearTimeout(timer);
          try {
            resolve({ body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown, maxAgeMs: cacheLifetime(res.headers['cache-control']) });
          } catch {
            reject(refused('it is not valid JSON'));
          }
        });
        res.on('error', (error) => fail(error));
      });
      const fail = (error: Error): void => {
        clearTimeout(timer);
        req.destroy();
        reject(error instanceof CharonError ? error : refused(`it could not be fetched (${error.message.slice(0, 120)})`));
      };
      const timer = setTimeout(() => fail(refused(`no answer within ${timeoutMs} ms`)), timeoutMs);
      req.on('error', fail);
      req.end();
    });
  }
}

/** How long a fetched document is reused: its max-age, within a minute and a day. */
function cacheLifetime(header: string | undefined): number {
  const maxAge = /(?:^|,)\s*max-age=(\d+)/i.exec(header ?? '')?.[1];
  const ms = maxAge === undefined ? DEFAULT_CACHE_MS : Number(maxAge) * 1000;
  return Math.min(MAX_CACHE_MS, Math.max(MIN_CACHE_MS, ms));
}
