// `npm start`: the main job on the bundled example zones/, for a newcomer's first five
// minutes. validate → synth → FCrDNS check, then what just happened and what to try next.
// When BIND 9 (named) is installed, the example's forward names are served by a local
// authoritative server on 127.0.0.1 (built from the example's own PTRs), so the FCrDNS
// check runs for real and passes; without it the check runs against the system
// resolvers, the example names do not resolve, and this says so plainly. Exits 0 when
// validate and synth succeed.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { namedPath, startBind, zoneText } from '../test/helpers/named.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const rdns = (args, capture = false) =>
  spawnSync(process.execPath, [cli, ...args], { cwd: root, stdio: capture ? ['ignore', 'pipe', 'inherit'] : 'inherit', encoding: 'utf8', env: { ...process.env, CHECKPOINT_DISABLE: '1' } });
const step = (title) => process.stdout.write(`\n── ${title}\n`);

step('rdns validate: schema, hostname policy and structure of every block file');
if (rdns(['validate']).status !== 0) {
  process.stdout.write('\nvalidate found errors: fix the lines it names (file:line:column), then run npm start again.\n');
  process.exit(1);
}
step('rdns synth: render every block into a Terraform stack (no cloud access needed)');
if (rdns(['synth']).status !== 0) process.exit(1);

/** Forward zones (A/AAAA) for every PTR name of the example, grouped by their last two labels. */
function forwardZones() {
  const r = rdns(['export', '--format', 'json'], true);
  const zones = new Map();
  for (const z of JSON.parse(r.stdout).zones) {
    for (const rec of z.records) {
      if (rec.type !== 'PTR') continue;
      const name = rec.value.replace(/\.$/, '');
      const apex = name.split('.').slice(-2).join('.');
      // Only the documentation names of the example (RFC 2606): never serve a real domain.
      if (!/^example\.(com|net|org)$|\.example$/.test(apex)) continue;
      const lines = zones.get(apex) ?? [];
      lines.push(`${name}. IN ${rec.ip.includes(':') ? 'AAAA' : 'A'} ${rec.ip}`);
      zones.set(apex, lines);
    }
  }
  return [...zones].map(([name, lines]) => ({ name, text: zoneText(name, [...new Set(lines)].join('\n')) }));
}

let served = false;
if (namedPath()) {
  step('rdns check: FCrDNS of every PTR, against a local BIND serving the example names');
  let server;
  try {
    server = await startBind(forwardZones());
  } catch (e) {
    process.stdout.write(`could not start the local BIND (${e.message.split('\n')[0]}); checking through the system resolvers instead\n`);
  }
  if (server) {
    try {
      const c = rdns(['check', '--resolver', server.address, '--timeout', '1000', '--retries', '0']);
      served = c.status === 0;
    } finally {
      await server.stop();
    }
  }
}
if (!served && !namedPath()) {
  step('rdns check: FCrDNS of every PTR through the system resolvers');
  rdns(['check', '--report-only', '--timeout', '1000', '--retries', '0']);
  process.stdout.write(
    'note: the example names (example.net, example.com, …) are documentation names that do not exist in DNS,\n' +
      'so the check above cannot confirm them. Install BIND 9 (apt-get install -y bind9) and npm start serves them\n' +
      'on 127.0.0.1 so the check runs for real; with your own zones/ it checks your real names.\n',
  );
}

process.stdout.write(`
── What just happened
validate read every block file under zones/ and found them sound; synth wrote one
Terraform stack per reverse zone into cdktf.out/stacks/ (what the pipeline plans and applies);
check asked DNS whether every PTR name resolves back to its address (FCrDNS).

── Try next
  npx rdns show 198.51.100.34                                 what an address has, and who may change it
  npx rdns set 198.51.100.40 web1.example.com --no-fcrdns     give an address a PTR (then: git diff)
  npx rdns bulk batch.txt                                     preview "IP HOST" lines from a file or spreadsheet
  npx rdns set 198.51.100.40 web1.example.com --pr            the same as a pull request (needs GITHUB_TOKEN, GITHUB_REPOSITORY)
  npx rdns history 192.0.2.0/24                               who changed which PTR of a range, when, in which pull request
  npx rdns plan --stack rdns-198-51-100-0-24                  terraform plan of one zone, in PTR terms (needs AWS credentials; docs/terraform.md)
docs/commands.md lists every command; each is documented with its output.
`);
process.exit(0);
