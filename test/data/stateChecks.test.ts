import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { actedOnPathFor } from "../../data/actedOnFile.js";
import { actedOnRecordSchema } from "../../data/actedOnSlots.js";
import { friendlyErrors } from "../../data/problems.js";
import { RuntimeStateRepository, runtimeStateSchema, StateError } from "../../data/state.js";
import type { FollowerRiskRecord } from "../../engine/types.js";
import { tempDir } from "./fixtures.js";

let file: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  const made = await tempDir();
  cleanup = made.cleanup;
  file = join(made.dir, "config.state.json");
});
afterEach(async () => {
  vi.restoreAllMocks();
  await cleanup();
});

const riskSchema = runtimeStateSchema.shape.followers.unwrap().valueType;
const names = Array.from({ length: 200 }, (_, i) => `DEMO${3000 + i}`);
const actedOn = Object.fromEntries(
  names.map((name, i) => [name, { leader: "DEMO1000", positions: { ESZ6: i - 100, NQZ6: 1 } }]),
);
const risk: Record<string, FollowerRiskRecord> = Object.fromEntries(
  names.map((name, i) => [
    name,
    {
      state: "ACTIVE",
      highWaterMark: 50_000 + i,
      tradingDay: "2026-12-03",
      tradesToday: i,
      tradeOrders: [i],
    },
  ]),
);
/** The calls that brought the error map: its wording is only wanted for a record refused. */
const worded = (spy: { mock: { calls: unknown[][] } }) =>
  spy.mock.calls.filter((c) => c[1] !== undefined).length;

describe("the records saved while copying, 200 followers a save", () => {
  it("are checked without the error map's wording, and written as the schema gives them", async () => {
    const repo = await RuntimeStateRepository.open(file);
    const actedParse = vi.spyOn(actedOnRecordSchema, "safeParse");
    const riskParse = vi.spyOn(riskSchema, "safeParse");
    await repo.saveActedOn(actedOn);
    await repo.saveFollowers(risk);
    expect(actedParse).toHaveBeenCalledTimes(200);
    expect(riskParse).toHaveBeenCalledTimes(200);
    // Given the error map, zod 4 took five times as long for these (two for risk's).
    expect([worded(actedParse), worded(riskParse)]).toEqual([0, 0]);
    vi.restoreAllMocks();
    const body = (await readFile(actedOnPathFor(file), "utf8")).split(" ")[4];
    expect(body).toBe(JSON.stringify(actedOn));
    expect(JSON.parse(await readFile(file, "utf8")).followers).toEqual(risk);
    await repo.close();
  });

  it("one refused is explained in the error map's words, naming its field", async () => {
    const repo = await RuntimeStateRepository.open(file);
    const error = await repo
      .saveActedOn({ ...actedOn, DEMO3199: { leader: "DEMO1000", positions: { ESZ6: 1.5 } } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StateError);
    const [problem] = (error as StateError).problems;
    expect(problem?.path).toBe("actedOn.DEMO3199.positions.ESZ6");
    const friendly = actedOnRecordSchema.safeParse(
      { leader: "L", positions: { ESZ6: 1.5 } },
      { error: friendlyErrors },
    );
    const plain = actedOnRecordSchema.safeParse({ leader: "L", positions: { ESZ6: 1.5 } });
    expect(friendly.error?.issues[0]?.message).not.toBe(plain.error?.issues[0]?.message);
    expect(problem?.message).toContain(friendly.error?.issues[0]?.message);
    await repo.close();
  });
});
