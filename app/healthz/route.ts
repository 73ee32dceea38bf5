import { publicRoute } from "@/lib/api/handler";
import { json } from "@/lib/api/respond";
import { liveness } from "@/lib/ops/readiness";

/** Liveness: the process answers HTTP. Unauthenticated, for load balancers and orchestrators. */
export const GET = publicRoute(() => json(liveness()));
