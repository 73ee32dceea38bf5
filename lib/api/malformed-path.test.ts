import { describe, expect, it } from "vitest";
import { malformedPath } from "../../scripts/malformed-path.mjs";

describe("malformedPath (scripts/serve.mjs answers these 400 instead of Next's bare 500)", () => {
  it("finds broken percent-encoding, and only that", () => {
    expect(malformedPath("/ocsp/ca/%E0%A4%A")).toBe(true);
    expect(malformedPath("/crl/%")).toBe(true);
    expect(malformedPath("/ocsp/ca/MFQwUjBQ%2BME4w%3D")).toBe(false);
    expect(malformedPath("/api/v1/certificates/%C3%A9")).toBe(false);
  });
});
