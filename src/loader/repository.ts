/**
 * A repository of block files → the model of every block, the zone layout, and all
 * diagnostics, including the checks that span files (overlapping blocks, the same
 * IP in two files, templates that collide across blocks, zones over quota).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { diag, sortDiagnostics, type Diagnostic } from '../core/diagnostics.js';
import { RdnsError } from '../core/errors.js';
import { comparePrefix, formatPrefix, prefixContains, prefixContainsIp, sizeOf } from '../core/ip.js';
import type { Block, Config } from '../core/model.js';
import { reverseZoneOf, zoneCountOf, type ZoneLayout } from '../core/reverse.js';
import { checkTemplate } from '../core/template.js';
import { planZones } from '../core/zone-plan.js';
import { loadBlockFile, type LoadedBlock } from './block-file.js';
import { loadBlockFilesParallel } from './parallel.js';
import { loadConfig } from './config.js';

export interface Repository {
  /** Absolute path of the repository root. */
  readonly root: string;
  readonly config: Config;
  /** Blocks that loaded, sorted by prefix. */
  readonly blocks: readonly Block[];
  /** Zone layout per block file. */
  readonly layouts: ReadonlyMap<string, ZoneLayout>;
  readonly diagnostics: Diagnostic[];
  readonly fileCount: number;
  readonly recordCount: number;
}

/** A block file's content, as read from disk or from a git revision. */
export interface BlockSource {
  /** Path relative to the repository root, forward slashes. */
  readonly file: string;
  readonly bytes: Uint8Array;
}

export const DEFAULT_PATHS = ['zones'];

const isBlockFileName = (name: string): boolean => /\.ya?ml$/i.test(name) && !name.startsWith('.');

/** Block files under the given paths (files or folders), repository-relative, sorted. */
export function findBlockFiles(root: string, paths: readonly string[] = DEFAULT_PATHS): string[] {
  const found = new Set<string>();
  const walk = (abs: string): void => {
    for (const entry of readdirSync(abs, { withFileTypes: true })) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      const child = join(abs, entry.name);
      if (entry.isDirectory()) walk(child);
      // Symlinked block files count too; a dangling link is then reported as unreadable.
      else if ((entry.isFile() || entry.isSymbolicLink()) && isBlockFileName(entry.name)) found.add(toRepoPath(root, child));
    }
  };
  for (const p of paths) {
    const abs = resolve(root, p);
    let st;
    try {
      st = statSync(abs);
    } catch {
      throw new RdnsError(`${p}: no such file or folder`, 2, 'run rdns from the repository root, or pass the path of a block file or folder');
    }
    if (st.isDirectory()) walk(abs);
    else found.add(toRepoPath(root, abs));
  }
  return [...found].sort();
}

export const toRepoPath = (root: string, abs: string): string => relative(root, abs).split(sep).join('/');

/** Reads rdns.yaml and the block files under `paths` (default zones/) and checks them all. */
export function loadRepository(root: string, paths: readonly string[] = DEFAULT_PATHS): Repository {
  const { absRoot, config, sources, early } = readRepository(root, paths);
  return finish(checkBlockSources(absRoot, sources, config), early, sources.length + early.unreadable);
}

/**
 * {@link loadRepository} that parses large repositories on several cores (worker
 * threads); the result is the same. Small repositories are loaded in this thread.
 */
export async function loadRepositoryParallel(root: string, paths: readonly string[] = DEFAULT_PATHS, options: { minParallelBytes?: number } = {}): Promise<Repository> {
  const { absRoot, config, sources, early } = readRepository(root, paths);
  const loaded = await loadBlockFilesParallel(sources, config, options.minParallelBytes);
  return finish(checkLoadedBlocks(absRoot, loaded, config), early, sources.length + early.unreadable);
}

interface EarlyFindings {
  diagnostics: Diagnostic[];
  unreadable: number;
}

function readRepository(root: string, paths: readonly string[]): { absRoot: string; config: Config; sources: BlockSource[]; early: EarlyFindings } {
  const absRoot = resolve(root);
  const { config, diagnostics } = loadConfig(absRoot);
  const sources: BlockSource[] = [];
  const early: EarlyFindings = { diagnostics: [...diagnostics], unreadable: 0 };
  for (const file of findBlockFiles(absRoot, paths)) {
    try {
      sources.push({ file, bytes: readFileSync(join(absRoot, file)) });
    } catch (e) {
      early.unreadable++;
      early.diagnostics.push(diag('file.unreadable', `cannot read the file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { file, line: 1, column: 1 }));
    }
  }
  return { absRoot, config, sources, early };
}

function finish(repo: Repository, early: EarlyFindings, fileCount: number): Repository {
  repo.diagnostics.push(...early.diagnostics);
  sortDiagnostics(repo.diagnostics);
  return { ...repo, fileCount };
}

/** The pure part of {@link loadRepository}: block file contents → model and diagnostics. */
export function checkBlockSources(root: string, sources: readonly BlockSource[], config: Config): Repository {
  return checkLoadedBlocks(root, sources.map((s) => loadBlockFile(s.bytes, s.file, config)), config);
}

/** Cross-file checks and zone planning over files already loaded one by one. */
export function checkLoadedBlocks(root: string, loaded: readonly LoadedBlock[], config: Config): Repository {
  const diagnostics: Diagnostic[] = [];
  const blocks: Block[] = [];
  let recordCount = 0;
  for (const l of loaded) {
    diagnostics.push(...l.diagnostics);
    recordCount += l.recordCount;
    if (l.block) blocks.push(l.block);
  }
  blocks.sort((a, b) => comparePrefix(a.prefix, b.prefix));
  diagnostics.push(...checkAcrossBlocks(blocks));
  const layouts = planZones(blocks, config);
  diagnostics.push(...checkZoneSizes(blocks, layouts, config));
  return { root, config, blocks, layouts, diagnostics: sortDiagnostics(diagnostics), fileCount: loaded.length, recordCount };
}

/** Overlapping blocks, duplicate IPs between overlapping blocks, and templates shared by blocks. */
function checkAcrossBlocks(sorted: readonly Block[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  // Sorted by (network, length): a block overlaps an earlier one exactly when one of the open enclosing blocks contains it.
  const open: Block[] = [];
  for (const b of sorted) {
    while (open.length > 0 && !prefixContains(open[open.length - 1]!.prefix, b.prefix)) open.pop();
    const outer = open[open.length - 1];
    if (outer) {
      out.push(diag('block.overlap', `block ${formatPrefix(b.prefix)} overlaps block ${formatPrefix(outer.prefix)} in ${outer.file}`, b.pos, { value: formatPrefix(b.prefix) }));
      const theirs = new Map(outer.records.map((r) => [r.ipText, r]));
      for (const r of b.records) {
        const other = theirs.get(r.ipText);
        if (other) out.push(diag('record.duplicate', `${r.ipText} also has a record in ${other.pos.file}:${other.pos.line}`, r.pos, { ip: r.ipText }));
      }
    }
    open.push(b);
  }
  const byTemplate = new Map<string, Block>();
  for (const b of sorted) {
    if (!b.default) continue;
    const check = checkTemplate(b.default, b.prefix);
    if (!check.ok || check.coversNetwork) continue;
    // Host-only placeholders all render as numbers, so `h{d}` and `h{host}` can give the same
    // name: compare the templates' shapes, with every placeholder standing for a number.
    const key = b.default.toLowerCase().replace(/\{[^{}]*\}/g, '{}');
    const first = byTemplate.get(key);
    if (first) {
      const same = first.default === b.default ? `default "${b.default}" is also used by ${first.file}` : `default "${b.default}" has the same shape as "${first.default}" in ${first.file}`;
      out.push(diag('template.collision', `${same} and encodes only the host part, so both blocks would give out the same names; use {dashed}`, b.pos, { value: b.default }));
    } else byTemplate.set(key, b);
  }
  return out;
}

/** Route53 holds at most `maxRecordsPerZone` records per hosted zone; `default` fills every address. */
/** The most reverse zones one block may render (render/zone-records.ts refuses more). */
const MAX_RENDERED_ZONES = 65_536n;

function checkZoneSizes(blocks: readonly Block[], layouts: ReadonlyMap<string, ZoneLayout>, config: Config): Diagnostic[] {
  const out: Diagnostic[] = [];
  const counts = new Map<string, { count: bigint; block: Block }>();
  const add = (zone: string, n: bigint, block: Block): void => {
    const c = counts.get(zone);
    if (c) c.count += n;
    else counts.set(zone, { count: n, block });
  };
  for (const b of blocks) {
    const layout = layouts.get(b.file);
    if (!layout) continue;
    const zoneCount = zoneCountOf(layout);
    const setting = b.prefix.version === 4 ? `zones.ipv4_boundary (${config.boundaries.ipv4}; 16 or 8 make larger zones)` : `zones.ipv6_boundary (${config.boundaries.ipv6}; a smaller multiple of 4 makes larger zones)`;
    if (zoneCount > MAX_RENDERED_ZONES) {
      // What synth refuses, said by validate: the block splits into more zones than can be rendered.
      out.push(diag('zone.too-many', `block ${formatPrefix(b.prefix)} splits into ${zoneCount} reverse zones at ${setting}; synth renders at most ${MAX_RENDERED_ZONES} per block: split the block into the prefixes you really use`, b.pos, { value: formatPrefix(b.prefix) }));
      continue;
    }
    if (zoneCount > BigInt(config.maxZonesPerBlock)) {
      out.push(diag('zone.many', `block ${formatPrefix(b.prefix)} renders ${zoneCount} reverse zones (hosted zones to create, each billed and planned) at ${setting}, more than zones.max_zones_per_block (${config.maxZonesPerBlock}); split the block or raise the setting if this is meant`, b.pos, { value: formatPrefix(b.prefix) }));
    }
    if (b.default) {
      // Every address of the block has a PTR: per zone, the part of the zone inside the block.
      const zones = zoneCountOf(layout);
      const perZone = layout.classless || layout.length <= b.prefix.length ? sizeOf(b.prefix) : sizeOf(b.prefix) / zones;
      if (perZone > BigInt(config.maxRecordsPerZone)) {
        out.push(diag('zone.too-large', `default gives every address a PTR: ${perZone} records per reverse zone, more than zones.max_records (${config.maxRecordsPerZone}); use default on smaller blocks or raise the Route53 quota and the setting`, b.pos));
        continue;
      }
      if (zones <= 4096n) {
        const first = reverseZoneOf({ version: b.prefix.version, value: b.prefix.network }, layout);
        if (zones === 1n) add(first.name, perZone, b);
        else {
          const step = sizeOf(b.prefix) / zones;
          for (let i = 0n; i < zones; i++) add(reverseZoneOf({ version: b.prefix.version, value: b.prefix.network + i * step }, layout).name, perZone, b);
        }
      }
      continue;
    }
    for (const r of b.records) if (prefixContainsIp(b.prefix, r.ip)) add(reverseZoneOf(r.ip, layout).name, 1n, b);
  }
  for (const [zone, { count, block }] of counts) {
    if (count > BigInt(config.maxRecordsPerZone)) {
      out.push(diag('zone.too-large', `reverse zone ${zone} would hold ${count} PTR records, more than zones.max_records (${config.maxRecordsPerZone}, the Route53 quota per hosted zone)`, block.pos, { value: zone }));
    }
  }
  return out;
}
