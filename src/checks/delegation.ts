/**
 * Is a reverse zone delegated, and delegated well? The parent zone's servers must refer
 * the zone to name servers (the NS set "as seen from the parent"); each of those must
 * have an address and answer authoritatively; the zone's own NS set must equal the
 * parent's; and with `delegate_to` the servers must be the ones git names.
 *
 * The parent's view needs questions with recursion off to the parent's own servers
 * (an {@link AuthoritativeQuerier}); without one, or when those servers cannot be
 * reached, the check falls back to what the resolver shows (SOA and NS at the apex).
 */
import { diag, type Diagnostic, type SourcePos } from '../core/diagnostics.js';
import { withoutTrailingDot } from '../core/hostname.js';
import type { AuthoritativeQuerier, DirectAnswer } from './direct-query.js';
import type { DnsResolver } from './resolver.js';

export type DelegationStatus = 'ok' | 'missing' | 'lame' | 'mismatch' | 'unverifiable';

export interface ZoneDelegation {
  readonly zone: string;
  readonly file: string;
  readonly status: DelegationStatus;
  /** The NS set as seen from the parent (or through the resolver when the parent could not be asked). */
  readonly ns: readonly string[];
  /** The parent zone whose servers were asked, when they were. */
  readonly parent?: string;
  /** The NS set the zone's own servers give. */
  readonly childNs?: readonly string[];
  /** Name servers git expects (`delegate_to`), when it says. */
  readonly expected?: readonly string[];
  readonly detail?: string;
  /** `resolver`: the parent zone's servers could not be asked; the verdict rests on what the resolver shows. */
  readonly basis?: 'parent' | 'resolver';
}

export interface ZoneProbe {
  readonly zone: string;
  readonly file: string;
  readonly pos: SourcePos;
  readonly expected?: readonly string[];
}

/** Direct questions to authoritative servers, on `port` (53 in the real world). */
export interface DirectOptions {
  readonly querier: AuthoritativeQuerier;
  readonly port: number;
}

type Checked = ZoneDelegation & { diagnostics: Diagnostic[] };

/** What to do about a missing delegation: a zone of ours is registered with the RIR; an RFC 2317 child zone is delegated by our parent zone. */
const registerHint = (z: ZoneProbe): string =>
  z.expected
    ? '; the NS records for it are rendered from delegate_to: apply the parent zone\'s stack'
    : "; register the zone's name servers (the stack output name_servers_<prefix> of rdns synth, or the hosted zone's NS set) with your RIR (a RIPE/ARIN/APNIC domain object for the reverse zone), then the parent delegates it";

const show = (names: readonly string[]): string => (names.length > 0 ? names.map(withoutTrailingDot).join(', ') : '(none)');
const sameSet = (a: readonly string[], b: readonly string[]): boolean => [...a].sort().join(' ') === [...b].sort().join(' ');

/** Checks one zone; never throws. */
export async function checkDelegation(z: ZoneProbe, resolver: DnsResolver, direct?: DirectOptions): Promise<Checked> {
  if (direct) {
    const viaParent = await checkFromParent(z, resolver, direct);
    if (viaParent) return viaParent;
  }
  return checkThroughResolver(z, resolver);
}

async function addressesOf(resolver: DnsResolver, name: string): Promise<{ addresses: string[]; missing: boolean }> {
  const [a, aaaa] = await Promise.all([resolver.lookup(name, 'A'), resolver.lookup(name, 'AAAA')]);
  const addresses = [...a.values, ...aaaa.values];
  const missing = addresses.length === 0 && [a, aaaa].every((x) => x.outcome === 'nxdomain' || x.outcome === 'nodata');
  return { addresses, missing };
}

/** The closest enclosing zone apex above `zone` (an SOA through the resolver), at most 16 levels up. */
async function parentApexOf(zone: string, resolver: DnsResolver): Promise<string | undefined> {
  const labels = withoutTrailingDot(zone).split('.');
  for (let i = 1; i < labels.length && i <= 16; i++) {
    const candidate = `${labels.slice(i).join('.')}.`;
    const soa = await resolver.lookup(candidate, 'SOA');
    if (soa.outcome === 'answer') return candidate;
    if (soa.outcome !== 'nodata' && soa.outcome !== 'nxdomain') return undefined;
  }
  return undefined;
}

/** The parent's servers' answer for `zone NS` (first server that answers), or undefined. */
async function askParent(parent: string, zone: string, resolver: DnsResolver, direct: DirectOptions): Promise<DirectAnswer | undefined> {
  const ns = await resolver.lookup(parent, 'NS');
  for (const name of ns.values) {
    for (const address of (await addressesOf(resolver, name)).addresses) {
      const a = await direct.querier.query(address, direct.port, zone, 'NS');
      if (a.outcome === 'referral' || a.outcome === 'nxdomain' || ((a.outcome === 'answer' || a.outcome === 'nodata') && a.aa)) return a;
    }
  }
  return undefined;
}

async function checkFromParent(z: ZoneProbe, resolver: DnsResolver, direct: DirectOptions): Promise<Checked | undefined> {
  const zoneText = withoutTrailingDot(z.zone);
  const parent = await parentApexOf(z.zone, resolver);
  if (!parent) return undefined;
  const fromParent = await askParent(parent, z.zone, resolver, direct);
  if (!fromParent) return undefined;
  const parentText = withoutTrailingDot(parent);
  const base = { zone: z.zone, file: z.file, parent, ...(z.expected ? { expected: z.expected } : {}) };
  if (fromParent.outcome === 'nxdomain' || fromParent.ns.length === 0) {
    const why = `the parent zone ${parentText} has no NS records for ${zoneText} (its server answers ${fromParent.outcome.toUpperCase()}): the zone is not delegated`;
    return { ...base, ns: [], status: 'missing', basis: 'parent', detail: why, diagnostics: [diag('delegation.missing', `reverse zone ${zoneText}: ${why}${registerHint(z)}`, z.pos, { value: zoneText })] };
  }
  const parentNs = fromParent.ns;
  const diagnostics: Diagnostic[] = [];
  const problems: string[] = [];
  let status: DelegationStatus = 'ok';
  const childSets: string[][] = [];
  /** Name servers none of whose addresses could be asked from this host (no route). */
  const unasked: string[] = [];
  for (const name of parentNs) {
    const { addresses, missing } = await addressesOf(resolver, name);
    if (missing) {
      status = 'lame';
      problems.push(`${withoutTrailingDot(name)} has no address`);
      diagnostics.push(diag('delegation.lame', `reverse zone ${zoneText}: name server ${withoutTrailingDot(name)} has no A/AAAA record, so resolvers cannot reach it`, z.pos, { value: withoutTrailingDot(name) }));
      continue;
    }
    const notSent: string[] = [];
    for (const address of addresses) {
      const own = await direct.querier.query(address, direct.port, z.zone, 'NS');
      if (own.outcome === 'answer' && own.aa) {
        childSets.push([...own.ns]);
        continue;
      }
      // Our own network cannot reach that address (IPv6 on a runner without it): no verdict on the server.
      if (own.outcome === 'network') {
        notSent.push(`${address}: ${own.detail ?? 'cannot send'}`);
        continue;
      }
      status = 'lame';
      const how = own.outcome === 'answer' || own.outcome === 'referral' ? 'answers without authority' : own.outcome === 'timeout' ? 'does not answer' : `answers ${own.outcome.toUpperCase()}`;
      problems.push(`${withoutTrailingDot(name)} (${address}) ${how}`);
      diagnostics.push(diag('delegation.lame', `reverse zone ${zoneText}: name server ${withoutTrailingDot(name)} (${address}) ${how} for the zone (lame delegation)`, z.pos, { value: withoutTrailingDot(name) }));
    }
    if (notSent.length === addresses.length) {
      unasked.push(name);
      problems.push(`${withoutTrailingDot(name)} could not be asked from here`);
      diagnostics.push(
        diag('delegation.unverifiable', `reverse zone ${zoneText}: name server ${withoutTrailingDot(name)} could not be asked from this host (${notSent.join('; ')}); whether it serves the zone is not verified`, z.pos, { value: withoutTrailingDot(name) }),
      );
    }
  }
  if (status === 'ok' && unasked.length === parentNs.length) status = 'unverifiable';
  const childNs = [...new Set(childSets.flat())].sort();
  if (childSets.length > 0 && !sameSet(childNs, parentNs)) {
    if (status === 'ok') status = 'mismatch';
    problems.push(`the parent lists ${show(parentNs)}, the zone itself ${show(childNs)}`);
    diagnostics.push(diag('delegation.mismatch', `reverse zone ${zoneText}: the parent zone ${parentText} delegates it to ${show(parentNs)}, but the zone's own NS set is ${show(childNs)}`, z.pos, { value: zoneText }));
  }
  if (expectedCheck(z, parentNs, problems, diagnostics) && status === 'ok') status = 'mismatch';
  return { ...base, ns: parentNs, childNs, status, basis: 'parent', ...(problems.length > 0 ? { detail: problems.join('; ') } : {}), diagnostics };
}

/** `delegate_to` against the NS set; true when they differ. */
function expectedCheck(z: ZoneProbe, ns: readonly string[], problems: string[], diagnostics: Diagnostic[]): boolean {
  if (!z.expected || sameSet(z.expected, ns)) return false;
  const zoneText = withoutTrailingDot(z.zone);
  problems.push(`NS ${show(ns)} instead of ${show(z.expected)}`);
  diagnostics.push(diag('delegation.mismatch', `reverse zone ${zoneText} is delegated to ${show(ns)}, but delegate_to says ${show(z.expected)}`, z.pos, { value: zoneText }));
  return true;
}

/** What a stub resolver can tell: an SOA and NS set at the apex, name servers with addresses. */
async function checkThroughResolver(z: ZoneProbe, resolver: DnsResolver): Promise<Checked> {
  const zoneText = withoutTrailingDot(z.zone);
  const [soa, ns] = await Promise.all([resolver.lookup(z.zone, 'SOA'), resolver.lookup(z.zone, 'NS')]);
  const base = { zone: z.zone, file: z.file, ns: ns.values, basis: 'resolver' as const, ...(z.expected ? { expected: z.expected } : {}) };
  const result = (status: DelegationStatus, detail: string | undefined, diagnostics: Diagnostic[]): Checked => ({ ...base, status, ...(detail ? { detail } : {}), diagnostics });
  // Missing only on evidence (NXDOMAIN, or no SOA/NS at the name); a lost or refused NS question proves nothing.
  if (soa.outcome === 'nxdomain' || soa.outcome === 'nodata' || (soa.outcome === 'answer' && (ns.outcome === 'nxdomain' || ns.outcome === 'nodata'))) {
    const why =
      soa.outcome === 'nxdomain'
        ? `${zoneText} does not exist in DNS (NXDOMAIN): the parent zone has no delegation (NS records) for it`
        : `${zoneText} is not a zone apex in DNS (no SOA/NS there): the parent zone has no delegation for it`;
    return result('missing', why, [diag('delegation.missing', `reverse zone ${why}${registerHint(z)}`, z.pos, { value: zoneText })]);
  }
  if (soa.outcome === 'servfail' || ns.outcome === 'servfail') {
    const why = `the resolver answers SERVFAIL for ${zoneText}: its delegated name servers do not answer for it (lame delegation) or the zone does not load`;
    return result('lame', why, [diag('delegation.lame', `reverse zone ${why}`, z.pos, { value: zoneText })]);
  }
  if (soa.outcome !== 'answer' || ns.outcome !== 'answer') {
    const what = soa.outcome !== 'answer' ? `SOA ${soa.outcome}` : `NS ${ns.outcome}`;
    return result('unverifiable', `no usable answer for ${zoneText} (${what})`, [diag('delegation.unverifiable', `reverse zone ${zoneText}: delegation not verifiable (${what})`, z.pos, { value: zoneText })]);
  }
  const diagnostics: Diagnostic[] = [];
  const problems: string[] = [];
  let status: DelegationStatus = 'ok';
  for (const n of ns.values) {
    if (!(await addressesOf(resolver, n)).missing) continue;
    status = 'lame';
    problems.push(`name server ${withoutTrailingDot(n)} has no address`);
    diagnostics.push(diag('delegation.lame', `reverse zone ${zoneText}: name server ${withoutTrailingDot(n)} has no A/AAAA record, so resolvers cannot reach it`, z.pos, { value: withoutTrailingDot(n) }));
  }
  if (expectedCheck(z, ns.values, problems, diagnostics) && status === 'ok') status = 'mismatch';
  return result(status, problems.length > 0 ? problems.join('; ') : undefined, diagnostics);
}
