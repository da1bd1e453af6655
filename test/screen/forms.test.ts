import { describe, expect, it } from "vitest";
import type { Follower, Group } from "../../data/schema.js";
import { followerFormSpec, followerFormValues } from "../../src/screen/forms/followerForm.js";
import {
  type FormAction,
  type FormSpec,
  type FormState,
  initForm,
  reduceForm,
  shownError,
} from "../../src/screen/forms/form.js";
import { groupFormSpec, groupFormValues } from "../../src/screen/forms/groupForm.js";

function run<T>(spec: FormSpec<T>, state: FormState<T>, ...actions: FormAction[]): FormState<T> {
  return actions.reduce((s, a) => reduceForm(spec, s, a), state);
}
const typeText = (text: string): FormAction[] => [...text].map((c) => ({ type: "type", text: c }));

const groupCtx = {
  freeAccounts: [{ name: "LEAD1", label: "main" }, { name: "ACC9" }],
  existingGroupNames: ["ES Swing"],
};

describe("group form", () => {
  const spec = groupFormSpec(groupCtx);

  it("offers only free accounts as leader and saves a schema-valid group", () => {
    const leader = spec.fields.find((f) => f.id === "leader");
    expect(leader?.options?.map((o) => o.value)).toEqual(["LEAD1", "ACC9"]);
    const s = run(
      spec,
      initForm(spec, groupFormValues(groupCtx)),
      ...typeText("NQ Scalps"),
      { type: "next" },
      {
        type: "choose",
        delta: 1,
      },
      { type: "save" },
    );
    expect(s.saved).toEqual({
      name: "NQ Scalps",
      leader: "ACC9",
      active: true,
      whitelist: { enabled: false, symbols: [] },
      followers: [],
    } satisfies Group);
  });

  it("shows errors only for touched fields while typing, all of them after a save attempt", () => {
    let s = initForm(spec, groupFormValues(groupCtx));
    expect(s.errors.name).toBe("group name must not be empty");
    expect(shownError(s, "name")).toBeUndefined();
    s = run(spec, s, ...typeText("es swing"));
    expect(shownError(s, "name")).toBe('a group named "es swing" already exists');
    s = run(spec, s, { type: "clear" }, { type: "save" });
    expect(s.saved).toBeUndefined();
    expect(shownError(s, "name")).toBe("group name must not be empty");
    expect(s.focus).toBe(0);
  });

  it("validates whitelist symbols with the config's own words, naming the bad one", () => {
    let s = initForm(spec, groupFormValues(groupCtx));
    s = run(spec, s, ...typeText("G"), { type: "focus", field: "symbols" });
    expect(s.focus).toBe(0); // hidden while the whitelist is off
    s = run(spec, s, { type: "focus", field: "whitelistEnabled" }, { type: "toggle" }, { type: "next" });
    expect(spec.fields[s.focus]?.id).toBe("symbols");
    s = run(spec, s, ...typeText("es, ESZ6"));
    expect(shownError(s, "symbols")).toMatch(/^ESZ6: must be a root symbol/);
    s = run(spec, s, ...Array.from({ length: 4 }, () => ({ type: "backspace" }) as const), { type: "save" });
    expect(s.saved?.whitelist).toEqual({ enabled: true, symbols: ["ES"] });
  });

  it("keeps the edited group's leader and followers", () => {
    const existing: Group = {
      name: "NQ Scalps",
      leader: "LEAD0",
      active: false,
      whitelist: { enabled: true, symbols: ["NQ"] },
      followers: [
        {
          account: "F1",
          enabled: true,
          sizing: { mode: "fixed", contracts: 1 },
          mapping: "none",
          limits: {},
        },
      ],
    };
    const ctx = { ...groupCtx, existingGroupNames: ["NQ Scalps", "ES Swing"], existing };
    const edit = groupFormSpec(ctx);
    const s = run(edit, initForm(edit, groupFormValues(ctx)), { type: "save" });
    expect(s.saved).toEqual(existing);
  });

  it("says so when there is no free account", () => {
    const ctx = { freeAccounts: [], existingGroupNames: [] };
    const s = initForm(groupFormSpec(ctx), groupFormValues(ctx));
    expect(s.errors.leader).toMatch(/no free accounts/);
  });
});

describe("follower form", () => {
  const ctx = { freeAccounts: [{ name: "FOLL1" }, { name: "FOLL2" }], groupName: "NQ Scalps" };
  const spec = followerFormSpec(ctx);
  const at = (id: string): FormAction => ({ type: "focus", field: id });

  it("saves a multiplier follower with limits", () => {
    const s = run(
      spec,
      initForm(spec, followerFormValues(ctx)),
      at("multiplier"),
      { type: "clear" },
      ...typeText("0.5"),
      at("maxContracts"),
      ...typeText("3"),
      at("mapping"),
      { type: "choose", delta: 1 },
      at("dailyLoss"),
      ...typeText("$1,500"),
      { type: "save" },
    );
    expect(s.errors).toEqual({});
    expect(s.saved).toEqual({
      account: "FOLL1",
      enabled: true,
      sizing: { mode: "multiplier", value: 0.5 },
      maxContracts: 3,
      mapping: "toMicro",
      limits: { dailyLoss: 1500 },
    } satisfies Follower);
  });

  it("switches the size field with the sizing mode and validates it as you type", () => {
    let s = run(
      spec,
      initForm(spec, followerFormValues(ctx)),
      at("sizingMode"),
      { type: "choose", delta: 1 },
      {
        type: "next",
      },
    );
    expect(spec.fields[s.focus]?.id).toBe("contracts");
    s = run(spec, s, ...typeText(".5"));
    expect(shownError(s, "contracts")).toBe("must be a whole number");
    s = run(spec, s, at("multiplier"));
    expect(spec.fields[s.focus]?.id).toBe("contracts"); // multiplier is hidden in fixed mode
  });

  it("refuses bad numbers with the schema's messages", () => {
    let s = run(
      spec,
      initForm(spec, followerFormValues(ctx)),
      at("multiplier"),
      { type: "clear" },
      ...typeText("0.1234"),
    );
    expect(shownError(s, "multiplier")).toBe("must have at most 3 decimals (e.g. 0.5, 1.25, 0.125)");
    s = run(spec, s, { type: "clear" }, ...typeText("abc"));
    expect(shownError(s, "multiplier")).toBe("must be a number");
    s = run(spec, s, { type: "clear" });
    expect(shownError(s, "multiplier")).toBe("required");
    s = run(spec, s, { type: "type", text: "1" }, at("trailingDrawdown"), ...typeText("-5"), {
      type: "save",
    });
    expect(s.saved).toBeUndefined();
    expect(shownError(s, "trailingDrawdown")).toBe("must be a positive dollar amount");
    expect(spec.fields[s.focus]?.id).toBe("trailingDrawdown");
  });

  it("refuses a number it would misread instead of saving another one", () => {
    for (const typed of ["1,5", "1,50", "0x10", "1$5", "2_5"]) {
      const s = run(
        spec,
        initForm(spec, followerFormValues(ctx)),
        at("multiplier"),
        { type: "clear" },
        ...typeText(typed),
        {
          type: "save",
        },
      );
      expect(s.saved, typed).toBeUndefined();
      expect(shownError(s, "multiplier"), typed).toMatch(/^must be a number/);
      expect(s.values.multiplier).toBe(typed);
    }
    const s = run(spec, initForm(spec, followerFormValues(ctx)), at("dailyLoss"), ...typeText("$ 1,500.50"), {
      type: "save",
    });
    expect(s.saved?.limits).toEqual({ dailyLoss: 1500.5 });
  });

  it("strips control characters from typed or pasted text", () => {
    const s = run(spec, initForm(spec, followerFormValues(ctx)), at("maxContracts"), {
      type: "type",
      text: "2\r\n\u001b",
    });
    expect(s.values.maxContracts).toBe("2");
  });

  it("takes the account's max open contracts, and refuses what is not a whole number of contracts", () => {
    const typed = (text: string) =>
      run(spec, initForm(spec, followerFormValues(ctx)), at("maxOpenContracts"), ...typeText(text), {
        type: "save",
      });
    expect(typed("4").saved).toMatchObject({ limits: { maxOpenContracts: 4 } });
    expect(typed("2.5").errors.maxOpenContracts).toBe("must be a whole number");
    expect(typed("0").errors.maxOpenContracts).toBe("must be at least 1");
  });

  it("round-trips an existing follower", () => {
    const existing: Follower = {
      account: "FOLL9",
      enabled: false,
      shadow: true,
      sizing: { mode: "fixed", contracts: 2 },
      maxContracts: 4,
      mapping: "toMini",
      limits: {
        dailyLoss: 500,
        trailingDrawdown: 1000,
        dailyProfitTarget: 800,
        weeklyLoss: 1500,
        dailyGiveBack: 400,
        maxTradesPerDay: 10,
        maxOpenContracts: 5,
      },
    };
    const c = { ...ctx, existing };
    const edit = followerFormSpec(c);
    expect(run(edit, initForm(edit, followerFormValues(c)), { type: "save" }).saved).toEqual(existing);
  });
});
