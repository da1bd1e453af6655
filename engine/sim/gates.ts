import type { CallContext } from "./api.js";
import type { Faults } from "./faults.js";
import type { RequestLimits } from "./limits.js";
import type { Penalties } from "./penalties.js";
import { fail, type Reply } from "./reply.js";

/**
 * What stands between a request and its operation, in Tradovate's order (tradovate-protocol.md
 * §2, §6): the user's request limits (429 and the stop after it), a login lockout (423), the
 * token, the API key's permissions (a key without any answers 401 to every call after login),
 * and penalty tickets. `name` is the lower-case endpoint.
 */
export class Gates {
  /** 423 mode: every login is refused as "about to be locked out". */
  loginsLocked = false;

  constructor(
    private readonly faults: Faults,
    private readonly limits: RequestLimits,
    private readonly penalties: Penalties,
    /** Only users of the scenario are counted (a stranger's name must not grow the table). */
    private readonly knownUser: (name: string) => boolean,
  ) {}

  check(name: string, body: unknown, ctx: CallContext): Reply | undefined {
    const login = name === "auth/accesstokenrequest";
    if (this.faults.rateLimited) return { status: 429, body: "" };
    const user = ctx.session?.user.name ?? (login ? loginName(body) : undefined);
    if (user !== undefined && this.knownUser(user) && !this.limits.admit(user))
      return { status: 429, body: "" };
    if (login && this.loginsLocked) {
      return fail(423, "Locked: too many login attempts for this user; try again later");
    }
    if (!login && !ctx.session) return fail(401, "Access is denied");
    if (ctx.session?.permissions === "none" && !name.startsWith("auth/"))
      return fail(401, "Access is denied");
    return this.penalties.check(name, body);
  }
}

function loginName(body: unknown): string | undefined {
  const name = (body as { name?: unknown } | undefined)?.name;
  return typeof name === "string" ? name : undefined;
}
