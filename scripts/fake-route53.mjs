#!/usr/bin/env node
// The Route53 stand-in as a dev tool: a local HTTP server that speaks the parts of the
// Route 53 API (and STS GetCallerIdentity) that hashicorp/aws uses for rdns, so `rdns plan`
// and `rdns apply` can be tried with no AWS account and nothing leaving the machine. Zones
// and records live in memory until it stops. It is the same stand-in the tests use
// (src/dev/fake-route53.ts; run `npm run build` first).
//
//   eval "$(node scripts/fake-route53.mjs --detach)"   start it in the background and point
//                                                      Terraform at it in this shell
//   node scripts/fake-route53.mjs [--port N]           run in the foreground, one line per request
//
// Options: --port N (default 4580; 0: any free port), --rate N (requests per second before Route 53's
// `Throttling` answer; default 5, Route 53's quota per account; 0: never throttle),
// --mirror DIR (also write a Terraform CLI config that installs hashicorp/aws from that
// filesystem mirror and export TF_CLI_CONFIG_FILE; default $RDNS_TF_MIRROR), --detach.
// On exit (Ctrl-C, or `kill` of the printed pid) it prints the requests it answered per API action.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const usage = 'usage: node scripts/fake-route53.mjs [--port N] [--rate N] [--mirror DIR] [--detach]';
let opts;
try {
  opts = parseArgs({
    options: {
      port: { type: 'string', default: '4580' },
      rate: { type: 'string', default: '5' },
      mirror: { type: 'string', default: process.env.RDNS_TF_MIRROR || undefined },
      detach: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
      // Internal: a detached start waits for this file (the environment, once it listens).
      'ready-file': { type: 'string' },
    },
  }).values;
} catch (e) {
  process.stderr.write(`${e.message}\n${usage}\n`);
  process.exit(2);
}
if (opts.help) {
  process.stdout.write(`${usage}\n`);
  process.exit(0);
}
const port = Number(opts.port);
const rate = Number(opts.rate);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be a port number (0: any free one), got ${opts.port}`);
if (!Number.isFinite(rate) || rate < 0) fail(`--rate must be a number of requests per second (0: no throttling), got ${opts.rate}`);
if (opts.mirror && !existsSync(join(opts.mirror, 'registry.terraform.io', 'hashicorp', 'aws'))) fail(`--mirror ${opts.mirror} holds no registry.terraform.io/hashicorp/aws`);

const implementation = new URL('../dist/dev/fake-route53.js', import.meta.url);
if (!existsSync(fileURLToPath(implementation))) fail('dist/dev/fake-route53.js is missing: run npm run build first');

function fail(message) {
  process.stderr.write(`fake-route53: ${message}\n`);
  process.exit(2);
}

const shellQuote = (v) => `'${String(v).replace(/'/g, `'\\''`)}'`;

if (opts.detach) {
  // A child in its own session that outlives this shell command; its log goes to a file.
  const dir = mkdtempSync(join(tmpdir(), 'rdns-fake-route53-'));
  const log = join(dir, 'requests.log');
  const out = openSync(log, 'a');
  const args = [fileURLToPath(import.meta.url), '--port', String(port), '--rate', String(rate), '--ready-file', join(dir, 'ready')];
  const child = spawn(process.execPath, args, { detached: true, stdio: ['ignore', out, out] });
  child.unref();
  const ready = join(dir, 'ready');
  for (let i = 0; i < 100 && !existsSync(ready); i++) {
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  if (!existsSync(ready)) fail(`the stand-in did not start (see ${log}):\n${readFileSync(log, 'utf8')}`);
  const env = JSON.parse(readFileSync(ready, 'utf8'));
  if (opts.mirror) env.TF_CLI_CONFIG_FILE = writeMirrorConfig(dir, opts.mirror);
  const lines = [
    `# Route53 stand-in on ${env.AWS_ENDPOINT_URL_ROUTE_53} (pid ${child.pid}, ${rate ? `throttling above ${rate} requests/s` : 'no throttling'}; requests logged to ${log})`,
    ...Object.entries(env).map(([k, v]) => `export ${k}=${shellQuote(v)}`),
    `echo ${shellQuote(`Route53 stand-in on ${env.AWS_ENDPOINT_URL_ROUTE_53} (requests logged to ${log}); Terraform in this shell now talks only to it. Stop it: kill ${child.pid}`)} >&2`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  process.exit(0);
}

/** A Terraform CLI configuration that installs hashicorp/aws only from `mirror` (nothing downloaded). */
function writeMirrorConfig(dir, mirror) {
  const rc = join(dir, 'terraform.rc');
  writeFileSync(rc, `provider_installation {\n  filesystem_mirror {\n    path    = ${JSON.stringify(mirror)}\n    include = ["registry.terraform.io/hashicorp/aws"]\n  }\n}\n`);
  return rc;
}

// Foreground: the internal --ready-file is how a detached start learns that it listens.
const readyFile = opts['ready-file'];
const { startFakeRoute53, standInEnvironment } = await import(implementation.href);
let fake;
try {
  fake = await startFakeRoute53({ port, ...(rate > 0 ? { rateLimit: rate } : {}) });
} catch (e) {
  fail(e.code === 'EADDRINUSE' ? `port ${port} is in use (another stand-in?); pick one with --port` : e.message);
}
const env = standInEnvironment(fake.url);
let logged = 0;
const timer = setInterval(() => {
  const lines = fake.log();
  for (; logged < lines.length; logged++) process.stdout.write(`${lines[logged]}\n`);
}, 200);
if (readyFile) writeFileSync(readyFile, JSON.stringify(env));
else {
  process.stdout.write(`Route53 stand-in on ${fake.url} (${rate ? `throttling above ${rate} requests/s, as Route 53` : 'no throttling'}). Point Terraform at it in another shell:\n`);
  for (const [k, v] of Object.entries(env)) process.stdout.write(`  export ${k}=${shellQuote(v)}\n`);
  process.stdout.write('Ctrl-C stops it (zones and records are kept in memory only).\n');
}

async function stop() {
  clearInterval(timer);
  const lines = fake.log();
  for (; logged < lines.length; logged++) process.stdout.write(`${lines[logged]}\n`);
  const counts = Object.entries(fake.counts()).sort(([a], [b]) => a.localeCompare(b));
  process.stdout.write(`${fake.requests.length} requests (${fake.throttled()} throttled)${counts.length ? `: ${counts.map(([a, n]) => `${a} ${n}`).join(', ')}` : ''}\n`);
  await fake.close();
  process.exit(0);
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
