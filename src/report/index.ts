/**
 * `rdns report` and `rdns serve` share this: load the repository, its last changes
 * (one git pass) and optional audit findings, and build the page data.
 */
import { readFileSync } from 'node:fs';
import { RdnsError } from '../core/errors.js';
import { routedOfConfig, type RoutedPrefix } from '../checks/routed.js';
import { lastChanges } from '../git/last-change.js';
import { loadRepositoryParallel } from '../loader/repository.js';
import { parseFindings, type FindingsFile } from './findings.js';
import { buildReportData, type ReportData } from './report-model.js';

export { renderReportHtml } from './html.js';
export { buildReportData, type ReportData } from './report-model.js';
export { addressStateOf, type AddressState } from './address-state.js';

/** Reads an audit.json or a check/ci JSON report; a file that is neither is an RdnsError (exit 2) naming it. */
export function readFindingsFile(path: string, shownAs = path): FindingsFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new RdnsError(`--audit ${shownAs}: cannot read the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, 2);
  }
  const parsed = parseFindings(text);
  if (!parsed.ok) throw new RdnsError(`--audit ${shownAs}: ${parsed.reason}`, 2, 'pass reports/audit.json of rdns audit, or the output of rdns check --format json');
  return parsed.value;
}

/** Everything the page shows for the repository at `root`. */
export async function loadReportData(root: string, options: { paths?: readonly string[]; findings?: FindingsFile; now?: Date; routed?: readonly RoutedPrefix[] } = {}): Promise<ReportData> {
  const [repo, changes] = await Promise.all([loadRepositoryParallel(root, options.paths), lastChanges(root, options.paths)]);
  // Routed space is compared with every block file: only when the whole repository is shown; rdns.yaml's routed: unless given.
  const routed = options.paths ? undefined : (options.routed ?? routedOfConfig(repo.config));
  return buildReportData({ repo, lastChanges: changes, findings: options.findings, now: options.now, routed });
}
