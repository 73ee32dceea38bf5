import { describe, expect, it } from "vitest";
import { routeLabel } from "../../scripts/route-label.mjs";

describe("routeLabel (the route label of HTTP metrics)", () => {
  it("collapses ids, keeps the shape", () => {
    expect(routeLabel("/api/v1/certificates/3f2a1c4e-7b6d-4e0f-9a1b-2c3d4e5f6a7b/text")).toBe("/api/v1/certificates/:id/text");
    expect(routeLabel("/crl/3f2a1c4e-7b6d-4e0f-9a1b-2c3d4e5f6a7b")).toBe("/crl/:id");
    expect(routeLabel("/ocsp/3f2a1c4e-7b6d-4e0f-9a1b-2c3d4e5f6a7b/MFQwUjBQME4wTDAJBgUrDgMCGgUABBQ")).toBe("/ocsp/:id/:id");
    expect(routeLabel("/audit/12345")).toBe("/audit/:id");
  });

  it("keeps the label set small whatever a scanner asks for", () => {
    expect(routeLabel("/")).toBe("/");
    expect(routeLabel("/wp-login.php")).toBe("other");
    expect(routeLabel("/_next/static/chunks/abc.js")).toBe("/_next/*");
    expect(routeLabel("/api/v1/a/b/c/d/e/f/g/h")).toBe("/api/v1/a/b/c/d");
  });
});
