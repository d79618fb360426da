/** Address and prefix literals for table-driven tests: throw on a typo in the table itself. */
import { parseIp, parsePrefix, type IpAddress, type IpPrefix } from '../../src/core/ip.js';

export const ip = (t: string): IpAddress => {
  const r = parseIp(t);
  if (!r.ok) throw new Error(r.reason);
  return r.value;
};

export const net = (t: string): IpPrefix => {
  const r = parsePrefix(t);
  if (!r.ok) throw new Error(r.reason);
  return r.value;
};
