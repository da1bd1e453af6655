import { messageOf } from "../messageOf.js";
import type { BrokerEvent, Logger } from "../types.js";

/**
 * A session's listeners. Each gets every event in turn; one that throws is logged and the
 * others still get the event (a listener's bug must not cost another listener a fill).
 */
export class EventFanout {
  private readonly listeners = new Set<(event: BrokerEvent) => void>();

  constructor(private readonly logger: () => Logger) {}

  on(listener: (event: BrokerEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: BrokerEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (err) {
        this.logger().error("broker event listener threw", {
          type: event.type,
          error: messageOf(err),
        });
      }
    }
  }
}
