import { readFile } from "node:fs/promises";
import { expect, it } from "vitest";
import { validateConfigText } from "../../data/configFile.js";

it("the shipped example config is valid and shows the main features", async () => {
  const path = "data/examples/config.example.json";
  const result = validateConfigText(await readFile(path, "utf8"), path);
  if (!result.ok) throw new Error(result.problems.map((p) => `${p.path}: ${p.message}`).join("\n"));
  const { config } = result;
  const sim = config.connections[0];
  expect(sim?.broker !== "projectx" && sim?.password).toEqual({ env: "MIMIK_SIM_PASSWORD" });
  const group = config.groups[0]!;
  expect(group.leader).toBe("DEMO1000");
  expect(group.followers.map((f) => f.account)).toEqual(["DEMO2001", "DEMO2002", "DEMO2003"]);
  expect(new Set(group.followers.map((f) => JSON.stringify(f.sizing))).size).toBe(3);
  expect(group.whitelist.enabled && group.whitelist.symbols.length > 0).toBe(true);
  expect(group.followers.some((f) => f.mapping === "toMicro")).toBe(true);
});
