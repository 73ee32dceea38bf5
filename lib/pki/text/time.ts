import { TAG, type Tlv } from "../der";

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** ASN1_TIME_print: "Nov 22 07:29:28 2026 GMT", with GeneralizedTime fractions kept. */
export function printTime(node: Tlv): string {
  const s = Buffer.from(node.value).toString("latin1");
  let year: number;
  let rest: string;
  if (node.tag === TAG.UTCTime) {
    const yy = Number(s.slice(0, 2));
    year = yy < 50 ? 2000 + yy : 1900 + yy;
    rest = s.slice(2);
  } else {
    year = Number(s.slice(0, 4));
    rest = s.slice(4);
  }
  const month = Number(rest.slice(0, 2));
  const day = Number(rest.slice(2, 4));
  const hh = rest.slice(4, 6);
  const mm = rest.slice(6, 8);
  const ss = rest.slice(8, 10) || "00";
  const fraction = node.tag === TAG.GeneralizedTime && rest[10] === "." ? rest.slice(10).match(/^\.\d*/)![0] : "";
  return `${MONTHS[month - 1]} ${String(day).padStart(2, " ")} ${hh}:${mm}:${ss}${fraction} ${year} GMT`;
}

/** The instant an ASN.1 UTCTime or GeneralizedTime (in Z form) denotes. */
export function parseTime(node: Tlv): Date {
  const s = Buffer.from(node.value).toString("latin1");
  const full = node.tag === TAG.UTCTime ? (Number(s.slice(0, 2)) < 50 ? "20" : "19") + s : s;
  const [, y, mo, d, h, mi, sec = "00"] = /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)?/.exec(full) ?? [];
  return new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(sec)));
}
