/**
 * The process's side of the CLI, shared by every bundle's entry: the IO over stdin/stdout/stderr
 * and the environment, and the guard that turns any error into its report and exit code.
 */
import { writeSync } from "node:fs";
import { ExitCode } from "../report/model/probe.js";
import { type IO, reportError } from "./io.js";

/** The process's streams and environment, or what a test passes instead. */
export function processIo(io: Partial<IO> | undefined): IO {
  return {
    stdout: io?.stdout ?? writeStdout,
    stderr: io?.stderr ?? ((s) => void process.stderr.write(s)),
    env: io?.env ?? process.env,
    // Asked only for tables and the spinner: a --json run never sets up process.stdout.
    get isTTY() {
      return io?.isTTY ?? Boolean(process.stdout.isTTY);
    },
  };
}

/** Runs a command: an error is reported (JSON too, when `json()` says so) as its exit code, never thrown. */
export async function guarded(io: IO, json: () => boolean, run: () => Promise<number>): Promise<number> {
  // A bug that surfaces in a socket callback must still end as "internal error", exit code 4.
  const onUncaught = (e: unknown): void => {
    io.stderr(`ikeprobe: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(ExitCode.INTERNAL);
  };
  process.once("uncaughtException", onUncaught);
  try {
    return await run();
  } catch (e) {
    return reportError(e, io, json());
  } finally {
    process.off("uncaughtException", onUncaught);
  }
}

/**
 * Standard output written to the descriptor itself, without setting up Node's stream for it (about
 * half a millisecond of a probe's start). When the descriptor does not take the text at once (a
 * full non-blocking pipe: EAGAIN) or fails, the rest and everything after it go through
 * process.stdout, which queues and retries. A reader that went away (`| head`: EPIPE) ends the
 * output, not the run: the exit code stays the command's, with no stack trace.
 */
function writeStdout(s: string): void {
  if (stdout === "gone") return;
  // A Windows console needs the stream's wide-character writes for the tables' box drawing.
  if (stdout === "stream" || process.platform === "win32") return void streamStdout().write(s);
  const b = Buffer.from(s);
  let off = 0;
  try {
    while (off < b.length) off += writeSync(1, b, off);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EPIPE") {
      stdout = "gone";
      return;
    }
    streamStdout().write(b.subarray(off));
  }
}
let stdout: "fd" | "stream" | "gone" = "fd";

/** process.stdout from now on, its EPIPE (the reader gone) ending the output like writeSync's. */
function streamStdout(): NodeJS.WriteStream {
  if (stdout !== "stream") {
    stdout = "stream";
    process.stdout.on("error", (err: NodeJS.ErrnoException) => {
      if (err.code !== "EPIPE") throw err;
      stdout = "gone";
    });
  }
  return process.stdout;
}
