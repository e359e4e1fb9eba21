/**
 * Whether the end-to-end tests can run here. They need root (network namespaces) and strongSwan
 * (installed with apt when missing). Without them they skip with the reason, unless
 * IKEPROBE_REQUIRE_E2E=1 (.ci/run sets it), which makes the missing piece a failure.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { ensureStrongswan, isRoot } from "./lab.ts";

export const E2E_REQUIRED = process.env.IKEPROBE_REQUIRE_E2E === "1";

/** Whether a package's binary (or, for a package without one, a file it installs) is there. */
function installed(what: string): boolean {
  return what.startsWith("/") ? existsSync(what) : spawnSync("sh", ["-c", `command -v ${what}`]).status === 0;
}

function aptInstall(pkg: string, binary: string): void {
  if (installed(binary)) return;
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  let r = spawnSync("apt-get", ["install", "-y", "-q", pkg], { env, stdio: "inherit" });
  if (r.status !== 0) {
    spawnSync("apt-get", ["update", "-q"], { env, stdio: "inherit" });
    r = spawnSync("apt-get", ["install", "-y", "-q", pkg], { env, stdio: "inherit" });
  }
  if (r.status !== 0 || !installed(binary)) throw new Error(`apt-get could not install ${pkg}`);
}

/** undefined when the end-to-end tests can run; otherwise why not (or throws when they are required). */
export function e2eSkipReason(extra: { pkg: string; binary: string }[] = []): string | undefined {
  let reason: string | undefined;
  if (!isRoot()) reason = "end-to-end tests need root to create network namespaces (run npm test as root)";
  else {
    try {
      ensureStrongswan();
      for (const e of extra) aptInstall(e.pkg, e.binary);
    } catch (e) {
      reason = `could not install what the end-to-end tests need: ${(e as Error).message}`;
    }
  }
  if (reason !== undefined && E2E_REQUIRED) throw new Error(`IKEPROBE_REQUIRE_E2E=1 but ${reason}`);
  if (reason !== undefined) process.stderr.write(`\n*** SKIPPING end-to-end tests: ${reason} ***\n\n`);
  return reason;
}

/**
 * For tests that need only a Debian package (no namespaces): undefined when it is there (installed
 * as root if missing). `binary`: its command, or an absolute path of a file it installs.
 */
export function packageSkipReason(pkg: string, binary: string): string | undefined {
  let reason: string | undefined;
  try {
    if (!installed(binary)) {
      if (!isRoot()) throw new Error(`${pkg} is not installed and we are not root to install it`);
      aptInstall(pkg, binary);
    }
  } catch (e) {
    reason = (e as Error).message;
  }
  if (reason !== undefined && E2E_REQUIRED) throw new Error(`IKEPROBE_REQUIRE_E2E=1 but ${reason}`);
  if (reason !== undefined) process.stderr.write(`\n*** SKIPPING tests that need ${pkg}: ${reason} ***\n\n`);
  return reason;
}
