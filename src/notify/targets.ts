import type { NotificationTarget } from "../../data/notifications.js";
import { KIND_TITLES, type Notice } from "./rules.js";
import type { TargetSecrets } from "./secrets.js";

/**
 * Each target's HTTP request for one message: a plain POST, no SDK. Pure, so the message shape of
 * every service is a table test. The defaults are the public services; a `url` in the config (or
 * in a secret) points a target elsewhere (a self-hosted ntfy, a local relay, a test server).
 */

export const DEFAULT_URLS = {
  telegram: "https://api.telegram.org",
  ntfy: "https://ntfy.sh",
} as const;

export interface HttpRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** One message: a notice, and how many older ones the target's queue had to drop before it. */
export interface Message {
  notice: Notice;
  dropped?: number | undefined;
}

/** Discord allows 2 000 characters, Telegram 4 096; a message never needs more. */
const MAX_TEXT = 1900;

export function titleOf(notice: Notice): string {
  return `mimik · ${KIND_TITLES[notice.kind]}`;
}

/**
 * The message's words: the notice, then how many repeats it stands for and what was dropped. A
 * text too long is cut, never those counts after it. `asWritten` puts text in the service's terms
 * (Discord's Markdown); the cut measures what is sent.
 */
export function bodyOf(message: Message, asWritten: (text: string) => string = (text) => text): string {
  const { notice, dropped } = message;
  const counts: string[] = [];
  if (notice.repeats)
    counts.push(`(${notice.repeats} more like this in the last ${notice.windowSeconds ?? "?"} s)`);
  if (dropped) counts.push(`(${dropped} notification${dropped === 1 ? "" : "s"} dropped: too many at once)`);
  const said = counts.map(asWritten);
  const room = MAX_TEXT - said.reduce((n, line) => n + 1 + line.length, 0);
  return [cut(asWritten(notice.text), room), ...said].join("\n");
}

/**
 * Discord reads a webhook's content as Markdown: an account labelled __EVAL__ showed underlined
 * as EVAL, and a *, ~~, || or ` in a name or a broker's reason made text bold, struck out, hidden
 * or code. Each character Markdown could take there is escaped (Discord shows "\_" as "_"), so the
 * trader reads names and amounts as mimik wrote them.
 */
export function discordEscape(text: string): string {
  return text.replace(/[\\*_~`|[\]<]/g, "\\$&").replace(/^(\s*)([>#-])/gm, "$1\\$2");
}

/**
 * At most `max` UTF-16 units (the services' measure), ending in "…" when cut. The cut never splits
 * a surrogate pair: half an emoji is not valid UTF-8, and a service may refuse the whole message.
 */
function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  if (/[\uD800-\uDBFF]/.test(text.charAt(end - 1))) end -= 1;
  // Nor an escape (Discord's "\_"): a lone backslash left at the end would show as one.
  const backslashes = /\\*$/.exec(text.slice(0, end))?.[0].length ?? 0;
  if (backslashes % 2 === 1) end -= 1;
  return `${text.slice(0, end)}…`;
}

const JSON_HEADERS = { "Content-Type": "application/json" };
const bearer = (token: string | undefined): Record<string, string> =>
  token ? { Authorization: `Bearer ${token}` } : {};
const trimSlash = (url: string) => url.replace(/\/+$/, "");

/** ntfy's priorities: 5 urgent, 4 high, 3 default. */
const NTFY_PRIORITY: Record<Notice["level"], number> = { error: 5, warn: 4, info: 3 };

export function requestFor(
  target: NotificationTarget,
  secrets: TargetSecrets,
  message: Message,
): HttpRequest {
  const { notice } = message;
  const title = titleOf(notice);
  const body = bodyOf(message, target.kind === "discord" ? discordEscape : undefined);
  switch (target.kind) {
    case "webhook":
      return {
        url: secrets.url ?? target.url ?? "",
        headers: { ...JSON_HEADERS, ...bearer(secrets.token) },
        body: JSON.stringify({
          source: "mimik",
          kind: notice.kind,
          level: notice.level,
          title,
          subject: notice.subject,
          text: body,
          at: new Date(notice.at).toISOString(),
          repeats: notice.repeats ?? 0,
          dropped: message.dropped ?? 0,
        }),
      };
    case "discord":
      return {
        url: secrets.url ?? "",
        headers: JSON_HEADERS,
        // No pings: an account label such as "@everyone" must not reach the whole server.
        body: JSON.stringify({
          username: "mimik",
          content: `**${title}**\n${body}`,
          allowed_mentions: { parse: [] },
        }),
      };
    case "telegram":
      return {
        url: `${trimSlash(target.url ?? DEFAULT_URLS.telegram)}/bot${secrets.token ?? ""}/sendMessage`,
        headers: JSON_HEADERS,
        // Plain text (no parse_mode): names with * or _ need no escaping.
        body: JSON.stringify({
          chat_id: target.chatId,
          text: `${title}\n${body}`,
          disable_web_page_preview: true,
        }),
      };
    case "ntfy":
      // ntfy's JSON form (POST to the server root): a title in a header could not hold non-ASCII names.
      return {
        url: trimSlash(target.url ?? DEFAULT_URLS.ntfy),
        headers: { ...JSON_HEADERS, ...bearer(secrets.token) },
        body: JSON.stringify({
          topic: secrets.topic ?? target.topic,
          title,
          message: body,
          priority: NTFY_PRIORITY[notice.level],
          tags: [notice.kind],
        }),
      };
  }
}
