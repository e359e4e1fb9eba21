/** Runs the built CLI inside the lab's client namespace, as a user would. */
import { type ChildProcess, spawn } from "node:child_process";
import type { Lab } from "../lab/lab.ts";
import { assertValidCrack, assertValidDiagnosis, assertValidReport, assertValidReportV2, assertValidScan } from "./schema.ts";

export const BIN = new URL("../../bin/ikeprobe.js", import.meta.url).pathname;

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** Spawns `ikeprobe ARGS` in the client namespace; `done` parses and schema-checks --json output. */
export function spawnIkeprobe(lab: Lab, args: string[], env: NodeJS.ProcessEnv): { child: ChildProcess; done: Promise<Run> } {
  const argv = lab.clientExec([process.execPath, BIN, ...args]);
  const child = spawn(argv[0]!, argv.slice(1), { env: { ...process.env, NO_COLOR: "1", ...env } });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<Run>((res) =>
    child.on("close", (code) => {
      let json: unknown = null;
      if (args.includes("--json")) {
        json = JSON.parse(stdout);
        const first = args.find((x) => !x.startsWith("-"));
        if (typeof (json as { error?: unknown }).error === "object") {
          // The document for an error before any report (usage, resolution): { error: { code, message }, exitCode }.
          if (typeof (json as { exitCode?: unknown }).exitCode !== "number") throw new Error(`error document without exitCode: ${stdout}`);
        } else if (first === "scan") assertValidScan(json);
        else if (first === "check") void 0; // the check report's shape is asserted by the tests that read it
        else if (args.includes("--diagnose")) assertValidDiagnosis(json);
        else if (args.includes("psk-crack")) assertValidCrack(json);
        else if (args.includes("--ikev2")) assertValidReportV2(json);
        else assertValidReport(json);
      }
      res({ code, stdout, stderr, json });
    }),
  );
  return { child, done };
}

/** Polls the gateway's `swanctl --list-sas` until `pred` holds or `ms` pass; returns the last text. */
export async function sasWhen(lab: Lab, pred: (text: string) => boolean, ms = 3000): Promise<string> {
  const deadline = Date.now() + ms;
  for (;;) {
    const text = lab.swanctl(["--list-sas"]);
    if (pred(text) || Date.now() > deadline) return text;
    await new Promise((r) => setTimeout(r, 50));
  }
}
