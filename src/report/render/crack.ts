/** Terminal rendering of a psk-crack result. */
import { Chalk } from "chalk";
import type { CrackResult } from "../model/crack.js";
import { fitLines, table } from "./layout.js";

export function renderCrack(r: CrackResult, file: string, color: boolean): string {
  const c = new Chalk({ level: color ? 1 : 0 });
  const t = table(c, ["line", "PRF", "result", "PSK", "found in"], color);
  for (const h of r.hashes) {
    const psk = h.found ? (h.psk === undefined ? c.dim("(redacted)") : h.pskHex !== undefined ? `hex ${h.pskHex}` : JSON.stringify(h.psk)) : "";
    t.push([String(h.line), h.hash, h.found ? c.red("FOUND") : c.green("not found"), psk, h.source !== undefined ? `${h.source.path}:${h.source.line}` : ""]);
  }
  const found = r.hashes.filter((h) => h.found).length;
  const summary =
    `${r.tested.toLocaleString("en")} candidates in ${r.elapsedMs < 1000 ? `${r.elapsedMs} ms` : `${(r.elapsedMs / 1000).toFixed(1)} s`} (${r.perSecond.toLocaleString("en")}/s on ${r.threads} thread${r.threads === 1 ? "" : "s"}); ` +
    `${found} of ${r.hashes.length} hash(es) cracked` +
    (r.interrupted ? c.yellow("; interrupted before the end of the lists") : found === r.hashes.length && !r.exhausted ? "; stopped early: every hash cracked" : "");
  return fitLines(`${c.bold(`ikeprobe psk-crack: ${file}`)}\n${t.toString()}\n${summary}\n${found > 0 ? c.red("A cracked PSK protects nothing: change it on the gateway and its peers, and disable Aggressive Mode with PSK.\n") : ""}`);
}
