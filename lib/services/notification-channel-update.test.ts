/** Editing a notification channel: the create form's validation, secrets kept when left blank. */
import { describe, expect } from "vitest";
import { it } from "../testing/system";
import { getDb } from "../db";
import { createChannel, findChannel, openChannel, updateChannel } from "./notification-channels";

const SECRET = "0123456789abcdef0123456789abcdef";

describe("updateChannel", () => {
  it("changes a webhook's name and URL and keeps its signing secret when the field is left blank", async () => {
    const hook = await createChannel({ kind: "webhook", name: "edit hook", url: "https://hooks.example.test/a", secret: SECRET });
    await updateChannel(hook.id, { kind: "webhook", name: "edited hook", url: "https://hooks.example.test/b", secret: "" });
    const opened = openChannel(await findChannel(hook.id));
    expect(opened).toMatchObject({ name: "edited hook", settings: { url: "https://hooks.example.test/b" }, secret: SECRET });
    const event = await getDb().auditEvent.findFirst({ where: { action: "settings.notification_channel.update", objectId: hook.id } });
    expect(JSON.parse(event!.detail!)).toMatchObject({ renamedFrom: "edit hook", secret: "kept" });

    await updateChannel(hook.id, { kind: "webhook", name: "edited hook", url: "https://hooks.example.test/b", secret: "f".repeat(32) });
    expect(openChannel(await findChannel(hook.id)).secret).toBe("f".repeat(32));
    await updateChannel(hook.id, { kind: "webhook", name: "edited hook", url: "https://hooks.example.test/b", clearSecret: "on" });
    expect(openChannel(await findChannel(hook.id)).secret).toBeUndefined();
  });

  it("keeps an SMTP password when left blank, and refuses what creating refuses, naming the field", async () => {
    const mail = await createChannel({
      kind: "email",
      name: "edit mail",
      host: "smtp.example.test",
      from: "cadesk@example.test",
      to: "a@example.test",
      username: "u",
      password: "smtp password",
    });
    const edit = {
      kind: "email",
      name: "edit mail",
      host: "relay.example.test",
      port: "2525",
      from: "cadesk@example.test",
      to: "a@example.test, b@example.test",
    };
    await updateChannel(mail.id, { ...edit, password: "" });
    expect(openChannel(await findChannel(mail.id))).toMatchObject({
      settings: { host: "relay.example.test", port: 2525, to: ["a@example.test", "b@example.test"] },
      secret: "smtp password",
    });

    await expect(updateChannel(mail.id, { ...edit, to: "not-an-address" })).rejects.toMatchObject({
      code: "INVALID_INPUT",
      message: expect.stringContaining('"not-an-address" is not an e-mail address'),
    });
    await expect(updateChannel(mail.id, { ...edit, port: "70000" })).rejects.toMatchObject({ field: "port" });
    await expect(updateChannel(mail.id, { kind: "webhook", name: "edit mail", url: "https://x.example.test/" })).rejects.toMatchObject({
      field: "kind",
    });
    await createChannel({ kind: "webhook", name: "taken name", url: "https://hooks.example.test/c" });
    await expect(updateChannel(mail.id, { ...edit, name: "taken name" })).rejects.toMatchObject({ code: "CONFLICT", field: "name" });
    await expect(updateChannel("no-such-channel", edit)).rejects.toMatchObject({ code: "NOT_FOUND" });
    // Nothing of the refused edits was stored.
    expect(openChannel(await findChannel(mail.id)).settings).toMatchObject({ host: "relay.example.test", port: 2525 });
  });
});
