import type { Connection } from "../../data/schema.js";

/**
 * A login's connection settings as one string. Every field of a connection is one (who logs in,
 * where, with which secrets, its firm's hosts and symbols): two logins connect alike exactly when
 * these are equal. Keys are ordered, so a hand edit that only reorders them changes nothing.
 */
export function loginSettings(c: Connection): string {
  return canonical(c);
}

/** The settings an edit changed on a login, by field name; none when it connects as before. */
export function changedSettings(before: Connection, after: Connection): string[] {
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
