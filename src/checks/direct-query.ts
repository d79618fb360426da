/**
 * Non-recursive questions to one authoritative server, for what a stub resolver
 * cannot show: the referral a parent zone's server gives for a child (the delegation
 * "as seen from the parent", in the authority section) and whether a listed name
 * server answers authoritatively (AA) for its zone. Plain UDP with dns-packet;
 * never throws.
 */
import { createSocket } from 'node:dgram';
import { randomInt } from 'node:crypto';
import dnsPacket from 'dns-packet';
import { canonicalName } from '../core/hostname.js';
import { safeName } from './resolver.js';

/**
 * `network`: the question could not be sent from here (no route, e.g. IPv6 on a runner
 * without it): says nothing about the server, unlike `timeout` (sent, no answer).
 */
export type DirectOutcome = 'answer' | 'referral' | 'nxdomain' | 'nodata' | 'servfail' | 'refused' | 'timeout' | 'network' | 'error';

export interface DirectAnswer {
  readonly outcome: DirectOutcome;
  /** Authoritative answer flag. */
  readonly aa: boolean;
  /** NS names (lower case, trailing dot) owned by the asked name, from the answer or the authority section. */
  readonly ns: readonly string[];
  /** PTR questions: the PTR names in the answer (lower case, trailing dot). */
  readonly values?: readonly string[];
  readonly detail?: string;
}

/** Asks `server:port` for `name`/`type` with recursion off. */
export interface AuthoritativeQuerier {
  query(server: string, port: number, name: string, type: 'NS' | 'SOA' | 'PTR'): Promise<DirectAnswer>;
}

/** A querier on node:dgram: one socket per question, `retries` further tries after a timeout. */
export function createDirectQuerier(options: { timeoutMs?: number; retries?: number } = {}): AuthoritativeQuerier {
  const timeoutMs = options.timeoutMs ?? 2000;
  const tries = (options.retries ?? 1) + 1;
  const once = (server: string, port: number, name: string, type: 'NS' | 'SOA' | 'PTR'): Promise<DirectAnswer> =>
    new Promise((resolveAnswer) => {
      const id = randomInt(0, 65536);
      const socket = createSocket(server.includes(':') ? 'udp6' : 'udp4');
      let settled = false;
      const finish = (a: DirectAnswer): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket.close();
        resolveAnswer(a);
      };
      const timer = setTimeout(() => finish({ outcome: 'timeout', aa: false, ns: [], detail: `no answer from ${server} port ${port} within ${timeoutMs} ms` }), timeoutMs);
      // ECONNREFUSED is the server's host saying nothing listens (ICMP port unreachable).
      socket.on('error', (e: NodeJS.ErrnoException) => finish({ outcome: e.code === 'ECONNREFUSED' ? 'timeout' : 'network', aa: false, ns: [], detail: `${e.code ?? 'error'} from ${server} port ${port}` }));
      socket.on('message', (msg) => {
        let p: dnsPacket.Packet;
        try {
          p = dnsPacket.decode(msg);
        } catch {
          return; // not DNS: keep waiting for the real answer
        }
        if (p.id !== id) return; // a stray or spoofed packet
        finish(classify(p, canonicalName(name)));
      });
      const query = dnsPacket.encode({ type: 'query', id, flags: 0, questions: [{ type, name: canonicalName(name).slice(0, -1), class: 'IN' }] });
      socket.send(query, port, server, (e) => {
        if (e) finish({ outcome: 'network', aa: false, ns: [], detail: `cannot send to ${server} port ${port}: ${(e as NodeJS.ErrnoException).code ?? e.message}` });
      });
    });
  return {
    async query(server, port, name, type) {
      let last: DirectAnswer = { outcome: 'timeout', aa: false, ns: [] };
      for (let i = 0; i < tries; i++) {
        last = await once(server, port, name, type);
        if (last.outcome !== 'timeout') return last;
      }
      return last;
    },
  };
}

function classify(p: dnsPacket.Packet, name: string): DirectAnswer {
  const aa = Boolean((p as { flag_aa?: boolean }).flag_aa);
  const rcode = (p as { rcode?: string }).rcode ?? 'NOERROR';
  const nsOf = (records: readonly dnsPacket.Answer[] | undefined): string[] =>
    [...new Set((records ?? []).filter((r) => r.type === 'NS' && canonicalName(r.name) === name).map((r) => safeName(String((r as { data?: unknown }).data))))].sort();
  if (rcode === 'NXDOMAIN') return { outcome: 'nxdomain', aa, ns: [] };
  if (rcode === 'SERVFAIL') return { outcome: 'servfail', aa, ns: [] };
  if (rcode === 'REFUSED') return { outcome: 'refused', aa, ns: [] };
  if (rcode !== 'NOERROR') return { outcome: 'error', aa, ns: [], detail: rcode };
  const answerNs = nsOf(p.answers);
  const ptrs = [...new Set((p.answers ?? []).filter((r) => r.type === 'PTR' && canonicalName(r.name) === name).map((r) => safeName(String((r as { data?: unknown }).data))))].sort();
  if ((p.answers ?? []).some((r) => canonicalName(r.name) === name)) return { outcome: 'answer', aa, ns: answerNs, ...(ptrs.length > 0 ? { values: ptrs } : {}) };
  const referral = nsOf(p.authorities);
  if (!aa && referral.length > 0) return { outcome: 'referral', aa, ns: referral };
  return { outcome: 'nodata', aa, ns: [] };
}
