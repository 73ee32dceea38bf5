import type { z } from "zod";
import { AppError, MAX_UPLOAD_BYTES } from "../errors";

/**
 * Parses input with a schema; on failure throws one AppError naming the first problem (and its
 * field), which forms show beside the field and the API returns as {error: {code, message}}.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  // reportInput: without it zod 4 leaves `issue.input` unset, and every wrong type read as missing.
  const result = schema.safeParse(input, { reportInput: true });
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.path.map(String).join(".") || undefined;
  const message =
    issue.code === "invalid_type" && issue.input === undefined && !issue.message.includes("required")
      ? `${field ?? "A value"} is required.`
      : issue.message;
  // A PEM field over the upload limit is a size problem (413), not a syntax one.
  const tooLarge = issue.code === "too_big" && Number(issue.maximum) >= MAX_UPLOAD_BYTES;
  throw new AppError(tooLarge ? "PAYLOAD_TOO_LARGE" : "INVALID_INPUT", message, field);
}
