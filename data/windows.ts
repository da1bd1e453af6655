import { z } from "zod";

/**
 * A group's trading windows (issue 16): the Chicago-time hours when openings may be copied, a
 * "flat by" time when its followers are flattened and locked until openings are allowed again,
 * and blackouts (news) from a calendar file the trader keeps. Exits are never held back by any
 * of it. Times are America/Chicago wall-clock times, so they follow DST by themselves.
 */

export const WEEKDAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
const timeOfDay = z
  .string()
  .regex(TIME, 'must be a Chicago time of day as "HH:MM", 24-hour (e.g. "08:30", "15:55")');
/** An end may be "24:00" (midnight at the end of the day). */
const endOfWindow = z
  .string()
  .refine(
    (s) => TIME.test(s) || s === "24:00",
    'must be a Chicago time "HH:MM", 24-hour ("24:00" = midnight)',
  );

const DAY_RANGE = new RegExp(`^(${WEEKDAYS.join("|")})(-(${WEEKDAYS.join("|")}))?$`);
const daysMessage = 'must be a day range such as "mon-fri" or "sun-thu", or a list such as ["mon", "wed"]';

/** "mon-fri", "sun-thu", "wed", or a list of day names. */
export const daysSchema = z.union(
  [z.string().trim().toLowerCase().regex(DAY_RANGE, daysMessage), z.array(z.enum(WEEKDAYS)).min(1)],
  { error: daysMessage },
);

export const tradingHoursSchema = z
  .strictObject({
    /** The days this window opens on (its start's day, for one that runs past midnight). */
    days: daysSchema,
    from: timeOfDay,
    /** Earlier than `from`: the window runs past midnight into the next day (an overnight session). */
    to: endOfWindow,
  })
  .refine((h) => h.from !== h.to, {
    path: ["to"],
    message: 'must differ from "from"; for a whole day use "from": "00:00", "to": "24:00"',
  });

export const blackoutsSchema = z.strictObject({
  /** A calendar the trader keeps: JSON or iCalendar (.ics); a relative path is from the config file's folder. */
  file: z.string().trim().min(1, "must name a calendar file (.json or .ics)"),
  /** Flatten (and lock until openings are allowed again) this many minutes before each blackout; absent = no flatten. */
  flattenMinutesBefore: z
    .number()
    .int("must be a whole number of minutes")
    .min(0, "must be 0 (at the start) or more minutes")
    .max(240, "must be at most 240 minutes")
    .optional(),
  /** Only the events whose title contains one of these (case-insensitive); absent = every event. */
  only: z.array(z.string().trim().min(1, "must not be empty")).min(1).optional(),
});

export const windowsSchema = z.strictObject({
  /** When openings may be copied; absent = any time. */
  hours: z.array(tradingHoursSchema).min(1, "must list at least one window, or leave hours out").optional(),
  /** Monday to Friday at this Chicago time every follower is flattened and locked until openings reopen. */
  flatBy: timeOfDay.optional(),
  blackouts: blackoutsSchema.optional(),
});

export type TradingHours = z.infer<typeof tradingHoursSchema>;
export type Windows = z.infer<typeof windowsSchema>;
