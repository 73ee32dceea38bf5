import { handleAcmeRequest } from "@/lib/acme/wfe";

/** Every ACME resource of an endpoint (RFC 8555): the protocol lives in lib/acme. */
export const GET = handleAcmeRequest;
export const HEAD = handleAcmeRequest;
export const POST = handleAcmeRequest;
export const dynamic = "force-dynamic";
