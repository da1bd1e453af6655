import type { Problem } from "../../data/problems.js";
import { formatProblems } from "../../data/problems.js";
import type { ConfigRepository } from "../../data/repository.js";
import { type Config, canonicalAccounts, configSchema } from "../../data/schema.js";

/** What the app needs of a config: the file-backed repository, or the demo's in-memory one. */
export interface ConfigHolder {
  get(): Config;
  /** Applies a change if the result is valid; otherwise refuses it and says why. */
  update(change: (draft: Config) => void): Promise<{ ok: true } | { ok: false; message: string }>;
  subscribe(listener: (config: Config) => void): () => void;
}

export function repositoryHolder(repo: ConfigRepository): ConfigHolder {
  return {
    get: () => repo.get(),
    async update(change) {
      const result = await repo.update((draft) => {
        change(draft);
      });
      return result.ok ? { ok: true } : { ok: false, message: problemsText(result.problems) };
    },
    subscribe: (listener) => repo.subscribe((config) => listener(config)),
  };
}

/** The demo's config: validated exactly like a file, but never written anywhere. */
export function memoryHolder(initial: Config): ConfigHolder {
  let config = initial;
  const listeners = new Set<(config: Config) => void>();
  return {
    get: () => config,
    async update(change) {
      const draft = structuredClone(config);
      change(draft);
      const parsed = configSchema.safeParse(draft);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        return { ok: false, message: `${issue?.path.join(".") ?? ""}: ${issue?.message ?? "invalid"}` };
      }
      config = canonicalAccounts(parsed.data);
      for (const listener of listeners) listener(config);
      return { ok: true };
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

function problemsText(problems: readonly Problem[]): string {
  return formatProblems(problems.slice(0, 1)).split("\n")[0] ?? "invalid change";
}
