// After every install (package.json's postinstall): the native addons built for the Node that runs
// cadesk (scripts/runtime.mjs says which, and why it can differ from the one npm ran on).
import { ensureNativeModules } from "./runtime.mjs";

ensureNativeModules();
