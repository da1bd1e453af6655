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
  const { stdout } = process;
  const draw = () => (
    <App
      actions={running.actions}
      store={running.store}
      mode={running.mode}
      theme={themeFromEnv(env)}
      onQuit={onQuit}
      size={terminalSize(stdout)}
      loadReport={() => dayView(running.journalPath, running.store)}
    />
  );
  const app = render(
    draw(),
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
  // Ink's own resize listener clears what it drew when the terminal narrows (and redraws in full
  // when it gets shorter), then draws the tree it has: the old frame, laid out for the old width,
  // which the terminal wraps, and the new frame then lands incrementally over those wrapped rows
  // (pieces of the old frame stayed on screen). Run first and synchronously (rerender), this hands
  // the tree the new size, so Ink's full redraw is of the new frame.
  const onResize = () => app.rerender(draw());
  stdout.prependListener("resize", onResize);
  return {
    waitUntilExit: () => app.waitUntilExit(),
    unmount: () => {
      stdout.off("resize", onResize);
      app.unmount();
    },
  };
}

/** The terminal's size as the console lays it out (80×24 when the stream does not say). */
function terminalSize(stdout: NodeJS.WriteStream) {
  return { columns: stdout.columns || 80, rows: stdout.rows || 24 };
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
