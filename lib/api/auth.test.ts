/**
 * apiActor and the configured token (CADESK_API_TOKEN): its digest is made once per token value
 * (issue #13), so a different configured token must take effect at once and the old one stop.
 */
import { afterEach, describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { setConfigForTesting } from "../config";
import { apiActor } from "./auth";

const request = (token: string) => new Request("http://cadesk.test/api/v1/cas", { headers: { authorization: `Bearer ${token}` } });
const refused = (token: string) =>
  apiActor(request(token)).then(
    () => undefined,
    (e: unknown) => (e instanceof AppError ? e.code : String(e)),
  );

describe("apiActor with CADESK_API_TOKEN", () => {
  afterEach(() => setConfigForTesting());

  it("accepts the configured token, and after a change only the new one", async () => {
    setConfigForTesting({ ...process.env, CADESK_API_TOKEN: "cadesk_first-token-value-0123456789" });
    for (let i = 0; i < 3; i++) {
      const actor = await apiActor(request("cadesk_first-token-value-0123456789"));
      expect(actor).toMatchObject({ type: "token", role: "admin", label: "CADESK_API_TOKEN" });
    }
    expect(await refused("cadesk_second-token-value-9876543210")).toBe("UNAUTHORIZED");
    setConfigForTesting({ ...process.env, CADESK_API_TOKEN: "cadesk_second-token-value-9876543210" });
    expect(await refused("cadesk_first-token-value-0123456789")).toBe("UNAUTHORIZED");
    expect(await apiActor(request("cadesk_second-token-value-9876543210"))).toMatchObject({ role: "admin" });
    // A token that differs from the configured one in its last character, or is a prefix of it, is refused.
    expect(await refused("cadesk_second-token-value-987654321X")).toBe("UNAUTHORIZED");
    expect(await refused("cadesk_second-token-value-987654321")).toBe("UNAUTHORIZED");
  });
});
