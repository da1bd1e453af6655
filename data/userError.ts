/**
 * A mistake the user can fix: printed as one message, no stack trace, exit code 1 (or 2 for
 * usage). A leaf module, so data/ and src/ can both raise it without importing the CLI.
 */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 1,
  ) {
    super(message);
    this.name = "UserError";
  }
}
