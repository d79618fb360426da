import { describe, expect, it } from 'vitest';
import { canonicalName, isNormalizedHostname, mixedScriptLabel, normalizeHostname } from '../../src/core/hostname.js';

const valid: [string, string][] = [
  ['mail.example.com', 'mail.example.com.'],
  ['mail.example.com.', 'mail.example.com.'],
  ['MAIL.Example.COM', 'mail.example.com.'],
  ['a.b', 'a.b.'],
  ['x.io', 'x.io.'],
  ['smtp-1.mx.example.net', 'smtp-1.mx.example.net.'],
  ['1.example.com', '1.example.com.'],
  ['123.example.com', '123.example.com.'],
  ['3com.com', '3com.com.'],
  ['a-b-c.example.org', 'a-b-c.example.org.'],
  ['a--b.example.org', 'a--b.example.org.'],
  ['xn--bcher-kva.example', 'xn--bcher-kva.example.'],
  ['bücher.example', 'xn--bcher-kva.example.'],
  ['BÜCHER.example', 'xn--bcher-kva.example.'],
  ['mail.bücher.example.', 'mail.xn--bcher-kva.example.'],
  ['münchen.de', 'xn--mnchen-3ya.de.'],
  ['例え.テスト', 'xn--r8jz45g.xn--zckzah.'],
  ['пример.рф', 'xn--e1afmkfd.xn--p1ai.'],
  ['host.xn--p1ai', 'host.xn--p1ai.'],
  ['gw1.pop1.example.net', 'gw1.pop1.example.net.'],
  ['ns1.example.net', 'ns1.example.net.'],
  ['a.b.c.d.e.f.g.h.example', 'a.b.c.d.e.f.g.h.example.'],
  [`${'a'.repeat(63)}.example.com`, `${'a'.repeat(63)}.example.com.`],
  [`${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`, `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}.`],
  ['0.example.com', '0.example.com.'],
  ['mx.example.co.uk', 'mx.example.co.uk.'],
  ['host.example.museum', 'host.example.museum.'],
  ['a1.b2.c3', 'a1.b2.c3.'],
  ['host.example.x1', 'host.example.x1.'],
  ['host.example.1x', 'host.example.1x.'],
  ['vps-12.customers.example.net', 'vps-12.customers.example.net.'],
  ['Mail.Acme.Example', 'mail.acme.example.'],
  ['mx01.example.com', 'mx01.example.com.'],
  ['mail2.example.com', 'mail2.example.com.'],
  ['relay.out.example.com', 'relay.out.example.com.'],
  ['www.example.com', 'www.example.com.'],
  // UTS 46: the ideographic and full-width full stops are label separators, also at the end.
  ['mail.example.com\u3002', 'mail.example.com.'],
  ['mail\uFF0Eexample\u3002com', 'mail.example.com.'],
  ['api.example.org', 'api.example.org.'],
  ['z.z', 'z.z.'],
  ['host.local.example', 'host.local.example.'],
  ['h.example-tld', 'h.example-tld.'],
  ['fe80.example.com', 'fe80.example.com.'],
  ['2001-db8--1.example.net', '2001-db8--1.example.net.'],
  ['198-51-100-22.static.example.net', '198-51-100-22.static.example.net.'],
  ['café.example', 'xn--caf-dma.example.'],
  ['straße.example', 'xn--strae-oqa.example.'],
  ['ﬁ.example', 'fi.example.'],
  ['mail.ＥＸＡＭＰＬＥ.com', 'mail.example.com.'],
  ['a0.b0', 'a0.b0.'],
  ['sub.sub.sub.example.net', 'sub.sub.sub.example.net.'],
  ['m.x', 'm.x.'],
  ['edge-router-7.fra1.example.net', 'edge-router-7.fra1.example.net.'],
  ['lb.example.com', 'lb.example.com.'],
  ['smtp.acme.example', 'smtp.acme.example.'],
  ['mx.globex.example', 'mx.globex.example.'],
  ['k8s-node-1.example.com', 'k8s-node-1.example.com.'],
];

const invalid: [string, RegExp][] = [
  ['', /empty/],
  ['mail', /bare word/],
  ['localhost', /bare word/],
  ['mail.', /bare word/],
  ['com', /bare word/],
  ['bücher', /bare word/],
  ['.example.com', /empty label/],
  ['mail..example.com', /empty label/],
  ['mail.example.com..', /empty label/],
  ['.', /empty label/],
  ['..', /empty label/],
  ['-mail.example.com', /hyphen/],
  ['mail-.example.com', /hyphen/],
  ['mail.-example.com', /hyphen/],
  ['mail.example-.com', /hyphen/],
  ['mail.example.-com', /hyphen/],
  ['mail.example.com-', /hyphen/],
  ['_dmarc.example.com', /underscore/],
  ['mail_1.example.com', /underscore/],
  ['*.example.com', /wildcard/],
  ['mail.*.example.com', /wildcard/],
  ['*', /wildcard/],
  ['192.0.2.1', /IP address/],
  ['192.0.2.1.', /IP address/],
  ['2001:db8::1', /IP address/],
  ['::1', /IP address/],
  ['[2001:db8::1]', /IP address/],
  ['10.0.0.1', /IP address/],
  ['mail.example.123', /all-numeric/],
  ['host.example.0', /all-numeric/],
  ['a.1', /all-numeric/],
  ['1.2.3', /all-numeric/],
  ['mail example.com', /whitespace/],
  [' mail.example.com', /whitespace/],
  ['mail.example.com ', /whitespace/],
  ['mail\texample.com', /whitespace/],
  ['mail\n.example.com', /whitespace/],
  ['mail@example.com', /letters, digits and hyphens/],
  ['mail!.example.com', /letters, digits and hyphens/],
  ['mail/1.example.com', /letters, digits and hyphens/],
  ['mail\\.example.com', /letters, digits and hyphens/],
  ['mail:25.example.com', /letters, digits and hyphens/],
  ['${jndi}.example.com', /letters, digits and hyphens/],
  ['${aws_x.y}.example.com', /letters, digits and hyphens/],
  ['%{if}.example.com', /letters, digits and hyphens/],
  ['"quoted".example.com', /letters, digits and hyphens/],
  ['mail;rm -rf.example.com', /whitespace/],
  ['mail.exa$mple.com', /letters, digits and hyphens/],
  ['mail.example.com/', /letters, digits and hyphens/],
  ['http://mail.example.com', /letters, digits and hyphens/],
  [`${'a'.repeat(64)}.example.com`, /64 characters long/],
  [`mail.${'b'.repeat(64)}.com`, /64 characters long/],
  [`${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(62)}`, /254 characters/],
  [`${'a.'.repeat(200)}com`, /characters long/],
  ['x'.repeat(2000), /characters long/],
  ['xn--zz.example', /punycode/],
  ['xn--.example', /punycode|hyphen/],
  ['a\u0000b.example', /letters, digits and hyphens|IDNA/],
  ['mail.exam\u200bple.com', /IDNA|letters/],
  ['\u{1F600}.example', /IDNA|letters/],
  ['mail.example.com\u3002\u3002', /empty label/],
  ['\u3002mail.example.com', /empty label/],
];

describe('normalizeHostname: valid PTR targets', () => {
  it.each(valid)('%s → %s', (input, expected) => {
    const r = normalizeHostname(input);
    expect(r).toEqual({ ok: true, value: expected });
  });
});

describe('normalizeHostname: refused, with a reason the user can act on', () => {
  it.each(invalid)('%j', (input, why) => {
    const r = normalizeHostname(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(why);
  });

  it('shows invisible and control characters escaped, so the user sees what is wrong and a terminal is not driven by them', () => {
    const zw = normalizeHostname('mail\u200b.example.com');
    expect(zw).toEqual({ ok: false, reason: '"mail\\u{200B}.example.com" contains invisible, control or symbol characters, which IDNA2008 does not allow in hostnames' });
    const esc = normalizeHostname('\u001b[2Jmail.example.com');
    expect(esc.ok).toBe(false);
    if (!esc.ok) expect(esc.reason).toContain('"\\u{001B}[2Jmail.example.com"');
  });

  it('covers at least 100 RFC cases', () => {
    expect(valid.length + invalid.length).toBeGreaterThanOrEqual(100);
  });
});

describe('isNormalizedHostname: the fast check agrees with normalizeHostname on normal forms', () => {
  it.each([...valid.map(([, out]) => out), ...invalid.map(([input]) => input), 'mail.example.com', 'MAIL.example.com.', '22.100.51.198.in-addr.arpa.', 'a.1.', 'xn--zz.example.', '-a.example.'])('%j', (name) => {
    const r = normalizeHostname(name);
    expect(isNormalizedHostname(name)).toBe(r.ok && r.value === name);
  });
});

describe('mixedScriptLabel: look-alike names, as browsers judge IDNs (UTS 39 highly restrictive)', () => {
  it.each([
    ['раypal.example.com', 'раypal', ['Latin', 'Cyrillic']],
    ['xn--ypal-43d9g.example.com.', 'раypal', ['Latin', 'Cyrillic']],
    ['www.gοogle.example', 'gοogle', ['Latin', 'Greek']],
    ['mail.аррle-id.example', 'аррle-id', ['Latin', 'Cyrillic']],
    ['東京ру.example', '東京ру', ['Cyrillic', 'Han']],
  ])('%s mixes scripts in "%s"', (name, label, scripts) => {
    expect(mixedScriptLabel(name)).toEqual({ label, scripts });
  });

  it.each(['mail.example.com', 'пример.example.com', 'αβγ.example.com', 'café.example.com', '東京のtokyo-1.example.jp', '서울seoul.example.kr', 'xn--e1afmkfd.example.'])('%s keeps to one script per label', (name) => {
    expect(mixedScriptLabel(name)).toBeUndefined();
  });
});

describe('canonicalName: names compared as DNS compares them (lower case, trailing dot)', () => {
  it.each([
    ['Mail.Example.COM', 'mail.example.com.'],
    ['mail.example.com.', 'mail.example.com.'],
    ['25.2.0.192.IN-ADDR.ARPA.', '25.2.0.192.in-addr.arpa.'],
    ['.', '.'],
    ['', '.'],
  ])('%j → %j', (name, want) => {
    expect(canonicalName(name)).toBe(want);
  });
});
