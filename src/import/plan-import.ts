/**
 * Imported PTRs → changes to the repository: new block files for zones that no block
 * covers, record edits (through the same planner and line editor as `rdns set`) for
 * existing blocks, a proposed `default` template where most names are generic, and a
 * conflict report wherever the zone disagrees with what a block file already says.
 * Nothing that disagrees is overwritten unless `overwrite` is set.
 */
import { diag, type Diagnostic } from '../core/diagnostics.js';
import { withoutTrailingDot } from '../core/hostname.js';
import { compareIp, comparePrefix, formatPrefix, prefixContainsIp, prefixesOverlap, sizeOf, type IpPrefix } from '../core/ip.js';
import type { Block, Config } from '../core/model.js';
import { checkTemplate } from '../core/template.js';
import { genericPtrOf, namedRange, namedRangesOf, type NamedRange } from '../core/generic-names.js';
import { explainDenial } from '../policy/hostname-policy.js';
import { blockOf, planPtrChanges, type PlannedChange, type PtrRequest, type UnchangedRequest } from '../edit/plan.js';
import { yamlScalar, type TopLevelEdit } from '../edit/record-edit.js';
import { detectGenericTemplate, detectPools, type GenericProposal, type PoolProposal } from './generic.js';
import { describeZone, type ImportedPtr, type ImportedZone } from './reverse-ptrs.js';

export interface NewBlockFile {
  readonly file: string;
  readonly prefix: IpPrefix;
  readonly zone: string;
  readonly text: string;
  readonly records: number;
  readonly generic?: GenericProposal;
  readonly pools: readonly PoolProposal[];
}

/** What became of the imported PTRs. */
export interface ImportCounts {
  /** Carried by git after the import: as records or as names of a template. */
  readonly imported: number;
  /** Of those, given by a template (block default, pool, allocation). */
  readonly asTemplate: number;
  /** Neither a record nor a template can carry them (import.refused). */
  readonly refused: number;
}

export interface ImportPlan {
  readonly newFiles: NewBlockFile[];
  readonly changes: PlannedChange[];
  readonly unchanged: UnchangedRequest[];
  /** `default:` to add to existing block files. */
  readonly topLevel: Map<string, TopLevelEdit[]>;
  readonly diagnostics: Diagnostic[];
  /** One line per zone and block for people. */
  readonly notes: string[];
  readonly conflicts: number;
  readonly counts: ImportCounts;
}

export interface ImportOptions {
  /** Refused PTRs are warnings, not errors: the loss is accepted. */
  readonly skipRefused?: boolean;
  readonly overwrite?: boolean;
  /** Owners written into new block files. */
  readonly owners?: readonly string[];
  /** Where the data came from, for the new files' header comment. */
  readonly sourceLabel: string;
  /** Block file names already taken (repository-relative). */
  readonly existingFiles: ReadonlySet<string>;
}

/** `198.51.100.0/24` → `zones/198.51.100.0_24.yaml`, `2001:db8:100::/48` → `zones/2001-db8-100--_48.yaml`. */
export function blockFileName(prefix: IpPrefix, taken: ReadonlySet<string>): string {
  const base = formatPrefix(prefix).replace(/:/g, '-').replace('/', '_');
  let name = `zones/${base}.yaml`;
  for (let i = 2; taken.has(name); i++) name = `zones/${base}-${i}.yaml`;
  return name;
}

/** `pools:` entries for the proposals, in address order (indented as under a top-level key). */
export function poolLines(pools: readonly PoolProposal[]): string[] {
  const out: string[] = [];
  const sorted = [...pools].sort((a, b) => comparePrefix(a.prefix, b.prefix) || Number((a.offset ?? 0n) - (b.offset ?? 0n)));
  for (const p of sorted) {
    out.push(`  - prefix: ${formatPrefix(p.prefix)}`);
    if (p.offset !== undefined) out.push(`    offset: ${p.offset}`);
    if (p.step !== undefined) out.push(`    step: ${p.step}`);
    if (p.count !== undefined) out.push(`    count: ${p.count}`);
    out.push(`    default: ${yamlScalar(p.template)}`);
  }
  return out;
}

function newBlockText(prefix: IpPrefix, zone: string, ptrs: readonly ImportedPtr[], generic: GenericProposal | undefined, pools: readonly PoolProposal[], options: ImportOptions, config: Pick<Config, 'defaultTtl'>): string {
  const lines = [
    '# yaml-language-server: $schema=../schema/block.schema.json',
    `# Imported by rdns import from ${options.sourceLabel.replace(/[\r\n]/g, ' ')} (zone ${zone}).`,
    `prefix: ${formatPrefix(prefix)}`,
    `description: ${yamlScalar(`Imported from ${zone.replace(/\.$/, '')}`)}`,
  ];
  // Imported from an RFC 2317 zone: the /24 is someone else's, so the block keeps its own classless zone.
  if (prefix.version === 4 && prefix.length > 24) lines.push('classless: true');
  if (options.owners && options.owners.length > 0) lines.push(`owners: [${options.owners.map((o) => JSON.stringify(o)).join(', ')}]`);
  // The zone's most common TTL becomes the block TTL when it is not the repository default.
  const ttls = new Map<number, number>();
  for (const p of ptrs) ttls.set(p.ttl, (ttls.get(p.ttl) ?? 0) + 1);
  const common = [...ttls].sort((a, b) => b[1] - a[1])[0]?.[0];
  if (common !== undefined && common !== config.defaultTtl) lines.push(`ttl: ${common}`);
  if (generic) lines.push(`default: ${yamlScalar(generic.template)}`);
  if (pools.length > 0) lines.push('pools:', ...poolLines(pools));
  const pooled = (ip: string): boolean => pools.some((p) => p.matches.has(ip));
  // A TTL of their own is kept as a record: templates share the block's TTL.
  const own = ptrs.filter((p) => !generic?.matches.has(p.ipText) && !pooled(p.ipText)).sort((a, b) => compareIp(a.ip, b.ip));
  if (own.length === 0) lines.push('records: {}');
  else {
    lines.push('records:');
    for (const p of own) {
      const host = yamlScalar(withoutTrailingDot(p.ptr));
      if (common !== undefined && p.ttl !== common) lines.push(`  ${p.ipText}:`, `    ptr: ${host}`, `    ttl: ${p.ttl}`);
      else lines.push(`  ${p.ipText}: ${host}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/**
 * TTLs outside `policy.ttl` would make the written block file fail `rdns validate` (and
 * refuse the PTR in an existing block): the PTR is imported with the nearest allowed TTL,
 * one warning per TTL value.
 */
function withAllowedTtls(ptrs: readonly ImportedPtr[], config: Pick<Config, 'ttl'>, out: Diagnostic[]): ImportedPtr[] {
  const { min, max } = config.ttl;
  const clamped = new Map<number, { count: number; first: ImportedPtr; to: number }>();
  const result = ptrs.map((p) => {
    if (p.ttl >= min && p.ttl <= max) return p;
    const to = p.ttl < min ? min : max;
    const c = clamped.get(p.ttl);
    if (c) c.count++;
    else clamped.set(p.ttl, { count: 1, first: p, to });
    return { ...p, ttl: to };
  });
  for (const [ttl, { count, first, to }] of clamped) {
    out.push(
      diag('import.ttl', `${count} PTR${count === 1 ? ' has' : 's have'} TTL ${ttl} (e.g. ${first.ipText}), outside policy.ttl ${min}–${max} in rdns.yaml; imported with TTL ${to}`, { file: first.source.file, line: first.source.line, column: 1 }, { ip: first.ipText, value: String(ttl) }),
    );
  }
  return result;
}

/** Plans the import of `ptrs` (grouped by `zones`) into the repository `blocks`. Pure. */
export function planImport(repo: { blocks: readonly Block[]; config: Config }, zones: readonly ImportedZone[], zonePtrs: readonly ImportedPtr[], options: ImportOptions): ImportPlan {
  const diagnostics: Diagnostic[] = [];
  const ptrs = withAllowedTtls(zonePtrs, repo.config, diagnostics);
  const notes: string[] = [];
  const newFiles: NewBlockFile[] = [];
  const topLevel = new Map<string, TopLevelEdit[]>();
  const taken = new Set(options.existingFiles);
  const requests: PtrRequest[] = [];
  let conflicts = 0;
  // A default names every address of the block: only where that stays within the per-zone record quota.
  const defaultFits = (p: IpPrefix): boolean => sizeOf(p) <= BigInt(repo.config.maxRecordsPerZone);

  // Addresses in existing blocks, and the rest grouped by the most specific zone that holds them.
  const inBlock = new Map<Block, ImportedPtr[]>();
  const orphans = new Map<ImportedZone | undefined, ImportedPtr[]>();
  const zoneOf = (p: ImportedPtr): ImportedZone | undefined => {
    let best: ImportedZone | undefined;
    for (const z of zones) if (z.prefix && prefixContainsIp(z.prefix, p.ip) && (!best || z.prefix.length > best.prefix!.length)) best = z;
    return best;
  };
  for (const p of ptrs) {
    const b = blockOf(repo.blocks, p.ip);
    const map = b ? inBlock : orphans;
    const key = b ?? zoneOf(p);
    const list = (map as Map<unknown, ImportedPtr[]>).get(key);
    if (list) list.push(p);
    else (map as Map<unknown, ImportedPtr[]>).set(key, [p]);
  }

  // A template that encodes only the host part (`host-{host}.…`) may serve one block only
  // (template.collision): the zones may name two blocks alike, but a default cannot.
  const hostOnly = new Map<string, string>();
  // Every template range of the repository and of the new proposals: a new pool must not give their names.
  const hostOnlyRanges: NamedRange[] = repo.blocks.flatMap((b) => [...namedRangesOf(b)]);
  for (const b of repo.blocks) {
    const c = b.default ? checkTemplate(b.default, b.prefix) : undefined;
    if (b.default && c?.ok && !c.coversNetwork) hostOnly.set(b.default.toLowerCase(), b.file);
  }
  const unshared = (found: GenericProposal | undefined, prefix: IpPrefix, file: string): GenericProposal | undefined => {
    if (!found) return undefined;
    const c = checkTemplate(found.template, prefix);
    if (!c.ok) return undefined;
    if (c.coversNetwork) return found;
    const other = hostOnly.get(found.template.toLowerCase());
    if (other !== undefined && other !== file) {
      notes.push(`${file}: default "${found.template}" is not proposed: it encodes only the host part and ${other} has it already; those PTRs stay records`);
      return undefined;
    }
    hostOnly.set(found.template.toLowerCase(), file);
    return found;
  };

  // Most specific zones first: an RFC 2317 child gets its block before its parent /24 is considered.
  const created: { prefix: IpPrefix; file: string }[] = [];
  const orphanZones = [...orphans].sort(([a], [b]) => (b?.prefix?.length ?? -1) - (a?.prefix?.length ?? -1));
  let asTemplate = 0;
  let refused = 0;
  const refuse = (p: ImportedPtr, why: string): void => {
    refused++;
    const d = diag('import.refused', `${p.ipText}: ${withoutTrailingDot(p.ptr)} ${why}, and no template of the block gives this name; not imported${options.skipRefused ? ' (--skip-refused)' : ''}`, { file: p.source.file, line: p.source.line, column: 1 }, { ip: p.ipText, value: p.ptr });
    diagnostics.push(options.skipRefused ? { ...d, severity: 'warning' } : d);
  };
  // Templates share the block's TTL: only PTRs with that TTL can become template names.
  const commonTtl = (list: readonly ImportedPtr[], fallback: number): number => {
    const ttls = new Map<number, number>();
    for (const p of list) ttls.set(p.ttl, (ttls.get(p.ttl) ?? 0) + 1);
    return [...ttls].sort((x, y) => y[1] - x[1])[0]?.[0] ?? fallback;
  };
  // A block default names every address: proposed only when the zone names every address of the block.
  const wholeBlock = (list: readonly ImportedPtr[], prefix: IpPrefix): boolean => BigInt(list.length) === sizeOf(prefix);
  const safePool = (p: PoolProposal): boolean => [p.offset, p.step, p.count].every((n) => n === undefined || n <= BigInt(Number.MAX_SAFE_INTEGER));

  for (const [zone, list] of orphanZones) {
    const overlapping = zone?.prefix ? [...repo.blocks, ...created].filter((b) => prefixesOverlap(b.prefix, zone.prefix!)) : [];
    if (!zone?.prefix || overlapping.length > 0) {
      const why = !zone?.prefix ? 'the zone name does not say which block they belong to' : `zone ${describeZone(zone)} overlaps ${overlapping.map((b) => b.file).join(', ')}, so no new block is created`;
      const first = list[0]!;
      diagnostics.push(
        diag('import.no-block', `${list.length} PTR${list.length === 1 ? '' : 's'} (${list.slice(0, 3).map((p) => p.ipText).join(', ')}${list.length > 3 ? ', …' : ''}) ${list.length === 1 ? 'is' : 'are'} in no block and ${why}; create the block file first`, { file: first.source.file, line: first.source.line, column: 1 }, { ip: first.ipText }),
      );
      continue;
    }
    const prefix = zone.prefix;
    const file = blockFileName(prefix, taken);
    const ttl = commonTtl(list, repo.config.defaultTtl);
    const sameTtl = list.filter((p) => p.ttl === ttl);
    const generic = unshared(defaultFits(prefix) && wholeBlock(list, prefix) ? detectGenericTemplate(sameTtl, prefix) : undefined, prefix, file);
    const takenRanges: NamedRange[] = generic ? [namedRange('block', generic.template, { prefix }, { file, line: 1, column: 1 })] : [];
    const pools = detectPools(sameTtl.filter((p) => !generic?.matches.has(p.ipText)), prefix, [...takenRanges, ...hostOnlyRanges]).filter(safePool);
    for (const pool of pools) hostOnlyRanges.push(namedRange('pool', pool.template, pool, { file, line: 1, column: 1 }));
    const pooled = new Set(pools.flatMap((x) => [...x.matches]));
    const kept: ImportedPtr[] = [];
    for (const p of list) {
      if (generic?.matches.has(p.ipText) || pooled.has(p.ipText)) {
        kept.push(p);
        asTemplate++;
        continue;
      }
      const denied = explainDenial(p.ptr, repo.config);
      if (denied) {
        refuse(p, `is refused by the hostname policy (${denied})`);
        continue;
      }
      kept.push(p);
    }
    taken.add(file);
    created.push({ prefix, file });
    const text = newBlockText(prefix, zone.name, kept, generic, pools, options, repo.config);
    const templated = (generic?.matches.size ?? 0) + pooled.size;
    const records = kept.length - templated;
    newFiles.push({ file, prefix, zone: zone.name, text, records, generic, pools });
    const how = [generic ? `default "${generic.template}" gives ${generic.matches.size}` : '', pools.length > 0 ? `${pools.length} pool${pools.length === 1 ? '' : 's'} give ${pooled.size}` : ''].filter(Boolean).join(', ');
    notes.push(`${file} (new): ${formatPrefix(prefix)} from ${zone.name}, ${kept.length} PTR${kept.length === 1 ? '' : 's'}${how ? `; ${how} of them, ${records} records` : `, ${records} records`}`);
  }

  for (const [block, list] of inBlock) {
    const blockTtl = block.ttl ?? repo.config.defaultTtl;
    const found = defaultFits(block.prefix) && wholeBlock(list, block.prefix) ? detectGenericTemplate(list, block.prefix) : undefined;
    const generic = block.default ? found : unshared(found, block.prefix, block.file);
    if (generic && !block.default) {
      topLevel.set(block.file, [{ key: 'default', value: generic.template }]);
      notes.push(`${block.file}: most names are generic; proposes default "${generic.template}" (gives ${generic.matches.size} of the ${list.length} imported PTRs)`);
    } else if (generic && block.default && generic.template !== block.default) {
      conflicts++;
      diagnostics.push(diag('import.conflict', `the zone names ${generic.matches.size} addresses by "${generic.template}", the block's default is "${block.default}"; those generic names are not imported`, block.pos, { value: generic.template }));
    }
    const records = new Map(block.records.map((r) => [r.ipText, r]));
    const proposedDefault = generic && !block.default ? generic : undefined;
    // What the block's templates already give, and runs the zone names by one pattern (new pools).
    const given = (p: ImportedPtr): boolean => !records.has(p.ipText) && genericPtrOf(block, p.ip)?.ptr === p.ptr && p.ttl === blockTtl;
    let pools: PoolProposal[] = [];
    if (!block.pools) {
      const open = list.filter((p) => !records.has(p.ipText) && !given(p) && !proposedDefault?.matches.has(p.ipText) && p.ttl === blockTtl);
      const takenRanges = [...namedRangesOf(block), ...(proposedDefault ? [namedRange('block', proposedDefault.template, { prefix: block.prefix }, block.pos)] : []), ...hostOnlyRanges];
      pools = detectPools(open, block.prefix, takenRanges).filter(safePool);
      if (pools.length > 0) {
        topLevel.set(block.file, [...(topLevel.get(block.file) ?? []), { key: 'pools', value: '', lines: poolLines(pools) }]);
        for (const pool of pools) {
          hostOnlyRanges.push(namedRange('pool', pool.template, pool, block.pos));
          notes.push(`${block.file}: adds pool ${formatPrefix(pool.prefix)} "${pool.template}" (${pool.matches.size} PTRs${pool.fromGenerate ? `, $GENERATE on ${pool.source.file}:${pool.source.line}` : ''})`);
        }
      }
    }
    const pooled = new Set(pools.flatMap((x) => [...x.matches]));
    for (const p of list) {
      // Covered by the (proposed) default or a new pool, or generic naming the block's own default replaces (reported above).
      if (generic?.matches.has(p.ipText) || pooled.has(p.ipText)) {
        asTemplate++;
        continue;
      }
      const rec = records.get(p.ipText);
      // TTLs are compared as they take effect: the record's, else the block's, else the repository default.
      const ttl = p.ttl !== blockTtl ? p.ttl : undefined;
      const pos = { file: p.source.file, line: p.source.line, column: 1 };
      if (rec) {
        const recTtl = rec.ttl ?? blockTtl;
        const ptrDiffers = rec.ptr !== p.ptr;
        if (ptrDiffers || recTtl !== p.ttl) {
          conflicts++;
          const what = ptrDiffers ? `the zone says ${withoutTrailingDot(p.ptr)}, the block file says ${withoutTrailingDot(rec.ptr)}` : `the zone's TTL is ${p.ttl}, the block file's ${recTtl}`;
          diagnostics.push(diag('import.conflict', `${p.ipText}: ${what}${options.overwrite ? ' (overwritten: --overwrite)' : '; kept (use --overwrite to take the zone\'s)'}`, rec.pos, { ip: p.ipText, value: p.ptr }));
          if (!options.overwrite) continue;
          requests.push({ ip: p.ipText, host: p.ptr, ttl: recTtl !== p.ttl ? p.ttl : undefined, pos });
          continue;
        }
        requests.push({ ip: p.ipText, host: p.ptr, pos });
        continue;
      }
      if (given(p)) {
        asTemplate++;
        continue;
      }
      requests.push({ ip: p.ipText, host: p.ptr, ttl, pos });
    }
  }

  const plan = planPtrChanges(repo, requests);
  // Names the policy refuses or that are invalid: no record can carry them, and no template gives them.
  const bySource = new Map(ptrs.map((p) => [p.ipText, p]));
  for (const d of plan.diagnostics) {
    const p = d.ip ? bySource.get(d.ip) : undefined;
    refused++;
    const msg = `${d.message}; no template of the block gives this name; not imported${options.skipRefused ? ' (--skip-refused)' : ''}`;
    const at = p ? { file: p.source.file, line: p.source.line, column: 1 } : { file: d.file, line: d.line, column: d.column };
    diagnostics.push({ ...d, ...at, severity: options.skipRefused ? 'warning' : 'error', code: 'import.refused', message: msg });
  }
  const carried = ptrs.length - refused - diagnostics.filter((d) => d.code === 'import.no-block').reduce((n, d) => n + Number(/^(\d+) PTR/.exec(d.message)?.[1] ?? 0), 0);
  return { newFiles, changes: plan.changes, unchanged: plan.unchanged, topLevel, diagnostics, notes, conflicts, counts: { imported: carried - (options.overwrite ? 0 : conflictsKept(diagnostics)), asTemplate, refused } };
}

const conflictsKept = (ds: readonly Diagnostic[]): number => ds.filter((d) => d.code === 'import.conflict' && d.ip !== undefined).length;
