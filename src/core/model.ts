/**
 * The domain model: plain data produced by the loader and consumed by every
 * other module (checks, render, diff, editing tools). No behaviour lives here.
 */
import type { IpAddress, IpPrefix } from './ip.js';
import type { SourcePos } from './diagnostics.js';
import type { ZoneBoundaries } from './reverse.js';

/** One PTR assignment from a block file. */
export interface PtrRecord {
  readonly ip: IpAddress;
  /** Canonical text of the IP (RFC 5952 for IPv6). */
  readonly ipText: string;
  /** Normalised target: lower case, punycode, trailing dot. */
  readonly ptr: string;
  readonly ttl?: number;
  readonly note?: string;
  /** Position of the record's key (the IP). */
  readonly pos: SourcePos;
}

export interface Allocation {
  readonly prefix: IpPrefix;
  readonly account?: string;
  readonly description?: string;
  readonly owners: readonly string[];
  /** RFC 2317: name servers of the customer that serve this allocation's PTRs. */
  readonly delegateTo?: readonly string[];
  /** The customer's contact (`hostmaster@acme.example`): the SOA mailbox of the delegated child zone. */
  readonly contact?: { readonly email: string; readonly rname: string };
  /** Generic name template for the allocation's addresses without a record (wins over the block's). */
  readonly default?: string;
  readonly pos: SourcePos;
}

/**
 * A sub-range of a block with its own generic names: every `step`-th address of `prefix`
 * from `offset` (default 0, step 1), `count` of them at most. The most specific template
 * (longest prefix; a pool before an allocation of the same prefix) names an address.
 */
export interface Pool {
  readonly prefix: IpPrefix;
  readonly offset?: bigint;
  readonly step?: bigint;
  readonly count?: bigint;
  readonly default: string;
  readonly description?: string;
  /** Position of the pool's `prefix` value. */
  readonly pos: SourcePos;
}

export type ZoneMode = 'exclusive' | 'per-record';

/** Per-zone Route53 settings: adopt an existing hosted zone, or render one record per PTR. */
export interface ZoneOptions {
  readonly zoneId?: string;
  readonly mode?: ZoneMode;
}

/** Forward zone into which generic names of `default` are also published (A/AAAA). */
export interface ForwardOptions {
  readonly zone: string;
  readonly zoneId?: string;
}

/** One block file: an IP block and its PTRs. */
export interface Block {
  /** Path relative to the repository root, forward slashes. */
  readonly file: string;
  readonly prefix: IpPrefix;
  readonly description?: string;
  readonly owners: readonly string[];
  readonly ttl?: number;
  readonly default?: string;
  /** true: RFC 2317 classless zone; false: share the parent zone; undefined: decided from the repository. */
  readonly classless?: boolean;
  readonly zones: Readonly<Record<string, ZoneOptions>>;
  readonly forward?: ForwardOptions;
  readonly allocations: readonly Allocation[];
  /** Sub-ranges with their own `default` (absent: none). */
  readonly pools?: readonly Pool[];
  /** Sorted by IP. */
  readonly records: readonly PtrRecord[];
  readonly pos: SourcePos;
}

export interface TtlBounds {
  readonly min: number;
  readonly max: number;
}

export interface GuardSettings {
  readonly maxChangedRecords: number;
  readonly maxDeletePercent: number;
  readonly label: string;
}

export type BackendSettings =
  | { readonly type: 'local'; readonly path?: string }
  | {
      readonly type: 's3';
      readonly bucket: string;
      readonly key?: string;
      readonly region?: string;
      readonly dynamodbTable?: string;
      readonly useLockfile: boolean;
      readonly encrypt: boolean;
    };

/** One hostname deny pattern, and which rule it is for messages. */
export interface DenyRule {
  readonly source: string;
  /** What a match suggests, in words (built-in rules). */
  readonly why?: string;
  /** The rule's name for messages: `built-in "dynamic-words"`, `policy.deny[2]`, `policy.deny_extra[0]`. */
  readonly rule?: string;
}

/** An exception to the deny rules (policy.allow): an exact name or a pattern the whole name must match. */
export interface AllowRule {
  /** Normalised name with trailing dot. */
  readonly name?: string;
  /** RE2 source matched against the whole name (without trailing dot), case-insensitively. */
  readonly pattern?: string;
  /** `policy.allow[i]`, for messages. */
  readonly rule: string;
}

/** Repository settings from rdns.yaml, every field filled with its default. */
export interface Config {
  /** Who may change rdns.yaml (and schema/, .github/): GitHub users and teams; empty = only the repository's administrators. */
  readonly owners: readonly string[];
  readonly defaultTtl: number;
  readonly boundaries: ZoneBoundaries;
  readonly maxRecordsPerZone: number;
  /** A block that renders more reverse zones than this gets a warning (each is a hosted zone to create and pay for). */
  readonly maxZonesPerBlock: number;
  readonly maxFileBytes: number;
  readonly ttl: TtlBounds;
  /**
   * Deny patterns for hostnames: RE2 syntax, case-insensitive, run in linear time
   * (policy/linear-pattern.ts). Plain data, so a Config crosses to worker threads.
   */
  readonly deny: readonly DenyRule[];
  /** Exceptions to `deny` (policy.allow): exact names and whole-name patterns. */
  readonly allow: readonly AllowRule[];
  /** The routed prefixes that coverage must account for (`routed:`), as written, with their place in rdns.yaml. */
  readonly routed: readonly { readonly prefix: string; readonly pos: SourcePos }[];
  readonly guards: GuardSettings;
  readonly bulkMaxLines: number;
  readonly region: string;
  readonly providerVersion: string;
  /** A Route53-compatible API to use instead of AWS (an emulator); the provider then skips credential checks. */
  readonly endpoint?: string;
  readonly zones: Readonly<Record<string, ZoneOptions>>;
  readonly backend: BackendSettings;
  readonly githubApiUrl?: string;
  /** Team membership without GitHub (`teams:`): `org/team` (lower case) → member logins (lower case, no @). */
  readonly teams: TeamMembers;
}

/** `org/team` (lower case, no @) → its members' logins (lower case, no @). */
export type TeamMembers = Readonly<Record<string, readonly string[]>>;

/** Normalises a `teams:` mapping as written (`@Org/Team: ["@Alice"]`) to {@link TeamMembers}. */
export function teamMembersOf(raw: Readonly<Record<string, readonly string[]>> | undefined): TeamMembers {
  const out: Record<string, string[]> = {};
  for (const [team, members] of Object.entries(raw ?? {})) {
    const key = team.replace(/^@/, '').toLowerCase();
    out[key] = [...new Set([...(out[key] ?? []), ...(members ?? []).map((m) => m.replace(/^@/, '').toLowerCase())])];
  }
  return out;
}
