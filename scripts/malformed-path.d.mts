// Types for malformed-path.mjs, plain JavaScript because scripts/serve.mjs runs outside the TypeScript build.
export function malformedPath(pathname: string): boolean;
