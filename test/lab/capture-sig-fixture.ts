/**
 * Makes the signature known-answer fixtures from real exchanges: a throwaway CA, gateway and client
 * certificates (pki), the lab strongSwan with `ike = 4` (it logs SKEYID, Ka, the IVs, HASH_I and
 * HASH_R with their input data), and our probe with --pcap. The test decrypts messages 5 and 6
 * with the gateway's logged key and IVs, takes SIG_I and SIG_R from them, and checks our hashes and
 * signatures against the gateway's: an independent implementation's view of the same exchange. The
 * keys and certificates are made for this fixture only and protect nothing.
 *
 *   node --import tsx test/lab/capture-sig-fixture.ts rsa     (RSA 2048, aes256-sha256-modp2048)
 *   node --import tsx test/lab/capture-sig-fixture.ts ecdsa   (P-256, aes128-sha1-modp2048: HASH with SHA-256 all the same)
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startLab } from "./lab.ts";
import { issue, makeCa } from "./pki.ts";
import { parseCharonDumps, readPcap } from "./charon-log.ts";

const kind = process.argv[2] === "ecdsa" ? "ecdsa" : "rsa";
const proposal = kind === "rsa" ? "aes256-sha256-modp2048" : "aes128-sha1-modp2048";
const out = `test/fixtures/strongswan-sig-${kind}.json`;
const dir = mkdtempSync(join(tmpdir(), "ikeprobe-sigkat-"));
const keyOpts = kind === "rsa" ? { type: "rsa" as const, size: 2048 } : { type: "ecdsa" as const, size: 256 };
const ca = makeCa(dir, "ca", "C=XX, O=KAT, CN=KAT Root CA");
const gw = issue(dir, ca, "gw", "C=XX, O=KAT, CN=gw.kat.example", { sans: ["gw.kat.example"], ...keyOpts });
const client = issue(dir, ca, "client", "C=XX, O=KAT, CN=client.kat.example", { sans: ["client.kat.example"], ...keyOpts });
const lab = await startLab({
  ikeLogLevel: 4,
  credentials: { x509: { "gw.pem": gw.cert }, x509ca: { "ca.pem": ca.cert }, private: { "gw.key": gw.key } },
  connections: [{ name: "kat", proposals: [proposal], psk: "unused", auth: "pubkey", certs: ["gw.pem"], localId: "gw.kat.example" }],
});
try {
  const pcap = join(lab.dir, "kat.pcap");
  const auth = kind === "rsa" ? "rsa" : "ecdsa256";
  const argv = lab.clientExec(["node", "bin/ikeprobe.js", lab.gwAddr, "--ike", proposal, "--auth", auth, "--cert", client.certFile, "--key", client.keyFile, "--id", "fqdn:client.kat.example", "--pcap", pcap, "--json", "--timeout", "3"]);
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: "utf8" });
  const report = JSON.parse(r.stdout) as { identity: { status: string }; exitCode: number };
  if (report.identity.status !== "authenticated" || report.exitCode !== 0) throw new Error(`probe did not succeed: ${r.stdout}${r.stderr}`);
  await new Promise((res) => setTimeout(res, 300));
  const dumps = parseCharonDumps(lab.log());
  const keep = ["shared Diffie Hellman secret", "SKEYID", "encryption key Ka", "initial IV", "next IV for MID 0", "HASH_I data", "HASH_I", "HASH_R data", "HASH_R"];
  const gateway: Record<string, string[]> = {};
  for (const k of keep) if (dumps[k] !== undefined) gateway[k] = dumps[k]!;
  const fixture = {
    description: `Main Mode ${proposal} with ${auth} certificates between ikeprobe and strongSwan 5.9.8 (charon ike=4 log); packets as captured by ikeprobe --pcap; throwaway keys made for this fixture`,
    proposal,
    auth,
    certificates: { ca: ca.cert, gateway: gw.cert, client: client.cert },
    // The gateway's key, to check that its SIG_R is what our signing code makes (PKCS #1 v1.5 is deterministic).
    gatewayKey: gw.key,
    gateway,
    packets: readPcap(pcap),
  };
  writeFileSync(out, `${JSON.stringify(fixture, null, 2)}\n`);
  console.log(`wrote ${out}: ${Object.keys(gateway).join(", ")}; ${fixture.packets.length} packets`);
} finally {
  await lab.stop();
  rmSync(dir, { recursive: true, force: true });
}
