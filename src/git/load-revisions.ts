/**
 * Both revisions of the block files a change touches, loaded into the model.
 * Only changed files are parsed, plus the few unchanged blocks that share a reverse
 * zone with a changed one (their zone layout and record count depend on each other);
 * every other file is at most scanned for its `prefix:` line.
 */
import { diag, sortDiagnostics, type Diagnostic } from '../core/diagnostics.js';
import { fileNameProblem, printable } from '../core/file-name.js';
import { parsePrefix, prefixContains, supernetOf, type IpPrefix } from '../core/ip.js';
import type { Block, Config } from '../core/model.js';
import type { ZoneLayout } from '../core/reverse.js';
import { CONFIG_FILE, CONFIG_MAX_BYTES, DEFAULT_CONFIG, parseConfig, type ParsedConfig } from '../loader/config.js';
import { loadBlockFilesParallel } from '../loader/parallel.js';
import { checkConfigZones, checkLoadedBlocks, DEFAULT_PATHS, findBlockFiles, isBlockFilePath, type BlockSource, type Repository } from '../loader/repository.js';
import { changedFiles, WORKTREE, type ChangedFile } from './changed-files.js';
import { listFilesAt, readBlobsAt } from './read-files.js';
import { resolveRevisions, type ResolvedRevisions, type ResolveOptions } from './revisions.js';

/** The model of one revision, limited to the files a change needs. */
export interface RevisionModel {
  /** Commit id, or {@link WORKTREE}. */
  readonly rev: string;
  readonly config: Config;
  readonly blocks: readonly Block[];
  readonly layouts: ReadonlyMap<string, ZoneLayout>;
  readonly diagnostics: readonly Diagnostic[];
  /** Block files loaded (changed ones and zone-sharing neighbours). */
  readonly files: readonly string[];
  /** Files present at this revision that did not load into a block (syntax or schema errors). */
  readonly failed: readonly string[];
}

export interface RevisionPair {
  readonly revisions: ResolvedRevisions;
  /** Block files (and rdns.yaml) that differ. */
  readonly changed: readonly ChangedFile[];
  /** Base path → head path for renamed block files. */
  readonly renames: ReadonlyMap<string, string>;
  readonly base: RevisionModel;
  readonly head: RevisionModel;
}

export interface LoadOptions extends ResolveOptions {
  /** Block folders or files (default `zones/`). */
  readonly paths?: readonly string[];
  /**
   * Load both revisions with these settings instead of each revision's own rdns.yaml:
   * `rdns ci` passes the target branch's, so the head's rdns.yaml is data, not policy.
   */
  readonly config?: Config;
  /** Revisions already resolved (by the caller, e.g. to read the target branch's settings first). */
  readonly revisions?: ResolvedRevisions;
}

/**
 * The block-file side of a diff, by the one rule (isBlockFilePath): a rename out of view (into
 * `.attic/`, `node_modules/`, a dot-file) is the deletion of the block file, a rename into
 * view its addition.
 */
export function blockFileChanges(all: readonly ChangedFile[]): ChangedFile[] {
  const out: ChangedFile[] = [];
  for (const f of all) {
    if (f.path === CONFIG_FILE) continue;
    if (f.status !== 'renamed') {
      if (isBlockFilePath(f.path)) out.push(f);
      continue;
    }
    const from = isBlockFilePath(f.oldPath!);
    const to = isBlockFilePath(f.path);
    if (from && to) out.push(f);
    else if (from) out.push({ status: 'deleted', path: f.oldPath! });
    else if (to) out.push({ status: 'added', path: f.path });
  }
  return out;
}

/** Resolves the revisions (fetching in shallow clones) and loads both sides of the changed block files. */
export async function loadRevisionPair(root: string, opts: LoadOptions): Promise<RevisionPair> {
  const revisions = opts.revisions ?? (await resolveRevisions(root, opts));
  const paths = (opts.paths && opts.paths.length > 0 ? opts.paths : DEFAULT_PATHS).map((p) => p.replace(/\/+$/, '') || '.');
  const all = await changedFiles(root, revisions.base, revisions.head, [...paths, CONFIG_FILE]);
  const configChanged = all.some((f) => f.path === CONFIG_FILE || f.oldPath === CONFIG_FILE);
  const changed = blockFileChanges(all);
  const renames = new Map(changed.filter((f) => f.status === 'renamed').map((f) => [f.oldPath!, f.path]));
  const baseFiles = changed.filter((f) => f.status !== 'added').map((f) => f.oldPath ?? f.path);
  const headFiles = changed.filter((f) => f.status !== 'deleted').map((f) => f.path);
  // With settings given, rdns.yaml applies to neither side: a change to it changes no record.
  const everything = configChanged && !opts.config;
  let [base, head] = await Promise.all([
    loadRevision(root, revisions.base, baseFiles, paths, everything, opts.config),
    loadRevision(root, revisions.head, headFiles, paths, everything, opts.config),
  ]);
  // A neighbour loaded on one side only (it shares a zone with a block that exists on that side)
  // is needed on the other too: a new adjacent block can move its records into another zone.
  const onlyHead = new Set(changed.filter((f) => f.status === 'added' || f.status === 'renamed').map((f) => f.path));
  const onlyBase = new Set(changed.filter((f) => f.status === 'deleted' || f.status === 'renamed').map((f) => f.oldPath ?? f.path));
  const missingInBase = head.files.filter((f) => !onlyHead.has(f) && !base.files.includes(f));
  const missingInHead = base.files.filter((f) => !onlyBase.has(f) && !head.files.includes(f));
  if (!everything && (missingInBase.length > 0 || missingInHead.length > 0)) {
    [base, head] = await Promise.all([
      missingInBase.length > 0 ? loadRevision(root, revisions.base, [...baseFiles, ...missingInBase], paths, false, opts.config) : base,
      missingInHead.length > 0 ? loadRevision(root, revisions.head, [...headFiles, ...missingInHead], paths, false, opts.config) : head,
    ]);
  }
  return { revisions, changed: configChanged ? [...changed, ...all.filter((f) => f.path === CONFIG_FILE)] : changed, renames, base, head };
}

/**
 * The model of `files` (and their zone-sharing neighbours) at one revision, e.g. the tip of
 * the target branch when it moved on since the merge base: who owns a block and which guard
 * limits apply are the target branch's current answers, not those of the day the branch started.
 */
export async function loadFilesAt(root: string, rev: string, files: readonly string[], paths: readonly string[] = DEFAULT_PATHS): Promise<RevisionModel> {
  return loadRevision(root, rev, files, paths.map((p) => p.replace(/\/+$/, '') || '.'), false);
}

/** rdns.yaml at a commit (defaults when the revision has none), with its problems. */
export async function loadConfigAt(root: string, rev: string): Promise<{ config: Config; diagnostics: Diagnostic[] }> {
  return configAt(root, rev);
}

/**
 * Every block file at a commit, validated like `rdns validate` does the work tree: what
 * `rdns ci --head REV` checks, so the verdict is about that revision and not whatever is
 * checked out.
 */
export async function loadRepositoryAt(root: string, rev: string, paths: readonly string[] = DEFAULT_PATHS, trusted?: Config): Promise<Repository> {
  const own = await configAt(root, rev);
  const config = trusted ?? own.config;
  const { diagnostics, zoneKeys } = own;
  const files = await listBlockFiles(root, rev, paths.map((p) => p.replace(/\/+$/, '') || '.'));
  const { sources, refused } = await readBlockSources(root, rev, files, config);
  const repo = checkLoadedBlocks(root, await loadBlockFilesParallel(sources, config), config);
  const zones = paths === DEFAULT_PATHS ? checkConfigZones(zoneKeys ?? [], repo.blocks, repo.layouts) : [];
  return { ...repo, diagnostics: sortDiagnostics([...diagnostics, ...refused, ...zones, ...repo.diagnostics]), fileCount: sources.length + refused.length };
}

async function configAt(root: string, rev: string): Promise<ParsedConfig> {
  const { bytes, refused } = await readBlobsAt(root, rev, [CONFIG_FILE], CONFIG_MAX_BYTES);
  const b = bytes.get(CONFIG_FILE);
  if (b) return parseConfig(b, CONFIG_FILE);
  return { config: DEFAULT_CONFIG, diagnostics: [...refused.values()] };
}

/**
 * Block files at a revision as sources, refusing names CODEOWNERS cannot express, links,
 * submodules and files over limits.max_file_bytes (as diagnostics, without reading them).
 */
async function readBlockSources(root: string, rev: string, files: readonly string[], config: Config): Promise<{ sources: BlockSource[]; refused: Diagnostic[] }> {
  const refused: Diagnostic[] = [];
  const named: string[] = [];
  for (const file of files) {
    const problem = fileNameProblem(file);
    if (problem) refused.push(diag('file.name', problem, { file, line: 1, column: 1 }, { value: printable(file) }));
    else named.push(file);
  }
  const read = await readBlobsAt(root, rev, named, config.maxFileBytes);
  refused.push(...read.refused.values());
  return { sources: named.filter((f) => read.bytes.has(f)).map((file) => ({ file, bytes: read.bytes.get(file)! })), refused };
}

async function listBlockFiles(root: string, rev: string, paths: readonly string[]): Promise<string[]> {
  if (rev === WORKTREE) {
    try {
      return findBlockFiles(root, paths);
    } catch {
      return []; // the folder is gone in the work tree
    }
  }
  return (await listFilesAt(root, rev, paths)).filter(isBlockFilePath);
}

// Cheap look at an unchanged file: its block prefix, when written plainly on a top-level line.
const PREFIX_LINE = /^prefix:[ \t]*["']?([0-9A-Fa-f.:]+\/\d{1,3})["']?[ \t]*(?:#.*)?$/m;

/**
 * Loads `files` at `rev`; with `everything` (rdns.yaml changed: TTLs and zones of
 * every block may differ) all block files. Adds unchanged neighbours that share a
 * reverse zone with a changed block smaller than the zone boundary.
 */
async function loadRevision(root: string, rev: string, files: readonly string[], paths: readonly string[], everything: boolean, trusted?: Config): Promise<RevisionModel> {
  const own = await configAt(root, rev);
  const config = trusted ?? own.config;
  const configDiagnostics = own.diagnostics;
  const wanted = everything ? await listBlockFiles(root, rev, paths) : [...files];
  const { sources, refused } = await readBlockSources(root, rev, wanted, config);
  // Large changes are parsed on several cores (the loader decides when that pays off).
  const loaded = await loadBlockFilesParallel(sources, config);
  let model = checkLoadedBlocks(root, loaded, config);

  const boundaryOf = (p: IpPrefix): number => (p.version === 4 ? config.boundaries.ipv4 : config.boundaries.ipv6);
  const sharedParents = model.blocks.filter((b) => b.prefix.length > boundaryOf(b.prefix)).map((b) => supernetOf({ version: b.prefix.version, value: b.prefix.network }, boundaryOf(b.prefix)));
  if (!everything && sharedParents.length > 0) {
    const alreadyLoaded = new Set(wanted);
    const others = (await listBlockFiles(root, rev, paths)).filter((f) => !alreadyLoaded.has(f));
    // Unchanged files refused here (links, sizes, names) are reported by validate, not by each diff.
    const otherBytes = (await readBlobsAt(root, rev, others.filter((f) => fileNameProblem(f) === undefined), config.maxFileBytes)).bytes;
    const neighbours: BlockSource[] = [];
    for (const [file, b] of otherBytes) {
      const m = PREFIX_LINE.exec(Buffer.from(b.subarray(0, 64 * 1024)).toString('utf8'));
      const p = m ? parsePrefix(m[1]!) : undefined;
      // Not readable at a glance: parse it rather than risk a wrong zone layout.
      if (!p || !p.ok || sharedParents.some((parent) => parent.version === p.value.version && (prefixContains(parent, p.value) || prefixContains(p.value, parent)))) {
        neighbours.push({ file, bytes: b });
      }
    }
    if (neighbours.length > 0) model = checkLoadedBlocks(root, [...loaded, ...(await loadBlockFilesParallel(neighbours, config))], config);
  }
  const loadedFiles = new Set(model.blocks.map((b) => b.file));
  const present = [...new Set([...sources.map((s) => s.file), ...refused.map((d) => d.file!), ...model.blocks.map((b) => b.file)])].sort();
  return {
    rev,
    config,
    blocks: model.blocks,
    layouts: model.layouts,
    diagnostics: [...configDiagnostics, ...refused, ...model.diagnostics],
    files: present,
    failed: present.filter((f) => !loadedFiles.has(f)),
  };
}

