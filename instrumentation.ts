/** Runs once when the server starts: key material exists before the first request needs it. */
export async function register() {
  // NEXT_RUNTIME is Next's own plumbing (which runtime loads this file), not cadesk configuration:
  // it stays here rather than in lib/config.ts, which the edge runtime must not load.
  if (process.env.NEXT_RUNTIME === "nodejs") {
    // Validates every variable first: a bad value stops the start with one message per variable.
    const { ConfigError, readConfig, unknownVariables } = await import("./lib/config");
    for (const name of unknownVariables()) console.warn(`[cadesk] ${name} is set but cadesk does not read it: misspelt?`);
    try {
      readConfig();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      console.error(`[cadesk] ${error.message}\nFix the environment (see the configuration table in the README) and start again.`);
      process.exit(78); // EX_CONFIG
    }
    const { runAs, SYSTEM_ACTOR } = await import("./lib/auth/actor");
    // Start-up work is cadesk itself, and says so: outside a request nobody acts by default.
    // Next only logs a failing instrumentation hook and keeps serving a dashboard that cannot
    // work (no store, no admin, no keys), so a failure here ends the process with its reason.
    await runAs(SYSTEM_ACTOR, async () => {
      // With CADESK_WORKERS > 1 this runs in every worker (lib/ops/cluster.ts): the leader starts
      // first and alone, so the keys and the first admin exist before the others read them.
      const { isLeader } = await import("./lib/ops/cluster");
      const { prepareDataDir, announceFirstRun, registerPeerSyncs } = await import("./lib/startup");
      prepareDataDir();
      if (isLeader()) await announceFirstRun();
      // Every worker listens on the echo and HTTPS ports (the cluster shares the sockets, so every
      // core does handshakes) and applies another worker's change when asked.
      registerPeerSyncs();
      const { startEchoFromSettings } = await import("./lib/services/echo-settings");
      await startEchoFromSettings();
      const { startDashboardHttps } = await import("./lib/services/dashboard-tls");
      await startDashboardHttps();
      // Runs are claimed per period across instances anyway (lib/services/job-run.ts); one claimant
      // per instance is enough.
      const { startScheduler } = await import("./lib/services/scheduler");
      if (isLeader()) startScheduler();
      const { registerLifecycle } = await import("./lib/ops/lifecycle");
      registerLifecycle();
      const { markStarted } = await import("./lib/ops/cluster");
      markStarted();
    }).catch(async (error: unknown) => {
      const { AppError } = await import("./lib/errors");
      // The reason on one line; for anything but an AppError (a bug), where it happened below it.
      const reason = error instanceof Error ? error.message : String(error);
      const where =
        error instanceof Error && !(error instanceof AppError) ? `\n${(error.stack ?? "").split("\n").slice(1).join("\n")}` : "";
      console.error(`[cadesk] The dashboard could not start: ${reason}${where}`);
      process.exit(1);
    });
  }
}
