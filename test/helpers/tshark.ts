/**
 * tshark as the referee for our Wireshark key files, both ways a user would load them: copied into a
 * Wireshark profile as they are, and line by line as `-o "uat:TABLE:LINE"`.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface KeyFiles {
  /** Our --keys file (Wireshark's ikev1_decryption_table). */
  ikev1?: string;
  /** Our --esp-keys file (Wireshark's esp_sa). */
  espSa?: string;
  /** Our --ikev2 --keys file (Wireshark's ikev2_decryption_table). */
  ikev2?: string;
}

/**
 * `tshark -r PCAP -V` with the files installed in a fresh profile (a private config folder); with
 * an esp_sa file, the profile's preferences switch on ESP decryption (off in Wireshark by default).
 */
export function tsharkWithProfile(pcap: string, files: KeyFiles): { status: number | null; stdout: string; stderr: string } {
  const home = mkdtempSync(join(tmpdir(), "ikeprobe-wireshark-"));
  try {
    const conf = join(home, "wireshark");
    mkdirSync(conf, { recursive: true });
    if (files.ikev1 !== undefined) copyFileSync(files.ikev1, join(conf, "ikev1_decryption_table"));
    if (files.ikev2 !== undefined) copyFileSync(files.ikev2, join(conf, "ikev2_decryption_table"));
    if (files.espSa !== undefined) {
      copyFileSync(files.espSa, join(conf, "esp_sa"));
      writeFileSync(join(conf, "preferences"), "esp.enable_encryption_decode: TRUE\n");
    }
    const r = spawnSync("tshark", ["-r", pcap, "-V"], { encoding: "utf8", env: { ...process.env, XDG_CONFIG_HOME: home, HOME: home }, maxBuffer: 64 << 20 });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

/** `tshark -r PCAP -V` with every line of the files passed as `-o uat:TABLE:LINE`. */
export function tsharkWithLines(pcap: string, files: KeyFiles): { status: number | null; stdout: string; stderr: string } {
  const lines = (f: string | undefined): string[] => (f === undefined ? [] : readFileSync(f, "utf8").split("\n").filter((l) => l !== ""));
  const esp = lines(files.espSa);
  const args = [
    ...lines(files.ikev1).flatMap((l) => ["-o", `uat:ikev1_decryption_table:${l}`]),
    ...lines(files.ikev2).flatMap((l) => ["-o", `uat:ikev2_decryption_table:${l}`]),
    ...esp.flatMap((l) => ["-o", `uat:esp_sa:${l}`]),
    ...(esp.length > 0 ? ["-o", "esp.enable_encryption_decode:TRUE"] : []),
  ];
  const r = spawnSync("tshark", ["-r", pcap, ...args, "-V"], { encoding: "utf8", maxBuffer: 64 << 20 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
