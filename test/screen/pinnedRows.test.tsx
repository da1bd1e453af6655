import { describe, expect, it } from "vitest";
import { pinAt, pinnedIndex } from "../../src/screen/pinnedRows.js";
import { KEY, screenDriver, testConfig } from "./driver.js";

// Seen at 80×24 in the demo, which trades every few seconds: with the cursor on an older fill
// (or alert), each new one moved the cursor onto the row that had been above it, so what the
// trader was reading changed under the cursor.

const config = testConfig({
  accounts: [{ name: "LEAD1" }, { name: "FOLL1" }],
  groups: [{ name: "Index", leader: "LEAD1", followers: ["FOLL1"] }],
});

function fill(fillId: number, price: number) {
  return {
    type: "leaderFill" as const,
    at: 0,
    group: "Index",
    leader: "LEAD1",
    fillId,
    orderId: fillId,
    contract: "NQZ6",
    side: "Buy" as const,
    qty: 1,
    price,
  };
}

function alert(message: string) {
  return { type: "alert" as const, at: 0, level: "warn" as const, message };
}

/** The line the cursor is on in the frame. */
const cursorLine = (frame: string) => frame.split("\n").find((l) => l.startsWith("›") && l.includes(" @ "));

describe("pinnedIndex and pinAt", () => {
  it("find the pinned row wherever it is now, and the oldest row when it has been pushed out", () => {
    expect(pinnedIndex(1, "b", ["new", "a", "b"])).toBe(2);
    expect(pinnedIndex(1, "gone", ["new", "a", "b"])).toBe(2);
    expect(pinnedIndex(1, "gone", [])).toBe(0);
    expect(pinnedIndex(1, undefined, ["new", "a", "b"])).toBe(1);
  });

  it("pin nothing on the newest row, which follows new ones in", () => {
    expect(pinAt(0, ["a", "b"])).toBeUndefined();
    expect(pinAt(1, ["a", "b"])).toBe("b");
  });
});

describe("the Live fills cursor", () => {
  it("stays on the older fill it was moved to while new fills arrive", () => {
    const d = screenDriver(config);
    for (let i = 1; i <= 3; i++) d.store.push(fill(i, 21000 + i));
    d.store.publish();
    d.press(KEY.tab, KEY.tab, KEY.down); // Live fills, the second newest: price 21002
    expect(d.view().vm.selection.fill).toBe(1);
    expect(d.view().vm.fills[1]?.price).toBe(21002);

    d.store.push(fill(4, 21004));
    d.store.push(fill(5, 21005));
    d.store.publish();
    const { vm } = d.view();
    expect(vm.fills[vm.selection.fill]?.price).toBe(21002);
    expect(cursorLine(d.frame())).toContain("NQZ6 @ 21002");

    // And a key moves from where it is shown: up goes to the next newer fill, 21003.
    d.press(KEY.up);
    const after = d.view().vm;
    expect(after.fills[after.selection.fill]?.price).toBe(21003);
  });

  it("stays at the bottom, on the oldest fill shown, once its fill has been pushed out of the pane's 50", () => {
    // A busy leader: 50 fills came while the trader read an old one. The cursor jumped from the
    // bottom of the list to the third newest fill, and Enter read that one instead.
    const d = screenDriver(config);
    for (let i = 1; i <= 3; i++) d.store.push(fill(i, 21000 + i));
    d.store.publish();
    d.press(KEY.tab, KEY.tab, KEY.down, KEY.down); // Live fills, the oldest: price 21001
    expect(d.view().vm.fills[d.view().vm.selection.fill]?.price).toBe(21001);

    for (let i = 4; i <= 60; i++) d.store.push(fill(i, 21000 + i));
    d.store.publish();
    const { vm } = d.view();
    expect(vm.fills).toHaveLength(50);
    expect(vm.selection.fill).toBe(49);
    expect(vm.fills[vm.selection.fill]?.price).toBe(21011);
    d.press(KEY.up);
    const after = d.view().vm;
    expect(after.fills[after.selection.fill]?.price).toBe(21012);
  });

  it("on the newest fill, follows each new one in (a live tail)", () => {
    const d = screenDriver(config);
    d.store.push(fill(1, 21001));
    d.store.publish();
    d.press(KEY.tab, KEY.tab);
    d.store.push(fill(2, 21002));
    d.store.publish();
    const { vm } = d.view();
    expect(vm.selection.fill).toBe(0);
    expect(vm.fills[0]?.price).toBe(21002);
  });
});

describe("the alerts cursor", () => {
  it("stays on the older alert it was moved to while new alerts arrive", () => {
    const d = screenDriver(config);
    d.store.push(alert("first"));
    d.store.push(alert("second"));
    d.store.publish();
    d.press(KEY.shiftTab, KEY.down); // alerts, the older one: "first"
    expect(d.view().vm.alerts[d.view().vm.selection.alert]?.text).toBe("first");

    d.store.push(alert("third"));
    d.store.publish();
    const { vm } = d.view();
    expect(vm.alerts[vm.selection.alert]?.text).toBe("first");
  });
});
