/**
 * The Aggressive Mode hash file: one exchange per line, nine colon-separated hex fields in
 * psk-crack's order (ike-scan --pskcrack), which hashcat's IKE-PSK modes 5300 (MD5) and 5400 (SHA1)
 * read too:
 *
 *   g_xr:g_xi:cky_r:cky_i:sai_b:idir_b:ni_b:nr_b:hash_r
 *
 *   SKEYID = prf(PSK, ni_b | nr_b)
 *   HASH_R = prf(SKEYID, g_xr | g_xi | cky_r | cky_i | sai_b | idir_b)
 *
 * The PRF is HMAC with the hash told by HASH_R's length: 16 bytes MD5, 20 SHA1, and (ikeprobe's
 * extension in the same layout) 32 SHA-256, 48 SHA-384, 64 SHA-512.
 */
import { UsageError } from "../errors.js";
import type { AggressiveCapture } from "../exchanges/main-mode.js";

export type CrackHash = "md5" | "sha1" | "sha256" | "sha384" | "sha512";

export const HASH_BY_LENGTH: Readonly<Record<number, CrackHash>> = { 16: "md5", 20: "sha1", 32: "sha256", 48: "sha384", 64: "sha512" };

export interface PskHash {
  /** 1-based line in the file. */
  line: number;
  hash: CrackHash;
  /** ni_b | nr_b: the message of the first PRF. */
  nonces: Buffer;
  /** g_xr | g_xi | cky_r | cky_i | sai_b | idir_b: the message of the second PRF. */
  message: Buffer;
  hashR: Buffer;
}

/** The two PRF messages and the hash to match, from the nine fields. */
export function crackTarget(c: Omit<AggressiveCapture, "hash" | "remoteId">): { nonces: Buffer; message: Buffer; hashR: Buffer } {
  return { nonces: Buffer.concat([c.niB, c.nrB]), message: Buffer.concat([c.gxr, c.gxi, c.ckyR, c.ckyI, c.saiB, c.idirB]), hashR: c.hashR };
}

export function formatPskCrackLine(c: AggressiveCapture): string {
  return [c.gxr, c.gxi, c.ckyR, c.ckyI, c.saiB, c.idirB, c.niB, c.nrB, c.hashR].map((b) => b.toString("hex")).join(":");
}

/** Parses a hash file; blank lines and lines starting with # are skipped. */
export function parsePskCrackFile(text: string, name: string): PskHash[] {
  const out: PskHash[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const fields = line.split(":");
    const where = `${name} line ${i + 1}`;
    if (fields.length !== 9) throw new UsageError(`${where}: ${fields.length} fields; a psk-crack line has 9 (g_xr:g_xi:cky_r:cky_i:sai_b:idir_b:ni_b:nr_b:hash_r)`);
    const bufs = fields.map((f, k) => {
      if (f.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(f)) throw new UsageError(`${where}: field ${k + 1} is not hex`);
      return Buffer.from(f, "hex");
    });
    const [gxr, gxi, ckyR, ckyI, saiB, idirB, niB, nrB, hashR] = bufs as [Buffer, Buffer, Buffer, Buffer, Buffer, Buffer, Buffer, Buffer, Buffer];
    const hash = HASH_BY_LENGTH[hashR.length];
    if (hash === undefined) throw new UsageError(`${where}: HASH_R has ${hashR.length} bytes; 16 (MD5), 20 (SHA1), 32, 48 or 64 (SHA-2) expected`);
    if (ckyR.length !== 8 || ckyI.length !== 8) throw new UsageError(`${where}: the cookies (fields 3 and 4) must have 8 bytes each`);
    out.push({ line: i + 1, hash, ...crackTarget({ gxr, gxi, ckyR, ckyI, saiB, idirB, niB, nrB, hashR }) });
  });
  if (out.length === 0) throw new UsageError(`${name}: no hash lines (psk-crack format, from ikeprobe --aggressive --save-hash or ike-scan --pskcrack)`);
  return out;
}
