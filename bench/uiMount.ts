import { EventEmitter } from "node:events";
import { render } from "ink";
import { createElement } from "react";
import { plainTheme } from "../components/theme.js";
import { App } from "../src/app/App.js";
import { memoryHolder } from "../src/app/configHolder.js";
import { createActions } from "../src/process/actions.js";
import { EngineStore } from "../src/store/engineStore.js";
import type { CopyRig } from "./copyRig.js";

/** A terminal that keeps nothing: counts frames and bytes, as a fast SSH client would drain them. */
class VirtualTerminal extends EventEmitter {
  readonly columns = 120;
  readonly rows = 40;
  readonly isTTY = true;
  frames = 0;
  bytes = 0;
  write(chunk: string): boolean {
    this.frames += 1;
    this.bytes += chunk.length;
    return true;
  }
}

class SilentStdin extends EventEmitter {
  readonly isTTY = true;
  setRawMode(): this {
    return this;
  }
  setEncoding(): this {
    return this;
  }
  resume(): this {
    return this;
  }
  pause(): this {
    return this;
  }
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }
  read(): null {
    return null;
  }
}

export interface MountedUi {
  terminal: VirtualTerminal;
  unmount(): void;
}

/** The real console (App + EngineStore) rendered by Ink on a 120×40 virtual terminal, maxFps 12. */
export function mountUi(rig: CopyRig): MountedUi {
  const store = new EngineStore();
  store.setConfig(rig.config);
  const off = rig.listen(store.push);
  const actions = createActions({
    engine: rig.engine,
    holder: memoryHolder(rig.config),
    events: (listener) => rig.engine.on(listener),
  });
  const terminal = new VirtualTerminal();
  const instance = render(
    createElement(App, { actions, store, mode: "SIM", theme: plainTheme, onQuit: () => {}, tickMs: 1000 }),
    {
      stdout: terminal as unknown as NodeJS.WriteStream,
      stdin: new SilentStdin() as unknown as NodeJS.ReadStream,
      stderr: terminal as unknown as NodeJS.WriteStream,
      exitOnCtrlC: false,
      patchConsole: false,
      maxFps: 12,
    },
  );
  return {
    terminal,
    unmount() {
      off();
      instance.unmount();
      store.dispose();
    },
  };
}
