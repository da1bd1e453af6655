import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { basename, dirname, extname, join } from "node:path";
import { atomicWrite } from "./atomicWrite.js";
import { type ConfigFiles, configFilesFor } from "./configIdentity.js";
import { isNotFound } from "./journal/paths.js";
import { parseJson } from "./jsonText.js";
import { acquireLockFile, type HeldLock } from "./lockFile.js";
import { shellQuote } from "./shellQuote.js";
import { STATE_VERSION } from "./state.js";
import { UserError } from "./userError.js";

/**
 * Runtime files are named after the config's name without its extension, so a.json, a and a.conf
 * in one folder share a.state.json (and the acted-on file beside it) and journal/a.jsonl, while
 * their instance locks (a.json.lock, a.lock) differ: both could run, and one's locks, high-water
 * marks and journal would be the other's. The names stay (existing users' files stay where they
 * are); instead the state file says whose it is (`config`, the config's real path), and another
 * config is refused before anything of it is opened. The journal shares the state file's folder
 * and name, so whoever owns the state owns the journal too: one owner, checked in one place.
 *
 * A state file without an owner (an older mimik's) is adopted by the first config that claims it,
 * and a missing one is created owned, so a config that never saved state yet is not left open to
 * another. An owner whose config file is gone (renamed a.json to a.conf, say), or that lives in
 * another folder (the file was copied), is replaced: the state has no one else here to belong to.
 * Call with the instance lock held.
 */
export async function claimStateFile(files: ConfigFiles): Promise<void> {
  // Two configs named alike started at the same instant would both read "no owner" and both
  // write themselves in: the read and the write are one step under a lock of the state file's own.
  const claim = await acquireClaimLock(`${files.state}.claim`);
  try {
    await claimUnderLock(files);
  } finally {
    await claim.release();
  }
}

/** Another claimer holds it for the few milliseconds of a read and a write: wait that out. */
async function acquireClaimLock(path: string): Promise<HeldLock> {
  const started = Date.now();
  for (;;) {
    try {
      return await acquireLockFile(path, {
        fields: {},
        what: `the state file's claim ${basename(path)}`,
        refuse: () => new ClaimBusy(),
      });
    } catch (error) {
      if (!(error instanceof ClaimBusy)) throw error;
      if (Date.now() - started > CLAIM_WAIT_MS)
        throw new UserError(
          `${path} has been held by another mimik for over ${CLAIM_WAIT_MS / 1000} s while it claimed the ` +
            `runtime state beside it; if no other mimik is starting, remove ${shellQuote(path)} and start again`,
        );
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

const CLAIM_WAIT_MS = 5_000;

class ClaimBusy extends Error {}

async function claimUnderLock(files: ConfigFiles): Promise<void> {
  let text: string;
  try {
    text = await readFile(files.state, "utf8");
  } catch (error) {
    if (!isNotFound(error)) return; // unreadable: opening it says why
    text = JSON.stringify({ version: STATE_VERSION, followers: {} });
  }
  const parsed = parseJson(text);
  // A file mimik cannot read as its own is left for opening it to explain (and refuse).
  if (!parsed.ok || !isRecord(parsed.value) || parsed.value.version !== STATE_VERSION) return;
  const owner = parsed.value.config;
  if (owner === files.config) return;
  if (typeof owner === "string" && sharesWith(owner, files)) throw new SharedStateError(files, owner);
  await atomicWrite(files.state, `${JSON.stringify({ ...parsed.value, config: files.config }, null, 2)}\n`, {
    mode: 0o600,
  });
}

export class SharedStateError extends UserError {
  constructor(files: ConfigFiles, owner: string) {
    const ext = extname(files.config);
    const renamed = join(dirname(files.config), `${basename(files.config, ext)}-2${ext}`);
    super(
      `${files.config} would share its runtime state ${files.state} (locks, high-water marks) and its ` +
        `journal ${files.journal} with ${owner}, whose they are: mimik names them after a config's name ` +
        `without its extension. Nothing was changed. Give this config a name of its own, e.g. ` +
        `mv ${shellQuote(files.config)} ${shellQuote(renamed)}, and start again.`,
    );
    this.name = "SharedStateError";
  }
}

/**
 * Whether the recorded owner is a config that would use this very state file: it is still there,
 * and its files are named the same. An owner in another folder means the file was copied (a folder
 * copied for a test run, say): the copy is this config's own.
 */
function sharesWith(owner: string, files: ConfigFiles): boolean {
  return existsSync(owner) && configFilesFor(owner).state === files.state;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
