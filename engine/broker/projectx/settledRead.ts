import { SNAPSHOT_TRIES, type Snapshot } from "./snapshot.js";

export interface SettledReadDeps {
  /** The login's whole picture, as a (re)connect reads it. */
  read(): Promise<Snapshot>;
  /** The login's order requests: written so far, and still waiting for their answers. */
  requests(): { sent: number; open: number };
  /** Resolves once none waits for its answer (each ends by its timeout at the latest). */
  settled(): Promise<void>;
  /** The connect this read is for was overtaken (a drop, a newer connect): its picture goes unused. */
  overtaken(): boolean;
}

/**
 * A (re)connect's picture must hold what every order request written before it did: the engine
 * lets go at the sync of requests whose answers did not come (lost, or still on the way) and
 * takes their lines from the picture. One carried out at ProjectX after its account was read
 * would be missing from it, and the line would be sent again from a position that is no more: a
 * follower's exit made twice, the account short. Orders wait while the login is not synced, so
 * only requests written before the connect can be on their way; a picture read while one was is
 * read again once all are answered (or timed out).
 */
export async function readSettled(d: SettledReadDeps): Promise<Snapshot> {
  for (let tries = 1; ; tries++) {
    const before = d.requests();
    const picture = await d.read();
    if (before.open === 0 && d.requests().sent === before.sent) return picture;
    if (tries === SNAPSHOT_TRIES)
      throw new Error(
        `ProjectX order requests were on their way during each of ${tries} reads of the picture`,
      );
    await d.settled();
    if (d.overtaken()) return picture;
  }
}
