import type { z } from "zod";

export interface FieldTarget {
  field: string;
  /** Prepended to the message, e.g. the list item it is about ("ESZ6: "). */
  prefix?: string | undefined;
}

/** zod issues → the first message per form field, using the form's own path → field map. */
export function zodErrors(
  error: z.ZodError,
  fieldFor: (path: readonly PropertyKey[]) => FieldTarget,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const { field, prefix } = fieldFor(issue.path);
    out[field] ??= `${prefix ?? ""}${issue.message}`;
  }
  return out;
}
