import { getDb } from "../db";
import { echoRuntime } from "../tls/echo-runtime";
import type { TEchoSettingsInput } from "../validations/tls";

export interface EchoStatus {
  certificateId: string | null;
  certificateName: string | null;
  clientCaIds: string[];
  clientAuth: TEchoSettingsInput["clientAuth"];
  listening: boolean;
  port: number;
  error: string | null;
}

/** The saved settings and what the listener is doing now. */
export async function readEchoStatus(): Promise<EchoStatus> {
  const settings = await getDb().echoSettings.findUnique({ where: { id: 1 }, include: { certificate: { select: { commonName: true } } } });
  const runtime = echoRuntime();
  return {
    certificateId: settings?.certificateId ?? null,
    certificateName: settings?.certificate?.commonName ?? null,
    clientCaIds: settings ? (JSON.parse(settings.clientCaIds) as string[]) : [],
    clientAuth: (settings?.clientAuth as TEchoSettingsInput["clientAuth"]) ?? "require",
    listening: runtime.server.listening,
    port: runtime.server.port ?? runtime.port,
    error: runtime.error,
  };
}
