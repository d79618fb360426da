/**
 * Hostname policy from rdns.yaml: names that suggest spam infrastructure
 * (dynamic pools, residential ranges, bulk mailers, embedded IP addresses) are
 * refused for explicit records. Generic names from `default` are exempt.
 */
import type { Config } from '../core/model.js';

/**
 * Why a normalised hostname is refused, in words for the user (the part that matched
 * and what it suggests), or undefined when it is allowed.
 */
export function explainDenial(fqdn: string, config: Pick<Config, 'deny'>): string | undefined {
  const name = fqdn.endsWith('.') ? fqdn.slice(0, -1) : fqdn;
  for (const d of config.deny) {
    const m = d.pattern.exec(name);
    if (!m) continue;
    const part = m[0].replace(/^[.-]|[.-]$/g, '');
    return d.why
      ? `"${part}" is ${d.why}; receiving mail servers treat such names as end-user or bulk-mail space`
      : `it matches the deny pattern /${d.source}/ of policy.deny in rdns.yaml`;
  }
  return undefined;
}
