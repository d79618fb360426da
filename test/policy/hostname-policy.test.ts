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
