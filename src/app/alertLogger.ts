import type { AlertEvent, Logger } from "../../engine/index.js";
import { logText } from "../text/logText.js";

/**
 * The console's logger. Nothing may print to stdout under Ink, so warnings and errors become
 * alerts, said with what was logged beside them: "trading socket lost" alone did not say which
 * login lost it, nor "accounts not visible to this login" which accounts.
 */
export function alertLogger(push: (event: AlertEvent) => void, now: () => number = Date.now): Logger {
  const alert = (level: "warn" | "error") => (message: string, data?: Record<string, unknown>) =>
    push({ type: "alert", at: now(), level, message: logText(message, data) });
  return { info: () => undefined, warn: alert("warn"), error: alert("error") };
}

/**
 * What the console tells the trader of something done outside its keys: a hand edit of the
 * config taken, kept out or undone, a command from another shell. The logger above drops info
 * (the sessions' chatter: logins, token renewals), and these were lost with it: a trader who fixed
 * a broken edit still read its warning as the newest alert, and a group paused from an SSH shell
 * changed on screen with nothing saying why.
 */
export function alertNotice(
  push: (event: AlertEvent) => void,
  now: () => number = Date.now,
): (line: string) => void {
  return (message) => push({ type: "alert", at: now(), level: "info", message });
}
