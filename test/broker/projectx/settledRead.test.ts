import { describe, expect, it } from "vitest";
import { readSettled } from "../../../engine/broker/projectx/settledRead.js";
import { SNAPSHOT_TRIES } from "../../../engine/broker/projectx/snapshot.js";
import { FakeClock } from "../helpers/fakeClock.js";
import { netOf, pxVenue, type VenueRequest } from "./fakeVenue.js";

const IDS = [7, 8, 9];

/**
 * A login of accounts 7, 8 and 9 (TSX7 …) at a venue that trades while they are read, with the
 * order requests the test puts on their way: settling carries each one out (a sell of 1 on its
 * account) and answers it. `during` runs before each REST request.
 */
function login(during: (r: VenueRequest, w: Login) => void = () => {}) {
  const clock = new FakeClock();
  const activity = new Map(IDS.map((id) => [id, { sent: 0, open: 0 }]));
  const w = {
    clock,
    activity,
    venue: pxVenue(IDS, (r) => during(r, w)),
    settles: 0,
    overtaken: false,
    /** A request of the account written now, its answer still to come. */
    send(accountId: number) {
      activity.get(accountId)!.sent += 1;
      activity.get(accountId)!.open += 1;
    },
    read(): ReturnType<typeof readSettled> {
      return readSettled({
        call: (path, body) => w.venue.call(path, body),
        accounts: IDS.map((id) => ({ id, name: `TSX${id}` })),
        since: "2026-01-12T00:00:00Z",
        activity: (id) => ({ ...activity.get(id)! }),
        settled: async () => {
          w.settles += 1;
          for (const [id, a] of activity) {
            for (; a.open > 0; a.open--) w.venue.fill(id, 900 + w.settles, -1);
          }
        },
        overtaken: () => w.overtaken,
        clock,
        delayMs: 1000,
      });
    },
    readsByAccount: () => IDS.map((id) => w.venue.readsOf(id)),
  };
  return w;
}
type Login = ReturnType<typeof login>;

/** The read's outcome so far: it runs on the fake clock, so a test can look between its waits. */
function track<T>(p: Promise<T>) {
  const t: { done: boolean; value?: T; error?: Error } = { done: false };
  p.then(
    (value) => Object.assign(t, { done: true, value }),
    (error: Error) => Object.assign(t, { done: true, error }),
  );
  return t;
}
const flush = () => new Promise((r) => setTimeout(r, 0));
const firstRead = (r: VenueRequest, accountId: number, w: Login) =>
  r.path === "Order/search" && r.accountId === accountId && w.venue.readsOf(accountId) === 1;

describe("a reconnect's picture and the order requests on their way", () => {
  it.each([
    {
      what: "nothing on its way: every account read once",
      openAtStart: false,
      sentDuring: false,
      reads: [1, 1, 1],
    },
    {
      what: "a request of TSX8 on its way as the read begins: TSX8 alone read again once answered",
      openAtStart: true,
      sentDuring: false,
      reads: [1, 2, 1],
    },
    {
      what: "a request of TSX8 written during its read: TSX8 alone read again once answered",
      openAtStart: false,
      sentDuring: true,
      reads: [1, 2, 1],
    },
  ])("$what", async ({ openAtStart, sentDuring, reads }) => {
    const w = login((r, x) => {
      if (sentDuring && firstRead(r, 8, x)) x.send(8);
    });
    if (openAtStart) w.send(8);
    const picture = await w.read();
    expect(w.readsByAccount()).toEqual(reads);
    expect(w.settles).toBe(reads[1]! - 1);
    // What the request did (a sell, carried out after TSX8's first read) is in the picture.
    expect(netOf(picture!, 8)).toBe(openAtStart || sentDuring ? 0 : 1);
    expect([netOf(picture!, 7), netOf(picture!, 9)]).toEqual([1, 1]);
  });

  it("a request of TSX7 answered while TSX9 is read, so carried out after TSX7's read: TSX7 read again", async () => {
    const w = login((r, x) => {
      if (r.path === "Trade/search" && r.accountId === 9 && x.activity.get(7)!.open > 0) {
        x.activity.get(7)!.open = 0;
        x.venue.fill(7, 799, -1);
      }
    });
    w.send(7);
    const picture = await w.read();
    expect(w.readsByAccount()).toEqual([2, 1, 1]);
    expect(netOf(picture!, 7)).toBe(0);
  });

  it("requests of one account on their way during every read fail the picture, the account named", async () => {
    const w = login((r, x) => {
      if (r.path === "Position/searchOpen" && r.accountId === 8) x.activity.get(8)!.sent += 1;
    });
    await expect(w.read()).rejects.toThrow(
      `order requests of account TSX8 were on their way during ${SNAPSHOT_TRIES} reads`,
    );
    expect(w.readsByAccount()).toEqual([1, SNAPSHOT_TRIES, 1]);
  });
});

describe("a reconnect's picture of an account that trades while it is read", () => {
  it("traded during its first read: read again on its own, a paced second later, the others once", async () => {
    const w = login((r, x) => {
      if (firstRead(r, 8, x)) x.venue.fill(8, 801, -1);
    });
    const read = track(w.read());
    await flush();
    expect(w.readsByAccount()).toEqual([1, 1, 1]);
    w.clock.advance(999);
    await flush();
    expect([read.done, w.venue.readsOf(8)]).toEqual([false, 1]); // not back-to-back
    w.clock.advance(1);
    await flush();
    expect(w.readsByAccount()).toEqual([1, 2, 1]);
    expect(IDS.map((id) => netOf(read.value!, id))).toEqual([1, 0, 1]);
    expect(read.value!.trades.filter((t) => t.accountId === 8).map((t) => t.id)).toEqual([800, 801]);
  });

  it("trading through every read: the waits double, and the connect fails naming it as trading on", async () => {
    let id = 810;
    const w = login((r, x) => {
      if (r.path === "Order/search" && r.accountId === 8) x.venue.fill(8, id++, 1);
    });
    const read = track(w.read());
    await flush();
    w.clock.advance(1000);
    await flush();
    expect(w.venue.readsOf(8)).toBe(2);
    w.clock.advance(1999);
    await flush();
    expect(w.venue.readsOf(8)).toBe(2);
    w.clock.advance(1);
    await flush();
    expect(read.error?.message).toBe(
      `ProjectX account TSX8 (id 8) kept trading: its trades changed during ${SNAPSHOT_TRIES} reads of its picture`,
    );
    expect(w.readsByAccount()).toEqual([1, SNAPSHOT_TRIES, 1]);
  });

  it("a connect overtaken while it waits to read again gives no picture and reads nothing more", async () => {
    const w = login((r, x) => {
      if (firstRead(r, 8, x)) x.venue.fill(8, 801, -1);
    });
    const read = track(w.read());
    await flush();
    w.overtaken = true;
    w.clock.advance(1000);
    await flush();
    expect(read).toEqual({ done: true, value: undefined });
    expect(w.readsByAccount()).toEqual([1, 1, 1]);
  });
});

describe("an account that cannot be read", () => {
  const REFUSED = "ProjectX Position/searchOpen failed (1): Account is under review";
  let refused = 0;
  const refuse = (ids: number[]) => (r: VenueRequest) => {
    if (r.path !== "Position/searchOpen" || !ids.includes(r.accountId!)) return;
    refused += 1;
    throw new Error(REFUSED);
  };

  it("is left out of the picture and named with the broker's words; the others' parts hold", async () => {
    refused = 0;
    const w = login(refuse([8]));
    const picture = await w.read();
    expect([...picture!.unreadable]).toEqual([[8, REFUSED]]);
    // Not flat: no part of it at all, so the session applies the picture to 7 and 9 alone.
    expect(picture!.positions.filter((p) => p.accountId === 8)).toEqual([]);
    expect([netOf(picture!, 7), netOf(picture!, 9)]).toEqual([1, 1]);
    // Asked once: the session reads it again later, backing off, not this connect.
    expect(refused).toBe(1);
    expect(w.readsByAccount()).toEqual([1, 0, 1]);
  });

  it("what an earlier read of it found with a request on its way is dropped with it", async () => {
    let failing = false;
    const w = login((r, x) => {
      if (firstRead(r, 8, x)) {
        x.send(8);
        failing = true;
      } else if (failing) refuse([8])(r);
    });
    const picture = await w.read();
    expect([...picture!.unreadable.keys()]).toEqual([8]);
    expect(picture!.positions.filter((p) => p.accountId === 8)).toEqual([]);
  });

  it("none of the login's accounts read: the connect fails, in the broker's words", async () => {
    const w = login(refuse(IDS));
    await expect(w.read()).rejects.toThrow(REFUSED);
  });
});
