import { Option, type Command } from 'commander';
import { checkServed, servedSummary } from '../../checks/served.js';
import { createDirectQuerier } from '../../checks/direct-query.js';
import { SingleBar } from 'cli-progress';
import { fcrdnsTargetsOfBlocks, checkFcrdns, type FcrdnsTarget } from '../../checks/fcrdns.js';
import { createDnsResolver, parseServer, type DnsResolver } from '../../checks/resolver.js';
import { sortDiagnostics, type Diagnostic } from '../../core/diagnostics.js';
import { RdnsError } from '../../core/errors.js';
import { loadRevisionPair } from '../../git/load-revisions.js';
import { loadRepository } from '../../loader/repository.js';
import { formatDiagnostics, summarize, type Format } from '../report.js';
import type { CliContext } from '../context.js';
import { repositoryPaths } from '../paths.js';
import { formatOption } from './validate.js';
import { collect } from '../options.js';

export interface ResolverFlags {
  resolver: string[];
  timeout: string;
  retries: string;
  concurrency: string;
  strict?: boolean;
  reportOnly?: boolean;
}


/** The flags `check` and `audit` share: where to ask, how long to wait, how hard to judge. */
export function addResolverOptions(cmd: Command): Command {
  return cmd
    .option('--resolver <host:port>', 'DNS server to ask (repeatable; default: the system resolvers)', collect, [])
    .option('--timeout <ms>', 'per-try timeout in milliseconds', '2000')
    .option('--retries <n>', 'further tries after a timeout', '1')
    .option('--concurrency <n>', 'queries in flight at once', '64')
    .option('--strict', 'unverifiable names (SERVFAIL, timeout) are errors, not warnings')
    .addOption(new Option('--report-only', 'report findings but exit 0, also when no resolver answers (demos, jobs that must not fail)'));
}

const wholeNumber = (flag: string, text: string, min: number, max: number): number => {
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) throw new RdnsError(`--${flag} ${text}: expected a whole number from ${min} to ${max}`, 2);
  return Number(text);
};

/** Builds the resolver from the flags; a bad flag is a usage error (exit 2). */
export function resolverFromFlags(flags: ResolverFlags): DnsResolver {
  for (const s of flags.resolver) {
    if (!parseServer(s)) throw new RdnsError(`--resolver ${s}: not a DNS server address`, 2, 'write it as HOST or HOST:PORT with an IP address, e.g. 127.0.0.1:5353 or [::1]:5353');
  }
  return createDnsResolver({
    servers: flags.resolver,
    timeoutMs: wholeNumber('timeout', flags.timeout, 1, 60_000),
    retries: wholeNumber('retries', flags.retries, 0, 10),
    concurrency: wholeNumber('concurrency', flags.concurrency, 1, 1024),
  });
}

/** A bar on a terminal; in CI logs a plain line every 10% so the log shows the job is alive. */
export function progressReporter(ctx: CliContext, label: string, enabled: boolean): { update: (done: number, total: number) => void; stop: () => void } {
  if (!enabled) return { update: () => undefined, stop: () => undefined };
  if (ctx.interactive) {
    let bar: SingleBar | undefined;
    return {
      update: (done, total) => {
        if (!bar) {
          bar = new SingleBar({ format: `${label} [{bar}] {value}/{total} {percentage}% eta {eta}s`, stream: process.stderr, clearOnComplete: true, hideCursor: true });
          bar.start(total, 0);
        }
        bar.update(done);
      },
      stop: () => bar?.stop(),
    };
  }
  let lastTenth = -1;
  return {
    update: (done, total) => {
      const tenth = Math.floor((done / total) * 10);
      if (total >= 1000 && tenth !== lastTenth) {
        lastTenth = tenth;
        ctx.stderr(`${label}: ${done}/${total}\n`);
      }
    },
    stop: () => undefined,
  };
}

/** Targets added or changed since `ref`: compares the PTR every address gets (records and generic names). */
async function changedTargets(ctx: CliContext, ref: string, paths: readonly string[] | undefined): Promise<{ targets: FcrdnsTarget[]; diagnostics: Diagnostic[]; files: number }> {
  const pair = await loadRevisionPair(ctx.root, { base: ref, paths });
  const before = new Map(fcrdnsTargetsOfBlocks(pair.base.blocks).targets.map((t) => [t.ipText, t.ptr]));
  const head = fcrdnsTargetsOfBlocks(pair.head.blocks);
  return { targets: head.targets.filter((t) => before.get(t.ipText) !== t.ptr), diagnostics: [...pair.head.diagnostics, ...head.diagnostics], files: pair.head.files.length };
}

/** `rdns check [PATH...]`: FCrDNS of every PTR (or of those changed since a revision). */
export function registerCheck(program: Command, context: () => CliContext, setExit: (code: number) => void): void {
  const cmd = program
    .command('check')
    .description('FCrDNS: every PTR name must resolve (A/AAAA) back to its IP')
    .argument('[paths...]', 'block files or folders (default: zones/)')
    .option('--changed-since <ref>', 'only the PTRs added or changed since this git revision')
    .option('--authoritative', "instead of FCrDNS: ask each authoritative name server of the PTRs' zones directly whether it serves them (after an apply)")
    .option('--wait <seconds>', 'with --authoritative: ask again every --interval seconds until all serve them, at most this long', '0')
    .option('--interval <seconds>', 'with --authoritative: seconds between rounds', '5')
    .option('--ns-port <port>', 'with --authoritative: port of the name servers (53; another only in test labs)', '53');
  addResolverOptions(cmd)
    .addOption(formatOption())
    .action(async (typed: string[], opts: ResolverFlags & { format: Format; changedSince?: string; authoritative?: boolean; wait: string; interval: string; nsPort: string }) => {
      const ctx = context();
      const resolver = resolverFromFlags(opts);
      const paths = repositoryPaths(ctx, typed);
      const selected = paths.length > 0 ? paths : undefined;
      let targets: FcrdnsTarget[];
      let diagnostics: Diagnostic[];
      let files: number;
      if (opts.changedSince !== undefined) {
        ({ targets, diagnostics, files } = await changedTargets(ctx, opts.changedSince, selected));
      } else {
        const repo = loadRepository(ctx.root, selected);
        const t = fcrdnsTargetsOfBlocks(repo.blocks);
        targets = t.targets;
        diagnostics = [...repo.diagnostics, ...t.diagnostics];
        files = repo.fileCount;
      }
      if (opts.authoritative) {
        const num = (v: string, flag: string, max: number): number => {
          if (!/^\d{1,6}$/.test(v) || Number(v) > max) throw new RdnsError(`${flag} ${v}: expected a whole number from 0 to ${max}`, 2);
          return Number(v);
        };
        const port = num(opts.nsPort, '--ns-port', 65535);
        const querier = createDirectQuerier({ timeoutMs: Number(opts.timeout), retries: Number(opts.retries) });
        const served = await checkServed(targets, resolver, querier, {
          port,
          waitMs: num(opts.wait, '--wait', 86_400) * 1000,
          intervalMs: Math.max(1, num(opts.interval, '--interval', 3600)) * 1000,
          onRound: (round, pending) => ctx.stderr(`rdns check --authoritative: round ${round}, ${pending} answer${pending === 1 ? '' : 's'} still missing\n`),
        });
        const line = servedSummary(served);
        if (opts.format === 'json') ctx.stdout(`${JSON.stringify({ served, summary: line }, null, 2)}\n`);
        else if (opts.format === 'github' && (served.lagging.length > 0 || served.unresolved.length > 0)) ctx.stdout(`::error title=rdns check --authoritative::${line}\n`);
        else ctx.stdout(`${line}\n`);
        setExit(served.lagging.length > 0 || served.unresolved.length > 0 ? 1 : 0);
        return;
      }
      const progress = progressReporter(ctx, 'rdns check', true);
      const report = await checkFcrdns(targets, resolver, { strict: opts.strict, onProgress: progress.update });
      progress.stop();
      const all = sortDiagnostics([...diagnostics, ...report.diagnostics]);
      const records = targets.filter((t) => t.source === 'record').length;
      const summary = { ...summarize(all, files, records), generic: targets.length - records, passed: report.passed };
      ctx.stdout(formatDiagnostics(opts.format, all, summary, ctx.color));
      if (opts.reportOnly) {
        if (summary.errors > 0) ctx.stderr('--report-only: the findings above do not fail this run (exit code 0)\n');
        setExit(0);
      } else if (report.unreachable) setExit(2);
      else setExit(summary.errors > 0 ? 1 : 0);
    });
}
