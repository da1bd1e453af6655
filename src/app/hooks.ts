/**
 * The console's hooks: everything that listens (keys, terminal size, time) lives here, so the
 * components stay props-only and the logic stays in plain functions (src/screen).
 */
import { useInput, useStdout } from "ink";
import { useEffect, useMemo, useRef, useState, useSyncExternalStore } from "react";
import type { Actions } from "../process/actions.js";
import type { ReportViewModel } from "../report/viewModel.js";
import type { CommandContext } from "../screen/bindings.js";
import { commandDeps, handleRead } from "../screen/router.js";
import { createScreenStore, type ScreenState } from "../screen/screenState.js";

/**
 * The screen reducer's state and Ink's keys → the router (src/screen/router.ts). Every key is
 * routed against the latest screen state and the context `context(state)` builds from it at that
 * moment, not the last frame's, so keys that arrive between two frames never act on stale state.
 */
export function useScreenInput(options: {
  actions: Actions;
  onQuit: () => void;
  context: (state: ScreenState) => CommandContext;
  loadReport?: (() => Promise<ReportViewModel>) | undefined;
}): ScreenState {
  const screen = useMemo(() => createScreenStore(), []);
  const state = useSyncExternalStore(screen.subscribe, screen.get);
  // Read through a ref set during render: Ink installs a new useInput handler only in an effect.
  const latest = useRef(options);
  latest.current = options;
  const { actions } = options;
  const deps = useMemo(
    () =>
      commandDeps(actions, screen, () => latest.current.onQuit(), {
        loadReport: () => latest.current.loadReport?.(),
      }),
    [actions, screen],
  );
  useInput((input, key) => {
    handleRead(input, key, { context: () => latest.current.context(screen.get()), deps, screen: screen.get });
  });
  return state;
}

/** The terminal's size, following resizes; a size handed in (the console's, tests') wins. */
export function useTerminalSize(fixed: { columns: number; rows: number } | undefined) {
  const { stdout } = useStdout();
  const read = () => ({ columns: stdout.columns || 80, rows: stdout.rows || 24 });
  const [size, setSize] = useState(read);
  // biome-ignore lint/correctness/useExhaustiveDependencies: read only closes over stdout
  useEffect(() => {
    if (fixed) return;
    const onResize = () => setSize(read());
    stdout.on("resize", onResize);
    return () => {
      stdout.off("resize", onResize);
    };
  }, [stdout, fixed]);
  return fixed ?? size;
}

/** Date.now(), refreshed every `ms`: the clock, positions and latency move without an event. */
export function useTicker(ms: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
}
