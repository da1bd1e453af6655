import type { Config, Connection } from "../../data/schema.js";
import { type AddedSecrets, secretKey, secretProblem } from "./connectionSecrets.js";

/**
 * Reads the secrets of each login a config change adds or edits (one whose settings differ from
 * those its secrets were last read for), from their sources as the start does, and hands them to
 * the engine's thread. One that cannot be read is handed over as its problem and read again at
 * the next change (a credentials file fixed meanwhile). Returns what to call with each config, in
 * order; reads overlap nothing they are already doing.
 */
export function addedSecretsReader(
  start: Config,
  read: (connection: Connection) => Promise<Record<string, string>>,
  send: (added: AddedSecrets) => void,
): (next: Config) => void {
  // By login, the key its secrets were last read for: a login edited back to what it was is read
  // again, for the engine holds only the last secrets read for it.
  const known = new Map(start.connections.map((c) => [c.name, secretKey(c)]));
  const reading = new Set<string>();
  return (next) => {
    const fresh = next.connections.filter(
      (c) => known.get(c.name) !== secretKey(c) && !reading.has(secretKey(c)),
    );
    if (fresh.length === 0) return;
    for (const c of fresh) reading.add(secretKey(c));
    void Promise.all(
      fresh.map(async (c) => {
        const key = secretKey(c);
        try {
          return { c, key, values: await read(c) };
        } catch (error) {
          return { c, key, problem: secretProblem(error) };
        }
      }),
    ).then((results) => {
      const added: AddedSecrets = { read: {}, unread: {} };
      for (const { c, key, values, problem } of results) {
        reading.delete(key);
        if (values) {
          known.set(c.name, key);
          added.read[c.name] = { key, values };
        } else added.unread[c.name] = { key, problem: problem ?? "not read" };
      }
      send(added);
    });
  };
}
