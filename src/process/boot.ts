import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { claimConfig } from "../../data/configClaim.js";
import { configFilesFor } from "../../data/configIdentity.js";
import { resolveConfigPath, runtimeDir } from "../../data/paths.js";
import { ConfigRepository, problemEventLine } from "../../data/repository.js";
import type { Config, Connection } from "../../data/schema.js";
import type { EngineEvent, Logger } from "../../engine/index.js";
import { type ConfigHolder, memoryHolder, repositoryHolder } from "../app/configHolder.js";
import { type ControlServer, controlSocketPath, startControlServer } from "../control/index.js";
import { DEMO_SECRETS, demoConfig } from "../demo/demoConfig.js";
import { forgetTargetSecretEnv, resolveTargetSecrets } from "../notify/secrets.js";
import type { Mode } from "../screen/viewModel.js";
import { EngineStore } from "../store/engineStore.js";
import { type Actions, createActions, deferredActions } from "./actions.js";
import { addedSecretsReader } from "./addedSecrets.js";
import {
  type ConnectionSecrets,
  forgetSecretEnv,
  loginSecrets,
  needsEmbeddedSim,
  resolveSecrets,
} from "./connectionSecrets.js";
import { controlHandler } from "./controlHandler.js";
import { type EngineHandle, type EngineListener, startEngineThread } from "./engineThread/client.js";
import type { EngineInit } from "./engineThread/protocol.js";
import { type SimThread, startSimThread } from "./simThread.js";
import { yieldToEngine } from "./yieldToEngine.js";

export interface BootOptions {
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** --config, if given. */
  configFlag?: string | undefined;
  /** --demo: the demo even when a config exists. */
  demo?: boolean;
  logger: Logger;
  /**
   * What the trader is told of a hand edit of the config (taken, kept out, undone) and of a
   * command from another shell; the logger's info by default (headless prints it).
   */
  notice?: ((line: string) => void) | undefined;
  /** Engine event listeners attached before the engine starts, so they see its first events too. */
  listeners?: EngineListener[];
  /** The read model to fold engine events into (the console brings its own, fed by its logger too). */
  store?: EngineStore | undefined;
  /**
   * Called as soon as the config is read, before any thread starts, with the read model and actions
   * that run once the engine is ready: the console draws its first frame here while the simulator
   * and the engine start on their own threads. Not awaited before they start; boot() resolves
   * only after it has finished.
   */
  onScreen?: (screen: ConsoleScreen) => void | Promise<void>;
  /**
   * Once the engine's thread runs, lower this thread's scheduling priority below it (yieldToEngine):
   * the commands do; a test leaves the thread it runs on alone.
   */
  yieldToEngine?: boolean;
  /** Each event crosses with its JSON line, handed to the listeners (headless's JSON output). */
  eventLines?: boolean;
}

/** What the console is drawn from: the read model, the actions, and the journal its report view reads. */
export interface ConsoleScreen {
  mode: Mode;
  store: EngineStore;
  actions: Actions;
  journalPath: string;
}

/** A running instance as the main thread holds it: the engine is in its own thread. */
export interface Running {
  mode: Mode;
  actions: Actions;
  /** The read model of the screen and of `mimik status`: config and engine events folded. */
  store: EngineStore;
  /** The config file in use; undefined for the demo. */
  configPath?: string | undefined;
  journalPath: string;
  controlPath?: string | undefined;
  /** Rejects if the engine stops by itself: copying has stopped and the process should end. */
  died: Promise<never>;
  stop(): Promise<void>;
}

/** Should `mimik` with these arguments run the demo? Only when asked, or when no config exists at all. */
export function wantsDemo(options: Pick<BootOptions, "env" | "cwd" | "configFlag" | "demo">): boolean {
  if (options.demo) return true;
  const choice = resolveConfigPath({ flag: options.configFlag, env: options.env, cwd: options.cwd });
  return choice.source === "default" && !existsSync(choice.path);
}

/**
 * Everything between the command line and a running engine: config (or the demo), the instance
 * lock, secrets, the embedded simulator when a config needs one, the engine in its own thread
 * (with the state file and journal it writes), the read model, the actions and the control
 * socket. stop() undoes it all in reverse.
 */
export async function boot(options: BootOptions): Promise<Running> {
  return wantsDemo(options) ? bootDemo(options) : bootConfig(options);
}

type Undo = () => Promise<unknown>;

async function bootConfig(options: BootOptions): Promise<Running> {
  const choice = resolveConfigPath({ flag: options.configFlag, env: options.env, cwd: options.cwd });
  const undo: Undo[] = [];
  try {
    // One identity (the real path) for the config, its lock, state, journal and control socket.
    const files = configFilesFor(choice.path);
    const repo = await ConfigRepository.open(files.config, { display: choice.display });
    undo.push(async () => repo.close());
    // The instance lock and a lock per broker account: no two instances copy to one account.
    const claim = await claimConfig(files, repo.get(), {
      typedPath: choice.path,
      control: controlSocketPath(files.config, runtimeDir(options.env)),
    });
    undo.push(() => claim.release());
    for (const note of claim.notes) options.logger.warn(note);
    // A hand edit naming an account another mimik holds is refused, as it would be at the start.
    repo.admitWith((next) => claim.admit(next));
    const offSettle = repo.subscribe((next) =>
      claim
        .settle(next)
        .catch((error: unknown) =>
          options.logger.warn(
            `could not release an account lock: ${error instanceof Error ? error.message : String(error)}`,
          ),
        ),
    );
    undo.push(async () => offSettle());
    const config = repo.get();
    const mode: Mode = config.connections.some((c) => c.env === "live") ? "LIVE" : "SIM";
    const screen = earlyScreen(options, config, mode, files.journal);
    // A bad secret throws its own error here; main() prints it as the trader's to fix.
    const secrets = await resolveSecrets(config, options.env);
    // A target whose secret is missing does not stop copying: the engine reports it on screen.
    const notifySecrets = await resolveTargetSecrets(config, options.env);
    if (options.env === process.env) {
      forgetSecretEnv(config, process.env);
      forgetTargetSecretEnv(config, process.env);
    }
    await screen.drawn;
    const sim = needsEmbeddedSim(config) ? await startSimThread() : undefined;
    if (sim) undo.push(() => sim.close());
    const journalPath = files.journal;
    // What of the file on disk is not in force (an edit kept out), for `mimik status` to say.
    const keptOut: { now: string | undefined } = { now: undefined };
    const running = await assemble({
      configKeptOut: () => keptOut.now,
      options,
      screen,
      holder: repositoryHolder(repo),
      mode,
      init: {
        config,
        mode: "",
        statePath: files.state,
        journalPath,
        seedLedger: true,
        secrets,
        notifySecrets,
        embeddedSimUrl: sim?.url,
        configPath: files.config,
      },
      controlFor: files.config,
      // A login added while mimik runs: its secrets read as the start's were, and forgotten alike.
      readSecrets: async (c) => {
        const values = await loginSecrets(c, options.env);
        if (options.env === process.env) forgetSecretEnv({ connections: [c] }, process.env);
        return values;
      },
      undo,
    });
    // An edit kept out is said (below); one taken is said too, or a trader tailing headless who
    // saved a change cannot tell it from one mimik never noticed.
    const offReloaded = repo.subscribe((_next, cause) => {
      keptOut.now = undefined;
      if (cause === "reload")
        noticeOf(options)(`config reloaded: ${choice.display} was edited; in force now`);
    });
    undo.push(async () => offReloaded());
    repo.onProblem((event) => {
      keptOut.now = event.kind === "restored" ? undefined : problemEventLine(event);
      if (event.kind === "restored") noticeOf(options)(`config: ${event.message}`);
      else options.logger.warn(`config not reloaded: ${problemEventLine(event)}`);
    });
    // Last: its first re-read takes an edit saved during the start, which the lines above report.
    repo.watch();
    return { ...running, configPath: files.config };
  } catch (error) {
    await runAll(undo);
    throw error;
  }
}

async function bootDemo(options: BootOptions): Promise<Running> {
  const dir = await mkdtemp(join(tmpdir(), "mimik-demo-"));
  const undo: Undo[] = [() => rm(dir, { recursive: true, force: true })];
  try {
    const config = demoConfig();
    const screen = earlyScreen(options, config, "DEMO", join(dir, "journal.jsonl"));
    const leader = config.groups[0]?.leader ?? "DEMO1000";
    await screen.drawn;
    const sim = await startSimThread({
      demo: { leader, intervalMs: Number(options.env.MIMIK_DEMO_INTERVAL_MS) || 3000 },
    });
    undo.push(() => sim.close());
    // The control socket answers for the default config path only while that file does not exist,
    // so `mimik status` in another shell finds the demo and never a real instance's socket.
    const defaultChoice = resolveConfigPath({ env: { ...options.env, MIMIK_CONFIG: "" }, cwd: options.cwd });
    return await assemble({
      options: { ...options, listeners: [...(options.listeners ?? []), tradeOnceConnected(config, sim)] },
      screen,
      holder: memoryHolder(config),
      mode: "DEMO",
      init: {
        config,
        mode: "",
        statePath: join(dir, "state.json"),
        journalPath: join(dir, "journal.jsonl"),
        seedLedger: false,
        secrets: demoSecrets(config),
        embeddedSimUrl: sim.url,
      },
      controlFor: existsSync(defaultChoice.path) ? undefined : defaultChoice.path,
      readSecrets: async (c) => {
        const demo = DEMO_SECRETS[c.name];
        return demo ? { ...demo } : loginSecrets(c, options.env);
      },
      undo,
    });
  } catch (error) {
    await runAll(undo);
    throw error;
  }
}

/** Starts the demo trader once every login of the demo config is connected (and synced). */
function tradeOnceConnected(config: Config, sim: SimThread): (event: EngineEvent) => void {
  const waiting = new Set(config.connections.map((c) => c.name));
  return (event) => {
    if (waiting.size === 0 || event.type !== "connectionStatus" || event.state !== "connected") return;
    waiting.delete(event.connection);
    if (waiting.size === 0) sim.startTrading();
  };
}

/** The demo's simulated logins (the default scenario's: not secrets). */
function demoSecrets(config: Config): ConnectionSecrets {
  return Object.fromEntries(config.connections.map((c) => [c.name, { ...(DEMO_SECRETS[c.name] ?? {}) }]));
}

/** The read model, and the screen drawn from it at once (see BootOptions.onScreen). */
interface EarlyScreen {
  store: EngineStore;
  /**
   * Resolves once the first frame is drawn (at once with no screen). The threads start after it:
   * on two cores, loading the engine and the simulator beside Ink would double the wait for it.
   */
  drawn: Promise<void>;
  /** Hands the real actions to what the screen was given; resolves once the screen is drawn. */
  ready(actions: Actions): Promise<void>;
}

function earlyScreen(options: BootOptions, config: Config, mode: Mode, journalPath: string): EarlyScreen {
  const store = options.store ?? new EngineStore();
  store.setConfig(config);
  // Now, not at the store's next batch: the first frame would show an empty config ("no groups:
  // press n to add one", "conn 0/0 up") for as long as the threads' start holds that batch back.
  store.publish();
  let resolve: (actions: Actions) => void = () => undefined;
  const actions = deferredActions(
    new Promise<Actions>((r) => {
      resolve = r;
    }),
  );
  const drawn = Promise.resolve(options.onScreen?.({ mode, store, actions, journalPath }));
  // A failure to draw surfaces from boot() (ready awaits it); until then it must not be unhandled.
  drawn.catch(() => undefined);
  return {
    store,
    drawn: drawn.then(() => undefined),
    ready(real) {
      resolve(real);
      return drawn.then(() => undefined);
    },
  };
}

interface Parts {
  options: BootOptions;
  screen: EarlyScreen;
  holder: ConfigHolder;
  mode: Mode;
  init: EngineInit;
  /** Config path the control socket is named after; undefined = no control socket. */
  controlFor: string | undefined;
  /** The secrets of a login added to the config while mimik runs (or why they cannot be read). */
  readSecrets: (connection: Connection) => Promise<Record<string, string>>;
  /** Steps already taken, undone (newest first) by stop() or when a later step fails. */
  undo: Undo[];
  /** Why the config file on disk is not the one in force (an edit kept out); undefined when it is. */
  configKeptOut?: () => string | undefined;
}

async function assemble(parts: Parts): Promise<Running> {
  const { options, holder, mode, undo } = parts;
  const init = { ...parts.init, mode, eventLines: options.eventLines };
  const engine: EngineHandle = await startEngineThread(init, options.logger);
  undo.push(() => engine.stop());
  if (options.yieldToEngine) yieldToEngine();
  const { store } = parts.screen;
  store.setConfig(holder.get());
  engine.on(store.push);
  for (const listener of options.listeners ?? []) engine.on(listener);
  undo.push(async () => store.dispose());
  const readAdded = addedSecretsReader(parts.init.config, parts.readSecrets, (added) =>
    engine.addSecrets(added),
  );
  const offConfig = holder.subscribe((next) => {
    engine.setConfig(next);
    readAdded(next);
    store.setConfig(next);
  });
  undo.push(async () => offConfig());
  const actions = createActions({ engine, holder, events: (listener) => engine.on(listener) });
  let control: ControlServer | undefined;
  if (parts.controlFor) {
    const path = controlSocketPath(parts.controlFor, runtimeDir(options.env));
    control = await startControlServer(
      path,
      controlHandler(
        actions,
        store.getSnapshot,
        mode,
        parts.init.journalPath,
        noticeOf(options),
        parts.configKeptOut,
      ),
    );
    undo.push(() => control?.close() ?? Promise.resolve());
  }
  let stopping: Promise<void> | undefined;
  const running: Running = {
    mode,
    actions,
    store,
    journalPath: parts.init.journalPath,
    controlPath: control?.path,
    died: engine.died,
    stop() {
      stopping ??= runAll(undo);
      return stopping;
    },
  };
  await parts.screen.ready(actions);
  await engine.started;
  return running;
}

/** The undo steps, newest first; a failing step does not stop the others. */
async function runAll(steps: Undo[]): Promise<void> {
  for (const step of [...steps].reverse()) await step().catch(() => undefined);
}

function noticeOf(options: BootOptions): (line: string) => void {
  return options.notice ?? ((line) => options.logger.info(line));
}
