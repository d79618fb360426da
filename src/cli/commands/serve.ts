import type { Command } from 'commander';
import { RdnsError } from '../../core/errors.js';
import type { ChangeResult } from '../../edit/api.js';
import { proposeChange } from '../../edit/propose.js';
import { readFindingsFile } from '../../report/index.js';
import { startPortal } from '../../serve/portal-server.js';
import type { CliContext } from '../context.js';
import { typedPath } from '../paths.js';
import { actorOf, forwardCheckOf, forwardOptions, ownerOptions, type ForwardFlags } from './set.js';
import { prOptions, pullRequestSettings, type PrFlags } from './pr-flow.js';

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/** `rdns serve [--port N]`: the address map and the portal on loopback, behind a per-run token. */
export function registerServe(program: Command, context: () => CliContext, setExit: (code: number) => void): void {
  const cmd = program
    .command('serve')
    .description('the address map plus portal edits (set, reset, bulk paste with a preview) on http://127.0.0.1, behind a per-run token')
    .option('--port <n>', 'port to listen on (0 = any free port)', '8053')
    .option('--host <address>', 'interface to listen on; anything but loopback exposes the portal to the network', '127.0.0.1')
    .option('--audit <file>', 'colour FCrDNS failures and drift from audit.json (or rdns check --format json output)');
  // The forward check of rdns set and bulk, with the same flags: the portal applies the same rule.
  forwardOptions(cmd);
  ownerOptions(cmd);
  prOptions(cmd);
  cmd.action(async (opts: { port: string; host: string; audit?: string; as?: string; team?: string[] } & PrFlags & ForwardFlags) => {
    const ctx = context();
    if (!/^\d{1,5}$/.test(opts.port) || Number(opts.port) > 65535) throw new RdnsError(`--port ${opts.port}: expected a port number from 0 to 65535`, 2);
    const findings = opts.audit ? readFindingsFile(typedPath(ctx, opts.audit), opts.audit) : undefined;
    let propose: ((r: ChangeResult, verb: string) => ReturnType<typeof proposeChange>) | undefined;
    if (opts.pr) {
      const settings = await pullRequestSettings(ctx, 'the portal did not start');
      propose = (r, verb) => proposeChange(ctx.root, r, { ...settings, base: opts.base, verb, warn: (m) => ctx.stderr(`rdns: ${m}\n`) });
    }
    // Checked once now (a bad --resolver is a usage error at start), then one resolver per request.
    const fcrdns = forwardCheckOf(opts) ? { resolver: () => forwardCheckOf(opts)!.resolver, allowUnverified: opts.allowUnverified } : undefined;
    let portal;
    try {
      portal = await startPortal({ root: ctx.root, host: opts.host, port: Number(opts.port), actor: actorOf(opts), propose, fcrdns, findings });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new RdnsError(`cannot listen on ${opts.host}:${opts.port}: ${code ?? (e as Error).message}`, 2, code === 'EADDRINUSE' ? 'another program uses the port: pass --port N (or --port 0 for any free one)' : undefined);
    }
    if (!LOOPBACK.has(opts.host)) ctx.stderr(`rdns serve: listening on ${opts.host}, not loopback: anyone who can reach it and has the URL can edit\n`);
    if (!fcrdns) ctx.stderr('rdns serve: --no-fcrdns: names are saved without checking that they resolve back to their address\n');
    else if (opts.allowUnverified) ctx.stderr('rdns serve: --allow-unverified: names DNS cannot answer for are saved, marked unverified (mismatches are still refused)\n');
    ctx.stdout(`rdns serve: open ${portal.url}\n(the token in the URL is new on every run; Ctrl+C stops the server)\n`);
    await ctx.waitForStop();
    await portal.close();
    setExit(0);
  });
}
