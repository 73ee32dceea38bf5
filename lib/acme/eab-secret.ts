import { randomBytes } from "node:crypto";

/**
 * `size` random bytes whose base64url does not begin with "-". An EAB key id and HMAC key
 * (RFC 8555 7.3.4) reach the ACME client as command-line arguments (`certbot --eab-kid KID
 * --eab-hmac-key KEY`, acme.sh, lego), and argument parsers read a value that begins with "-" as
 * an option: certbot stops with "argument --eab-kid: expected one argument", one key pair in 32.
 * Drawing again when that happens costs the value less than 0.03 of a bit of entropy.
 */
export function argumentSafeRandom(size: number): Buffer {
  for (;;) {
    const bytes = randomBytes(size);
    if (bytes.toString("base64url")[0] !== "-") return bytes;
  }
}
