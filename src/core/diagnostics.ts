/**
 * Findings as data. Every check returns diagnostics; only the CLI turns them into
 * an exit code. Codes are a stable contract (documented in the table of docs/diagnostics.md).
 */

export type Severity = 'error' | 'warning';

export interface Diagnostic {
  severity: Severity;
  code: string;
  message: string;
  /** Path relative to the repository root, with forward slashes. */
  file?: string;
  line?: number;
  column?: number;
  ip?: string;
  value?: string;
  /** A grouped finding: every address it covers (e.g. each failing generic name of a block). */
  ips?: string[];
}

/** Where a value sits in a source file (1-based line and column). */
export interface SourcePos {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/** Every diagnostic code with its severity and what it means (the table in docs/diagnostics.md is built from this). */
export const DIAGNOSTIC_CODES = {
  'file.unreadable': ['error', 'a path given on the command line, a block file or a folder under `zones/` cannot be read (its block files were not checked)'],
  'file.symlink': ['error', 'a block file, `rdns.yaml`, CODEOWNERS or a folder of block files is a symbolic link (in the work tree or in git): links are never followed, not even inside the repository'],
  'file.not-regular': ['error', 'a block file, `rdns.yaml` or CODEOWNERS is a folder, FIFO, device or socket (or a git submodule), not a regular file; it is not read'],
  'file.name': ['error', 'a block file name contains a control or invisible character, white space or one of `# ! * ? [ ] \\`, which a CODEOWNERS line cannot express'],
  'file.encoding': ['error', 'the file is not valid UTF-8 (the position of the first bad byte is given)'],
  'file.too-large': ['error', 'the file is larger than `limits.max_file_bytes` (default 32 MiB); split the block'],
  'file.empty': ['error', 'the block file has no content'],
  'yaml.syntax': ['error', 'YAML syntax error'],
  'yaml.duplicate-key': ['error', 'the same key appears twice in one mapping'],
  'yaml.alias': ['error', 'anchors and aliases (`&x`, `*x`) are not allowed in block files'],
  'yaml.tag': ['error', 'a YAML tag other than the core ones (`!foo`, `!!binary`, `!!set`, …): block files and rdns.yaml are plain YAML'],
  'schema.invalid': ['error', 'a value has the wrong type or is out of range (JSON Schema)'],
  'schema.unknown-key': ['error', 'a key that the schema does not know (typo?)'],
  'schema.missing-key': ['error', 'a required key is missing'],
  'prefix.invalid': ['error', 'a block or allocation prefix is not a valid network (leading zeros, host bits set, bad length)'],
  'record.ip-invalid': ['error', 'a record key is not a valid IP address'],
  'record.outside-block': ['error', 'the record\'s IP is not inside the block\'s prefix'],
  'record.duplicate': ['error', 'the same IP has two records (also across IPv6 notations and files)'],
  'record.ttl': ['error', 'a TTL outside the bounds of `policy.ttl` in rdns.yaml'],
  'hostname.invalid': ['error', 'the PTR target is not a valid fully qualified hostname'],
  'hostname.denied': ['error', 'the PTR target matches a deny pattern of the hostname policy (suggests spam infrastructure)'],
  'hostname.reverse-target': ['error', 'the PTR target is a name inside `in-addr.arpa`/`ip6.arpa` (e.g. `mail.30.20.10.in-addr.arpa`): nearly always a relative name a zone file completed with its origin; the message gives the likely intended name'],
  'hostname.confusable': ['warning', 'a label of the PTR target is written in another script (e.g. Cyrillic "сосо") but reads as a Latin label ("coco"): a whole-script look-alike (UTS 39); deny patterns are also applied to the Latin reading'],
  'hostname.mixed-script': ['warning', 'a label of the PTR target mixes scripts the way look-alike names do (e.g. Cyrillic "р" among Latin letters); browsers show such names as punycode (UTS 39, highly restrictive)'],
  'block.overlap': ['error', 'two block files cover overlapping prefixes'],
  'allocation.outside-block': ['error', 'an allocation is not inside its block'],
  'allocation.overlap': ['error', 'two allocations of a block overlap'],
  'allocation.contact': ['error', 'an allocation\'s `contact` (the SOA mailbox of its delegated child zone) is not an e-mail address `local@domain`'],
  'owner.invalid': ['error', 'an owner is not a GitHub `@user` or `@org/team`'],
  'template.invalid': ['error', 'a `default` template has an unknown placeholder or gives invalid hostnames'],
  'template.collision': ['error', 'a `default` template would give several addresses the same name'],
  'pool.outside-block': ['error', 'a pool is not inside its block'],
  'pool.empty': ['error', 'a pool\'s `offset` is past the end of its prefix: it has no address'],
  'pool.overlap': ['error', 'two pools of the same prefix share addresses, so neither template is the more specific one'],
  'coverage.low': ['warning', 'a block with neither records nor a `default` (block, allocation or pool) for most of its addresses: most of them have no PTR'],
  'coverage.missing': ['warning', 'a routed prefix (`routed:` in rdns.yaml or `--routed FILE`) has addresses that no block file covers, so they have no PTR; the message lists the uncovered parts as the fewest prefixes'],
  'coverage.unrouted': ['warning', 'a block file (or part of it) lies outside every routed prefix: its PTRs name space this network does not route (checked only when routed prefixes are given)'],
  'zone.too-large': ['error', 'a reverse zone would hold more records than `zones.max_records` (Route53 quota)'],
  'zone.too-many': ['error', 'a block splits into more reverse zones than synth renders (65,536); the message names the zone-size setting for the block\'s address family'],
  'zone.many': ['warning', 'a block renders more reverse zones than `zones.max_zones_per_block` (default 256): each is a hosted zone to create'],
  'zone.unknown': ['error', "a block's `zones:` key names none of the block's reverse zones (a typo, or the `/` form of an RFC 2317 name): its `zone_id` and `mode` would be ignored; also a zone of rdns.yaml's `route53.zones` that no block has"],
  'zone.shared-options': ['error', 'a block sets `zones:` options (`zone_id`, `mode`) for a reverse zone it shares with other blocks, differently from rdns.yaml `route53.zones` (which wins) or from another block of the zone: set a shared zone\'s options once, in rdns.yaml'],
  'render.delegation': ['error', 'an allocation with `delegate_to` cannot be delegated in DNS: neither below a /24 (RFC 2317) nor on an octet/nibble boundary, inside an RFC 2317 block, or covering a whole zone'],
  'render.forward-zone': ['error', 'a generic name of `default` does not end in the block\'s `forward.zone`, so its A/AAAA record cannot be published there'],
  'render.value': ['error', 'a rendered record name or value is not a valid DNS name or is longer than 255 characters, or the synthesized JSON contains Terraform template syntax the renderer did not write'],
  'render.unknown-zone': ['error', 'a block file\'s `zones:` names the reverse zone the block could have but did not get (its own RFC 2317 zone or the shared parent, decided from the whole repository), so its settings (a `zone_id` to adopt) would be ignored'],
  'config.invalid': ['error', 'rdns.yaml has an invalid setting (e.g. a deny pattern that is not RE2 syntax: backreferences and lookaround cannot run in linear time)'],
  'edit.no-block': ['error', '`rdns set/reset/bulk`: the address is in no block file (or only in one that does not load)'],
  'edit.not-owner': ['error', '`--as USER`: the user is not an owner of the block nor of the allocation holding the address'],
  'edit.unsafe': ['error', 'the block file cannot be edited safely (two records for one address, a file that does not parse, a flow-style edit that would not read back); it is left untouched'],
  'edit.no-default': ['error', '`rdns reset` (or `IP default`) in a block without `default`: the address would have no PTR at all; refused unless `--delete`'],
  'edit.locked': ['error', 'another `rdns` process is editing the block file; nothing was written (retry; a lock older than a minute or of a finished process is taken over)'],
  'delegate.no-allocation': ['error', '`rdns delegate/undelegate`: no allocation of the block file has exactly this prefix (add the allocation, with its account, first)'],
  'delegate.boundary': ['error', '`rdns delegate`: the prefix cannot be delegated in DNS (not below a /24 for RFC 2317 nor on an octet/nibble boundary, a whole reverse zone, or inside a classless block)'],
  'bulk.syntax': ['error', 'a `rdns bulk` line is not `IP HOST` (space, tab, comma or semicolon separated, optionally quoted); the column of the wrong field is given'],
  'bulk.duplicate': ['error', 'the same address is asked for with different values on several `rdns bulk` lines (any notation); all of them are refused'],
  'bulk.over-cap': ['warning', 'more `rdns bulk` change lines than the per-run cap (the smaller of `bulk.max_lines` and `guards.max_changed_records`, default 500, or `--max`): every line is checked and counted, a run applies only the window of change lines it names; `--from N` continues, and with `--pr` each run opens its own pull request'],
  'bulk.over-guard': ['warning', 'a `rdns bulk` run (`--max`) changes more records than `guards.max_changed_records`: as one pull request, `rdns ci` refuses it without the approval label'],
  'import.syntax': ['error', 'a zone file line cannot be parsed (the line is skipped)'],
  'import.include': ['error', 'a zone file `$INCLUDE` cannot be read, is outside the zone file\'s folder, or includes itself'],
  'import.conflict': ['warning', '`rdns import`: the zone has another PTR (or generic naming) than the block file; the file is kept unless `--overwrite`'],
  'import.no-block': ['warning', '`rdns import`: PTRs outside every block, in a zone that overlaps existing blocks; not imported'],
  'import.ttl': ['warning', '`rdns import`: a TTL in the zone is outside `policy.ttl`; the PTRs are imported with the nearest allowed TTL'],
  'import.refused': ['error', '`rdns import`: a PTR that neither a record nor a template can carry (a name the hostname policy refuses, outside every pool template); not imported. `--skip-refused` makes it a warning'],
  'import.skipped': ['warning', '`rdns import`: a PTR or CNAME that is not the reverse name of one address, an invalid or policy-denied hostname, CNAMEs into a classless zone that is not in the input, or data outside the zone; not imported'],
  'fcrdns.mismatch': ['error', 'the PTR name resolves (A/AAAA) to other addresses, not back to the IP'],
  'fcrdns.nxdomain': ['error', 'the PTR name does not exist in DNS (NXDOMAIN)'],
  'fcrdns.nodata': ['error', 'the PTR name exists but has no A (IPv4) / AAAA (IPv6) record'],
  'fcrdns.servfail': ['warning', 'the PTR name could not be verified: the DNS server answered SERVFAIL/REFUSED (an error with `--strict`)'],
  'fcrdns.timeout': ['warning', 'the PTR name could not be verified: no answer in time (an error with `--strict`)'],
  'fcrdns.defaults-sampled': ['warning', 'a block with `default` is larger than 65,536 addresses: only generic names at both ends were checked'],
  'resolver.unreachable': ['error', 'no DNS server answered any query, or the server refused every one (exit code 2 unless `--report-only`)'],
  'drift.not-applied': ['warning', 'git has a PTR for the address, DNS has none yet (not applied)'],
  'drift.changed': ['error', 'DNS serves another PTR than git (changed outside git)'],
  'drift.stale': ['warning', 'DNS serves a PTR for an address that has none in git (stale)'],
  'drift.unverifiable': ['warning', 'the live PTR could not be read (SERVFAIL or timeout)'],
  'delegation.missing': ['error', 'the reverse zone is not delegated: its apex has no SOA/NS in DNS'],
  'delegation.lame': ['error', 'a name server of the reverse zone does not resolve or does not answer authoritatively for it'],
  'delegation.unverifiable': ['warning', 'the delegation of a reverse zone could not be checked (timeout or an unusable answer)'],
  'delegation.mismatch': ['warning', 'the NS set seen from the parent differs from the zone\'s own NS set or from `delegate_to`'],
  'audit.partial': ['warning', 'a block is too large to read the live PTR of every address; only its records were compared'],
  'ownership.not-yours': ['error', 'the pull request changes an address (or block settings) that its author does not own; the message names who may'],
  'ownership.unchecked': ['warning', '`rdns ci` without a pull-request author (a local run without `--author LOGIN`): ownership was not checked'],
  'guard.too-many-changes': ['error', 'the pull request changes more records than `guards.max_changed_records` and lacks the approval label (a warning once labelled)'],
  'guard.mass-delete': ['error', 'the pull request deletes or resets more than `guards.max_delete_percent` of a zone\'s records and lacks the approval label (a warning once labelled)'],
  'codeowners.stale': ['warning', '.github/CODEOWNERS does not match the block owners; run `rdns codeowners`'],
  'config.changed': ['error', '`rdns ci`: the pull request changes rdns.yaml and its author is not one of the `owners` that the target branch\'s rdns.yaml names (or it names none); the checks use the target branch\'s rdns.yaml'],
  'state.committed': ['error', '`rdns ci`: the pull request adds or changes a Terraform state file (`*.tfstate*`) or a Terraform working file (`.terraform*`); state never comes from the checkout (Terraform would install and run the providers it names)'],
  'guard.label-unverified': ['warning', '`rdns ci`: the approval label does not count because GitHub could not confirm it (labels or label events unreadable, or no one named as having added it)'],
  'forward.not-generic': ['error', '`forward` publishes A/AAAA for the block\'s `default` names, but the default does not encode the whole address (e.g. `{dashed}`), so the names would not be generic ones of the block'],
  'forward.duplicate': ['error', 'two addresses (in one block or two) would publish the same forward name'],
  'record.delegated': ['warning', 'a record inside an allocation with `delegate_to`: the customer\'s name servers answer for it, so this repository does not publish it; it is part of the child zone `rdns export` prints for the customer (`rdns delegate` keeps the range\'s records there; `rdns undelegate` publishes them again)'],
  'edit.delegated': ['error', '`rdns set/reset/bulk`: the address is inside an allocation delegated to the customer\'s name servers (`delegate_to`); its PTR is set there'],
} as const satisfies Record<string, readonly [Severity, string]>;

export type DiagnosticCode = keyof typeof DIAGNOSTIC_CODES;

/** Builds a diagnostic at a source position with the code's registered severity. */
export function diag(code: DiagnosticCode, message: string, pos?: SourcePos, extra?: { ip?: string; value?: string; severity?: Severity }): Diagnostic {
  const d: Diagnostic = { severity: extra?.severity ?? DIAGNOSTIC_CODES[code][0], code, message };
  if (pos) {
    d.file = pos.file;
    d.line = pos.line;
    d.column = pos.column;
  }
  if (extra?.ip !== undefined) d.ip = extra.ip;
  if (extra?.value !== undefined) d.value = extra.value;
  return d;
}

export const countErrors = (ds: readonly Diagnostic[]): number => ds.filter((d) => d.severity === 'error').length;

/** Stable order: by file, line, column, then code. */
export function sortDiagnostics(ds: Diagnostic[]): Diagnostic[] {
  return ds.sort(
    (a, b) =>
      (a.file ?? '').localeCompare(b.file ?? '') || (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0) || a.code.localeCompare(b.code),
  );
}
