/**
 * Hostname policy from rdns.yaml: names that suggest spam infrastructure
 * (dynamic pools, residential ranges, bulk mailers, embedded IP addresses) are
 * refused for explicit records. Generic names from `default` are exempt.
 */
import type { Config } from '../core/model.js';

/** The deny pattern a normalised hostname matches, or undefined when it is allowed. */
export function deniedBy(fqdn: string, config: Pick<Config, 'deny'>): string | undefined {
  const name = fqdn.endsWith('.') ? fqdn.slice(0, -1) : fqdn;
  return config.deny.find((d) => d.pattern.test(name))?.source;
}
