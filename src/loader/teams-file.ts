/**
 * `rdns ci --teams FILE`: team membership without asking GitHub, for running the
 * pull-request check on a laptop or in a small shop without an organisation token.
 * YAML or JSON, `org/team: [login, …]` (schema/teams.schema.json, the same mapping as
 * rdns.yaml `teams:`). Every mistake is a diagnostic with the file's line and column.
 */
import type { Diagnostic } from '../core/diagnostics.js';
import { teamMembersOf, type TeamMembers } from '../core/model.js';
import { validateSchema } from './schema.js';
import { decodeUtf8, parseYamlSource } from './yaml-source.js';

/** Parses a teams file; on any error `teams` is empty and the diagnostics say where. */
export function parseTeamsFile(bytes: Uint8Array, file: string): { teams: TeamMembers; diagnostics: Diagnostic[] } {
  const decoded = decodeUtf8(bytes, file);
  if ('error' in decoded) return { teams: {}, diagnostics: [decoded.error] };
  const source = parseYamlSource(decoded.text, file);
  if (source.diagnostics.length > 0) return { teams: {}, diagnostics: [...source.diagnostics] };
  if (source.data === undefined || source.data === null) return { teams: {}, diagnostics: [] };
  const errors = validateSchema('teams', source);
  if (errors.length > 0) return { teams: {}, diagnostics: errors };
  return { teams: teamMembersOf(source.data as Record<string, string[]>), diagnostics: [] };
}
