// Types for lib.mjs, which stays plain JavaScript so it runs before dependencies are installed.
export const root: string;
export function serverOpensslEnv(env?: NodeJS.ProcessEnv): { OPENSSL_CONF?: string };
export function log(message: string): void;
export function ownNodeEnv(env?: NodeJS.ProcessEnv, node?: string): NodeJS.ProcessEnv;
export function run(
  command: string,
  args: string[],
  options?: import("node:child_process").SpawnSyncOptions,
): import("node:child_process").SpawnSyncReturns<Buffer>;
export function ensureDependencies(): void;
export function ensurePrismaClient(): void;
export function migrate(env?: NodeJS.ProcessEnv, options?: { waitSeconds?: number }): void;
export function ensureBuild(): void;
