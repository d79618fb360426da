/**
 * Requested PTR changes → a plan: which block file each address lives in, what it
 * resolves to now, what it will resolve to, and every reason a request is refused.
 * Pure: works on the loaded repository model, touches no file. Describing a change is
 * separate from doing it (apply.ts writes the plan).
 */
import { diag, type Diagnostic, type SourcePos } from '../core/diagnostics.js';
import { normalizeHostname, reverseTargetOf, withoutTrailingDot } from '../core/hostname.js';
import { formatIp, formatPrefix, parseIp, prefixContainsIp, type IpAddress } from '../core/ip.js';
import type { Block, Config, PtrRecord } from '../core/model.js';
import { genericPtrOf } from '../core/generic-names.js';
import { explainDenial } from '../policy/hostname-policy.js';
import { ownerKey } from '../policy/owners.js';
import { ownersOf } from '../policy/ownership.js';
import type { RecordEdit } from './record-edit.js';

/** One requested change: `host` undefined resets the address to its block default. */
export interface PtrRequest {
  readonly ip: string;
  readonly host?: string;
  readonly ttl?: number;
  readonly note?: string;
  /** Where the request came from (a bulk file line), for diagnostics. */
  readonly pos?: SourcePos;
  /** Column of the hostname on that line (diagnostics about the name point there). */
  readonly hostColumn?: number;
}

/** What an address resolves to: its own record, the block's generic name, or nothing. */
export interface PtrValue {
  readonly ptr: string;
  readonly source: 'record' | 'default';
  readonly ttl?: number;
  readonly note?: string;
}

/** added: a record where there was none; changed: another record; reset: the record goes, the default (or nothing) applies. */
export type PlannedKind = 'added' | 'changed' | 'reset';

export interface PlannedChange {
  readonly kind: PlannedKind;
  readonly ip: IpAddress;
  readonly ipText: string;
  /** Repository-relative block file. */
  readonly file: string;
  readonly old?: PtrValue;
  readonly new?: PtrValue;
  readonly edit: RecordEdit;
  readonly pos?: SourcePos;
  /** Things worth telling the user (e.g. "equals the block default"). */
  readonly notes: readonly string[];
}

export interface UnchangedRequest {
  readonly ipText: string;
  readonly file: string;
  readonly current?: PtrValue;
  readonly pos?: SourcePos;
  readonly notes: readonly string[];
}

/** Who is asking: GitHub login and the teams (`org/team`) they belong to. Teams cannot be resolved offline, so they are given. */
export interface Actor {
  readonly user: string;
  readonly teams?: readonly string[];
}

export interface EditPlan {
  readonly changes: PlannedChange[];
  readonly unchanged: UnchangedRequest[];
  /** Refused requests (error) and remarks (warning). */
  readonly diagnostics: Diagnostic[];
  /** Requests refused for a reason other than ownership. */
  readonly invalid: number;
  /** Requests refused because the actor owns neither the block nor the allocation. */
  readonly notYours: number;
}

export interface PlanOptions {
  /** When given, every address must belong to a block or allocation this actor owns. */
  readonly actor?: Actor;
  /** Blocks that failed to load (file → first error), named when an address is in no block. */
  readonly brokenFiles?: ReadonlyMap<string, Diagnostic>;
  /**
   * Records that are in a block file but did not load (an invalid hostname), keyed
   * `file|ip`, with the value as written: `reset` removes them, `set` replaces them.
   */
  readonly invalidRecords?: ReadonlyMap<string, string>;
  /** Allow a reset in a block without `default`, which leaves the address without any PTR. */
  readonly allowDelete?: boolean;
}

interface RepoView {
  readonly blocks: readonly Block[];
  readonly config: Pick<Config, 'deny' | 'ttl'>;
}

/** `maxLength` of a record's `note` in schema/block.schema.json. */
const NOTE_MAX = 500;

/** The most specific block that contains `ip` (blocks may nest when the repository is wrong). */
export function blockOf(blocks: readonly Block[], ip: IpAddress): Block | undefined {
  let best: Block | undefined;
  for (const b of blocks) if (prefixContainsIp(b.prefix, ip) && (!best || b.prefix.length > best.prefix.length)) best = b;
  return best;
}

/**
 * True when `actor` is named in the owners of the allocation holding `ip` or of the block,
 * or nobody is: as in `rdns ci`, an allocation that names owners is theirs even in a block
 * without owners, and a block without any owners is open to anyone with write access.
 */
export function isOwner(actor: Actor, block: Block, ip: IpAddress): boolean {
  // The same rule as `rdns ci` (policy/ownership.ts), with the teams given instead of asked.
  const owners = ownersOf(block, ip);
  if (owners.length === 0) return true;
  const handles = new Set([`@${actor.user}`, ...(actor.teams ?? []).map((t) => `@${t}`)].map(ownerKey));
  return owners.some((o) => handles.has(ownerKey(o)));
}

/** The PTR an address has now in its block. */
export function currentPtr(block: Block, record: PtrRecord | undefined, ip: IpAddress): PtrValue | undefined {
  if (record) return { ptr: record.ptr, source: 'record', ttl: record.ttl, note: record.note };
  const generic = genericPtrOf(block, ip);
  if (generic) return { ptr: generic.ptr, source: 'default' };
  return undefined;
}

/**
 * Plans `requests` against the repository. Requests for the same address are merged
 * when they agree and all refused when they disagree (in whatever notation the address
 * was written). Never throws.
 */
export function planPtrChanges(repo: RepoView, requests: readonly PtrRequest[], options: PlanOptions = {}): EditPlan {
  const diagnostics: Diagnostic[] = [];
  const changes: PlannedChange[] = [];
  const unchanged: UnchangedRequest[] = [];
  let invalid = 0;
  let notYours = 0;
  const recordMaps = new Map<Block, Map<string, PtrRecord>>();
  const recordOf = (b: Block, ipText: string): PtrRecord | undefined => {
    let m = recordMaps.get(b);
    if (!m) {
      m = new Map(b.records.map((r) => [r.ipText, r]));
      recordMaps.set(b, m);
    }
    return m.get(ipText);
  };
  const refuse = (d: Diagnostic): void => {
    diagnostics.push(d);
    invalid++;
  };

  // Pass 1: each request on its own.
  interface Candidate {
    req: PtrRequest;
    ip: IpAddress;
    ipText: string;
    block: Block;
    host?: string;
  }
  const candidates: Candidate[] = [];
  for (const req of requests) {
    const parsed = parseIp(req.ip);
    if (!parsed.ok) {
      refuse(diag('record.ip-invalid', parsed.reason, req.pos, { value: req.ip }));
      continue;
    }
    const ip = parsed.value;
    const ipText = formatIp(ip);
    const block = blockOf(repo.blocks, ip);
    if (!block) {
      const broken = [...(options.brokenFiles ?? new Map<string, Diagnostic>()).entries()];
      const hint = broken.length > 0 ? `; these block files do not load and were not searched: ${broken.map(([f, d]) => `${f} (${d.code} at line ${d.line ?? 1})`).join(', ')}` : '; add a block file for its prefix first';
      // Not the user's to change (no block file of this repository holds it): counted as "not yours", not as invalid.
      diagnostics.push(diag('edit.no-block', `${ipText} is in no block file${hint}`, req.pos, { ip: ipText }));
      notYours++;
      continue;
    }
    if (options.actor && !isOwner(options.actor, block, ip)) {
      diagnostics.push(
        diag('edit.not-owner', `not yours: ${ipText} is in ${formatPrefix(block.prefix)} (${block.file}); @${options.actor.user} is not among its owners (${block.owners.join(', ') || 'none'}) nor those of an allocation holding it`, req.pos, { ip: ipText }),
      );
      notYours++;
      continue;
    }
    // The customer's own name servers serve a delegated allocation's PTRs: a line here would never be
    // published. Only removing such a line (a reset of an address that has one) is allowed.
    const delegation = block.allocations.find((a) => a.delegateTo && a.delegateTo.length > 0 && prefixContainsIp(a.prefix, ip));
    if (delegation && !(req.host === undefined && recordOf(block, ipText))) {
      const account = delegation.account ? ` (${delegation.account})` : '';
      refuse(
        diag('edit.delegated', `${ipText} is inside allocation ${formatPrefix(delegation.prefix)}${account}, delegated to ${delegation.delegateTo!.map(withoutTrailingDot).join(', ')}: its PTR is set on those name servers, not in this repository`, req.pos, {
          ip: ipText,
          value: req.host,
        }),
      );
      continue;
    }
    let host: string | undefined;
    const hostPos = req.pos && req.hostColumn !== undefined ? { ...req.pos, column: req.hostColumn } : req.pos;
    if (req.host !== undefined) {
      const h = normalizeHostname(req.host);
      if (!h.ok) {
        refuse(diag('hostname.invalid', `${ipText}: ${h.reason}`, hostPos, { ip: ipText, value: req.host }));
        continue;
      }
      const reverse = reverseTargetOf(h.value);
      if (reverse) {
        refuse(diag('hostname.reverse-target', `${ipText}: ${reverse.message}`, hostPos, { ip: ipText, value: req.host }));
        continue;
      }
      host = h.value;
    }
    // What the schema refuses must not be written: the block file would stop loading.
    if (req.note !== undefined && req.note.length > NOTE_MAX) {
      refuse(diag('schema.invalid', `${ipText}: the note is ${req.note.length} characters long (at most ${NOTE_MAX})`, req.pos, { ip: ipText, value: `${req.note.slice(0, 40)}…` }));
      continue;
    }
    if (req.ttl !== undefined && !Number.isInteger(req.ttl)) {
      refuse(diag('schema.invalid', `${ipText}: TTL ${req.ttl} is not a whole number of seconds`, req.pos, { ip: ipText, value: String(req.ttl) }));
      continue;
    }
    if (req.ttl !== undefined && (req.ttl < repo.config.ttl.min || req.ttl > repo.config.ttl.max)) {
      refuse(diag('record.ttl', `${ipText}: TTL ${req.ttl} is outside the allowed range ${repo.config.ttl.min}–${repo.config.ttl.max} (policy.ttl in rdns.yaml)`, req.pos, { ip: ipText, value: String(req.ttl) }));
      continue;
    }
    const generic = genericPtrOf(block, ip)?.ptr;
    if (host !== undefined && host !== generic) {
      const denied = explainDenial(host, repo.config);
      if (denied) {
        refuse(diag('hostname.denied', `${ipText}: "${req.host}" is refused by the hostname policy: ${denied}`, hostPos, { ip: ipText, value: req.host }));
        continue;
      }
    }
    candidates.push({ req, ip, ipText, block, host });
  }

  // Pass 2: the same address twice (any notation): merge when equal, refuse all when not.
  const byIp = new Map<string, Candidate[]>();
  for (const c of candidates) {
    const list = byIp.get(c.ipText);
    if (list) list.push(c);
    else byIp.set(c.ipText, [c]);
  }
  for (const [ipText, list] of byIp) {
    const first = list[0]!;
    const same = (a: Candidate, b: Candidate): boolean => a.host === b.host && a.req.ttl === b.req.ttl && a.req.note === b.req.note;
    if (list.some((c) => !same(c, first))) {
      for (const c of list) {
        const others = list.filter((o) => o !== c).map((o) => (o.req.pos ? `line ${o.req.pos.line}` : 'another request'));
        refuse(diag('bulk.duplicate', `${ipText} is asked for ${c.host ? withoutTrailingDot(c.host) : 'default'} here and differently on ${others.join(', ')}; no line for this address is used`, c.req.pos, { ip: ipText, value: c.req.ip }));
      }
      continue;
    }
    const notes = list.length > 1 ? [`repeated on ${list.slice(1).map((c) => (c.req.pos ? `line ${c.req.pos.line}` : 'another request')).join(', ')}`] : [];
    planOne(first, notes);
  }

  function planOne(c: Candidate, notes: string[]): void {
    const { block, ip, ipText, req } = c;
    const record = recordOf(block, ipText);
    const invalid = record ? undefined : options.invalidRecords?.get(`${block.file}|${ipText}`);
    const old: PtrValue | undefined = invalid !== undefined ? { ptr: invalid, source: 'record' } : currentPtr(block, record, ip);
    const generic = genericPtrOf(block, ip)?.ptr;
    let host = c.host;
    if (host !== undefined && host === generic && req.ttl === undefined && req.note === undefined) {
      notes.push(`${withoutTrailingDot(host)} is the block's default name for ${ipText}; no record is needed`);
      host = undefined;
    }
    if (host === undefined) {
      if (!record && invalid === undefined) {
        unchanged.push({ ipText, file: block.file, current: old, pos: req.pos, notes: [...notes, old ? 'already the block default' : 'has no record'] });
        return;
      }
      const now = generic !== undefined ? { ptr: generic, source: 'default' as const } : undefined;
      if (!now && !options.allowDelete) {
        const was = old ? withoutTrailingDot(old.ptr) : 'its record';
        refuse(
          diag('edit.no-default', `${ipText}: block ${formatPrefix(block.prefix)} (${block.file}) has no default, so a reset leaves ${ipText} with no PTR at all (now ${was}); add --delete to remove the PTR, or set another name`, req.pos, { ip: ipText, value: old?.ptr }),
        );
        return;
      }
      changes.push({ kind: 'reset', ip, ipText, file: block.file, old, new: now, edit: { op: 'reset', ip, ipText }, pos: req.pos, notes });
      return;
    }
    if (record && record.ptr === host && (req.ttl === undefined || req.ttl === record.ttl) && (req.note === undefined || req.note === record.note)) {
      unchanged.push({ ipText, file: block.file, current: old, pos: req.pos, notes });
      return;
    }
    const ttl = req.ttl ?? record?.ttl;
    // A note is the ticket of a change: a new name without a note of its own does not inherit the old one.
    const renamed = old?.source === 'record' && old.ptr !== host;
    const dropNote = renamed && req.note === undefined && record?.note !== undefined;
    const note = req.note ?? (renamed ? undefined : record?.note);
    changes.push({
      kind: record || invalid !== undefined ? 'changed' : 'added',
      ip,
      ipText,
      file: block.file,
      old,
      new: { ptr: host, source: 'record', ttl, note },
      edit: { op: 'set', ip, ipText, ptr: withoutTrailingDot(host), ttl: req.ttl, note: req.note, ...(dropNote ? { dropNote } : {}) },
      pos: req.pos,
      notes,
    });
  }

  return { changes, unchanged, diagnostics, invalid, notYours };
}
