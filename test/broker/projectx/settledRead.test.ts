import { describe, expect, it } from "vitest";
import { readSettled } from "../../../engine/broker/projectx/settledRead.js";
import { SNAPSHOT_TRIES, type Snapshot } from "../../../engine/broker/projectx/snapshot.js";

/**
 * A login whose order requests the test moves on during each read: `during(n, w)` runs while the
 * n-th picture (0-based) is read; settling ends every request on its way.
 */
function login(during: (n: number, w: ReturnType<typeof login>) => void = () => {}) {
  const w = {
    sent: 0,
    open: 0,
    reads: 0,
    waits: 0,
    overtaken: false,
    deps: {
      read: async (): Promise<Snapshot> => {
        during(w.reads, w);
        const n = w.reads++;
        return { accounts: [], positions: [], orders: [], trades: [{ id: n } as Snapshot["trades"][number]] };
      },
      requests: () => ({ sent: w.sent, open: w.open }),
      settled: async () => {
        w.waits += 1;
        w.open = 0;
      },
      overtaken: () => w.overtaken,
    },
  };
  return w;
}

const readNo = (s: Snapshot) => s.trades[0]!.id;

describe("a reconnect's picture and the order requests on their way", () => {
  it.each([
    { what: "nothing on its way: read once", openAtStart: 0, writtenDuringFirst: 0, reads: 1 },
    {
      what: "a request on its way as the read begins: read again once answered",
      openAtStart: 1,
      writtenDuringFirst: 0,
      reads: 2,
    },
    {
      what: "a request written during the read: read again",
      openAtStart: 0,
      writtenDuringFirst: 1,
      reads: 2,
    },
  ])("$what", async ({ openAtStart, writtenDuringFirst, reads }) => {
    const w = login((n, x) => {
      if (n === 0) x.sent += writtenDuringFirst;
    });
    w.open = openAtStart;
    const picture = await readSettled(w.deps);
    expect([w.reads, w.waits]).toEqual([reads, reads - 1]);
    expect(readNo(picture)).toBe(reads - 1); // the last picture read, never an earlier one
  });

  it("a connect overtaken while its requests settle reads nothing more", async () => {
    const w = login();
    w.open = 1;
    w.deps.settled = async () => {
      w.overtaken = true;
    };
    await readSettled(w.deps);
    expect(w.reads).toBe(1);
  });

  it("requests written during every read fail the picture", async () => {
    const w = login((_n, x) => {
      x.sent += 1;
    });
    await expect(readSettled(w.deps)).rejects.toThrow(`during each of ${SNAPSHOT_TRIES} reads`);
    expect(w.reads).toBe(SNAPSHOT_TRIES);
  });
});
