/** What the fixture scripts read: charon's hex dumps from its log, and the packets of our pcap. */
import { readFileSync } from "node:fs";

/** Named hex dumps from a charon log: "NAME => N bytes @ 0x..." followed by "  off: HEX ... ascii". */
export function parseCharonDumps(log: string): Record<string, string[]> {
  const dumps: Record<string, string[]> = {};
  let current: { name: string; len: number; hex: string } | undefined;
  const flush = (): void => {
    if (current === undefined) return;
    (dumps[current.name] ??= []).push(current.hex.slice(0, current.len * 2));
    current = undefined;
  };
  for (const line of log.split("\n")) {
    const start = /\[(?:IKE|CHD)\] (.+?) => (\d+) bytes @ 0x[0-9a-f]+/.exec(line);
    if (start) {
      flush();
      current = { name: start[1]!, len: Number(start[2]), hex: "" };
      continue;
    }
    const data = /\[(?:IKE|CHD)\]\s+\d+: ((?:[0-9A-F]{2} ){0,15}[0-9A-F]{2})/.exec(line);
    if (data && current) current.hex += data[1]!.replace(/ /g, "").toLowerCase();
    else flush();
  }
  flush();
  return dumps;
}

export function readPcap(path: string): { src: string; sport: number; dst: string; dport: number; hex: string }[] {
  const b = readFileSync(path);
  const out = [];
  let off = 24;
  while (off + 16 <= b.length) {
    const len = b.readUInt32LE(off + 8);
    const pkt = b.subarray(off + 16, off + 16 + len);
    off += 16 + len;
    const ihl = (pkt[0]! & 0x0f) * 4;
    out.push({
      src: [...pkt.subarray(12, 16)].join("."),
      dst: [...pkt.subarray(16, 20)].join("."),
      sport: pkt.readUInt16BE(ihl),
      dport: pkt.readUInt16BE(ihl + 2),
      hex: pkt.subarray(ihl + 8).toString("hex"),
    });
  }
  return out;
}

