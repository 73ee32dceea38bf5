import type { z } from "zod";
import { AppError } from "../errors";

/**
 * Parses input with a schema; on failure throws one AppError naming the first problem (and its
 * field), which forms show beside the field and the API returns as {error: {code, message}}.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.path.map(String).join(".") || undefined;
  const message = issue.code === "invalid_type" && issue.input === undefined && !issue.message.includes("required")
    ? `${field ?? "A value"} is required.`
    : issue.message;
  throw new AppError("INVALID_INPUT", message, field);
}
