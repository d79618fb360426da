/**
 * The narrow window through which checks see DNS: one `lookup(name, type)` that never
 * throws and returns a classified outcome. The production implementation sits on
 * node:dns (c-ares) with configurable servers (ports included), timeout, retries, a
 * concurrency limit and a per-run cache; tests point it at real servers on loopback.
 */
import { Resolver } from 'node:dns/promises';
import pLimit from 'p-limit';
import { canonicalName } from '../core/hostname.js';
import { formatIp, parseIp } from '../core/ip.js';

export type RecordType = 'A' | 'AAAA' | 'PTR' | 'NS' | 'CNAME' | 'SOA';

/**
 * answer: records of the type (CNAMEs followed). nxdomain: the name does not exist.
 * nodata: the name exists without records of the type. servfail / refused: a server
 * answered with that error. timeout: no answer in time. unreachable: the server
 * refused the connection (ICMP port unreachable). error: anything else (bad response…).
 */
export type Outcome = 'answer' | 'nxdomain' | 'nodata' | 'servfail' | 'refused' | 'timeout' | 'unreachable' | 'error';

export interface Answer {
  readonly outcome: Outcome;
  /**
   * A/AAAA: canonical addresses. PTR/NS/CNAME: lower-case names with a trailing dot.
   * SOA: `primary-ns. hostmaster. serial`.
   */
  readonly values: readonly string[];
  /** The resolver's own words for a failure (e.g. `queryA ETIMEOUT name`). */
  readonly detail?: string;
}

export interface ResolverStats {
  /** Lookups asked for (cache hits included). */
  lookups: number;
  /** Queries that went out to a server. */
  queries: number;
  cacheHits: number;
  /** Queries that got a DNS response of any kind (NXDOMAIN and SERVFAIL included). */
  responses: number;
  /** Queries that got no response at all (timeout, connection refused). */
  silent: number;
  /** Lookups answered without a query because no server had answered anything (see failFast). */
  skipped: number;
}

/** What every check depends on. Implementations must never throw from `lookup`. */
export interface DnsResolver {
  lookup(name: string, type: RecordType): Promise<Answer>;
  stats(): ResolverStats;
  /** The servers queried, as `host:port` (empty: the system's). */
  readonly servers: readonly string[];
}

export interface ResolverOptions {
  /** `host`, `host:port`, `ipv6`, `[ipv6]:port`. Empty or absent: the system resolvers. */
  readonly servers?: readonly string[];
  /** Per try, milliseconds (default 2000). */
  readonly timeoutMs?: number;
  /** Further tries after the first one (default 1). */
  readonly retries?: number;
  /** Queries in flight at once (default 64). */
  readonly concurrency?: number;
  /**
   * After this many queries got no response while none has ever got one, the service is
   * taken as unreachable and further lookups return `timeout` at once, so a run without
   * network ends in one timeout instead of thousands (default 16; 0 disables).
   */
  readonly failFastAfter?: number;
}

/** `127.0.0.1:5353` → `{host, port}`; also `::1`, `[::1]:5353`, `192.0.2.1`. Undefined when invalid. */
export function parseServer(text: string): { host: string; port: number } | undefined {
  const t = text.trim();
  let host: string;
  let portText: string | undefined;
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(t);
  if (bracket) {
    host = bracket[1]!;
    portText = bracket[2];
  } else if ((t.match(/:/g) ?? []).length === 1) {
    [host, portText] = t.split(':') as [string, string];
  } else host = t;
  const ip = parseIp(host);
  if (!ip.ok) return undefined;
  if (portText !== undefined && !/^[1-9]\d{0,4}$/.test(portText)) return undefined;
  const port = portText === undefined ? 53 : Number(portText);
  if (port > 65535) return undefined;
  return { host: formatIp(ip.value), port };
}

/** The form node:dns `setServers` takes. */
export const serverText = (s: { host: string; port: number }): string => (s.host.includes(':') ? `[${s.host}]:${s.port}` : `${s.host}:${s.port}`);

const OUTCOME_OF_CODE: Readonly<Record<string, Outcome>> = {
  ENOTFOUND: 'nxdomain',
  ENODATA: 'nodata',
  ESERVFAIL: 'servfail',
  EREFUSED: 'refused',
  ETIMEOUT: 'timeout',
  ECONNREFUSED: 'unreachable',
};

/** Outcomes that mean no server said anything at all. */
export const isSilent = (o: Outcome): boolean => o === 'timeout' || o === 'unreachable';

/**
 * Names from live DNS are untrusted: a PTR may carry any byte. Everything outside
 * printable ASCII (and the characters that could break a report) becomes `\DDD`, the
 * master-file escape, before it reaches a terminal, a log or a Markdown report.
 */
export const safeName = (n: string): string => canonicalName(n.replace(/[^\x21-\x7e]|[|`<>]/g, (c) => `\\${String(c.codePointAt(0)).padStart(3, '0')}`));

const canonicalAddress = (a: string): string => {
  const p = parseIp(a);
  return p.ok ? formatIp(p.value) : a;
};

/** A {@link DnsResolver} on node:dns (c-ares). c-ares follows CNAME chains inside answers for A/AAAA/PTR. */
export function createDnsResolver(options: ResolverOptions = {}): DnsResolver {
  const timeoutMs = options.timeoutMs ?? 2000;
  const tries = (options.retries ?? 1) + 1;
  const failFastAfter = options.failFastAfter ?? 16;
  const parsed = (options.servers ?? []).map((s) => {
    const p = parseServer(s);
    if (!p) throw new RangeError(`"${s}" is not a DNS server address (HOST or HOST:PORT, e.g. 127.0.0.1:5353)`);
    return p;
  });
  const resolver = new Resolver({ timeout: timeoutMs, tries });
  if (parsed.length > 0) resolver.setServers(parsed.map(serverText));
  const servers = parsed.length > 0 ? parsed.map(serverText) : resolver.getServers();
  // c-ares may also wait on servers in turn; this bound keeps one lookup from hanging a run.
  const hardLimitMs = timeoutMs * tries * Math.max(1, servers.length) + 1000;
  const limit = pLimit(options.concurrency ?? 64);
  const cache = new Map<string, Promise<Answer>>();
  const stats: ResolverStats = { lookups: 0, queries: 0, cacheHits: 0, responses: 0, silent: 0, skipped: 0 };

  // One sweeping timer for all queries in flight instead of a timer per query (cheaper at 65,536 names).
  const inFlight = new Map<number, { deadline: number; reject: (e: Error) => void }>();
  let nextId = 0;
  let sweeper: NodeJS.Timeout | undefined;
  const sweep = (): void => {
    const now = Date.now();
    for (const [id, f] of inFlight) {
      if (f.deadline <= now) {
        inFlight.delete(id);
        f.reject(Object.assign(new Error(`no answer within ${hardLimitMs} ms`), { code: 'ETIMEOUT' }));
      }
    }
    if (inFlight.size === 0 && sweeper) {
      clearInterval(sweeper);
      sweeper = undefined;
    }
  };
  const withHardLimit = <T>(p: Promise<T>): Promise<T> =>
    new Promise<T>((res, rej) => {
      const id = nextId++;
      inFlight.set(id, { deadline: Date.now() + hardLimitMs, reject: rej });
      sweeper ??= setInterval(sweep, Math.min(250, hardLimitMs));
      p.then(
        (v) => {
          inFlight.delete(id);
          res(v);
        },
        (e: unknown) => {
          inFlight.delete(id);
          rej(e as Error);
        },
      );
    });

  const query = async (name: string, type: RecordType): Promise<Answer> => {
    if (failFastAfter > 0 && stats.responses === 0 && stats.silent >= failFastAfter) {
      stats.skipped++;
      return { outcome: 'timeout', values: [], detail: `not sent: none of the previous ${stats.silent} queries got any response` };
    }
    stats.queries++;
    const run = async (): Promise<readonly string[]> => {
      switch (type) {
        case 'A':
          return (await resolver.resolve4(name)).map(canonicalAddress);
        case 'AAAA':
          return (await resolver.resolve6(name)).map(canonicalAddress);
        case 'PTR':
          return (await resolver.resolvePtr(name)).map(safeName);
        case 'NS':
          return (await resolver.resolveNs(name)).map(safeName);
        case 'CNAME':
          return (await resolver.resolveCname(name)).map(safeName);
        case 'SOA': {
          const s = await resolver.resolveSoa(name);
          return [`${safeName(s.nsname)} ${safeName(s.hostmaster)} ${s.serial}`];
        }
      }
    };
    try {
      const values = [...new Set(await withHardLimit(run()))].sort();
      stats.responses++;
      return values.length > 0 ? { outcome: 'answer', values } : { outcome: 'nodata', values: [] };
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? '';
      const outcome = OUTCOME_OF_CODE[code] ?? 'error';
      if (isSilent(outcome)) stats.silent++;
      else stats.responses++;
      return { outcome, values: [], detail: `${code || 'error'}: ${(e as Error).message}` };
    }
  };

  return {
    servers,
    stats: () => ({ ...stats }),
    lookup(name: string, type: RecordType): Promise<Answer> {
      stats.lookups++;
      const key = `${type} ${canonicalName(name)}`;
      const cached = cache.get(key);
      if (cached) {
        stats.cacheHits++;
        return cached;
      }
      // Trailing dot off: c-ares takes the name as absolute either way, and never applies search domains to resolve*().
      const p = limit(() => query(canonicalName(name).slice(0, -1), type));
      cache.set(key, p);
      return p;
    },
  };
}
