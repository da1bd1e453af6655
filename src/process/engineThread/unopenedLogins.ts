import { brokerOf, type Config } from "../../../data/schema.js";
import type { EngineEvent } from "../../../engine/index.js";

/**
 * Logins are opened at the start, with the secrets read then: one added to the config later is
 * not, and its accounts are out of reach until a restart. Left unsaid, it would read "connecting"
 * for ever while its followers' copies are skipped as "disconnected". The events that say so:
 * the login down with the reason, and an alert; once per login and accounts named (`said` keeps
 * what was said, by login).
 */
export function unopenedLogins(
  config: Config,
  running: ReadonlySet<string>,
  said: Map<string, string>,
  at: number,
): EngineEvent[] {
  const events: EngineEvent[] = [];
  for (const c of config.connections) {
    const accounts = config.accounts.filter((a) => a.connection === c.name).map((a) => a.name);
    const names = accounts.join(", ");
    if (running.has(c.name) || accounts.length === 0 || said.get(c.name) === names) continue;
    said.set(c.name, names);
    const reason = `restart mimik to use ${names}`;
    const connection = c.name;
    events.push(
      { type: "connectionStatus", at, connection, broker: brokerOf(c), state: "down", reason },
      {
        type: "alert",
        at,
        level: "error",
        message: `connection ${connection} was added while mimik runs: ${reason}`,
      },
    );
  }
  return events;
}
