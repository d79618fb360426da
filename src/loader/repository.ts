/**
 * A repository of block files → the model of every block, the zone layout, and all
 * diagnostics, including the checks that span files (overlapping blocks, the same
 * IP in two files, templates that collide across blocks, zones over quota).
 */
import { lstatSync, readdirSync, readlinkSync, statSync, type Dirent } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { diag, sortDiagnostics, type Diagnostic } from '../core/diagnostics.js';
import { RdnsError } from '../core/errors.js';
import { comparePrefix, formatIp, formatPrefix, prefixContains, prefixContainsIp, sizeOf, type IpAddress } from '../core/ip.js';
import type { Block, Config } from '../core/model.js';
import { prefixOfZoneName, reverseZoneOf, zoneCountOf, type ReverseZone, type ZoneLayout } from '../core/reverse.js';
import { checkTemplate, genericNameOf, templateShape } from '../core/template.js';
import { describeRange, genericCountIn, namedRangesOf, namingRangeOf, oneTemplate, type NamedRange } from '../core/generic-names.js';
import { planZones } from '../core/zone-plan.js';
import { loadBlockFile, type LoadedBlock } from './block-file.js';
import { loadBlockFilesParallel } from './parallel.js';
import { loadConfig, type ConfigZoneKey } from './config.js';
import { kindOf, notRegularDiagnostic, RepoFiles, symlinkDiagnostic } from './repo-file.js';
import { fileNameProblem, printable } from '../core/file-name.js';

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
/** A folder the scan never enters: hidden folders (`.attic/`, `.git/`) and `node_modules/`. */
const isSkippedFolder = (name: string): boolean => name.startsWith('.') || name === 'node_modules';

/**
 * The one rule for which paths are block files, wherever they are found: the work tree,
 * a git revision, a diff, synth and CODEOWNERS. A `.yaml`/`.yml` file not itself hidden and
 * not below a hidden folder or `node_modules/`. A file moved out of view stops being a block
 * file everywhere at once: its records are deleted, which its owners and the guards judge.
 */
export function isBlockFilePath(path: string): boolean {
  const parts = path.split('/').filter((p) => p !== '' && p !== '.');
  const name = parts.pop();
  return name !== undefined && isBlockFileName(name) && !parts.some(isSkippedFolder);
}

/** Block files found under some paths, and the entries refused on the way (as diagnostics). */
export interface BlockFileScan {
  /** Regular block files with acceptable names, repository-relative, sorted. */
  readonly files: string[];
  /** Links, FIFOs, devices, folders named like block files, bad names, unreadable folders. */
  readonly refused: Diagnostic[];
  /** How many of the refused entries are files (for the file count of summaries). */
  readonly refusedFiles: number;
}

/**
 * Block files under the given paths (files or folders). Walks real folders only: a link
 * (to a folder or a file, inside the repository or out of it) is reported, not followed;
 * so are FIFOs, devices, sockets and folders named like block files, names that
 * CODEOWNERS cannot express, and folders that cannot be read. A path that does not exist
 * is a usage error (RdnsError).
 */
export function scanBlockFiles(root: string, paths: readonly string[] = DEFAULT_PATHS): BlockFileScan {
  const found = new Set<string>();
  const refused: Diagnostic[] = [];
  let refusedFiles = 0;
  const refuse = (d: Diagnostic, isFile: boolean): void => {
    refused.push(d);
    if (isFile) refusedFiles++;
  };
  const consider = (abs: string, name: string, st: { isSymbolicLink(): boolean; isDirectory(): boolean; isFile(): boolean }, named: boolean): void => {
    const rel = toRepoPath(root, abs);
    if (st.isSymbolicLink()) {
      // A link named like a block file, or one that leads to a folder, would be read or walked: say so.
      let toFolder = false;
      try {
        toFolder = statSync(abs).isDirectory();
      } catch {
        // dangling
      }
      if (named || toFolder || isBlockFileName(name)) refuse(symlinkDiagnostic(rel, readLinkText(abs), toFolder ? 'the folder' : 'the file'), !toFolder);
      return;
    }
    if (st.isDirectory()) {
      if (!named && isBlockFileName(name)) refuse(notRegularDiagnostic(rel, 'folder'), true);
      else walk(abs);
      return;
    }
    if (!named && !isBlockFileName(name)) return;
    if (!st.isFile()) {
      let kind = 'special file';
      try {
        kind = kindOf(lstatSync(abs));
      } catch {
        // gone since the listing
      }
      refuse(notRegularDiagnostic(rel, kind), true);
      return;
    }
    const problem = fileNameProblem(rel);
    if (problem) refuse(diag('file.name', problem, { file: rel, line: 1, column: 1 }, { value: printable(rel) }), true);
    else found.add(rel);
  };
  const walk = (abs: string): void => {
    let entries: Dirent[];
    try {
      entries = readdirSync(abs, { withFileTypes: true });
    } catch (e) {
      refuse(diag('file.unreadable', `cannot read the folder: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}; the block files in it were not checked`, { file: toRepoPath(root, abs), line: 1, column: 1 }), false);
      return;
    }
    for (const entry of entries) {
      if (isSkippedFolder(entry.name)) continue;
      consider(join(abs, entry.name), entry.name, entry, false);
    }
  };
  const files = new RepoFiles(root);
  for (const p of paths) {
    const abs = resolve(root, p);
    let st;
    try {
      st = lstatSync(abs);
    } catch {
      throw new RdnsError(`${p}: no such file or folder`, 2, 'pass the path of a block file or folder (paths on the command line are relative to the current folder)');
    }
    const rel = toRepoPath(root, abs);
    // zones/ itself may be a link, or sit below a folder that is one.
    if (!rel.startsWith('..') && rel !== '' && files.folderInside(dirname(abs)) === false) {
      refuse(symlinkDiagnostic(rel, undefined, 'a folder on this path'), false);
      continue;
    }
    consider(abs, abs.split(sep).pop() ?? '', st, true);
  }
  return { files: [...found].sort(), refused: sortDiagnostics(refused), refusedFiles };
}

/** Block files under the given paths (files or folders), repository-relative, sorted; refused entries are left out. */
export function findBlockFiles(root: string, paths: readonly string[] = DEFAULT_PATHS): string[] {
  return scanBlockFiles(root, paths).files;
}

function readLinkText(abs: string): string | undefined {
  try {
    return readlinkSync(abs);
  } catch {
    return undefined;
  }
}

export const toRepoPath = (root: string, abs: string): string => relative(root, abs).split(sep).join('/');

export interface LoadRepositoryOptions {
  /**
   * Judge the files with these settings instead of the repository's own rdns.yaml (which is
   * still parsed and reported): `rdns ci` passes the target branch's, so a pull request
   * cannot loosen the policy that judges it.
   */
  readonly config?: Config;
}

/** Reads rdns.yaml and the block files under `paths` (default zones/) and checks them all. */
export function loadRepository(root: string, paths: readonly string[] = DEFAULT_PATHS, options: LoadRepositoryOptions = {}): Repository {
  const { absRoot, config, sources, early } = readRepository(root, paths, options.config);
  return finish(checkBlockSources(absRoot, sources, config), early, sources.length + early.unreadable);
}

/**
 * `zone.unknown` for each zone of rdns.yaml's route53.zones that no block has (a typo, the
 * `/` form of an RFC 2317 name, a zone left over): its zone_id and mode would be ignored.
 * Only meaningful for a whole repository (every block loaded).
 */
export function checkConfigZones(zoneKeys: readonly ConfigZoneKey[], blocks: readonly Block[], layouts: ReadonlyMap<string, ZoneLayout>): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const key of zoneKeys) {
    const zone = prefixOfZoneName(key.canonical);
    const hasIt =
      zone !== undefined &&
      blocks.some((b) => {
        const layout = layouts.get(b.file);
        if (!layout || b.prefix.version !== zone.version || !(prefixContains(b.prefix, zone) || prefixContains(zone, b.prefix))) return false;
        const inner = prefixContains(b.prefix, zone) ? zone : b.prefix;
        return reverseZoneOf({ version: zone.version, value: inner.network }, layout).name === key.canonical;
      });
    if (!hasIt) {
      const hint = key.canonical.includes('/') ? '; RFC 2317 zones are named with "-" (0-25.113.0.203.in-addr.arpa)' : '';
      out.push(diag('zone.unknown', `route53.zones: "${key.name}" is not a reverse zone of any block${hint}; its settings would be ignored`, key.pos, { value: key.name }));
    }
  }
  return out;
}

const isWholeRepository = (paths: readonly string[]): boolean => paths === DEFAULT_PATHS || (paths.length === 1 && paths[0]!.replace(/\/+$/, '') === DEFAULT_PATHS[0]);

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
  /** route53.zones of rdns.yaml, to check once every block is loaded (empty for a partial load). */
  zoneKeys: readonly ConfigZoneKey[];
}

function readRepository(root: string, paths: readonly string[], trusted?: Config): { absRoot: string; config: Config; sources: BlockSource[]; early: EarlyFindings } {
  const absRoot = resolve(root);
  const own = loadConfig(absRoot);
  const config = trusted ?? own.config;
  const { diagnostics, zoneKeys } = own;
  const sources: BlockSource[] = [];
  const scan = scanBlockFiles(absRoot, paths);
  const early: EarlyFindings = { diagnostics: [...diagnostics, ...scan.refused], unreadable: scan.refusedFiles, zoneKeys: isWholeRepository(paths) ? (zoneKeys ?? []) : [] };
  const reader = new RepoFiles(absRoot);
  for (const file of scan.files) {
    const r = reader.read(file, config.maxFileBytes);
    if (r.ok) sources.push({ file, bytes: r.bytes });
    else {
      early.unreadable++;
      early.diagnostics.push(r.missing ? diag('file.unreadable', 'cannot read the file: ENOENT (removed while rdns ran)', { file, line: 1, column: 1 }) : r.diagnostic);
    }
  }
  return { absRoot, config, sources, early };
}

function finish(repo: Repository, early: EarlyFindings, fileCount: number): Repository {
  repo.diagnostics.push(...early.diagnostics, ...checkConfigZones(early.zoneKeys, repo.blocks, repo.layouts));
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
  diagnostics.push(...checkAcrossBlocks(blocks), ...checkForwardNames(blocks));
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
  out.push(...checkRangeCollisions(sorted));
  return out;
}

/**
 * Templates of different ranges (blocks, allocations, pools, in one file or several) that
 * can give the same name. Host-only placeholders all render as numbers, so `h{d}` and
 * `h{host}` can collide: ranges whose templates have the same shape are compared. Two of
 * them are safe together only when they are one template over their common prefix (after
 * counting `{host}` from there) that encodes every bit that varies in it.
 */
function checkRangeCollisions(sorted: readonly Block[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const byShape = new Map<string, { range: NamedRange; block: Block }[]>();
  for (const b of sorted) {
    for (const r of namedRangesOf(b)) {
      const check = checkTemplate(r.template, r);
      if (!check.ok || check.coversNetwork) continue;
      const key = templateShape(r.template);
      const seen = byShape.get(key) ?? [];
      byShape.set(key, seen);
      const clash = seen.find((o) => !oneTemplate(o.range, r));
      if (clash) {
        const where = clash.block === b ? `${describeRange(clash.range)} (line ${clash.range.pos.line})` : clash.range.kind === 'block' ? clash.block.file : `${describeRange(clash.range)} in ${clash.block.file}`;
        const same = clash.range.template === r.template ? `default "${r.template}" is also used by ${where}` : `default "${r.template}" has the same shape as "${clash.range.template}" in ${where}`;
        out.push(diag('template.collision', `${r.kind === 'block' ? '' : `${describeRange(r)}: `}${same} and encodes only the host part, so both would give out the same names; use {dashed}`, r.pos, { value: r.template }));
        continue;
      }
      seen.push({ range: r, block: b });
    }
  }
  return out;
}

/** Forward names expanded at most (per repository) to find duplicates; larger blocks are left to their templates' shapes. */
export const MAX_FORWARD_NAMES = 1 << 20;

/**
 * `forward.duplicate`: two addresses that would publish the same forward A/AAAA name. Templates
 * that encode the whole address are unique inside a block, but two blocks' templates can still
 * meet (`{reversed}` of 192.0.2.1 is `{dashed}` of 1.2.0.192): the names are compared.
 */
function checkForwardNames(sorted: readonly Block[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  // One template that encodes the whole address (forward.not-generic refuses others) names each
  // address differently, also across blocks and address families: only different templates can meet.
  const templates = new Set(sorted.filter((b) => b.forward && b.default).map((b) => b.default!.toLowerCase()));
  if (templates.size < 2) return out;
  const seen = new Map<string, { ip: IpAddress; block: Block }>();
  let budget = MAX_FORWARD_NAMES;
  for (const b of sorted) {
    if (!b.forward || !b.default) continue;
    const size = sizeOf(b.prefix);
    if (size > BigInt(budget)) continue;
    budget -= Number(size);
    const explicit = new Set(b.records.map((r) => r.ip.value));
    const delegated = b.allocations.filter((a) => a.delegateTo && a.delegateTo.length > 0);
    for (let v = b.prefix.network; v < b.prefix.network + size; v++) {
      if (explicit.has(v)) continue;
      const ip: IpAddress = { version: b.prefix.version, value: v };
      if (delegated.some((a) => prefixContainsIp(a.prefix, ip))) continue;
      const name = genericNameOf(b.default, ip, b.prefix);
      const first = seen.get(name);
      if (!first) {
        seen.set(name, { ip, block: b });
        continue;
      }
      const where = first.block === b ? 'in this block' : `by ${first.block.file}`;
      out.push(diag('forward.duplicate', `forward name ${name} of ${formatIp(ip)} is also published for ${formatIp(first.ip)} ${where}; each forward name must belong to one address`, b.pos, { ip: formatIp(ip), value: name }));
      break; // one finding per block: the rest follow from the same template
    }
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
    const ranges = namedRangesOf(b);
    if (ranges.length > 0) {
      // Pools and allocations with a default: their addresses per zone, and the records outside them.
      const zones = new Map<string, ReverseZone>();
      for (const r of ranges) {
        if (r.size === 0n) continue;
        const z0 = reverseZoneOf({ version: b.prefix.version, value: r.first }, layout);
        const span = sizeOf(z0.prefix);
        if ((r.last - r.first) / span > 4096n) continue;
        for (let v = z0.prefix.network; v <= r.last; v += span) {
          const z = reverseZoneOf({ version: b.prefix.version, value: v }, layout);
          zones.set(z.name, z);
        }
      }
      const blockLast = b.prefix.network + sizeOf(b.prefix) - 1n;
      for (const [name, z] of zones) {
        const lo = z.prefix.network > b.prefix.network ? z.prefix.network : b.prefix.network;
        const hi = z.prefix.network + sizeOf(z.prefix) - 1n < blockLast ? z.prefix.network + sizeOf(z.prefix) - 1n : blockLast;
        add(name, genericCountIn(b, lo, hi), b);
      }
    }
    for (const r of b.records) if (prefixContainsIp(b.prefix, r.ip) && !namingRangeOf(b, r.ip)) add(reverseZoneOf(r.ip, layout).name, 1n, b);
  }
  for (const [zone, { count, block }] of counts) {
    if (count > BigInt(config.maxRecordsPerZone)) {
      out.push(diag('zone.too-large', `reverse zone ${zone} would hold ${count} PTR records, more than zones.max_records (${config.maxRecordsPerZone}, the Route53 quota per hosted zone)`, block.pos, { value: zone }));
    }
  }
  return out;
}
