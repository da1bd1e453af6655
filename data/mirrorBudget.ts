/**
 * Issue 14: will a group's mirrored orders fit its logins' request budget? Every leader order
 * action (a placement, a move, a cancel) becomes requests on every follower's login, and the
 * budget is per login: Tradovate publishes 5,000 requests an hour (tradovate-protocol.md §6;
 * engine/broker/budgetRules.ts applies it). `mimik config check` warns, it does not refuse: the
 * expected traffic is the trader's estimate (`expectedOrdersPerHour`).
 */
import type { Problem } from "./problems.js";
import { jsonPath } from "./problems.js";
import type { Config, Group } from "./schema.js";

/** Tradovate's requests per login per hour. */
export const HOURLY_REQUESTS = 5_000;

/** Leader order actions an hour, when the group does not say. */
export const DEFAULT_ORDERS_PER_HOUR = { orders: 120, protect: 40 } as const;

/**
 * Requests per follower per leader order action: an OCO's two legs are moved, resized and
 * cancelled one by one, so two is the honest estimate.
 */
export const REQUESTS_PER_ACTION = 2;

/** The share of the hour's budget mirroring may plan on: copies and exits need the rest. */
export const MIRROR_SHARE = 0.8;

export function expectedOrdersPerHour(group: Group): number | undefined {
  const mode = group.copy === "orders" ? "orders" : group.protect === true ? "protect" : undefined;
  if (!mode) return undefined;
  return group.expectedOrdersPerHour ?? DEFAULT_ORDERS_PER_HOUR[mode];
}

/** One warning per login whose mirror traffic would not fit, naming the groups that send it. */
export function mirrorBudgetWarnings(config: Config, file: string): Problem[] {
  const connectionOf = new Map(config.accounts.map((a) => [a.name.toUpperCase(), a.connection]));
  const load = new Map<string, { requests: number; groups: Array<{ index: number; text: string }> }>();
  config.groups.forEach((g, index) => {
    const perHour = expectedOrdersPerHour(g);
    if (perHour === undefined) return;
    const byLogin = new Map<string, number>();
    for (const f of g.followers) {
      const c = connectionOf.get(f.account.toUpperCase());
      if (c !== undefined) byLogin.set(c, (byLogin.get(c) ?? 0) + 1);
    }
    for (const [connection, followers] of byLogin) {
      const entry = load.get(connection) ?? { requests: 0, groups: [] };
      const requests = followers * perHour * REQUESTS_PER_ACTION;
      entry.requests += requests;
      entry.groups.push({
        index,
        text: `"${g.name}": ${followers} follower${followers === 1 ? "" : "s"} × ${perHour} leader order actions × ${REQUESTS_PER_ACTION} = ${requests}`,
      });
      load.set(connection, entry);
    }
  });
  const room = Math.floor(HOURLY_REQUESTS * MIRROR_SHARE);
  const warnings: Problem[] = [];
  for (const [connection, { requests, groups }] of load) {
    if (requests <= room) continue;
    warnings.push({
      file,
      path: jsonPath(["groups", groups[0]!.index, "expectedOrdersPerHour"]),
      message: `login "${connection}" would spend about ${requests} requests an hour mirroring working orders (${groups.map((g) => g.text).join("; ")}), more than the ${room} of its ${HOURLY_REQUESTS} an hour mirroring may use; once the budget runs low openings stop (exits still go)`,
      fix: "spread the followers over more logins, mirror fewer groups, or set a lower expectedOrdersPerHour if the leader trades less",
    });
  }
  return warnings;
}
