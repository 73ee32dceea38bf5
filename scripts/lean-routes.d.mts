import type { IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { OneShotRequest } from "./one-shot-lane.mjs";

type Handler = (request: Request, context: { params: Promise<Record<string, unknown>> }) => Promise<Response> | Response;

export function leanRoutes(options: {
  dir: string;
  port: number;
}): (req: IncomingMessage, res: ServerResponse, pathname: string, fallback: () => void) => void;
export function answer(
  req: IncomingMessage,
  res: ServerResponse,
  handler: Handler,
  params: Record<string, unknown>,
  configHeaders: { key: string; value: string }[],
  port: number,
): Promise<void>;
export function bytesAnswer(
  lean: (
    request: unknown,
    params: Record<string, unknown>,
  ) => Promise<{ status: number; headers: Record<string, string>; body: Uint8Array }>,
  params: Record<string, unknown>,
  configHeaders: { key: string; value: string }[],
  port: number,
): (request: OneShotRequest, socket: Socket) => Promise<{ status: number; fields: [string, string][]; body: Uint8Array }>;
