import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

export interface KatFixture {
  file: string;
  proposal: string;
  esp?: string;
  inputs?: { pfsSharedSecret?: string };
  psk: string;
  gateway: Record<string, string[]>;
  packets: { src: string; sport: number; dst: string; dport: number; hex: string }[];
}

const DIR = new URL("../fixtures/", import.meta.url).pathname;

export function katFixtures(prefix = "strongswan-mm-"): KatFixture[] {
  return readdirSync(DIR)
    .filter((f) => f.startsWith(prefix) && f.endsWith(".json"))
    .sort()
    .map((f) => ({ file: f, ...(JSON.parse(readFileSync(join(DIR, f), "utf8")) as Omit<KatFixture, "file">) }));
}

/** The IKE message of a captured datagram (without the non-ESP marker on port 4500). */
export function ikeBytes(p: KatFixture["packets"][number]): Buffer {
  const b = Buffer.from(p.hex, "hex");
  return p.sport === 4500 || p.dport === 4500 ? b.subarray(4) : b;
}

export function one(f: KatFixture, name: string, i = 0): Buffer {
  const v = f.gateway[name]?.[i];
  if (v === undefined) throw new Error(`${f.file}: the gateway log has no "${name}" #${i}`);
  return Buffer.from(v, "hex");
}
