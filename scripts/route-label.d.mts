// Types for route-label.mjs, plain JavaScript because scripts/serve.mjs runs outside the TypeScript build.
export function routeLabel(pathname: string): string;
