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
import type { AggressiveCapture } from "../exchanges/v1/phase1/index.js";
import { HASHES } from "../data/algorithms.js";

export type CrackHash = "md5" | "sha1" | "sha256" | "sha384" | "sha512";

/** A hash by its output length (HASH_R says which by its size), from the algorithm registry. */
export const HASH_BY_LENGTH: Readonly<Record<number, CrackHash>> = Object.fromEntries(HASHES.filter((h) => h.ike !== null).map((h) => [h.length, h.node as CrackHash]));

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

/**
 * hashcat's IKE-PSK parsers (modes 5300 MD5, 5400 SHA1) keep the nonces in a 64-byte buffer and the
 * message in a 512-byte one, each followed by a 0x80 pad byte written inside the buffer: a line whose
 * nonces total 64 bytes or more, or whose message is 512 or more, is refused or silently never
 * matches (read in hashcat's module_05300.c and module_05400.c; checked with Debian's hashcat).
 */
export const HASHCAT_MAX_NONCES = 63;
export const HASHCAT_MAX_MESSAGE = 511;

export interface HashcatFit {
  /** The hashcat mode for this hash (5300 MD5, 5400 SHA1), null when hashcat has none (SHA-2). */
  mode: 5300 | 5400 | null;
  /** Whether hashcat can load and crack this line. */
  loadable: boolean;
  /** Why not, when it cannot. */
  reason?: string;
}

export function hashcatFit(c: Pick<AggressiveCapture, "hash" | "niB" | "nrB" | "gxr" | "gxi" | "ckyR" | "ckyI" | "saiB" | "idirB">): HashcatFit {
  const mode = c.hash === 1 ? 5300 : c.hash === 2 ? 5400 : null;
  if (mode === null) return { mode, loadable: false, reason: "hashcat has no IKE-PSK mode for SHA-2" };
  const nonces = c.niB.length + c.nrB.length;
  const message = c.gxr.length + c.gxi.length + c.ckyR.length + c.ckyI.length + c.saiB.length + c.idirB.length;
  if (nonces > HASHCAT_MAX_NONCES) return { mode, loadable: false, reason: `its nonces total ${nonces} bytes; hashcat takes at most ${HASHCAT_MAX_NONCES}` };
  if (message > HASHCAT_MAX_MESSAGE) return { mode, loadable: false, reason: `its hashed message is ${message} bytes (the group's public values alone are ${c.gxr.length + c.gxi.length}); hashcat takes at most ${HASHCAT_MAX_MESSAGE}, so groups of 2048 bits and more are out of its reach` };
  return { mode, loadable: true };
}

/** The tools that can test this hash, for findings and help. */
export function crackersFor(c: Parameters<typeof hashcatFit>[0]): string {
  const fit = hashcatFit(c);
  const tools = c.hash === 1 || c.hash === 2 ? ["ikeprobe psk-crack", "psk-crack"] : ["ikeprobe psk-crack"];
  if (fit.loadable) tools.push(`hashcat -m ${fit.mode}`);
  return `${tools.join(", ")}${!fit.loadable && fit.mode !== null ? `; not hashcat: ${fit.reason}` : ""}`;
}
