import { mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { expect, type Download, type Page } from "@playwright/test";

export const API_TOKEN = "e2e-token-not-secret";
/** The first admin, created by 0-setup.spec.ts; the other specs run with its session. */
export const ADMIN_EMAIL = "admin@e2e.test";
export const ADMIN_PASSWORD = "e2e setup passphrase 7";
export const SCREENSHOTS = path.resolve("e2e/.artifacts/screenshots");

/** Full-page screenshot, kept for a person to look at (e2e/.artifacts/screenshots). */
export async function snap(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/**
 * The page at laptop and phone width (name-1280.png, name-390.png), each kept for a person to look
 * at; at both widths nothing may stick out sideways. Leaves the laptop width set.
 */
export async function snapWidths(page: Page, name: string): Promise<void> {
  for (const [width, height] of [
    [1280, 900],
    [390, 844],
  ] as const) {
    await page.setViewportSize({ width, height });
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), `${name} at ${width} px`).toBe(true);
    await snap(page, `${name}-${width}`);
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

/** Saves a download into dir and returns its path and text. */
export async function save(download: Download, dir: string): Promise<{ file: string; text: string; name: string }> {
  const file = path.join(dir, download.suggestedFilename());
  await download.saveAs(file);
  return { file, text: readFileSync(file, "utf8"), name: download.suggestedFilename() };
}

export async function downloadBy(page: Page, click: () => Promise<void>, dir: string) {
  const [download] = await Promise.all([page.waitForEvent("download"), click()]);
  return save(download, dir);
}

/** Lightness 0..1 of a computed CSS colour: Chromium reports Tailwind v4's colours as lab() or oklch(). */
export function lightness(color: string): number {
  const match = /^(lab|oklch|oklab)\(([\d.]+)(%?)/.exec(color);
  if (match) {
    const value = Number(match[2]);
    return match[3] || match[1] === "lab" ? value / 100 : value;
  }
  const [r = 0, g = 0, b = 0] = (color.match(/[\d.]+/g) ?? []).map(Number);
  return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
}

/**
 * Makes this browser's session look as if the password was typed two hours ago (the e2e server's
 * window is 60 minutes), so the next sensitive action asks for it again. Test-only, through the
 * same lib code the server uses on the same SQLite file; nothing in the app offers it.
 */
export async function makeStale(page: Page): Promise<void> {
  process.env.CADESK_DATA_DIR = process.env.E2E_DATA_DIR;
  const { tokenHash } = await import("../lib/auth/secrets");
  const { markAuthenticated } = await import("../lib/auth/sessions");
  const cookie = (await page.context().cookies()).find((c) => c.name === "cadesk_session");
  expect(cookie, "signed in").toBeTruthy();
  await markAuthenticated(tokenHash(cookie!.value), new Date(Date.now() - 2 * 3600_000));
}
