import type { IncomingMessage, ServerResponse } from "node:http";

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
