/**
 * `rdns show IP` as a library function (the portal's "what does this address have"):
 * the address's PTR and where it comes from — its own record, the block's `default`, a
 * delegated allocation (the customer's name servers answer), or nothing — with its block,
 * allocation, owners and TTL. Pure: works on the loaded repository; the last change
 * comes from git (see `ptrHistory`).
 */
import { withoutTrailingDot } from '../core/hostname.js';
import { formatIp, formatPrefix, prefixContainsIp, type IpAddress } from '../core/ip.js';
import type { Block, Config } from '../core/model.js';
import { describeRange, genericPtrOf, type NamingKind } from '../core/generic-names.js';
import { printable } from '../core/text.js';
import { ownersOf } from '../policy/ownership.js';
import { blockOf } from './plan.js';

export type AddressSource = 'record' | 'default' | 'delegated' | 'none';

export interface AddressInfo {
  readonly ip: string;
  /** Fully qualified, trailing dot; absent for `delegated` and `none`. */
  readonly ptr?: string;
  readonly source: AddressSource;
  readonly ttl?: number;
  readonly note?: string;
  /**
   * For `default`: the range whose template names the address (a pool, an allocation or
   * the block; the most specific wins), as export and synth publish it.
   */
  readonly generic?: { readonly kind: NamingKind; readonly range: string; readonly template: string };
  /** Where the record (or, for `default`, the pool, allocation or block that names it) is written. */
  readonly file?: string;
  readonly line?: number;
  readonly block?: { readonly prefix: string; readonly file: string; readonly description?: string; readonly owners: readonly string[] };
  readonly allocation?: { readonly prefix: string; readonly account?: string; readonly owners: readonly string[]; readonly delegateTo?: readonly string[] };
  /** Who may change this address (allocation owners, else block owners; empty: anyone with write access). */
  readonly owners: readonly string[];
}

/** What `ip` has in the repository. An address in no block has source `none` and no block. */
export function showAddress(repo: { readonly blocks: readonly Block[]; readonly config: Pick<Config, 'defaultTtl'> }, ip: IpAddress): AddressInfo {
  const ipText = formatIp(ip);
  const block = blockOf(repo.blocks, ip);
  if (!block) return { ip: ipText, source: 'none', owners: [] };
  const alloc = block.allocations.filter((a) => prefixContainsIp(a.prefix, ip)).sort((a, b) => b.prefix.length - a.prefix.length)[0];
  const base = {
    ip: ipText,
    block: { prefix: formatPrefix(block.prefix), file: block.file, ...(block.description ? { description: block.description } : {}), owners: block.owners },
    ...(alloc
      ? { allocation: { prefix: formatPrefix(alloc.prefix), ...(alloc.account ? { account: alloc.account } : {}), owners: alloc.owners, ...(alloc.delegateTo ? { delegateTo: alloc.delegateTo } : {}) } }
      : {}),
    owners: ownersOf(block, ip),
  };
  if (alloc?.delegateTo && alloc.delegateTo.length > 0) return { ...base, source: 'delegated' };
  const record = block.records.find((r) => r.ip.value === ip.value && r.ip.version === ip.version);
  const ttl = record?.ttl ?? block.ttl ?? repo.config.defaultTtl;
  if (record) return { ...base, ptr: record.ptr, source: 'record', ttl, ...(record.note ? { note: record.note } : {}), file: block.file, line: record.pos.line };
  // The one generic-name model (core/generic-names.ts) that export, synth, diff and history use.
  const generic = genericPtrOf(block, ip);
  if (generic) {
    const { range } = generic;
    return { ...base, ptr: generic.ptr, source: 'default', ttl, generic: { kind: range.kind, range: describeRange(range), template: range.template }, file: block.file, line: range.pos?.line };
  }
  return { ...base, source: 'none', file: block.file };
}

/** The text form: one `key  value` line each, for people. */
export function addressLines(a: AddressInfo): string[] {
  const out: string[] = [];
  const ptr =
    a.source === 'record' || a.source === 'default'
      ? `${withoutTrailingDot(a.ptr!)}${a.source === 'default' ? ` (the ${a.generic?.kind ?? 'block'} default)` : ''}`
      : a.source === 'delegated'
        ? `delegated: the customer's name servers answer (${(a.allocation?.delegateTo ?? []).map(withoutTrailingDot).join(', ')})`
        : a.block
          ? '(no PTR: no record, and no default of the block, an allocation or a pool names it)'
          : '(no PTR: the address is in no block file of this repository)';
  out.push(`${a.ip}  ${ptr}`);
  if (a.ttl !== undefined && a.ptr) out.push(`  ttl         ${a.ttl}`);
  if (a.note) out.push(`  note        ${printable(a.note)}`);
  if (a.file) out.push(`  source      ${a.source === 'record' ? 'record' : a.source === 'default' ? `default of ${a.generic?.range ?? 'the block'}` : a.source === 'delegated' ? 'delegated allocation' : 'none'} in ${printable(a.file)}${a.line ? `:${a.line}` : ''}`);
  if (a.block) out.push(`  block       ${a.block.prefix}${a.block.description ? ` (${printable(a.block.description)})` : ''}`);
  if (a.allocation) out.push(`  allocation  ${a.allocation.prefix}${a.allocation.account ? ` account ${printable(a.allocation.account)}` : ''}`);
  if (a.block) out.push(`  owners      ${a.owners.length > 0 ? a.owners.join(', ') : 'none named: anyone with write access to the repository'}`);
  return out;
}
