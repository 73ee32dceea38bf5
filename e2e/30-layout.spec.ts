import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { API_TOKEN, snap } from "./helpers";

const auth = { Authorization: `Bearer ${API_TOKEN}` };
/** A phone (iPhone 12-15 class) and a laptop. */
const WIDTHS = [390, 1280] as const;

/** The page's own horizontal overflow: nothing may make the page itself scroll sideways. */
async function overflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

/** Serious and critical axe findings (WCAG 2.0-2.2 A and AA rules), one line each. */
async function axeFindings(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]).analyze();
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

function slug(path: string): string {
  return (
    path
      .replace(/^\//, "")
      .replace(/[^a-z0-9]+/gi, "-")
      .replace(/-+$/, "") || "overview"
  );
}

test("every page fits a 390 px phone and a 1280 px laptop, and axe finds nothing serious", async ({ page, request, browser }) => {
  test.setTimeout(600_000);
  const stamp = Date.now();
  // Content on every page: a hierarchy, a valid and a revoked certificate, a channel with a rule.
  const root = await (await request.post("/api/v1/cas", { headers: auth, data: { commonName: `Layout Root ${stamp}` } })).json();
  const intermediate = await (
    await request.post("/api/v1/cas", { headers: auth, data: { commonName: `Layout Intermediate ${stamp}`, parentId: root.id } })
  ).json();
  const issue = async (cn: string, dns: string[] = [cn]) => {
    const response = await request.post("/api/v1/certificates", {
      headers: auth,
      data: { caId: intermediate.id, commonName: cn, sans: { dns } },
    });
    expect(response.status(), await response.text()).toBe(201);
    return response.json();
  };
  // Long names, as real inventories have them: nothing may push the page wider.
  const valid = await issue(`layout-${stamp}.apps.internal.example`, [
    `layout-${stamp}.apps.internal.example`,
    `a-rather-long-service-name-for-the-layout-check-${stamp}.eu-central-1.apps.internal.example`,
  ]);
  const revoked = await issue(`revoked-${stamp}.e2e.test`);
  await request.post(`/api/v1/certificates/${revoked.id}/revoke`, { headers: auth, data: { reason: "superseded" } });
  const channel = await (
    await request.post("/api/v1/notifications/channels", {
      headers: auth,
      data: { name: `Layout hooks ${stamp}`, kind: "webhook", url: "https://hooks.example.internal/cadesk" },
    })
  ).json();
  await request.post("/api/v1/notifications/rules", { headers: auth, data: { channelId: channel.id, daysBefore: "30, 7, 1" } });

  await page.goto("/");
  const nav = await page
    .getByRole("navigation", { name: "Main" })
    .getByRole("link")
    .evaluateAll((links) => links.map((a) => a.getAttribute("href")!));
  const paths = [
    ...new Set([
      ...nav,
      "/authorities/new",
      "/authorities/new?type=import",
      `/authorities/${root.id}`,
      `/authorities/${intermediate.id}`,
      `/certificates/${valid.id}`,
      `/certificates/${revoked.id}`,
      "/certificates?status=revoked",
      "/no-such-page",
    ]),
  ];
  expect(paths.length).toBeGreaterThan(15);

  const problems: string[] = [];
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 900 });
    for (const path of paths) {
      const response = await page.goto(path);
      expect(response?.status(), path).toBe(path === "/no-such-page" ? 404 : 200);
      await page.waitForLoadState("networkidle");
      const extra = await overflow(page);
      if (extra > 0) problems.push(`${width}px ${path}: ${extra} px wider than the window`);
      for (const finding of await axeFindings(page)) problems.push(`${width}px ${path}: ${finding}`);
      await snap(page, `layout-${width}-${slug(path)}`);
    }
  }

  // Signed out: sign-in and the root 404.
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const guest = await context.newPage();
  for (const width of WIDTHS) {
    await guest.setViewportSize({ width, height: 900 });
    await guest.goto("/sign-in");
    const extra = await overflow(guest);
    if (extra > 0) problems.push(`${width}px /sign-in: ${extra} px wider than the window`);
    for (const finding of await axeFindings(guest)) problems.push(`${width}px /sign-in: ${finding}`);
    await snap(guest, `layout-${width}-sign-in`);
  }
  await context.close();
  expect(problems).toEqual([]);
});

test("phone menu, skip link, focus ring, icon and the cadesk 404", async ({ page, request }) => {
  // Below the breakpoint the navigation sits behind a Menu button.
  await page.setViewportSize({ width: 390, height: 800 });
  await page.goto("/certificates");
  const menu = page.getByRole("button", { name: "Menu" });
  const nav = page.getByRole("navigation", { name: "Main" });
  await expect(nav).toBeHidden();
  await expect(menu).toHaveAttribute("aria-expanded", "false");
  await menu.click();
  await expect(menu).toHaveAttribute("aria-expanded", "true");
  await expect(nav.getByRole("link", { name: "Inspect" })).toBeVisible();
  await snap(page, "layout-390-menu-open");
  await nav.getByRole("link", { name: "Inspect" }).click();
  await expect(page).toHaveURL(/\/inspect$/);
  await expect(nav).toBeHidden(); // following a link closes the menu
  await menu.click();
  await page.keyboard.press("Escape");
  await expect(nav).toBeHidden();

  // The first Tab reaches "Skip to content", which moves focus to the page's content.
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto("/certificates");
  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Skip to content" });
  await expect(skip).toBeFocused();
  await expect(skip).toBeInViewport();
  await page.keyboard.press("Enter");
  await expect(page.locator("main#main")).toBeFocused();

  // Keyboard focus is visible on links, buttons and fields: a solid 2 px outline.
  for (let i = 0; i < 4; i++) await page.keyboard.press("Tab");
  const ring = await page.evaluate(() => {
    const style = getComputedStyle(document.activeElement!);
    return { tag: document.activeElement!.tagName, outline: style.outlineStyle, width: style.outlineWidth };
  });
  expect(ring.outline, `focused ${ring.tag}`).toBe("solid");
  expect(ring.width).toBe("2px");

  // The icon is served where browsers and tools look for it.
  const ico = await request.get("/favicon.ico");
  expect(ico.status()).toBe(200);
  expect(ico.headers()["content-type"]).toContain("image/x-icon");
  const iconHref = await page.locator('link[rel="icon"][type="image/svg+xml"]').getAttribute("href");
  expect((await request.get(iconHref!)).status()).toBe(200);

  // A missing page or record: cadesk's 404, with the sidebar and a way back; the API answers JSON.
  // A missing record answers 404 too (no loading.tsx streams the page before notFound() decides).
  for (const path of ["/no-such-page", "/certificates/00000000-0000-0000-0000-000000000000"]) {
    const response = await page.goto(path);
    expect(response?.status(), path).toBe(404);
    await expect(page.getByRole("heading", { name: "This page does not exist" })).toBeVisible();
    await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
  }
  await page.getByRole("link", { name: "Back to the overview" }).click();
  await expect(page).toHaveURL(/localhost:\d+\/$/);
  const api = await request.get("/api/v1/no-such-thing", { headers: auth });
  expect(api.status()).toBe(404);
  expect((await api.json()).error.code).toBe("NOT_FOUND");
});
