import { render } from "ink";
import { themeFromEnv } from "../../components/theme.js";
import type { ConsoleScreen } from "../process/boot.js";
import type { EngineStore } from "../store/engineStore.js";
import { App } from "./App.js";

export interface MountedConsole {
  waitUntilExit(): Promise<unknown>;
  unmount(): void;
}

/** Draws the console for a running engine. Kept apart so only the console pays for loading Ink. */
export function mountConsole(
  running: ConsoleScreen,
  env: NodeJS.ProcessEnv,
  onQuit: () => void,
): MountedConsole {
  const app = render(
    <App
      actions={running.actions}
      store={running.store}
      mode={running.mode}
      theme={themeFromEnv(env)}
      onQuit={onQuit}
      loadReport={() => dayView(running.journalPath, running.store)}
    />,
    // Incremental: a frame rewrites only the lines that changed (a fifth of the bytes, which is
    // what a console over SSH waits for). Ink 6.8 needs two fixes for it, in scripts/bundle.mjs.
    // Not on Windows: its console host redraws in its own way, and no one has tried it there.
    {
      exitOnCtrlC: false,
      maxFps: 12,
      patchConsole: true,
      incrementalRendering: process.platform !== "win32",
    },
  );
  return { waitUntilExit: () => app.waitUntilExit(), unmount: () => app.unmount() };
}

/**
 * Today's report from the journal, ending at the day P&L the screen shows now. Loaded when first
 * asked for: the report reads each login's fills from the broker, and its code (the broker
 * clients, ws, SignalR) would otherwise be compiled and run before the first frame.
 */
async function dayView(journalPath: string, store: EngineStore) {
  const snapshot = store.getSnapshot();
  const live = new Map<string, number>();
  for (const [account, f] of snapshot.followers) if (f.risk) live.set(account, f.risk.dayPnl);
  const { loadDayView } = await import("../report/dayView.js");
  return loadDayView({ journalPath, config: snapshot.config, now: Date.now(), live });
}
