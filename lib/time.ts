/** Durations in milliseconds, as Date arithmetic uses them. */

/** One day: 24 hours of 60 minutes (UTC has no daylight saving; leap seconds are not counted). */
export const DAY = 86_400_000;
