import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { paneOutput } from "../../bench/firstFrame.js";

describe("the first frame's watcher of a tmux control-mode client", () => {
  it("is attached once tmux names the session, not at its opening %begin/%end", async () => {
    const client = new PassThrough();
    const shown = paneOutput(client);
    let attached: boolean | undefined;
    void shown.attached.then((a) => {
      attached = a;
    });
    client.write("%begin 1 264 0\n%end 1 264 0\n");
    await new Promise((r) => setImmediate(r));
    expect(attached).toBeUndefined();
    client.write("%session-changed $0 bench\n");
    expect(await shown.attached).toBe(true);
  });

  it("finds text split across notifications and chunks, with escapes between", async () => {
    const client = new PassThrough();
    const shown = paneOutput(client);
    const seen = shown.contains("mimik", 1_000);
    client.write("%output %0 \\033[?25l\\033[1mmi");
    client.write("m\n%window-renamed @0 node\n%out");
    client.write("put %0 ik\\015\\012\n");
    expect(await seen).toEqual(expect.any(Number));
  });

  it("finds text the pane showed before it was asked for", async () => {
    const client = new PassThrough();
    const shown = paneOutput(client);
    client.write("%output %0 mimik\n");
    await new Promise((r) => setImmediate(r));
    expect(await shown.contains("mimik", 50)).toEqual(expect.any(Number));
  });

  it("does not count text from other notifications or from an escape's digits", async () => {
    const client = new PassThrough();
    const shown = paneOutput(client);
    const seen = shown.contains("mimik", 50);
    client.write("%window-renamed @0 mimik\n%output %0 mim\\151k\n");
    expect(await seen).toBeUndefined();
  });
});
