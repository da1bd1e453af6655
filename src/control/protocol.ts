import { z } from "zod";
import { onFirstUse } from "../../data/onFirstUse.js";
import { OUTCOME_STATUSES, type Outcome } from "../../engine/index.js";

/**
 * The control socket speaks JSON lines: one request object per line in, one response per line
 * out, matched by `id`. Everything arriving is validated here before it reaches the engine.
 */

/** Built when the first line is read: a start has no use for them (data/onFirstUse.ts). */
const schemas = onFirstUse(() => {
  const name = z.string().trim().min(1, "must not be empty").max(64, "must be at most 64 characters");
  const requestId = z.union([z.string().min(1).max(64), z.number().int()]);
  const flattenTarget = z.union([
    z.strictObject({ follower: name }),
    z.strictObject({ group: name }),
    z.strictObject({ all: z.literal(true) }),
  ]);
  const request = z.discriminatedUnion("cmd", [
    z.strictObject({ id: requestId, cmd: z.literal("status") }),
    z.strictObject({
      id: requestId,
      cmd: z.literal("flatten"),
      target: flattenTarget,
      /** Wait up to this long for liquidating followers to be reported LOCKED before answering. */
      waitLockedMs: z.number().int().min(0).max(60_000).optional(),
    }),
    z.strictObject({ id: requestId, cmd: z.literal("lock"), follower: name, force: z.boolean().optional() }),
    z.strictObject({
      id: requestId,
      cmd: z.literal("unlock"),
      follower: name,
      force: z.boolean().optional(),
    }),
    z.strictObject({ id: requestId, cmd: z.literal("resync"), follower: name }),
    z.strictObject({ id: requestId, cmd: z.literal("pause"), group: name }),
    z.strictObject({ id: requestId, cmd: z.literal("resume"), group: name }),
  ]);
  const outcome = z.object({
    target: z.string(),
    status: z.enum(OUTCOME_STATUSES),
    sent: z.number().int().optional(),
    reason: z.string().optional(),
    retryInMs: z.number().optional(),
    replaces: z.string().optional(),
    since: z.number().optional(),
    saved: z.boolean().optional(),
    outOfSync: z.array(z.object({ contract: z.string(), has: z.number(), expects: z.number() })).optional(),
  });
  const response = z.object({
    /** null when the request was too broken to read an id from. */
    id: requestId.nullable(),
    ok: z.boolean(),
    results: z.array(outcome).optional(),
    status: z.unknown().optional(),
    error: z.string().optional(),
  });
  return { requestId, flattenTarget, request, outcome, response };
});
type Schemas = ReturnType<typeof schemas>;

export type ControlRequest = z.infer<Schemas["request"]>;
export type FlattenTarget = z.infer<Schemas["flattenTarget"]>;
export type ControlCommand = ControlRequest["cmd"];

/** A request as a caller builds it; the client fills in the id. */
export type ControlRequestInput = ControlRequest extends infer R
  ? R extends { id: unknown }
    ? Omit<R, "id"> & { id?: R["id"] }
    : never
  : never;

// The wire schema and the engine's Outcome must describe the same thing.
const _sameOutcome: (o: Outcome) => z.infer<Schemas["outcome"]> = (o) => o;
void _sameOutcome;

export interface ControlResponse {
  id: string | number | null;
  ok: boolean;
  results?: Outcome[] | undefined;
  status?: unknown;
  error?: string | undefined;
}

/** What a handler returns; the server stamps the request's id on it. */
export type ControlReply = Omit<ControlResponse, "id"> & { id?: ControlResponse["id"] };

export type ParsedRequest = { ok: true; request: ControlRequest } | { ok: false; response: ControlResponse };

/** Parses one request line. Never throws: a bad line becomes an error response for its sender. */
export function parseRequestLine(line: string): ParsedRequest {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { ok: false, response: { id: null, ok: false, error: "invalid request: not valid JSON" } };
  }
  const parsed = schemas().request.safeParse(value);
  if (parsed.success) return { ok: true, request: parsed.data };
  const id = schemas().requestId.safeParse((value as { id?: unknown } | null)?.id);
  return {
    ok: false,
    response: {
      id: id.success ? id.data : null,
      ok: false,
      error: `invalid request: ${describeIssues(parsed.error)}`,
    },
  };
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => (issue.path.length > 0 ? `${issue.path.join(".")}: ${issue.message}` : issue.message))
    .join("; ");
}

/** Parses one response line from the server; undefined when it is not a valid response. */
export function parseResponseLine(line: string): ControlResponse | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  const parsed = schemas().response.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}
