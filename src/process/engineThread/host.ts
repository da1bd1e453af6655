import { type EventText, JournalWriter, readAtStart } from "../../../data/journal/index.js";
import type { Config } from "../../../data/schema.js";
import { RuntimeStateRepository, StateError } from "../../../data/state.js";
import { UserError } from "../../../data/userError.js";
import {
  type BrokerSession,
  Engine,
  type EngineCommand,
  type EngineEvent,
  type Logger,
  type Outcome,
  SetLedger,
} from "../../../engine/index.js";
import { Notifier } from "../../notify/notifier.js";
import { targetSecretValues } from "../../notify/secrets.js";
import { type Scrub, scrubData, scrubEvent, secretScrubber } from "../../text/scrub.js";
import { CalendarWatch } from "../calendarWatch.js";
import type { AddedSecrets } from "../connectionSecrets.js";
import { journalSink } from "../journalSink.js";
import { secretValues, sessionsFor } from "../sessions.js";
import { AddedLogins } from "./addedLogins.js";
import type { EngineInit, ThreadError } from "./protocol.js";
import { restoreUnsavedLocks } from "./unsavedLocks.js";

/** The engine and the files it writes, built from an EngineInit; runs inside the engine's thread. */
export interface EngineHost {
  execute(command: EngineCommand): Promise<Outcome[]>;
  setConfig(config: Config): void;
  /** Secrets of logins added to the config while mimik runs, read on the main thread. */
  addSecrets(added: AddedSecrets): void;
  /** `text`: the event's JSON text as the journal made it (or will), when the host shares it. */
  on(listener: (event: EngineEvent, text?: EventText) => void): () => void;
  /** Connects the broker sessions; resolves once each has connected or failed once. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Opens the runtime state (refusing a corrupt file), the journal and its dedupe ledger, the broker
 * sessions and the engine, and wires the journal to the engine's events. Nothing starts trading
 * until start().
 */
export async function openEngineHost(
  init: EngineInit,
  logger: Logger,
  inject: {
    sessions?: BrokerSession[];
    /**
     * Each event the journal takes as it is comes to the listeners with its JSON text, made once
     * for the journal's line and theirs (the engine's thread, whose batches cross as JSON).
     */
    shareText?: boolean;
  } = {},
): Promise<EngineHost> {
  // Text that leaves this thread or reaches the journal never carries a secret value (those of
  // logins added later included: they are learnt as they arrive).
  const known = [...secretValues(init.secrets), ...targetSecretValues(init.notifySecrets ?? {})];
  let scrubNow = secretScrubber(known);
  const scrub: Scrub = (text) => scrubNow(text);
  const learnt = (values: string[]) => {
    known.push(...values);
    scrubNow = secretScrubber(known);
  };
  const log: Logger = {
    info: (message, data) => logger.info(scrub(message), scrubData(data, scrub)),
    warn: (message, data) => logger.warn(scrub(message), scrubData(data, scrub)),
    error: (message, data) => logger.error(scrub(message), scrubData(data, scrub)),
  };
  // The blackout calendars first: a bad one refuses the start before any file is opened. The
  // panic button's engine (copying off) has no windows: nothing may stop it from flattening.
  const copying = init.copying ?? true;
  let onCalendars: (calendars: ReturnType<CalendarWatch["current"]>) => void = () => undefined;
  let onProblem: (message: string) => void = (message) => log.error(message);
  let onRead: (message: string) => void = (message) => log.info(message);
  const calendars = new CalendarWatch({
    configPath: init.configPath,
    apply: (c) => onCalendars(c),
    problem: (message) => onProblem(message),
    read: (message) => onRead(message),
  });
  if (copying) await calendars.open(init.config);
  const state = await RuntimeStateRepository.open(init.statePath, { notice: (message) => log.warn(message) });
  for (const note of state.notes) logger.warn(note);
  const recall = init.seedLedger ? await readAtStart(init.journalPath) : undefined;
  const ledger = new SetLedger(recall?.keys ?? []);
  // Before the engine reads the state: a lock the last run could not save must hold from the start.
  if (recall) for (const note of await restoreUnsavedLocks(state, recall.lastStates)) logger.warn(note);
  const journal = await JournalWriter.open(init.journalPath, {
    onError: (error) => log.error("journal write failed", { error: String(error) }),
    onRecovered: (message) => log.warn(message),
  });
  for (const note of journal.notes) logger.warn(note);
  let config = init.config;
  const only = init.onlyAccounts ? new Set(init.onlyAccounts) : undefined;
  // Limited to some accounts (a direct flatten), only their logins are opened: another login (a
  // leader's) is never logged in to, and its secrets were never read.
  const opened = only
    ? config.connections.filter((c) =>
        config.accounts.some((a) => a.connection === c.name && only.has(a.name)),
      )
    : config.connections;
  const sessions =
    inject.sessions ??
    sessionsFor(
      { ...config, connections: opened },
      {
        secrets: init.secrets,
        embeddedSimUrl: init.embeddedSimUrl,
        logger: log,
        ...(only
          ? {
              accounts: (c) =>
                config.accounts.filter((a) => a.connection === c.name && only.has(a.name)).map((a) => a.name),
            }
          : {}),
      },
    );
  const engine = new Engine({ sessions, riskStore: state, ledger, logger: log, copying }, config);
  engine.setCalendars(calendars.current());
  onCalendars = (c) => engine.setCalendars(c);
  const listeners = new Set<(event: EngineEvent, text?: EventText) => void>();
  const sink = journalSink(journal, () => config, undefined, inject.shareText === true);
  // Once the engine has stopped, what it still says is about requests the stop itself cut short
  // (a liquidation in flight "failed: session stopped; retry 2 in 1 s"): not so, as nothing is
  // retried, and it came after the journal closed ("journal write failed"). The next start reads
  // the broker and carries on what was under way.
  let engineStopped = false;
  let journalClosed = false;
  const publish = (event: EngineEvent) => {
    if (journalClosed) return;
    const text = sink(event);
    for (const listener of listeners) listener(event, text);
  };
  // Fed the same scrubbed events as the journal, after them; it sends later, never on the copy path.
  const notifier =
    init.notifySecrets && config.notifications?.targets.length
      ? new Notifier({
          notifications: config.notifications,
          secrets: init.notifySecrets,
          alert: (alert) => publish(scrubEvent(alert, scrub)),
          knownStates: Object.fromEntries(
            Object.entries(state.read().followers).map(([name, record]) => [name, record.state]),
          ),
          scrub,
        })
      : undefined;
  engine.on((raw) => {
    if (engineStopped) return;
    const event = scrubEvent(raw, scrub);
    publish(event);
    notifier?.push(event);
  });
  onProblem = (message) =>
    publish(scrubEvent({ type: "alert", at: Date.now(), level: "error", message }, scrub));
  onRead = (message) => publish(scrubEvent({ type: "alert", at: Date.now(), level: "info", message }, scrub));
  // A login added while mimik runs is opened once its secrets are read (the panic button's engine,
  // copying off, opens only the logins it flattens).
  const added = copying
    ? new AddedLogins({
        config,
        secrets: init.secrets,
        running: sessions.map((s) => s.connection),
        session: (c, current, secrets) =>
          sessionsFor(
            { ...current, connections: [c] },
            { secrets: { [c.name]: secrets }, embeddedSimUrl: init.embeddedSimUrl, logger: log },
          )[0]!,
        open: (session) => engine.addSession(session),
        learnt,
        publish: (e) => publish(scrubEvent(e, scrub)),
        now: Date.now,
      })
    : undefined;
  return {
    execute: (command) => engine.execute(command),
    setConfig(next) {
      config = next;
      engine.setConfig(next);
      added?.setConfig(next);
      if (copying)
        calendars
          .setConfig(next)
          .catch((error: unknown) => onProblem(`calendars not read: ${String(error)}`));
      journal.append({ type: "config", groups: next.groups.length, accounts: next.accounts.length });
    },
    addSecrets: (secrets) => added?.secretsRead(secrets),
    on(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async start() {
      // The config the journal is of, on record (two configs named alike are refused: stateOwner.ts).
      journal.append({ type: "start", mode: init.mode, pid: process.pid, config: init.configPath });
      notifier?.start();
      if (copying) calendars.start();
      await engine.start();
      notifier?.engineStarted();
    },
    async stop() {
      // Takes no more events from here (a deliberate stop is not a lost connection) and delivers
      // what is queued while the engine stops.
      const notified = notifier?.close();
      calendars.stop();
      await engine.stop();
      engineStopped = true;
      await notified;
      journal.append({ type: "stop", pid: process.pid });
      journalClosed = true;
      try {
        await journal.close();
      } finally {
        await state.close();
      }
    },
  };
}

/** An error as data, for the other side of the thread boundary. */
export function threadError(error: unknown): ThreadError {
  if (error instanceof StateError)
    return { name: error.name, message: error.message, problems: error.problems };
  // A mistake the trader can fix (an unwritable folder, a damaged journal): its message says how.
  if (error instanceof UserError) return { name: "UserError", message: error.message };
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: "Error", message: String(error) };
}
