import { mkdir, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A home of its own for one mimik process, with a TMPDIR inside it. */
export interface ScratchHome {
  dir: string;
  /** The process's TMPDIR: the demo makes its scratch folder here, so what is left can be seen. */
  tmp: string;
  env: NodeJS.ProcessEnv;
}

export async function scratchHome(prefix: string): Promise<ScratchHome> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  const tmp = join(dir, "tmp");
  await mkdir(tmp);
  return {
    dir,
    tmp,
    env: {
      PATH: process.env.PATH,
      HOME: dir,
      TMPDIR: tmp,
      XDG_CONFIG_HOME: join(dir, "cfg"),
      XDG_RUNTIME_DIR: join(dir, "run"),
      TERM: "xterm-256color",
    },
  };
}

/** util-linux `script` arguments that run `command` in a pseudo-terminal of 80×24 (-e: its exit code). */
export function inPseudoTerminal(command: string): string[] {
  return ["-qfec", `stty cols 80 rows 24; exec ${command}`, "/dev/null"];
}
