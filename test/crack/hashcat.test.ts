/**
 * The lines --save-hash writes, loaded by Debian's hashcat (modes 5300 and 5400): it cracks what
 * `hashcatFit` calls loadable, and fails on exactly what it calls out of reach (nonces of 64 bytes or
 * more: hashcat runs but never matches; a message of 512 bytes or more: "No hashes loaded").
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { parseIdentity } from "../../src/config/identity.ts";
import { parseIkeProposal } from "../../src/config/ike.ts";
import { formatPskCrackLine, hashcatFit } from "../../src/crack/hash-file.ts";
import { type AggressiveCapture, phase1Initiator } from "../../src/exchanges/v1/phase1/index.ts";
import { packageSkipReason } from "../lab/require.ts";
import { hashcatCrack } from "../helpers/hashcat.ts";
import { ScriptedGateway } from "../helpers/scripted-gateway.ts";

const PSK = "hashcat-lab-psk";
// hashcat needs an OpenCL device: PoCL (its ICD file) runs the kernels on the CPU.
const skip = packageSkipReason("hashcat", "hashcat") ?? packageSkipReason("pocl-opencl-icd", "/etc/OpenCL/vendors/pocl.icd");

/** An Aggressive Mode capture from the scripted gateway: our nonce and the gateway's of the given lengths. */
function capture(proposal: string, ni: number, nr: number): AggressiveCapture {
  const am = phase1Initiator({
    transform: parseIkeProposal(proposal, 1, 28800)[0]!,
    localId: parseIdentity("fqdn:client.example"),
    natT: "off",
    local: { address: "198.18.1.2", port: 40000 },
    remote: { address: "198.18.1.1", port: 500 },
    aggressive: true,
    nonceLength: ni,
  });
  const gw = new ScriptedGateway(PSK);
  gw.nr = Buffer.alloc(nr, 0x5a);
  am.receive(gw.am2(am.start()));
  return am.result.aggressive!;
}

describe("hashcat loads what we call loadable, and only that", { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), "ikeprobe-hashcat-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const words = join(dir, "words.txt");
  writeFileSync(words, ["password", "letmein", PSK, "hashcat"].join("\n") + "\n");

  const cases: { name: string; proposal: string; ni: number; nr: number; loadable: boolean }[] = [
    { name: "SHA1, MODP-1024, our 20-byte nonce with strongSwan's 32", proposal: "3des-sha1-modp1024", ni: 20, nr: 32, loadable: true },
    { name: "MD5, MODP-1536, 20 + 32", proposal: "aes128-md5-modp1536", ni: 20, nr: 32, loadable: true },
    { name: "SHA1, nonces 31 + 32 = 63 bytes: the most hashcat takes", proposal: "3des-sha1-modp1024", ni: 31, nr: 32, loadable: true },
    { name: "SHA1, nonces 32 + 32 = 64 bytes: hashcat runs and never matches", proposal: "3des-sha1-modp1024", ni: 32, nr: 32, loadable: false },
    { name: "SHA1, MODP-2048: a message over 511 bytes, hashcat loads nothing", proposal: "3des-sha1-modp2048", ni: 20, nr: 32, loadable: false },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const cap = capture(c.proposal, c.ni, c.nr);
      const fit = hashcatFit(cap);
      assert.equal(fit.loadable, c.loadable, JSON.stringify(fit));
      const file = join(dir, `${c.proposal}-${c.ni}-${c.nr}.hash`);
      writeFileSync(file, `${formatPskCrackLine(cap)}\n`);
      const r = hashcatCrack(fit.mode!, file, words);
      if (c.loadable) {
        assert.equal(r.status, 0, r.output);
        assert.deepEqual(r.found, [PSK]);
      } else {
        assert.deepEqual(r.found, [], "hashcat found nothing");
        assert.notEqual(r.status, 0, r.output);
        assert.ok(fit.reason !== undefined && /hashcat takes at most/.test(fit.reason));
      }
    });
  }
});
