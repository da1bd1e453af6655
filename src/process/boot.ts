import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { acquireInstanceLock, type InstanceLock } from "../../data/instanceLock.js";
import { JournalWriter, journalPathFor, leaderFillKeys } from "../../data/journal/index.js";
import { resolveConfigPath, runtimeDir, statePathFor } from "../../data/paths.js";
import { ConfigRepository } from "../../data/repository.js";
import type { Config } from "../../data/schema.js";
import { RuntimeStateRepository } from "../../data/state.js";
import { Engine } from "../../engine/runtime/engine.js";
import { SetLedger } from "../../engine/runtime/memoryStores.js";
import { type Simulator, startSimulator } from "../../engine/sim/index.js";
import type { EngineEvent, Logger } from "../../engine/types.js";
import { type ConfigHolder, memoryHolder, repositoryHolder } from "../app/configHolder.js";
import { type ControlServer, controlSocketPath, startControlServer } from "../control/index.js";
import { DEMO_PASSWORD_ENV, demoConfig } from "../demo/demoConfig.js";
import { DemoTrader } from "../demo/demoTrader.js";
import type { Mode } from "../screen/viewModel.js";
import { controlHandler } from "./controlHandler.js";
import { journalSink } from "./journalSink.js";
import { createSessions, needsEmbeddedSim } from "./sessions.js";

export interface BootOptions {
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** --config, if given. */
  configFlag?: string | undefined;
  /** --demo: the demo even when a config exists. */
  demo?: boolean;
  logger: Logger;
  /** Engine event listeners attached before the engine starts, so they see its first events too. */
  listeners?: ((event: EngineEvent) => void)[];
  /** Called once everything is built, just before the broker sessions connect (the console draws here). */
  beforeStart?: (running: Running) => void | Promise<void>;
}

export interface Running {
  mode: Mode;
  engine: Engine;
  holder: ConfigHolder;
  /** The config file in use; undefined for the demo. */
  configPath?: string | undefined;
  journalPath: string;
  sim?: Simulator | undefined;
  controlPath?: string | undefined;
  stop(): Promise<void>;
}

/** Should `mimik` with these arguments run the demo? Only when asked, or when no config exists at all. */
export function wantsDemo(options: Pick<BootOptions, "env" | "cwd" | "configFlag" | "demo">): boolean {
  if (options.demo) return true;
  const choice = resolveConfigPath({ flag: options.configFlag, env: options.env, cwd: options.cwd });
  return choice.source === "default" && !existsSync(choice.path);
}

/**
 * Everything between the command line and a running engine: config (or the demo), state,
 * journal and its dedupe ledger, the embedded simulator when a config needs one, broker
 * sessions, the engine, and the control socket. stop() undoes it all in reverse.
 */
export async function boot(options: BootOptions): Promise<Running> {
  return wantsDemo(options) ? bootDemo(options) : bootConfig(options);
}

async function bootConfig(options: BootOptions): Promise<Running> {
  const choice = resolveConfigPath({ flag: options.configFlag, env: options.env, cwd: options.cwd });
  const undo: (() => Promise<unknown>)[] = [];
  try {
    const repo = await ConfigRepository.open(choice.path, { display: choice.display });
    undo.push(async () => repo.close());
    const lock = await acquireInstanceLock(`${choice.path}.lock`);
    undo.push(() => lock.release());
    const state = await RuntimeStateRepository.open(statePathFor(choice.path));
    const journalPath = journalPathFor(choice.path);
    const ledger = new SetLedger(await leaderFillKeys(journalPath));
    const journal = await JournalWriter.open(journalPath, {
      onError: (error) => options.logger.error("journal write failed", { error: String(error) }),
    });
    undo.push(() => journal.close());
    const config = repo.get();
    const sim = needsEmbeddedSim(config) ? await startSimulator({ port: 0 }) : undefined;
    if (sim) undo.push(() => sim.close());
    const holder = repositoryHolder(repo);
    const mode: Mode = config.connections.some((c) => c.env === "live") ? "LIVE" : "SIM";
    const running = await assemble({
      options,
      config,
      holder,
      state,
      ledger,
      journal,
      journalPath,
      sim,
      mode,
      controlFor: choice.path,
      lock,
    });
    repo.watch();
    repo.onProblem((event) => options.logger.warn(`config not reloaded: ${event.message}`));
    return { ...running, configPath: choice.path, stop: chain(running.stop, undo) };
  } catch (error) {
    await runAll(undo);
    throw error;
  }
}

async function bootDemo(options: BootOptions): Promise<Running> {
  const dir = await mkdtemp(join(tmpdir(), "mimik-demo-"));
  const undo: (() => Promise<unknown>)[] = [() => rm(dir, { recursive: true, force: true })];
  try {
    const sim = await startSimulator({ port: 0 });
    undo.push(() => sim.close());
    const config = demoConfig();
    const state = await RuntimeStateRepository.open(join(dir, "state.json"));
    const journalPath = join(dir, "journal.jsonl");
    const journal = await JournalWriter.open(journalPath);
    undo.push(() => journal.close());
    // The control socket answers for the default config path only while that file does not exist,
    // so `mimik status` in another shell finds the demo and never a real instance's socket.
    const defaultChoice = resolveConfigPath({ env: { ...options.env, MIMIK_CONFIG: "" }, cwd: options.cwd });
    const running = await assemble({
      options: { ...options, env: { ...options.env, [DEMO_PASSWORD_ENV]: "demo" } },
      config,
      holder: memoryHolder(config),
      state,
      ledger: new SetLedger(),
      journal,
      journalPath,
      sim,
      mode: "DEMO",
      controlFor: existsSync(defaultChoice.path) ? undefined : defaultChoice.path,
    });
    const trader = startDemoTrader(sim, options.env);
    const stopAll = async () => {
      trader.stop();
      await running.stop();
    };
    return { ...running, stop: chain(stopAll, undo) };
  } catch (error) {
    await runAll(undo);
    throw error;
  }
}

interface Parts {
  options: BootOptions;
  config: Config;
  holder: ConfigHolder;
  state: RuntimeStateRepository;
  ledger: SetLedger;
  journal: JournalWriter;
  journalPath: string;
  sim: Simulator | undefined;
  mode: Mode;
  /** Config path the control socket is named after; undefined = no control socket. */
  controlFor: string | undefined;
  lock?: InstanceLock;
}

async function assemble(parts: Parts): Promise<Running> {
  const { options, config, holder, journal } = parts;
  // A bad config, state file or secret throws its own error; main() prints it as the user's to fix.
  const sessions = await createSessions(config, {
    env: options.env,
    embeddedSimUrl: parts.sim?.url,
    logger: options.logger,
  });
  const engine = new Engine(
    { sessions, riskStore: parts.state, ledger: parts.ledger, logger: options.logger },
    config,
  );
  engine.on(journalSink(journal, () => holder.get()));
  for (const listener of options.listeners ?? []) engine.on(listener);
  const offConfig = holder.subscribe((next) => {
    engine.setConfig(next);
    journal.append({ type: "config", groups: next.groups.length, accounts: next.accounts.length });
  });
  let control: ControlServer | undefined;
  if (parts.controlFor) {
    const path = controlSocketPath(parts.controlFor, runtimeDir(options.env));
    control = await startControlServer(path, controlHandler(engine, holder, parts.mode));
  }
  journal.append({ type: "start", mode: parts.mode, pid: process.pid });
  const running: Running = {
    mode: parts.mode,
    engine,
    holder,
    journalPath: parts.journalPath,
    sim: parts.sim,
    controlPath: control?.path,
    async stop() {
      offConfig();
      await control?.close();
      await engine.stop();
      journal.append({ type: "stop", pid: process.pid });
    },
  };
  await options.beforeStart?.(running);
  await engine.start();
  return running;
}

function startDemoTrader(sim: Simulator, env: NodeJS.ProcessEnv): { stop(): void } {
  const trader = new DemoTrader(sim.control, {
    leader: "DEMO1000",
    symbols: [
      { name: "NQZ6", tick: 0.25 },
      { name: "ESZ6", tick: 0.25 },
      { name: "CLF7", tick: 0.01 },
    ],
  });
  const interval = Number(env.MIMIK_DEMO_INTERVAL_MS) || 3000;
  const first = setTimeout(() => trader.step(), Math.min(interval, 1200));
  const timer = setInterval(() => trader.step(), interval);
  return {
    stop() {
      clearTimeout(first);
      clearInterval(timer);
    },
  };
}

/** Runs `first`, then the undo steps newest first; once, however often it is called. */
function chain(first: () => Promise<unknown>, rest: (() => Promise<unknown>)[]): () => Promise<void> {
  let stopping: Promise<void> | undefined;
  return () => {
    stopping ??= (async () => {
      await first().catch(() => undefined);
      await runAll(rest);
    })();
    return stopping;
  };
}

async function runAll(steps: (() => Promise<unknown>)[]): Promise<void> {
  for (const step of [...steps].reverse()) await step().catch(() => undefined);
}
