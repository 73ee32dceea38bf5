/** Runs once when the server starts: key material exists before the first request needs it. */
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { prepareDataDir } = await import("./lib/startup");
    prepareDataDir();
    const { announceFirstRun } = await import("./lib/startup");
    await announceFirstRun();
    const { startEchoFromSettings } = await import("./lib/services/echo-settings");
    await startEchoFromSettings();
    const { startDashboardHttps } = await import("./lib/services/dashboard-tls");
    await startDashboardHttps();
    const { startScheduler } = await import("./lib/services/scheduler");
    startScheduler();
  }
}
