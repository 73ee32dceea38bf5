/**
 * Chain verification moved to lib/verify (path building and RFC 5280 section 6 rules, one
 * validator for Inspect and the connection doctor). What stays here is how Node's
 * X509Certificate prints a DN: one attribute a line, which people read on one.
 */
export const oneLine = (dn: string) => dn.split("\n").join(", ");
