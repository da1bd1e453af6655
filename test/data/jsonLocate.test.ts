import { describe, expect, it } from "vitest";
import { validateConfigText } from "../../data/configFile.js";
import { locateJsonPath, pathSegments } from "../../data/jsonLocate.js";
import { formatProblems } from "../../data/problems.js";
import { problemEventLine } from "../../data/repository.js";
import { validRaw } from "./fixtures.js";

describe("a config problem names its line", () => {
  it("reads a JSON path back into its keys and indexes", () => {
    expect(pathSegments('groups[0].followers[12]["odd key"].value')).toEqual([
      "groups",
      0,
      "followers",
      12,
      "odd key",
      "value",
    ]);
    expect(pathSegments("version")).toEqual(["version"]);
    expect(pathSegments("a..b")).toBeUndefined();
  });

  it("finds a member's key, an element, and the nearest enclosing value of a missing field", () => {
    const text = '{\n  "a": {"x": "}{,[", "y": [1, {"z": 2},\n    {"z": 3, "w": [ ] }]},\n  "b": null\n}\n';
    expect(locateJsonPath(text, "a.y[2].z")).toEqual({ line: 3, column: 6 });
    expect(locateJsonPath(text, "a.y[2].w")).toEqual({ line: 3, column: 14 });
    expect(locateJsonPath(text, "b")).toEqual({ line: 4, column: 3 });
    expect(locateJsonPath(text, "a.y[2].missing")).toEqual({ line: 3, column: 5 });
    expect(locateJsonPath(text, "a.y[9]")).toEqual({ line: 2, column: 22 });
  });

  it("config check's problems say file:line: path: what is wrong", () => {
    const raw = validRaw();
    (raw.groups[0]!.followers[1] as Record<string, unknown>).maxContracts = "4";
    (raw.groups[0]!.followers[0] as Record<string, unknown>).maxContract = 3;
    const text = JSON.stringify(raw, null, 2);
    const lines = text.split("\n");
    const lineOf = (needle: string) => lines.findIndex((l) => l.includes(needle)) + 1;
    const result = validateConfigText(text, "c.json");
    expect(result.ok).toBe(false);
    const said = result.ok ? "" : formatProblems(result.problems);
    expect(said).toContain(
      `c.json:${lineOf('"maxContracts": "4"')}: groups[0].followers[1].maxContracts: must be a number, not text`,
    );
    expect(said).toContain(
      `c.json:${lineOf('"maxContract": 3')}: groups[0].followers[0].maxContract: unknown field`,
    );
    // A hand edit kept out while mimik runs says the same, in its alert line.
    const alert = problemEventLine({
      kind: "invalid-edit",
      message: "c.json was edited and is not valid",
      problems: result.ok ? [] : result.problems,
    });
    expect(alert).toMatch(
      /^c\.json was edited and is not valid: line \d+, groups\[0\]\.followers\[\d\]\.maxContracts?: /,
    );
  });
});
