/**
 * The API refuses fields its schemas do not know, instead of dropping them: for a CA, a silently
 * ignored `keyTypo` or `nameConstraints` means a certificate other than the one asked for. The
 * schemas stay shared with the forms (which post extra fields of their own); this check runs at
 * the API boundary only, walking the same zod schema the service parses with, so the two cannot
 * disagree, and `apiJsonSchema` (the OpenAPI document) marks the same objects closed.
 */
import type { z } from "zod";
import { AppError } from "../errors";

export interface UnknownField {
  /** Where it is: "keyTypo", "sans.dnss", "items.2.nmae". */
  path: string;
  /** The closest known field at that level, when it is close enough to be a likely typo. */
  suggestion?: string;
  /** The fields the object accepts. */
  known: string[];
}

type Schema = z.core.$ZodType;
type AnyDef = z.core.$ZodTypeDef & Record<string, unknown>;

const def = (schema: Schema) => schema._zod.def as AnyDef;
const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Object types whose keys the walker checks (after unwrapping optional, default, pipes...). */
function unwrap(schema: Schema): Schema {
  const d = def(schema);
  switch (d.type) {
    case "optional":
    case "nullable":
    case "default":
    case "prefault":
    case "catch":
    case "readonly":
    case "nonoptional":
      return unwrap(d.innerType as Schema);
    case "pipe": {
      // z.preprocess(fn, schema) is pipe(transform, schema): the JSON shape is the schema's.
      const input = d.in as Schema;
      return unwrap(def(input).type === "transform" ? (d.out as Schema) : input);
    }
    case "lazy":
      return unwrap((d.getter as () => Schema)());
    default:
      return schema;
  }
}

/** Every field in `value` that `schema` does not declare, at any depth. */
export function findUnknownFields(schema: Schema, value: unknown, path: string[] = []): UnknownField[] {
  const s = unwrap(schema);
  const d = def(s);
  if (d.type === "object") {
    if (!isPlainObject(value)) return [];
    const shape = d.shape as Record<string, Schema>;
    // A declared catchall (z.looseObject, .catchall(...)) accepts other keys on purpose.
    const open = d.catchall !== undefined && def(d.catchall as Schema).type !== "never";
    const known = Object.keys(shape);
    return Object.entries(value).flatMap(([key, inner]) => {
      if (Object.hasOwn(shape, key)) return findUnknownFields(shape[key]!, inner, [...path, key]);
      if (open) return [];
      const suggestion = closest(key, known);
      return [{ path: [...path, key].join("."), ...(suggestion ? { suggestion: [...path, suggestion].join(".") } : {}), known }];
    });
  }
  if (d.type === "array") {
    return Array.isArray(value) ? value.flatMap((item, i) => findUnknownFields(d.element as Schema, item, [...path, String(i)])) : [];
  }
  if (d.type === "union") {
    const options = d.options as Schema[];
    // A discriminated union is judged by the option its discriminator picks (kind: "email").
    const discriminator = d.discriminator as string | undefined;
    if (discriminator && isPlainObject(value)) {
      const chosen = options.find((o) => {
        const field = (def(unwrap(o)).shape as Record<string, Schema> | undefined)?.[discriminator];
        return field !== undefined && isValid(field, value[discriminator]);
      });
      if (chosen) return findUnknownFields(chosen, value, path);
    }
    // Otherwise the option the value fits best; an unknown discriminator is the service's message.
    const results = options.map((o) => findUnknownFields(o, value, path));
    return results.reduce((best, r) => (r.length < best.length ? r : best), results[0] ?? []);
  }
  if (d.type === "intersection") {
    // A field is unknown only if neither side declares it.
    const left = findUnknownFields(d.left as Schema, value, path);
    const right = new Set(findUnknownFields(d.right as Schema, value, path).map((f) => f.path));
    return left.filter((f) => right.has(f.path));
  }
  return [];
}

function isValid(schema: Schema, value: unknown): boolean {
  const result = schema["~standard"].validate(value);
  return !(result instanceof Promise) && !result.issues;
}

/** Damerau-Levenshtein (optimal string alignment) distance, for typo suggestions. */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The known field `key` most likely meant: same letters ignoring case, `_` and `-` (key_type,
 * KeyType), or within a few edits (keyTypo, comonName), scaled to the name's length.
 */
export function closest(key: string, known: string[]): string | undefined {
  const fold = (s: string) => s.toLowerCase().replace(/[-_\s]/g, "");
  const folded = fold(key);
  const exact = known.find((k) => fold(k) === folded);
  if (exact) return exact;
  const limit = Math.min(3, Math.max(1, Math.floor(folded.length / 3)));
  let best: { name: string; d: number } | undefined;
  for (const k of known) {
    const d = distance(folded, fold(k));
    if (d <= limit && (!best || d < best.d)) best = { name: k, d };
  }
  return best?.name;
}

/** A field name as the message shows it: plain names as they are, odd ones quoted and cut. */
function shown(path: string): string {
  return /^[\w.$-]{1,100}$/.test(path) ? path : JSON.stringify(path.slice(0, 100));
}

const MAX_LISTED = 20;

/**
 * Refuses `body` with 400 if it has fields `schema` does not declare. The message names each
 * one ("keyTypo: unknown field; did you mean keyType?") and, for those without a likely match,
 * the fields the request accepts.
 */
export function assertNoUnknownFields(schema: Schema, body: unknown, what = "field"): void {
  const unknown = findUnknownFields(schema, body);
  if (unknown.length === 0) return;
  const listed = unknown
    .slice(0, MAX_LISTED)
    .map((f) => `${shown(f.path)}: unknown ${what}${f.suggestion ? `; did you mean ${f.suggestion}?` : "."}`);
  if (unknown.length > MAX_LISTED) listed.push(`(and ${unknown.length - MAX_LISTED} more unknown ${what}s)`);
  const unmatched = unknown.find((f) => !f.suggestion);
  const parent = unmatched?.path.includes(".") ? ` in ${shown(unmatched.path.slice(0, unmatched.path.lastIndexOf(".")))}` : "";
  const accepted = unmatched ? ` Accepted${parent}: ${unmatched.known.join(", ") || "none"}.` : "";
  const message = listed.map((line) => (/[.?)]$/.test(line) ? line : `${line}.`)).join(" ") + accepted;
  throw new AppError("INVALID_INPUT", message, unknown[0]!.path.slice(0, 100));
}
