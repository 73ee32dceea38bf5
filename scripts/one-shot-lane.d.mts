import type { Server } from "node:http";
import type { Socket } from "node:net";

export interface OneShotRequest {
  method: "GET" | "HEAD" | "POST";
  target: string;
  http10: boolean;
  headers: Record<string, string>;
  body: Buffer;
}

export const MORE: "more";
export const OTHER: "other";
export function readOneShot(bytes: Buffer): OneShotRequest | typeof MORE | typeof OTHER;
export function oneShotResponse(
  request: Pick<OneShotRequest, "method" | "http10" | "headers">,
  status: number,
  fields: [string, string][],
  body: Uint8Array,
): Buffer;
export function oneShotLane(server: Server, take: (request: OneShotRequest, socket: Socket) => boolean): { handOverAll(): void };
