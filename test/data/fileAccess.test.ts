import { userInfo } from "node:os";
import { describe, expect, it } from "vitest";
import { explainWriteError, FileAccessError } from "../../data/fileAccess.js";
import { UserError } from "../../data/userError.js";

const fsError = (code: string): NodeJS.ErrnoException =>
  Object.assign(new Error(`${code}: open '/cfg/.config.json.1.tmp'`), { code });

describe("explainWriteError", () => {
  it("turns a permission error into a message with the folder, the user, why and the fix", () => {
    const error = explainWriteError(fsError("EACCES"), "/cfg", "the instance lock config.json.lock");
    expect(error).toBeInstanceOf(FileAccessError);
    expect(error).toBeInstanceOf(UserError);
    const user = userInfo().username;
    expect((error as Error).message).toBe(
      `mimik cannot write the instance lock config.json.lock in /cfg: permission denied: ${user} may not write in it. ` +
        `Fix: make it writable (chmod u+w /cfg, or chown it to ${user}), or keep the config in a folder you can write and pass --config.`,
    );
  });

  it("says so for a read-only file system and a full disk", () => {
    expect((explainWriteError(fsError("EROFS"), "/cfg", "its journal") as Error).message).toMatch(
      /^mimik cannot write its journal in \/cfg: it is on a read-only file system\. Fix: keep the config in a writable folder/,
    );
    expect((explainWriteError(fsError("ENOSPC"), "/cfg", "x") as Error).message).toContain(
      "the disk (or your quota) is full",
    );
  });

  it("leaves any other error as it was", () => {
    const other = fsError("EIO");
    expect(explainWriteError(other, "/cfg", "x")).toBe(other);
    expect(explainWriteError("text", "/cfg", "x")).toBe("text");
  });
});
