import type { EngineEvent } from "../../engine/index.js";

/**
 * Known secret values cut out of text that came from outside (a broker's or a proxy's error reply
 * can echo the login body). Applied where text leaves the engine's thread, so neither the journal,
 * whose hash chain makes a leaked line unscrubbable, nor stdout nor the screen ever holds one.
 */
export type Scrub = (text: string) => string;

const REDACTED = "[redacted]";
/** Shorter values would cut ordinary words out of messages; no real secret is this short. */
const MIN_SECRET_LENGTH = 4;

export function secretScrubber(secrets: readonly (string | undefined)[]): Scrub {
  const values = [...new Set(secrets)]
    .filter((s): s is string => typeof s === "string" && s.length >= MIN_SECRET_LENGTH)
    // Longest first: a secret that contains another is cut whole.
    .sort((a, b) => b.length - a.length);
  // JSON and URL encodings of a value are the same secret.
  const forms = [
    ...new Set(values.flatMap((v) => [v, JSON.stringify(v).slice(1, -1), encodeURIComponent(v)])),
  ];
  if (forms.length === 0) return (text) => text;
  return (text) => {
    let out = text;
    for (const form of forms) if (out.includes(form)) out = out.split(form).join(REDACTED);
    return out;
  };
}

/** The event with every field that can carry outside text scrubbed; the same object when clean. */
export function scrubEvent(event: EngineEvent, scrub: Scrub): EngineEvent {
  switch (event.type) {
    case "alert": {
      const message = scrub(event.message);
      return message === event.message ? event : { ...event, message };
    }
    case "connectionStatus": {
      const reason = event.reason === undefined ? undefined : scrub(event.reason);
      const marketData = event.marketData === undefined ? undefined : scrub(event.marketData);
      const unreadable = event.unreadable?.map((u) => ({ ...u, reason: scrub(u.reason) }));
      const same =
        unreadable === undefined || unreadable.every((u, i) => u.reason === event.unreadable?.[i]?.reason);
      if (reason === event.reason && marketData === event.marketData && same) return event;
      return {
        ...event,
        reason,
        ...(marketData === undefined ? {} : { marketData }),
        ...(unreadable === undefined ? {} : { unreadable }),
      };
    }
    case "followerState": {
      if (event.reason === undefined) return event;
      const reason = scrub(event.reason);
      return reason === event.reason ? event : { ...event, reason };
    }
    case "copy":
    case "mirror": {
      const reason = scrub(event.reason);
      return reason === event.reason ? event : { ...event, reason };
    }
    default:
      return event;
  }
}

/** Log data (strings at any depth) scrubbed. */
export function scrubData(
  data: Record<string, unknown> | undefined,
  scrub: Scrub,
): Record<string, unknown> | undefined {
  if (!data) return data;
  const walk = (value: unknown): unknown =>
    typeof value === "string"
      ? scrub(value)
      : Array.isArray(value)
        ? value.map(walk)
        : value && typeof value === "object"
          ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v)]))
          : value;
  return walk(data) as Record<string, unknown>;
}
