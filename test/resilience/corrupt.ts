import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { ConfigError } from "../../data/configFile.js";
import { ConfigRepository } from "../../data/repository.js";
import { RuntimeStateRepository, StateError } from "../../data/state.js";
import { seededRandom } from "../../engine/sim/random.js";
import { resilienceConfig } from "./fleet.js";

/** A damaged copy of a JSON document that can never pass as valid (torn, garbled, or wrongly typed). */
export function corruptJson(text: string, seed: number): string {
  const rnd = seededRandom(seed);
  const body = text.trimEnd();
  switch (Math.floor(rnd() * 4)) {
    case 0: // torn write: cut anywhere before the closing brace
      return body.slice(0, Math.floor(rnd() * (body.length - 1)));
    case 1: {
      // garbage in the middle
      const at = 1 + Math.floor(rnd() * (body.length - 2));
      return `${body.slice(0, at)}\u0000#!garbage{${body.slice(at)}`;
    }
    case 2: // valid JSON, wrong shape
      return JSON.stringify({ version: "one", followers: [1, 2, 3], groups: "none" });
    default: // not JSON at all
      return "this is not json\n";
  }
}

/**
 * Corrupt config and state files, each seeded: opening refuses with a clear error naming the file,
 * and the bytes on disk stay exactly as they were. Returns how many corruptions were survived.
 */
export async function corruptFiles(
  dir: string,
  seed: number,
): Promise<{ violations: string[]; faults: number }> {
  const violations: string[] = [];
  const statePath = join(dir, "state.json");
  const state = await RuntimeStateRepository.open(statePath);
  await state.saveFollower("STEADY01", { state: "LOCKED", lockKind: "manual", lockReason: "resilience" });
  const bad = corruptJson(await readFile(statePath, "utf8"), seed);

  // A foreign write corrupts the file under a running mimik: the next save is refused, the file kept.
  await writeFile(statePath, bad);
  const refused = await state.saveFollower("STEADY02", { state: "ACTIVE" }).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(refused instanceof StateError)) violations.push(`state save over a corrupt file was not refused`);
  await state.close();
  if ((await readFile(statePath, "utf8")) !== bad) violations.push("state file changed after a refused save");

  // A restart over the corrupt file refuses to start rather than forget locks.
  const reopen = await RuntimeStateRepository.open(statePath).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(reopen instanceof StateError) || !reopen.message.includes(statePath)) {
    violations.push(`corrupt state file not refused with its path: ${String(reopen)}`);
  }
  if ((await readFile(statePath, "utf8")) !== bad) violations.push("state file changed after a refused open");

  const configPath = join(dir, "config.json");
  const repo = await ConfigRepository.create(configPath, resilienceConfig("http://127.0.0.1:9"), {
    pollMs: 0,
  });
  await repo.close();
  const badConfig = corruptJson(await readFile(configPath, "utf8"), seed + 1);
  await writeFile(configPath, badConfig);
  const opened = await ConfigRepository.open(configPath, { pollMs: 0 }).then(
    async (r) => {
      await r.close();
      return undefined;
    },
    (e: unknown) => e,
  );
  if (!(opened instanceof ConfigError) || opened.problems.length === 0) {
    violations.push(`corrupt config not refused with problems: ${String(opened)}`);
  }
  if ((await readFile(configPath, "utf8")) !== badConfig)
    violations.push("config file changed after a refused open");
  return { violations, faults: 2 };
}
