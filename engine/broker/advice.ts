/**
 * What the trader reads when a login needs them: what happened and what to do, in one message.
 * Permission domains are Tradovate's own names (Application Settings → API Access → Change
 * Permissions: Full Access / Read only / Denied per domain).
 */

const at = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, "Z");

export function duration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  const s = Math.round(ms / 1000);
  if (s < 90) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 90) return `${m} min`;
  return `${Math.round((m / 60) * 10) / 10} h`;
}

/** The domains mimik uses, with the access each needs. */
export const KEY_PERMISSIONS =
  "Account Information (Read only), Positions (Read only), Orders (Full Access), Contract Library, " +
  "Market Data (Read only), Account Risk Settings (Read only) and Your User Information (Read only)";

/**
 * The reason a login says "reconnecting" while its socket is renewed to take in an account added
 * to the config: nothing was lost, so no one is paged for it (src/notify/rules.ts).
 */
export const RENEWING_FOR_ACCOUNTS = "syncing an account added to the config";

export function noPermissionText(user: string, appId: string, what: string): string {
  return (
    `Tradovate accepted the login of "${user}" but then refused ${what} with 401: the API key most ` +
    "likely has no permissions (a new key starts with every domain Denied, and every call after login " +
    "then answers 401). In Tradovate open Application Settings → API Access → Change Permissions for " +
    `the key and allow ${KEY_PERMISSIONS}. Check too that the connection's appId ("${appId}") is ` +
    "exactly the name you gave the key. Then start mimik again."
  );
}

export function supersededText(user: string, waitMs: number): string {
  return (
    `Another login of Tradovate user "${user}" took mimik's session (Tradovate allows two sessions ` +
    "per user and counts your own Tradovate windows and apps). mimik waits " +
    `${duration(waitMs)} before logging in again, so it does not throw that login out in turn; ` +
    "copying on this login is paused until then. To stop this, close the other login or give mimik " +
    "a Tradovate user of its own."
  );
}

export function evictionLoopText(user: string, count: number, windowMs: number): string {
  return (
    `mimik and another login of Tradovate user "${user}" keep taking the session from each other ` +
    `(${count} times within ${duration(windowMs)}): mimik stopped logging in on this connection ` +
    "instead of fighting forever. Close the other login (another mimik on the same user, a second " +
    "Tradovate window or app) or give mimik a user of its own, then start mimik again."
  );
}

export function lockoutText(user: string, untilMs: number): string {
  return (
    `Tradovate is locking logins of user "${user}" (HTTP 423: too many login attempts). mimik stops ` +
    `logging in until ${at(untilMs)} and then tries once more. Meanwhile make sure nothing else logs ` +
    `in as "${user}" with a wrong password or key; if it persists, log in once on Tradovate's website.`
  );
}

export function budgetText(connection: string, refusedSince: number): string {
  return (
    `Tradovate request budget of connection "${connection}" is spent: ${refusedSince} request(s) ` +
    "refused at once (openings and reads first; exits keep a reserve). Copies refused this way are " +
    'rejected with "request budget" and are not sent late. The budget refills as the hour window slides.'
  );
}
