/**
 * A log line's message with what was logged beside it: "trading socket lost (connection: prop,
 * reason: socket closed)". What comes with a message is often the where and the why, which the
 * words alone do not say.
 */
export function logText(message: string, data: Record<string, unknown> | undefined): string {
  const extra = Object.entries(data ?? {})
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}: ${valueWords(value)}`)
    .join(", ");
  return extra ? `${message} (${extra})` : message;
}

function valueWords(value: unknown): string {
  if (typeof value === "string") return value;
  if (value instanceof Error) return value.message;
  return JSON.stringify(value) ?? String(value);
}
