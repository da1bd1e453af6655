import { describe, expect, it } from "vitest";
import { commands } from "../../src/cli/commands.js";
import { main } from "../../src/cli/main.js";
import { fakeContext } from "./streams.js";

/**
 * `mimik <command> --help` is read in an 80-column terminal (tmux split, a phone over SSH): a
 * longer line wraps mid-word and breaks the option columns apart.
 */
const COLUMNS = 80;

async function helpOf(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  const { ctx, stdout } = fakeContext({ env });
  expect(await main(argv, ctx)).toBe(0);
  return stdout.text;
}

const tooWide = (text: string) => text.split("\n").filter((line) => [...line].length > COLUMNS);

describe("--help fits 80 columns", () => {
  it.each(commands.filter((c) => c.name !== "ui").map((c) => [c.name]))("mimik %s --help", async (name) => {
    const text = await helpOf([...name.split(" "), "--help"]);
    expect(text).toContain("Usage");
    expect(tooWide(text)).toEqual([]);
  });

  it("mimik --help, with a long default config path", async () => {
    const home = "/home/a-trader-with-a-long-name";
    const text = await helpOf(["--help"], { HOME: home, XDG_CONFIG_HOME: `${home}/.config` });
    expect(text).toContain(`${home}/.config/mimik/config.json`);
    expect(tooWide(text)).toEqual([]);
  });
});

/** Where each option's words start in the Options block: "  --follower NAME   the …" → 20. */
function optionColumns(text: string): number[] {
  const block = text.split("\nOptions:\n")[1]?.split("\n\n")[0] ?? "";
  return block.split("\n").flatMap((line) => {
    const m = /^( {2}-\S+(?: [A-Z]+)?(?:, -\S+)? {2,})\S/.exec(line);
    return m ? [m[1]!.length] : [];
  });
}

describe("--help options line up", () => {
  // "  --follower NAME   the follower's …" over "  --config FILE   which instance …" read as
  // two columns that do not agree (flatten, lock, unlock): each block has one column now.
  it.each(commands.filter((c) => c.name !== "ui").map((c) => [c.name]))("mimik %s --help", async (name) => {
    const columns = optionColumns(await helpOf([...name.split(" "), "--help"]));
    expect(new Set(columns).size, columns.join(" ")).toBeLessThanOrEqual(1);
  });
});
