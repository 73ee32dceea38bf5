export function probePort(port: number, host: string): Promise<{ ok: true } | { ok: false; code?: string; message: string }>;
