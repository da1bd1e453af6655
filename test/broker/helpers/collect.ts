import type { BrokerEvent, BrokerSession, Logger } from "../../../engine/types.js";
import { waitFor } from "./fakeTradovate.js";

/** Records a session's events and lets a test wait for one. */
export function collect(session: BrokerSession) {
  const events: BrokerEvent[] = [];
  const off = session.on((e) => events.push(e));
  return {
    events,
    off,
    of<T extends BrokerEvent["type"]>(type: T): Extract<BrokerEvent, { type: T }>[] {
      return events.filter((e): e is Extract<BrokerEvent, { type: T }> => e.type === type);
    },
    async next<T extends BrokerEvent["type"]>(
      type: T,
      pred: (e: Extract<BrokerEvent, { type: T }>) => boolean = () => true,
      timeoutMs = 5000,
    ): Promise<Extract<BrokerEvent, { type: T }>> {
      let found: Extract<BrokerEvent, { type: T }> | undefined;
      await waitFor(
        () => {
          found = events.find(
            (e): e is Extract<BrokerEvent, { type: T }> => e.type === type && pred(e as never),
          );
          return found !== undefined;
        },
        timeoutMs,
        `${type} event`,
      );
      return found!;
    },
  };
}

/** A logger that keeps every line (message + data as JSON) for assertions. */
export function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const rec = (level: string) => (message: string, data?: Record<string, unknown>) => {
    lines.push(`${level} ${message} ${data ? JSON.stringify(data) : ""}`);
  };
  return { lines, info: rec("info"), warn: rec("warn"), error: rec("error") };
}
