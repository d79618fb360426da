/**
 * Issue 18, item 10: whole-script look-alikes. A name spelled entirely in Cyrillic that
 * reads as Latin (`ԁһср-2.example.com` reads "dhcp-2") mixes no scripts, so the
 * mixed-script check is silent; the deny policy must see what a reader sees: the
 * confusable skeleton (Unicode TS #39), and a label that only looks Latin is flagged.
 */
import { domainToASCII } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/core/diagnostics.js';
import { DEFAULT_CONFIG } from '../../src/loader/config.js';
import { explainDenial } from '../../src/policy/hostname-policy.js';
import { runCli } from '../helpers/cli.js';
import { writeRepo } from '../helpers/repo-files.js';

const fqdn = (name: string): string => `${domainToASCII(name)}.`;

describe('whole-script look-alikes (issue 18, item 10)', () => {
  it('rdns validate refuses a Cyrillic "dhcp" and flags a label that only looks Latin; real Cyrillic and accented names pass', () => {
    const root = writeRepo({
      'rdns.yaml': 'policy:\n  deny_extra: ["(^|\\\\.)paypal\\\\."]\n',
      'zones/a.yaml': `prefix: 192.0.2.0/24
records:
  192.0.2.1: ԁһср-2.example.com
  192.0.2.2: ѕраm.example.com
  192.0.2.3: раураl.example.com
  192.0.2.4: сосо.example.com
  192.0.2.5: пример.example.com
  192.0.2.6: münchen.example.com
  192.0.2.7: mail.example.com
`,
    });
    const r = runCli(['validate', '--format', 'json'], { cwd: root });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(1);
    const ds = (JSON.parse(r.stdout) as { diagnostics: Diagnostic[] }).diagnostics;
    // The 8 records give fewer than half of the /24 a PTR (coverage.low): not what this is about.
    const found = ds
      .filter((d) => d.code !== 'coverage.low')
      .map((d) => [d.ip, d.severity, d.code])
      .sort((a, b) => `${a[0]} ${a[2]}`.localeCompare(`${b[0]} ${b[2]}`));
    expect(found).toEqual([
      ['192.0.2.1', 'warning', 'hostname.confusable'],
      ['192.0.2.1', 'error', 'hostname.denied'],
      // Cyrillic ѕ р а with a Latin m: mixed scripts, and denied for what it reads as.
      ['192.0.2.2', 'error', 'hostname.denied'],
      ['192.0.2.2', 'warning', 'hostname.mixed-script'],
      ['192.0.2.3', 'error', 'hostname.denied'],
      ['192.0.2.3', 'warning', 'hostname.mixed-script'],
      ['192.0.2.4', 'warning', 'hostname.confusable'],
    ]);
    const at = (ip: string, code: string): string => ds.find((d) => d.ip === ip && d.code === code)!.message;
    expect(at('192.0.2.1', 'hostname.denied')).toBe(
      '192.0.2.1: "ԁһср-2.example.com" is refused by the hostname policy: it reads as "dhcp-2.example.com" (look-alike letters, Unicode TS #39), and "dhcp" is a word that marks dynamic or residential address space; receiving mail servers treat such names as end-user or bulk-mail space (deny rule built-in "dynamic-words"; a real host\'s name can be excepted in policy.allow of rdns.yaml)',
    );
    expect(at('192.0.2.3', 'hostname.denied')).toMatch(/it reads as "paypal\.example\.com" .*matches the deny pattern \/\(\^\|\\\.\)paypal\\\.\/ of policy\.deny in rdns\.yaml/);
    expect(at('192.0.2.4', 'hostname.confusable')).toBe(
      '192.0.2.4: the label "сосо" of "сосо.example.com" is written in Cyrillic letters that look like the Latin "coco" (xn--n1aahb); a reader cannot tell the two apart: write it in Latin letters, or in letters that do not look Latin',
    );
  });

  it('explainDenial reads the skeleton of punycode names, and leaves plain names as they are', () => {
    expect(explainDenial(fqdn('ԁһср-2.example.com'), DEFAULT_CONFIG)).toMatch(/reads as "dhcp-2\.example\.com"/);
    expect(explainDenial(fqdn('ԁуn-7.example.com'), DEFAULT_CONFIG)).toMatch(/reads as "dyn-7\.example\.com"/);
    expect(explainDenial(fqdn('пример.example.com'), DEFAULT_CONFIG)).toBeUndefined();
    // ASCII is never folded: "m" is not read as "rn", "1" not as "l".
    expect(explainDenial('mail1.example.com.', DEFAULT_CONFIG)).toBeUndefined();
    expect(explainDenial('dhcp-2.example.com.', DEFAULT_CONFIG)).toMatch(/^"dhcp" is a word/);
  });
});
