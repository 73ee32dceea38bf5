/** Only same-site paths: "next" must not send a signed-in user to another site. */
export function safeNext(value: string | null | undefined): string {
  return value && /^\/(?![/\\])[\x21-\x7e]*$/.test(value) ? value : "/";
}
