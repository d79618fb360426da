import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, parseConfig } from '../../src/loader/config.js';
import { explainDenial } from '../../src/policy/hostname-policy.js';

describe('hostname policy: built-in deny list', () => {
  it.each([
    ['dhcp-23.pool.example.net.', /"dhcp" is a word that marks dynamic/],
    ['host.dyn.example.net.', /"dyn"/],
    ['dynamic-7.example.net.', /"dynamic"/],
    ['cpe-1.cable.example.net.', /"cpe"/],
    ['adsl12.example.net.', /"adsl1"/],
    ['ppp.example.net.', /"ppp"/],
    ['198-51-100-22.static.example.net.', /embedded IP address/],
    ['host.198.51.100.22.example.net.', /embedded IP address/],
    ['spam1.example.net.', /bulk-mail word/],
    ['bulkmail.example.net.', /bulk-mail word/],
    ['localhost.example.net.', /localhost/],
  ])('refuses %s', (name, why) => {
    expect(explainDenial(name, DEFAULT_CONFIG)).toMatch(why);
  });

  it.each(['mail.example.com.', 'mx1.example.net.', 'smtp.acme.example.', 'dynamo.example.com.', 'poolside.example.com.', 'clients.example.com.', 'mail2.dc1.example.net.', 'ns1.example.net.'])(
    'allows %s',
    (name) => {
      expect(explainDenial(name, DEFAULT_CONFIG)).toBeUndefined();
    },
  );
});

describe('hostname policy from rdns.yaml', () => {
  it('adds patterns with deny_extra and replaces the list with deny', () => {
    const extra = parseConfig(Buffer.from('policy:\n  deny_extra: ["^test-"]\n'), 'rdns.yaml');
    expect(extra.diagnostics).toEqual([]);
    expect(explainDenial('test-1.example.com.', extra.config)).toMatch(/deny pattern \/\^test-\//);
    expect(explainDenial('dhcp-1.example.com.', extra.config)).toBeDefined();
    const replaced = parseConfig(Buffer.from('policy:\n  deny: ["^test-"]\n'), 'rdns.yaml');
    expect(explainDenial('dhcp-1.example.com.', replaced.config)).toBeUndefined();
  });

  it('matches case-insensitively', () => {
    const c = parseConfig(Buffer.from('policy:\n  deny: ["Mailer"]\n'), 'rdns.yaml');
    expect(explainDenial('mailer.example.com.', c.config)).toBeDefined();
  });
});

describe('policy.allow: exceptions for real hosts whose names look generic (issue 20, item 6)', () => {
  const YAML = [
    'policy:',
    '  deny_extra: ["^test-"]',
    '  allow:',
    '    - pool.ntp.example.',
    '    - name: MX.Spam-Filter.example',
    '      note: the filtering service we run',
    '    - pattern: "dhcp[0-9]+\\\\.example"',
    '',
  ].join('\n');
  const { config, diagnostics } = parseConfig(Buffer.from(YAML), 'rdns.yaml');

  it('parses exact names (normalised) and patterns', () => {
    expect(diagnostics).toEqual([]);
    expect(config.allow).toEqual([
      { name: 'pool.ntp.example.', rule: 'policy.allow[0]' },
      { name: 'mx.spam-filter.example.', rule: 'policy.allow[1]' },
      { pattern: 'dhcp[0-9]+\\.example', rule: 'policy.allow[2]' },
    ]);
  });

  it.each(['pool.ntp.example.', 'mx.spam-filter.example.', 'dhcp1.example.', 'DHCP42.Example.'])('allows %s', (name) => {
    expect(explainDenial(name, config)).toBeUndefined();
  });

  it.each([
    // An exact name excepts that name only; a pattern must match the whole name.
    ['pool2.ntp.example.', /"pool2" is a word that marks dynamic.*\(deny rule built-in "dynamic-words"; a real host's name can be excepted in policy\.allow of rdns\.yaml\)/],
    ['a.pool.ntp.example.', /deny rule built-in "dynamic-words"/],
    ['dhcp1.example.org.', /deny rule built-in "dynamic-words"/],
    ['x.dhcp1.example.', /deny rule built-in "dynamic-words"/],
    ['spam.spam-filter.example.', /deny rule built-in "bulk-mail"/],
    ['test-1.example.com.', /deny pattern \/\^test-\/ of policy\.deny in rdns\.yaml \(deny rule policy\.deny_extra\[0\]/],
  ])('still refuses %s, naming the rule', (name, why) => {
    expect(explainDenial(name, config)).toMatch(why);
  });

  it('a look-alike of an excepted name stays refused: an exception names the name, not what it reads as', () => {
    // Cyrillic "ԁһср1.example" reads as dhcp1.example, which policy.allow[2] excepts.
    expect(explainDenial('xn--1-4tbc10cil.example.', config)).toMatch(/reads as "dhcp1\.example".*deny rule built-in "dynamic-words"/);
  });

  it('names the rule of a replaced list by its index', () => {
    const c = parseConfig(Buffer.from('policy:\n  deny: ["^ok$", "relay"]\n'), 'rdns.yaml').config;
    expect(explainDenial('relay1.example.net.', c)).toMatch(/\(deny rule policy\.deny\[1\]/);
  });

  it('refuses an allow entry that is not a hostname or not a linear pattern, at its line', () => {
    const bad = parseConfig(Buffer.from('policy:\n  allow:\n    - "mail server.example"\n    - pattern: "(a)\\\\1"\n    - { name: ok.example }\n'), 'rdns.yaml');
    expect(bad.diagnostics.map((d) => `${d.code} ${d.line}:${d.column} ${d.message}`)).toEqual([
      'config.invalid 3:7 policy.allow[0] "mail server.example" is not a hostname: a hostname cannot contain whitespace',
      expect.stringMatching(/^config\.invalid 4:16 policy\.allow\[1\]\.pattern cannot be used: .*backreferences/),
    ]);
    expect(bad.config.allow).toEqual([{ name: 'ok.example.', rule: 'policy.allow[2]' }]);
    const unknown = parseConfig(Buffer.from('policy:\n  allow:\n    - { host: ok.example }\n'), 'rdns.yaml');
    expect(unknown.diagnostics[0]?.code).toMatch(/^schema\./);
  });
});
