import { brokerOf, type Config, type Connection } from "../../../data/schema.js";
import type { BrokerSession, EngineEvent } from "../../../engine/index.js";
import { type AddedSecrets, type ConnectionSecrets, secretKey } from "../connectionSecrets.js";

export interface AddedLoginsDeps {
  /** The start's config and the secrets read for it. */
  config: Config;
  secrets: ConnectionSecrets;
  /** The logins the engine started with. */
  running: readonly string[];
  /** A session for a login (throws when it cannot be made: a sim login with no simulator). */
  session(connection: Connection, config: Config, secrets: Record<string, string>): BrokerSession;
  /** Hands a session to the engine, which starts it. */
  open(session: BrokerSession): Promise<void>;
  /** Secret values read after the start: cut out of what leaves, like the start's. */
  learnt(values: string[]): void;
  publish(event: EngineEvent): void;
  now(): number;
}

/**
 * Logins added to the config while mimik runs, on the engine's side: each is opened once its
 * secrets, read on the main thread as at the start, are here (those of a login taken out and put
 * back are kept), and one that cannot be opened is down with the reason and an alert, said once
 * per reason; the other logins never wait for it. A login the config drops, or whose connection
 * settings it changes, is the engine's to disconnect; it is forgotten here so that putting it
 * back, or its new settings' secrets, open it again.
 */
export class AddedLogins {
  private config: Config;
  private readonly running: Set<string>;
  private readonly held = new Map<string, { key: string; values: Record<string, string> }>();
  private readonly unread = new Map<string, { key: string; problem: string }>();
  private readonly said = new Map<string, string>();
  /** Logins that ran with other settings: what is said of them says they were changed. */
  private readonly changed = new Set<string>();

  constructor(private readonly deps: AddedLoginsDeps) {
    this.config = deps.config;
    this.running = new Set(deps.running);
    for (const c of deps.config.connections) {
      const values = deps.secrets[c.name];
      if (values) this.held.set(c.name, { key: secretKey(c), values });
    }
  }

  setConfig(next: Config): void {
    const before = new Map(this.config.connections.map((c) => [c.name, secretKey(c)]));
    this.config = next;
    const now = new Map(next.connections.map((c) => [c.name, secretKey(c)]));
    for (const name of this.running) {
      if (now.get(name) === before.get(name)) continue;
      this.running.delete(name);
      if (now.has(name)) this.changed.add(name);
    }
    for (const name of this.changed) if (!now.has(name)) this.changed.delete(name);
    this.openDue();
  }

  secretsRead(added: AddedSecrets): void {
    for (const [name, read] of Object.entries(added.read)) {
      this.held.set(name, read);
      this.unread.delete(name);
      this.deps.learnt(Object.values(read.values));
    }
    for (const [name, unread] of Object.entries(added.unread)) this.unread.set(name, unread);
    this.openDue();
  }

  private openDue(): void {
    for (const c of this.config.connections) {
      if (this.running.has(c.name)) continue;
      const key = secretKey(c);
      const held = this.held.get(c.name);
      const unread = this.unread.get(c.name);
      if (held?.key === key) this.openOne(c, held.values);
      else if (unread?.key === key) this.cannot(c, `its secret could not be read: ${unread.problem}`);
    }
  }

  private openOne(c: Connection, values: Record<string, string>): void {
    let session: BrokerSession;
    try {
      session = this.deps.session(c, this.config, values);
    } catch (error) {
      this.cannot(c, reasonOf(error));
      return;
    }
    this.running.add(c.name);
    this.said.delete(c.name);
    this.changed.delete(c.name);
    this.deps.open(session).catch((error: unknown) => this.cannot(c, reasonOf(error)));
  }

  private cannot(c: Connection, reason: string): void {
    if (this.said.get(c.name) === reason) return;
    this.said.set(c.name, reason);
    const at = this.deps.now();
    const connection = c.name;
    this.deps.publish({
      type: "connectionStatus",
      at,
      connection,
      broker: brokerOf(c),
      state: "down",
      reason,
    });
    const how = this.changed.has(connection) ? "changed" : "added";
    const message = `connection ${connection} was ${how} while mimik runs but cannot be used: ${reason}`;
    this.deps.publish({ type: "alert", at, level: "error", message });
  }
}

/** An error as the trader reads it: its message ("Error: " left off). */
const reasonOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
