/** The files the CLI writes for the API's results: secrets owner-only; a write failure is a warning in the report. */
import { closeSync, openSync, writeFileSync, writeSync } from "node:fs";
import { UsageError } from "../errors.js";
import type { ByteSink } from "../transport/pcap.js";

function writeReported(option: string, path: string, data: string, warnings: string[], mode: number): boolean {
  try {
    writeFileSync(path, data, { mode });
    return true;
  } catch (e) {
    warnings.push(`${option} ${path}: cannot write it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); nothing saved`);
    return false;
  }
}

/** Writes a file only its owner may read; false (and a warning naming the option) when it cannot. */
export function writeSecretFile(option: string, path: string, data: string, warnings: string[]): boolean {
  return writeReported(option, path, data, warnings, 0o600);
}

/** Writes a file of public data (the gateway's certificates); false (and a warning) when it cannot. */
export function writePublicFile(option: string, path: string, data: string, warnings: string[]): boolean {
  return writeReported(option, path, data, warnings, 0o644);
}

/** A file to stream into (a pcap capture), created owner-only; a usage error naming the option when it cannot be. */
export function fileSink(option: string, path: string): ByteSink {
  let fd: number;
  try {
    fd = openSync(path, "w", 0o600);
  } catch (e) {
    throw new UsageError(`${option} ${path}: cannot create it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); check that its folder exists and is writable`, { cause: e });
  }
  return { write: (b) => void writeSync(fd, b), close: () => closeSync(fd) };
}
