import { useSyncExternalStore } from "react";
import { screenLayout } from "../../components/bottomLines.js";
import { Screen } from "../../components/Screen.js";
import type { Theme } from "../../components/theme.js";
import type { Actions } from "../process/actions.js";
import type { ReportViewModel } from "../report/viewModel.js";
import { hintsFor } from "../screen/keymap.js";
import type { ScreenState } from "../screen/screenState.js";
import type { Mode } from "../screen/viewModel.js";
import type { EngineStore } from "../store/engineStore.js";
import { screenView } from "./buildScreen.js";
import { useScreenInput, useTerminalSize, useTicker } from "./hooks.js";

export interface AppProps {
  /** Every command the console can give; the screen itself reads only the store. */
  actions: Actions;
  store: EngineStore;
  mode: Mode;
  theme: Theme;
  onQuit: () => void;
  /** The terminal's size (mountConsole follows resizes ahead of Ink); absent, stdout's, followed here. */
  size?: { columns: number; rows: number };
  /** How often the clock, positions and latency refresh without an engine event. */
  tickMs?: number;
  /** Today's report for the report view (its key); absent, the key says there is none. */
  loadReport?: () => Promise<ReportViewModel>;
}

/**
 * The console: the engine store's snapshot and the screen state → buildScreen → <Screen>.
 * What each key does is in src/screen/bindings.ts; how keys reach it, in src/screen/router.ts.
 */
export function App({ actions, store, mode, theme, onQuit, size, tickMs = 1000, loadReport }: AppProps) {
  const terminal = useTerminalSize(size);
  const snapshot = useSyncExternalStore(store.subscribe, store.getSnapshot);
  const now = useTicker(tickMs);
  // A long question or message wraps in the bottom bar: the layout makes room for its lines.
  const layoutOf = (s: ScreenState) => screenLayout(terminal.columns, terminal.rows, s);
  const state = useScreenInput({
    actions,
    onQuit,
    loadReport,
    // Keys act on the store as it is when they arrive, like the frame drawn from it next.
    context: (current) =>
      screenView(store.getSnapshot(), current, { mode, now: Date.now(), layout: layoutOf(current) }).ctx,
  });
  const lay = layoutOf(state);
  const { vm, scope, ctx } = screenView(snapshot, state, { mode, now, layout: lay });
  return <Screen vm={vm} layout={lay} hints={hintsFor(scope, ctx)} theme={theme} />;
}
