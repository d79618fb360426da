/**
 * Closing the loop after an apply: do the zone's authoritative name servers serve each
 * changed PTR? Each server is asked directly (recursion off), not a cache, and asked again
 * within a bounded wait until all serve the new name or the wait is over.
 */
import pLimit from 'p-limit';
import { reverseNameOf } from '../core/reverse.js';
import { plural } from '../core/text.js';
import type { DnsResolver } from './resolver.js';
import type { AuthoritativeQuerier } from './direct-query.js';

/** One PTR that must be served: the address and its name (trailing dot). */
export interface ServedTarget {
  readonly ipText: string;
  readonly ip: Parameters<typeof reverseNameOf>[0];
  readonly ptr: string;
}

export interface NameServer {
  readonly name: string;
  readonly address: string;
}

export interface LaggingServer {
  readonly server: string;
  readonly address: string;
  readonly zone: string;
  /** Addresses whose PTR this server does not serve yet, with what it answers. */
  readonly addresses: readonly { readonly ip: string; readonly want: string; readonly got: string }[];
}

export interface ServedReport {
  /** Every name server of every zone asked (name@address). */
  readonly servers: readonly string[];
  readonly lagging: readonly LaggingServer[];
  /** Zones whose name servers could not be found (no NS, or no address for any). */
  readonly unresolved: readonly { readonly zone: string; readonly reason: string }[];
  readonly rounds: number;
  readonly targets: number;
}

export interface ServedOptions {
  readonly port?: number;
  /** Total wait, milliseconds (0: one round). */
  readonly waitMs?: number;
  /** Between rounds, milliseconds (default 5000). */
  readonly intervalMs?: number;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly onRound?: (round: number, pending: number) => void;
  /** Questions of one round in flight at once (default 32). */
  readonly concurrency?: number;
}

/** The zone holding `name` (the nearest enclosing name with NS records) and its name servers' addresses, via the resolver. */
async function zoneServersOf(name: string, resolver: DnsResolver): Promise<{ zone: string; servers: NameServer[] } | { zone: string; reason: string }> {
  const labels = name.replace(/\.$/, '').split('.');
  for (let i = 1; i < labels.length - 1; i++) {
    const zone = `${labels.slice(i).join('.')}.`;
    const ns = await resolver.lookup(zone, 'NS');
    if (ns.outcome !== 'answer' || ns.values.length === 0) continue;
    const servers: NameServer[] = [];
    for (const n of ns.values) {
      for (const type of ['A', 'AAAA'] as const) {
        const a = await resolver.lookup(n, type);
        if (a.outcome === 'answer') for (const address of a.values) servers.push({ name: n, address });
      }
    }
    return servers.length > 0 ? { zone, servers } : { zone, reason: `none of its name servers (${ns.values.join(', ')}) has an address` };
  }
  return { zone: name, reason: 'no enclosing zone with NS records was found' };
}

/**
 * Asks every authoritative server of the targets' zones for each target's PTR, again every
 * `intervalMs` for the pairs not served yet, until all are served or `waitMs` has passed.
 * The questions of a round are asked `concurrency` at a time; the report lists servers and
 * addresses in the order of the targets whatever order the answers come in. Pure apart from
 * the resolver, the querier and the clock it is given.
 */
export async function checkServed(targets: readonly ServedTarget[], resolver: DnsResolver, querier: AuthoritativeQuerier, options: ServedOptions = {}): Promise<ServedReport> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const port = options.port ?? 53;
  const deadline = now() + (options.waitMs ?? 0);
  const interval = options.intervalMs ?? 5000;
  const limit = pLimit(Math.max(1, options.concurrency ?? 32));
  // Zone discovery once per reverse zone (names of one /24 share it).
  const zoneCache = new Map<string, Awaited<ReturnType<typeof zoneServersOf>>>();
  const pending: { target: ServedTarget; name: string; zone: string; server: NameServer; got: string }[] = [];
  const unresolved: { zone: string; reason: string }[] = [];
  const servers = new Set<string>();
  for (const t of targets) {
    const name = reverseNameOf(t.ip);
    const parent = name.split('.').slice(1).join('.');
    let z = zoneCache.get(parent);
    if (!z) {
      z = await zoneServersOf(name, resolver);
      zoneCache.set(parent, z);
      if ('reason' in z) unresolved.push(z);
    }
    if ('reason' in z) continue;
    for (const server of z.servers) {
      servers.add(`${server.name}@${server.address}`);
      pending.push({ target: t, name, zone: z.zone, server, got: '(not asked)' });
    }
  }
  let rounds = 0;
  let open = pending;
  for (;;) {
    rounds++;
    // One answer a question, in the order asked (Promise.all keeps it), so the report does not depend on which server answers first.
    const answers = await Promise.all(open.map((p) => limit(() => querier.query(p.server.address, port, p.name, 'PTR'))));
    const still: typeof pending = [];
    for (const [i, p] of open.entries()) {
      const a = answers[i]!;
      const values = a.values ?? [];
      if (a.outcome === 'answer' && a.aa && values.length === 1 && values[0] === p.target.ptr) continue;
      still.push({ ...p, got: a.outcome === 'answer' ? (a.aa ? values.join(', ') : `${values.join(', ')} (not authoritative)`) : a.outcome });
    }
    open = still;
    options.onRound?.(rounds, open.length);
    if (open.length === 0 || now() + interval > deadline) break;
    await sleep(interval);
  }
  const byServer = new Map<string, LaggingServer & { addresses: { ip: string; want: string; got: string }[] }>();
  for (const p of open) {
    const key = `${p.server.name}@${p.server.address}`;
    const l = byServer.get(key) ?? { server: p.server.name, address: p.server.address, zone: p.zone, addresses: [] };
    l.addresses.push({ ip: p.target.ipText, want: p.target.ptr, got: p.got });
    byServer.set(key, l);
  }
  return { servers: [...servers], lagging: [...byServer.values()], unresolved, rounds, targets: targets.length };
}

/** The verdict in one line (the apply summary's): "served by all 2 name servers" or who lags and for which addresses. */
export function servedSummary(r: ServedReport): string {
  if (r.targets === 0) return 'no changed PTRs to verify';
  const parts: string[] = [];
  if (r.lagging.length === 0 && r.unresolved.length === 0) return `${plural(r.targets, 'changed PTR')} served by all ${plural(r.servers.length, 'name server')}`;
  for (const l of r.lagging) parts.push(`${l.server.replace(/\.$/, '')} (${l.address}) does not serve ${l.addresses.map((a) => `${a.ip} → ${a.want.replace(/\.$/, '')} (answers ${a.got})`).join(', ')}`);
  for (const u of r.unresolved) parts.push(`${u.zone}: ${u.reason}`);
  return `not served everywhere after ${plural(r.rounds, 'round')}: ${parts.join('; ')}`;
}
