import { TAG, type Tlv } from "../der";

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const MONTH_NAMES = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];

interface TimeParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** GeneralizedTime's ".fff", kept as written. */
  fraction: string;
  /** "Z", or an offset such as "+0100"; "" when the value has neither. */
  zone: string;
  hasSeconds: boolean;
}

const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const daysIn = (y: number, m: number) => [31, isLeap(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1] ?? 0;
const two = (n: number) => String(n).padStart(2, "0");

/** The digits and zone of a time, before any range check; null when it is not even that shape. */
function splitTime(node: Tlv): TimeParts | null {
  const s = Buffer.from(node.value).toString("latin1");
  const utc = node.tag === TAG.UTCTime;
  const m = (
    utc ? /^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)?()([Z+-].*)?$/ : /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)?(\.\d+)?([Z+-].*)?$/
  ).exec(s);
  if (!m) return null;
  const zone = m[8] ?? "";
  if (zone && zone !== "Z" && !/^[+-]\d{4}$/.test(zone)) return null;
  const yy = Number(m[1]);
  return {
    year: utc ? (yy < 50 ? 2000 + yy : 1900 + yy) : yy,
    month: Number(m[2]),
    day: Number(m[3]),
    hour: Number(m[4]),
    minute: Number(m[5]),
    second: Number(m[6] ?? 0),
    fraction: m[7] ?? "",
    zone,
    hasSeconds: m[6] !== undefined,
  };
}

/** Why the parts are not a real instant (month 13, August 36, 25 o'clock...), or null. */
function rangeProblem(t: TimeParts): string | null {
  if (t.month < 1 || t.month > 12) return `there is no month ${t.month}`;
  if (t.day < 1 || t.day > daysIn(t.year, t.month))
    return `${MONTH_NAMES[t.month - 1]} ${t.year} has ${daysIn(t.year, t.month)} days, not ${t.day}`;
  if (t.hour > 23) return `there is no hour ${t.hour}`;
  if (t.minute > 59) return `there is no minute ${t.minute}`;
  if (t.second > 59) return `there is no second ${t.second}`;
  if (t.zone.length === 5 && (Number(t.zone.slice(1, 3)) > 12 || Number(t.zone.slice(3)) > 59))
    return `${t.zone} is not a time-zone offset`;
  return null;
}

/**
 * ossl_asn1_time_to_tm (OpenSSL 3.0, non-strict as when printing): seconds optional, a "Z" or
 * "+hhmm" zone required, GeneralizedTime fractions kept; offsets are applied. Null = "Bad time value".
 */
function readLikeOpenssl(node: Tlv): { date: Date; fraction: string } | null {
  if (node.tag !== TAG.UTCTime && node.tag !== TAG.GeneralizedTime) return null;
  const t = splitTime(node);
  if (!t || !t.zone || rangeProblem(t)) return null;
  const offset = t.zone === "Z" ? 0 : (t.zone[0] === "-" ? -1 : 1) * (Number(t.zone.slice(1, 3)) * 60 + Number(t.zone.slice(3)));
  const date = new Date(0);
  date.setUTCFullYear(t.year, t.month - 1, t.day); // not Date.UTC, which reads years 0-99 as 1900-1999
  date.setUTCHours(t.hour, t.minute - offset, t.second);
  return { date, fraction: t.fraction };
}

/** ASN1_TIME_print: "Nov 22 07:29:28 2026 GMT", GeneralizedTime fractions kept, or "Bad time value". */
export function printTime(node: Tlv): string {
  const read = readLikeOpenssl(node);
  if (!read) return "Bad time value";
  const d = read.date;
  const time = `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
  return `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, " ")} ${time}${read.fraction} ${d.getUTCFullYear()} GMT`;
}

/**
 * Why a certificate or CRL time breaks RFC 5280 4.1.2.5 (UTCTime YYMMDDHHMMSSZ, GeneralizedTime
 * YYYYMMDDHHMMSSZ: seconds present, in UTC, no fractions, a real calendar date), or null. `field`
 * names it for the user ("the CRL's nextUpdate").
 */
export function timeProblem(node: Tlv, field: string): string | null {
  const raw = Buffer.from(node.value).toString("latin1");
  const quoted = JSON.stringify(raw);
  const form = node.tag === TAG.UTCTime ? "UTCTime as YYMMDDHHMMSSZ" : "GeneralizedTime as YYYYMMDDHHMMSSZ";
  const rule = `RFC 5280 4.1.2.5 requires ${form}`;
  if (node.tag !== TAG.UTCTime && node.tag !== TAG.GeneralizedTime) return `${field} is not a UTCTime or GeneralizedTime`;
  const t = splitTime(node);
  if (!t) return `${field} ${quoted} is not a time: ${rule}`;
  if (!t.hasSeconds) return `${field} ${quoted} leaves out the seconds: ${rule}`;
  if (t.fraction) return `${field} ${quoted} has fractional seconds, which RFC 5280 4.1.2.5.2 forbids: ${rule}`;
  if (t.zone !== "Z") return `${field} ${quoted} is ${t.zone ? `in local time (${t.zone})` : "missing its Z (UTC)"}: ${rule}`;
  const problem = rangeProblem(t);
  if (problem) {
    const shown = `${String(t.year).padStart(4, "0")}-${two(t.month)}-${two(t.day)} ${two(t.hour)}:${two(t.minute)}:${two(t.second)}`;
    return `${field} is ${shown}, not a real date: ${problem} (${quoted})`;
  }
  return null;
}

/** The instant an ASN.1 UTCTime or GeneralizedTime denotes (callers check it with timeProblem first). */
export function parseTime(node: Tlv): Date {
  const read = readLikeOpenssl(node);
  if (!read) throw new RangeError(`not a valid time: ${Buffer.from(node.value).toString("latin1")}`);
  return read.date;
}
