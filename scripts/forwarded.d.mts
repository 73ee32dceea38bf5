import type { IncomingMessage } from "node:http";
import type { BlockList } from "node:net";

export function parseTrustedProxies(
  raw: string | undefined,
): { trusted: BlockList; error?: undefined } | { error: string; trusted?: undefined };
export function frontToken(): string;
export function settleForwarded(req: IncomingMessage, trusted: BlockList): void;
