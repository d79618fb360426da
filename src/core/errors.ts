/**
 * The one error type that reaches the user as a message rather than a stack:
 * usage and environment problems (exit code 2). Findings are diagnostics, not errors.
 */
export class RdnsError extends Error {
  constructor(
    message: string,
    /** Process exit code the CLI should use. */
    readonly exitCode: 1 | 2 = 2,
    /** A concrete next step for the user, printed under the message. */
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'RdnsError';
  }
}
