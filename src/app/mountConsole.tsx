import { render } from "ink";
import { themeFromEnv } from "../../components/theme.js";
import type { Actions } from "../process/actions.js";
import type { Mode } from "../screen/viewModel.js";
import type { EngineStore } from "../store/engineStore.js";
import { App } from "./App.js";

export interface MountedConsole {
  waitUntilExit(): Promise<unknown>;
  unmount(): void;
}

/** Draws the console for a running engine. Kept apart so only the console pays for loading Ink. */
export function mountConsole(
  running: { mode: Mode; store: EngineStore; actions: Actions },
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
    />,
    { exitOnCtrlC: false, maxFps: 12, patchConsole: true },
  );
  return { waitUntilExit: () => app.waitUntilExit(), unmount: () => app.unmount() };
}
