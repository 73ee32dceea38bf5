/**
 * The password sign-in as a browser without JavaScript posts it, for tests that sign in over
 * plain HTTP (several instances or workers, no Chromium): the hidden fields React renders for the
 * server action form, the credentials, and the session cookie the answer sets.
 */

/** The hidden fields React renders for a server action form, read from the page's HTML. */
export function actionFields(html: string): [string, string][] {
  const form = /<form[^>]*method="POST"[^>]*>([\s\S]*?)<\/form>/i.exec(html)?.[1] ?? "";
  const decode = (v: string) =>
    v
      .replace(/&quot;/g, '"')
      .replace(/&amp;/g, "&")
      .replace(/&#x27;/g, "'")
      .replace(/&lt;/g, "<")
      .replace(/&gt;/g, ">");
  return [...form.matchAll(/<input type="hidden" name="([^"]+)"(?: value="([^"]*)")?\/>/g)].map((m) => [decode(m[1]!), decode(m[2] ?? "")]);
}

/** The sign-in page's form filled in with `email` and `password`, as multipart form data. */
export function signInForm(signInPage: string, email: string, password: string): FormData {
  const form = new FormData();
  for (const [k, v] of actionFields(signInPage)) form.append(k, v);
  form.append("email", email);
  form.append("password", password);
  return form;
}

/** `cadesk_session=...` from an answer's Set-Cookie headers, or null when it set no session. */
export function sessionCookie(setCookie: string[] | undefined): string | null {
  return (setCookie ?? []).find((c) => c.startsWith("cadesk_session="))?.split(";")[0] ?? null;
}
