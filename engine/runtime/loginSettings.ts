import type { Connection } from "../../data/schema.js";

/**
 * Fields a running login takes in place: they change how much it may send, not who logs in or
 * where, so an edit of them never costs it its sockets.
 */
const LIVE_FIELDS: ReadonlySet<string> = new Set(["requestBudget"]);

/**
 * A login's connection settings as one string: every field of a connection but the live ones (who
 * logs in, where, with which secrets and app identity, its firm's hosts and symbols). Two logins
 * connect alike exactly when these are equal. Keys are ordered, so a hand edit that only reorders
 * them changes nothing.
 */
export function loginSettings(c: Connection): string {
  return canonical(Object.fromEntries(Object.entries(c).filter(([f]) => !LIVE_FIELDS.has(f))));
}

/**
 * Who a login is at which broker: what the broker counts requests against. Another user name,
 * environment or host is a login with a budget of its own; a new secret or app identity is not.
 */
export function brokerUser(c: Connection): string {
  return canonical([c.broker ?? "tradovate", c.env, c.url, c.username, "hosts" in c ? c.hosts : undefined]);
}

/** The settings an edit changed on a login, by field name; none when it connects as before. */
export function changedSettings(before: Connection, after: Connection): string[] {
  return changedFields(before, after).filter((f) => !LIVE_FIELDS.has(f));
}

/** The live fields an edit changed on a login (applied to its running session in place). */
export function changedLive(before: Connection, after: Connection): string[] {
  return changedFields(before, after).filter((f) => LIVE_FIELDS.has(f));
}

function changedFields(before: Connection, after: Connection): string[] {
  const was = before as Record<string, unknown>;
  const now = after as Record<string, unknown>;
  const fields = new Set([...Object.keys(was), ...Object.keys(now)]);
  return [...fields].filter((f) => canonical(was[f]) !== canonical(now[f]));
}

function canonical(value: unknown): string {
  return (
    JSON.stringify(value, (_key, v: unknown) =>
      v && typeof v === "object" && !Array.isArray(v)
        ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
        : v,
    ) ?? "undefined"
  );
}
