/** SAN types and their display, free of crypto imports so pages can render them. */
export type SanType = "dns" | "ip" | "email" | "uri";
export interface San {
  type: SanType;
  value: string;
}

/** Renders SANs the way people read them: "DNS:api.example.com, IP:10.0.0.1". */
export function formatSans(sans: San[]): string {
  const prefix: Record<SanType, string> = { dns: "DNS", ip: "IP", email: "email", uri: "URI" };
  return sans.map((s) => `${prefix[s.type]}:${s.value}`).join(", ");
}
