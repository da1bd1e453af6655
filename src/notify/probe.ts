import { hostname } from "node:os";
import type { NotificationTarget } from "../../data/notifications.js";
import { type Clock, systemClock } from "../../engine/index.js";
import type { Notice } from "./rules.js";
import type { ResolvedTargets } from "./secrets.js";
import { postOnce } from "./send.js";
import { requestFor } from "./targets.js";

/**
 * `mimik notify test` without an engine: one message to each target, through the same request
 * builders and sender the running instance uses, one try each, all at once.
 */

export interface ProbeResult {
  target: NotificationTarget;
  ok: boolean;
  /** "HTTP 204" when it worked; what went wrong otherwise. */
  detail: string;
  ms: number;
}

export interface ProbeOptions {
  clock?: Clock;
  fetchImpl?: typeof fetch;
  timeoutMs?: number;
  /** Names the config in the message, so a phone that hears from two mimiks knows which. */
  configName: string;
  /** Cuts known secret values out of a service's error reply. */
  scrub?: ((text: string) => string) | undefined;
}

export function testNotice(target: NotificationTarget, configName: string, at: number): Notice {
  return {
    kind: "test",
    level: "info",
    subject: target.name,
    at,
    text: `Test from mimik on ${hostname()} (${configName}): notifications to "${target.name}" work.`,
  };
}

export function probeTargets(
  targets: readonly NotificationTarget[],
  secrets: ResolvedTargets,
  options: ProbeOptions,
): Promise<ProbeResult[]> {
  const clock = options.clock ?? systemClock;
  return Promise.all(
    targets.map(async (target): Promise<ProbeResult> => {
      const resolved = secrets[target.name];
      if (!resolved?.ok)
        return { target, ok: false, detail: resolved?.problem ?? "its secrets were not read", ms: 0 };
      const started = clock.mono();
      const request = requestFor(target, resolved.secrets, {
        notice: testNotice(target, options.configName, clock.now()),
      });
      const result = await postOnce(request, {
        clock,
        timeoutMs: options.timeoutMs ?? 10_000,
        fetchImpl: options.fetchImpl,
        scrub: options.scrub,
      });
      const ms = clock.mono() - started;
      return result.ok
        ? { target, ok: true, detail: `HTTP ${result.status}`, ms }
        : { target, ok: false, detail: result.error, ms };
    }),
  );
}
