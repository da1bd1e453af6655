import type { Key } from "ink";
import { render } from "ink-testing-library";
import { screenLayout } from "../../components/bottomLines.js";
import { Screen } from "../../components/Screen.js";
import { plainTheme } from "../../components/theme.js";
import { type Config, configSchema } from "../../data/schema.js";
import type { EngineCommand, EngineEvent, Outcome } from "../../engine/index.js";
import { screenView } from "../../src/app/buildScreen.js";
import { memoryHolder } from "../../src/app/configHolder.js";
import { type Actions, createActions } from "../../src/process/actions.js";
import type { ReportViewModel } from "../../src/report/viewModel.js";
import { hintsFor } from "../../src/screen/keymap.js";
import { commandDeps, handleKey } from "../../src/screen/router.js";
import { createScreenStore } from "../../src/screen/screenState.js";
import { EngineStore } from "../../src/store/engineStore.js";

/** One key press as Ink reports it: the input text and the key flags. */
export type Press = readonly [input: string, key: Partial<Key>];

export const KEY = {
  up: ["", { upArrow: true }],
  down: ["", { downArrow: true }],
  left: ["", { leftArrow: true }],
  right: ["", { rightArrow: true }],
  pageUp: ["", { pageUp: true }],
  pageDown: ["", { pageDown: true }],
  tab: ["", { tab: true }],
  shiftTab: ["", { tab: true, shift: true }],
  enter: ["", { return: true }],
  escape: ["", { escape: true }],
  backspace: ["", { backspace: true }],
  space: [" ", {}],
  ctrlC: ["c", { ctrl: true }],
  ctrlU: ["u", { ctrl: true }],
} satisfies Record<string, Press>;

/** A printable key (or pasted text) as Ink reports it. */
export const text = (input: string): Press => [input, {}];

/** A config from the parts a test cares about; one sim connection for every account. */
export function testConfig(parts: {
  accounts: { name: string; label?: string }[];
  groups: { name: string; leader: string; active?: boolean; followers?: string[] }[];
}): Config {
  return configSchema.parse({
    version: 1,
    connections: [{ name: "sim", env: "sim", username: "demo", password: { env: "X" } }],
    accounts: parts.accounts.map((a) => ({ ...a, connection: "sim" })),
    groups: parts.groups.map((g) => ({
      name: g.name,
      leader: g.leader,
      active: g.active ?? true,
      followers: (g.followers ?? []).map((account) => ({
        account,
        sizing: { mode: "multiplier", value: 1 },
      })),
    })),
  });
}

export interface Call {
  method: keyof Actions;
  args: unknown[];
}

/**
 * The console without Ink's input: keys go through the real router, bindings and screen
 * reducer; commands go through the real Actions over a config held in memory and an engine that
 * answers every command at once. Frames are drawn with the real Screen.
 */
export function screenDriver(
  config: Config,
  size = { columns: 80, rows: 24 },
  /** How the engine answers; by default at once, with success. */
  answer?: (command: EngineCommand) => Promise<Outcome[]>,
  /** What the report key reads (the console's journal); absent, there is none. */
  loadReport?: () => Promise<ReportViewModel>,
) {
  const store = new EngineStore();
  const holder = memoryHolder(config);
  holder.subscribe((c) => {
    store.setConfig(c);
    store.publish();
  });
  store.setConfig(holder.get());
  store.publish();

  const commands: EngineCommand[] = [];
  const engine = {
    async execute(command: EngineCommand): Promise<Outcome[]> {
      commands.push(command);
      if (answer) return answer(command);
      if (command.cmd === "flatten") return [{ target: "FOLL1", status: "locked", sent: 1 }];
      return [{ target: command.follower, status: command.cmd === "unlock" ? "unlocked" : "resynced" }];
    },
  };
  const real = createActions({ engine, holder, events: (_l: (e: EngineEvent) => void) => () => undefined });
  const calls: Call[] = [];
  const actions = Object.fromEntries(
    Object.entries(real).map(([method, fn]) => [
      method,
      (...args: unknown[]) => {
        calls.push({ method: method as keyof Actions, args });
        return (fn as (...a: unknown[]) => unknown)(...args);
      },
    ]),
  ) as unknown as Actions;

  const screen = createScreenStore();
  let quits = 0;
  const deps = commandDeps(
    actions,
    screen,
    () => {
      quits += 1;
    },
    { loadReport },
  );
  // As the console lays it out: a long question or message takes more bottom lines.
  const lay = () => screenLayout(size.columns, size.rows, screen.get());
  const view = () => screenView(store.getSnapshot(), screen.get(), { mode: "DEMO", now: 0, layout: lay() });

  return {
    store,
    holder,
    screen,
    calls,
    commands,
    quits: () => quits,
    view,
    state: () => screen.get(),
    /** Presses keys one after another, each routed against the state the last one left. */
    press(...keys: Press[]) {
      for (const [input, key] of keys) handleKey(input, key, { context: () => view().ctx, deps });
    },
    /** Lets the answers of the commands run so far arrive (promises only, no timers). */
    async settle() {
      for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    },
    /** The frame the console would draw now, as plain lines. */
    frame(): string {
      const { vm, scope, ctx } = view();
      const r = render(<Screen vm={vm} layout={lay()} hints={hintsFor(scope, ctx)} theme={plainTheme} />);
      const out = r.lastFrame() ?? "";
      r.unmount();
      return out;
    },
  };
}

export type ScreenDriver = ReturnType<typeof screenDriver>;
