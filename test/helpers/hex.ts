import { readFileSync } from "node:fs";

/** Reads an annotated hex fixture: '#' starts a comment, whitespace is ignored. */
export function readAnnotatedHex(name: string): Buffer {
  const text = readFileSync(new URL(`../fixtures/${name}`, import.meta.url), "utf8");
  const hex = text
    .split("\n")
    .map((l) => l.replace(/#.*/, ""))
    .join("")
    .replace(/\s+/g, "");
  if (!/^([0-9a-f]{2})*$/i.test(hex)) throw new Error(`${name}: not hex`);
  return Buffer.from(hex, "hex");
}
