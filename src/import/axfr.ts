/**
 * Zone transfer (AXFR, RFC 5936) over TCP with dns-packet: one query, then a stream of
 * length-prefixed messages until the closing SOA. Bounded: an overall deadline, a cap
 * on bytes received, and any error RCODE or malformed message ends the transfer.
 */
import { connect } from 'node:net';
import { randomInt } from 'node:crypto';
import dnsPacket from 'dns-packet';
import { RdnsError } from '../core/errors.js';
import { canonicalName } from '../core/hostname.js';
import type { ZoneRecord } from './zone-file.js';

export interface AxfrOptions {
  /** Whole-transfer deadline in ms (default 30 s). */
  readonly timeoutMs?: number;
  /** Refuse transfers larger than this (default 512 MiB). */
  readonly maxBytes?: number;
}

/** `host`, `host:port`, `[v6]:port` or a bare IPv6 address → host and port (default 53). */
export function parseServer(text: string): { host: string; port: number } {
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  const hostPort = /^([^:]+)(?::(\d+))?$/.exec(text);
  const m = bracket ?? hostPort;
  const host = m ? m[1]! : text;
  const port = m?.[2] ? Number(m[2]) : 53;
  if (!host || port < 1 || port > 65535) throw new RdnsError(`"${text}" is not a server (HOST, HOST:PORT or [IPv6]:PORT)`, 2);
  return { host, port };
}

function toRecord(a: dnsPacket.Answer, server: string): ZoneRecord | undefined {
  if (!('type' in a)) return undefined;
  const name = canonicalName(a.name === '' ? '.' : a.name);
  const ttl = 'ttl' in a && typeof a.ttl === 'number' ? a.ttl : 0;
  const data = (a as { data?: unknown }).data;
  let rdata: string[];
  if (a.type === 'PTR' || a.type === 'CNAME' || a.type === 'NS' || a.type === 'DNAME') rdata = [canonicalName(String(data))];
  else if (a.type === 'SOA' && data && typeof data === 'object') {
    const s = data as dnsPacket.SoaData;
    rdata = [canonicalName(s.mname), canonicalName(s.rname), String(s.serial), String(s.refresh), String(s.retry), String(s.expire), String(s.minimum)];
  } else rdata = [typeof data === 'string' ? data : ''];
  return { name, ttl, type: a.type, rdata, file: `axfr://${server}/${name}`, line: 0 };
}

/** Transfers `zone` from `server` and returns its records (the SOA twice, as sent). */
export function axfr(server: { host: string; port: number }, zone: string, options: AxfrOptions = {}): Promise<ZoneRecord[]> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const maxBytes = options.maxBytes ?? 512 * 1024 * 1024;
  const label = `${server.host}:${server.port}`;
  const apex = canonicalName(zone);
  const id = randomInt(0, 65536);
  const query = dnsPacket.streamEncode({ type: 'query', id, flags: 0, questions: [{ type: 'AXFR', name: zone.replace(/\.$/, ''), class: 'IN' }] });
  return new Promise((resolvePromise, reject) => {
    const records: ZoneRecord[] = [];
    let soaCount = 0;
    let buffer: Buffer = Buffer.alloc(0);
    let received = 0;
    let done = false;
    const socket = connect({ host: server.host, port: server.port });
    const finish = (err?: Error): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolvePromise(records);
    };
    const timer = setTimeout(() => finish(new RdnsError(`AXFR of ${zone} from ${label}: no complete transfer within ${timeoutMs / 1000} s`, 2)), timeoutMs);
    socket.on('connect', () => socket.write(query));
    socket.on('error', (e) => finish(new RdnsError(`AXFR of ${zone} from ${label}: ${(e as NodeJS.ErrnoException).code ?? e.message}`, 2, 'check the server address and that it allows zone transfers to this host')));
    socket.on('close', () => finish(soaCount >= 2 ? undefined : new RdnsError(`AXFR of ${zone} from ${label}: the server closed the connection before the transfer was complete`, 2)));
    socket.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > maxBytes) return finish(new RdnsError(`AXFR of ${zone} from ${label}: more than ${maxBytes} bytes`, 2));
      buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
      while (buffer.length >= 2) {
        const len = buffer.readUInt16BE(0);
        if (buffer.length < 2 + len) break;
        const msg = buffer.subarray(2, 2 + len);
        buffer = buffer.subarray(2 + len);
        let packet: dnsPacket.Packet;
        try {
          packet = dnsPacket.decode(msg);
        } catch (e) {
          return finish(new RdnsError(`AXFR of ${zone} from ${label}: malformed message (${(e as Error).message})`, 2));
        }
        if (packet.id !== id) return finish(new RdnsError(`AXFR of ${zone} from ${label}: answer to another query (id ${packet.id})`, 2));
        const rcode = (packet as { rcode?: string }).rcode ?? 'NOERROR';
        if (rcode !== 'NOERROR') return finish(new RdnsError(`AXFR of ${zone} from ${label}: ${rcode}`, 2, rcode === 'REFUSED' || rcode === 'NOTAUTH' ? 'the server does not allow zone transfers of this zone to this host (allow-transfer)' : undefined));
        for (const a of packet.answers ?? []) {
          const r = toRecord(a, label);
          if (!r) continue;
          if (r.type === 'SOA') {
            soaCount++;
            if (soaCount === 1) records.push(r);
            if (soaCount >= 2) return finish();
            continue;
          }
          if (soaCount === 0) return finish(new RdnsError(`AXFR of ${zone} from ${label}: the transfer does not start with the SOA`, 2));
          // RFC 5936 §6: data outside the zone is not the zone's; a server must not add PTRs for other blocks.
          if (r.name !== apex && !r.name.endsWith(`.${apex}`)) continue;
          records.push(r);
        }
      }
    });
  });
}
