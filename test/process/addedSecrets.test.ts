import { describe, expect, it } from "vitest";
import type { Config, Connection } from "../../data/schema.js";
import { SecretError } from "../../data/secrets.js";
import { addedSecretsReader } from "../../src/process/addedSecrets.js";
import { type AddedSecrets, secretKey } from "../../src/process/connectionSecrets.js";
import { PX_CONNECTION, simConfig } from "../support/rig.js";

/** Reads answered by hand: each read waits until the test settles it. */
function harness() {
  const reads: { c: Connection; settle: (v: Record<string, string> | Error) => void }[] = [];
  const sent: AddedSecrets[] = [];
  const read = (c: Connection) =>
    new Promise<Record<string, string>>((resolve, reject) =>
      reads.push({ c, settle: (v) => (v instanceof Error ? reject(v) : resolve(v)) }),
    );
  const start = simConfig();
  const onConfig = addedSecretsReader(start, read, (a) => sent.push(a));
  return { reads, sent, onConfig, start };
}

const withPx = (config: Config, apiKey = PX_CONNECTION.apiKey): Config => ({
  ...config,
  connections: [...config.connections, { ...PX_CONNECTION, apiKey }],
});
const flush = () => new Promise((r) => setTimeout(r, 0));

describe("addedSecretsReader: the secrets of logins added while mimik runs", () => {
  it("reads nothing for the start's logins, nor twice for one being read", () => {
    const { reads, onConfig, start } = harness();
    onConfig(start);
    expect(reads).toHaveLength(0);
    onConfig(withPx(start));
    onConfig(withPx(start));
    expect(reads.map((r) => r.c.name)).toEqual(["px"]);
  });

  it("hands over what was read with its key, and reads it never again", async () => {
    const { reads, sent, onConfig, start } = harness();
    onConfig(withPx(start));
    reads[0]!.settle({ apiKey: "k" });
    await flush();
    expect(sent).toEqual([
      { read: { px: { key: secretKey(PX_CONNECTION), values: { apiKey: "k" } } }, unread: {} },
    ]);
    onConfig(withPx(start));
    expect(reads).toHaveLength(1);
  });

  it("hands over a failed read as its problem with the fix, and reads it again at the next change", async () => {
    const { reads, sent, onConfig, start } = harness();
    onConfig(withPx(start));
    reads[0]!.settle(
      new SecretError("environment variable K is not set", "export K=… before starting mimik"),
    );
    await flush();
    expect(sent[0]?.unread.px?.problem).toBe(
      "environment variable K is not set (export K=… before starting mimik)",
    );
    onConfig(withPx(start));
    expect(reads).toHaveLength(2);
  });

  it("reads anew a login whose sources changed", () => {
    const { reads, onConfig, start } = harness();
    const moved = structuredClone(start);
    const sim = start.connections[0]!;
    if (sim.broker !== "projectx")
      moved.connections = [{ ...sim, password: { file: "/c.json", key: "demo" } }];
    onConfig(moved);
    onConfig(withPx(start, { env: "OTHER" }));
    expect(reads.map((r) => r.c.name)).toEqual(["sim", "px"]);
  });

  it("reads anew a running login whose connection settings changed, and again when changed back", async () => {
    const { reads, onConfig, start } = harness();
    const sim = start.connections[0]!;
    const withUser = (username: string): Config => ({ ...start, connections: [{ ...sim, username }] });
    onConfig(withUser("prop"));
    reads[0]!.settle({ password: "prop" });
    await flush();
    onConfig(withUser("prop"));
    onConfig(start);
    expect(reads.map((r) => r.c.username)).toEqual(["prop", "demo"]);
  });

  it("reads nothing for an edit that leaves every login as it was", () => {
    const { reads, onConfig, start } = harness();
    const next = structuredClone(start);
    next.groups[0]!.followers.pop();
    onConfig(next);
    expect(reads).toHaveLength(0);
  });
});
