/**
 * Owners are GitHub handles: `@user` or `@org/team` (the same syntax as CODEOWNERS).
 */

// GitHub logins: alphanumerics and single hyphens, at most 39; team slugs: letters, digits, `-`, `_`, `.`.
const OWNER = /^@[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}(?:\/[A-Za-z0-9][A-Za-z0-9._-]{0,99})?$/;

export const isValidOwner = (owner: string): boolean => OWNER.test(owner);

/** Canonical form for comparison: GitHub handles are case-insensitive. */
export const ownerKey = (owner: string): string => owner.toLowerCase();
