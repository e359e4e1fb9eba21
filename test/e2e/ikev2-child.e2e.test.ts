/**
 * The IKEv2 probe's CHILD SAs against real responders: the first --esp in IKE_AUTH, each further
 * one in CREATE_CHILD_SA (with KE for PFS). strongSwan (charon with CHD logging at level 4) logs
 * the KEYMAT it derived, so our --show-keys are checked against the gateway's own keys; its
 * narrowing, TS_UNACCEPTABLE and NO_PROPOSAL_CHOSEN are reported as such; the liveness check is
 * answered; nothing of ours is left on the gateway; tshark decrypts the ESP the gateway sends into our
 * selector during --hold with our --esp-keys file (GCM and CBC). libreswan: refusals, and our proposal as pluto
 * reads it (this lab's kernel cannot install ESP, so pluto cannot set the CHILD SA up).
 */
import assert from "node:assert/strict";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { type Lab, startLab } from "../lab/lab.ts";
import { e2eSkipReason } from "../lab/require.ts";
import { libreswanSkipReason } from "../lab/libreswan.ts";
import { libreswanPsk } from "../lab/libreswan-conn.ts";
import { parseCharonDumps } from "../lab/charon-log.ts";
import { spawnIkeprobe } from "../helpers/e2e.ts";
import { assertEspDecrypted, captureGatewayEsp } from "../helpers/esp-capture.ts";

const PSK = "ikev2-child-lab-secret";
const TS = ["--local-ts", "203.0.113.0/24", "--remote-ts", "198.51.100.0/24"];

interface Dir {
  spi: string;
  encryptionKey: string;
  integrityKey: string;
}
interface Child {
  proposal: string;
  exchange: string;
  status: string;
  notify?: string;
  detail: string;
  asked: { localTs: string[]; remoteTs: string[]; mode: string };
  sa: null | { proposal: string; encryption: string; integrity: string | null; pfsGroup: string | null; spiIn: string; spiOut: string; localTs: string[]; remoteTs: string[]; narrowed: boolean; mismatches: string[]; keys?: { in: Dir; out: Dir } };
}
interface Doc {
  identity: { status: string; detail: string };
  childSas: Child[];
  dpd: { answered: boolean; detail: string } | null;
  cleanup: { ikeSaDeleted: boolean | null };
}

async function probe(lab: Lab, args: string[]): Promise<{ code: number | null; doc: Doc; out: string }> {
  const file = join(lab.dir, "psk.txt");
  writeFileSync(file, `${PSK}\n`, { mode: 0o600 });
  const r = await spawnIkeprobe(lab, [lab.gwAddr, "--ikev2", "--psk-file", file, ...args, "--json"], {}).done;
  const t = await spawnIkeprobe(lab, [lab.gwAddr, "--ikev2", "--psk-file", file, ...args], {}).done;
  for (const x of [r, t]) assert.ok(!x.stdout.includes(PSK) && !x.stderr.includes(PSK), "the PSK is never printed");
  assert.equal(t.code, r.code, "the table and the JSON run end alike");
  return { code: r.code, doc: r.json as Doc, out: t.stdout };
}

describe("IKEv2 CHILD SAs against strongSwan", { skip: e2eSkipReason() }, () => {
  let lab: Lab;
  before(async () => {
    lab = await startLab({
      ikeLogLevel: 4,
      connections: [{ name: "v2", version: 2, proposals: ["aes256gcm16-prfsha384-ecp384", "aes256-sha256-modp2048"], espProposals: ["aes256gcm16", "aes128-sha256-modp2048"], remoteTs: "203.0.113.0/24", psk: PSK, localId: "gw.lab.example", remoteId: "client.lab.example" }],
    });
  });
  after(async () => {
    await lab?.stop();
  });
  const base = ["--ike", "aes256gcm16-prfsha384-ecp384", "--id", "fqdn:client.lab.example"];

  test("IKE_AUTH's CHILD SA and a CREATE_CHILD_SA with PFS: accepted, with the keys charon derived; one refused with NO_PROPOSAL_CHOSEN; the liveness check answered; nothing left", async () => {
    const from = lab.log().length;
    const espKeys = join(lab.dir, "esp.keys");
    const r = await probe(lab, [...base, ...TS, "--esp", "aes128-sha256", "--esp", "aes128-sha256-modp2048", "--esp", "3des-sha1", "--show-keys", "--dpd", "--esp-keys", espKeys]);
    assert.equal(r.doc.identity.status, "authenticated", r.doc.identity.detail);
    const [first, pfs, refused] = r.doc.childSas;
    assert.equal(r.doc.childSas.length, 3);
    assert.deepEqual([first!.exchange, first!.status, first!.sa?.proposal, first!.sa?.narrowed], ["IKE_AUTH", "accepted", "aes128-sha256", false]);
    assert.deepEqual([first!.sa?.localTs, first!.sa?.remoteTs], [["203.0.113.0/24"], ["198.51.100.0/24"]]);
    assert.deepEqual([pfs!.exchange, pfs!.status, pfs!.sa?.proposal, pfs!.sa?.pfsGroup], ["CREATE_CHILD_SA", "accepted", "aes128-sha256-modp2048", "modp2048"]);
    assert.deepEqual([refused!.exchange, refused!.status, refused!.notify], ["CREATE_CHILD_SA", "refused", "NO_PROPOSAL_CHOSEN"]);
    assert.match(refused!.detail, /none of the ESP algorithms/);
    assert.equal(r.code, 1, "a refused CHILD SA fails the run");
    assert.equal(r.doc.dpd?.answered, true, r.doc.dpd?.detail);
    assert.equal(r.doc.cleanup.ikeSaDeleted, true);
    // charon's own KEYMAT (keymat_v2.c logs it at CHD level 4): the initiator's keys are our outbound ones.
    const d = parseCharonDumps(lab.log().slice(from));
    for (const [i, ch] of [first!, pfs!].entries()) {
      const k = ch.sa!.keys!;
      assert.equal(d["encryption initiator key"]?.[i], k.out.encryptionKey, `${ch.exchange}: our outbound encryption key is charon's initiator key`);
      assert.equal(d["encryption responder key"]?.[i], k.in.encryptionKey);
      assert.equal(d["integrity initiator key"]?.[i], k.out.integrityKey);
      assert.equal(d["integrity responder key"]?.[i], k.in.integrityKey);
    }
    assert.match(lab.log().slice(from), /CHILD_SA v2-child\{\d+\} established with SPIs/);
    // Wireshark's esp_sa table: both directions of both CHILD SAs.
    const lines = readFileSync(espKeys, "utf8").trim().split("\n");
    assert.equal(lines.length, 4);
    assert.equal(statSync(espKeys).mode & 0o777, 0o600);
    // (The file is the table run's, the second of probe(): its SPIs and keys are that run's.)
    assert.match(lines[0]!, new RegExp(`^"IPv4","${lab.clientAddr}","${lab.gwAddr}","0x[0-9a-f]{8}","AES-CBC \\[RFC3602\\]","0x[0-9a-f]{32}","HMAC-SHA-256-128 \\[RFC4868\\]","0x[0-9a-f]{64}"$`));
    assert.match(lines[1]!, new RegExp(`^"IPv4","${lab.gwAddr}","${lab.clientAddr}","0x[0-9a-f]{8}",`));
    assert.ok(!readFileSync(espKeys).includes(Buffer.from(PSK)), "no PSK in the ESP key file");
    assert.match(r.out, /CHILD SAs[\s\S]*aes128-sha256-modp2048[\s\S]*CREATE_CHILD_SA[\s\S]*accepted/);
    assert.equal(lab.swanctl(["--list-sas"]).trim(), "", "the DELETE of the IKE SA took its CHILD SAs");
  });

  test("selectors wider than the gateway's: narrowed to its subnets, and said so", async () => {
    const r = await probe(lab, [...base, "--esp", "aes256gcm16", "--local-ts", "203.0.0.0/16", "--remote-ts", "198.51.0.0/16"]);
    assert.equal(r.code, 0);
    const ch = r.doc.childSas[0]!;
    assert.equal(ch.status, "accepted", ch.detail);
    assert.deepEqual([ch.sa?.narrowed, ch.sa?.localTs, ch.sa?.remoteTs, ch.sa?.mismatches], [true, ["203.0.113.0/24"], ["198.51.100.0/24"], []]);
    assert.deepEqual(ch.asked.localTs, ["203.0.0.0/16"]);
    assert.match(r.out, /\(narrowed\)/);
  });

  test("selectors the gateway has no connection for: TS_UNACCEPTABLE, yet authenticated", async () => {
    const r = await probe(lab, [...base, "--esp", "aes256gcm16", "--local-ts", "10.99.0.0/24", "--remote-ts", "198.51.100.0/24"]);
    assert.equal(r.doc.identity.status, "authenticated");
    const ch = r.doc.childSas[0]!;
    assert.deepEqual([ch.exchange, ch.status, ch.notify, ch.sa], ["IKE_AUTH", "refused", "TS_UNACCEPTABLE", null]);
    assert.match(ch.detail, /--local-ts\/--remote-ts/);
    assert.equal(r.code, 1);
    assert.equal(r.doc.cleanup.ikeSaDeleted, true, "the IKE SA was set up all the same, and deleted");
    assert.match(r.out, /TS_UNACCEPTABLE/);
  });
});

describe("IKEv2 CHILD SA traffic the gateway encrypts, decrypted by tshark with our --esp-keys", { skip: e2eSkipReason([{ pkg: "tshark", binary: "tshark" }]) }, () => {
  let lab: Lab;
  before(async () => {
    lab = await startLab({ connections: [{ name: "v2", version: 2, proposals: ["aes256gcm16-prfsha384-ecp384"], espProposals: ["aes128gcm16", "aes128-sha256"], remoteTs: "203.0.113.0/24", psk: PSK, localId: "gw.lab.example", remoteId: "client.lab.example" }] });
  });
  after(async () => {
    await lab?.stop();
  });

  for (const esp of ["aes128gcm16", "aes128-sha256"]) {
    test(`${esp}: while --hold keeps the CHILD SA up, the gateway sends into our selector; tshark decrypts its ESP-in-UDP with our esp_sa file`, async () => {
      const pcap = join(lab.dir, `v2esp-${esp}.pcap`);
      const espKeys = join(lab.dir, `v2esp-${esp}.keys`);
      const psk = join(lab.dir, "psk-esp.txt");
      writeFileSync(psk, `${PSK}\n`, { mode: 0o600 });
      // ESP in UDP to our NAT-T port: this strongSwan claims a NAT.
      const r = await captureGatewayEsp(lab, pcap, () => spawnIkeprobe(lab, [lab.gwAddr, "--ikev2", "--ike", "aes256gcm16-prfsha384-ecp384", "--psk-file", psk, "--id", "fqdn:client.lab.example", "--esp", esp, ...TS, "--esp-keys", espKeys, "--hold", "3", "--json"], {}));
      assert.equal(r.code, 0, r.stderr);
      assertEspDecrypted(pcap, espKeys, (r.json as Doc).childSas[0]!.sa!.spiIn);
      assert.ok(!readFileSync(espKeys).includes(Buffer.from(PSK)), "no PSK in the ESP key file");
    });
  }
});

describe("IKEv2 CHILD SAs against libreswan (pluto 4.10)", { skip: libreswanSkipReason() }, () => {
  let lab: Lab;
  before(async () => {
    lab = await startLab({
      connections: [],
      libreswan: libreswanPsk({ ikev2: true, ike: "aes256-sha2_256;modp2048", rightid: "@client.lab.example", psk: PSK, extra: ["esp=aes128-sha2_256", "leftsubnet=198.51.100.0/24", "rightsubnet=203.0.113.0/24"] }),
    });
  });
  after(async () => {
    await lab?.stop();
  });

  test("selectors it has no connection for: TS_UNACCEPTABLE; an ESP proposal it lacks: NO_PROPOSAL_CHOSEN; ours as pluto read it", async () => {
    const base = ["--ike", "aes256-sha256-modp2048", "--id", "fqdn:client.lab.example"];
    const ts = await probe(lab, [...base, "--esp", "aes128-sha256", "--local-ts", "10.99.0.0/24", "--remote-ts", "198.51.100.0/24"]);
    assert.equal(ts.doc.identity.status, "authenticated", ts.doc.identity.detail);
    assert.deepEqual([ts.doc.childSas[0]?.status, ts.doc.childSas[0]?.notify], ["refused", "TS_UNACCEPTABLE"]);
    assert.equal(ts.code, 1);
    const np = await probe(lab, [...base, ...TS, "--esp", "aes256gcm16"]);
    assert.deepEqual([np.doc.childSas[0]?.status, np.doc.childSas[0]?.notify], ["refused", "NO_PROPOSAL_CHOSEN"]);
    assert.match(lab.log(), /no local proposal matches remote proposals 1:ESP:ENCR=AES_GCM_C_256;ESN=DISABLED/);
    // The configured selectors and proposal: pluto chooses our proposal with our SPI. This lab's
    // kernel has no ESP in xfrm, so pluto cannot install it and answers TS_UNACCEPTABLE all the same.
    const ok = await probe(lab, [...base, ...TS, "--esp", "aes128-sha256", "--show-keys"]);
    assert.equal(ok.doc.identity.status, "authenticated");
    const spi = /proposal 1:ESP=AES_CBC_128-HMAC_SHA2_256_128-DISABLED SPI=([0-9a-f]{8}) chosen from remote proposals 1:ESP:ENCR=AES_CBC_128;INTEG=HMAC_SHA2_256_128;ESN=DISABLED/.exec(lab.log());
    assert.ok(spi !== null, "pluto chose our ESP proposal");
    assert.equal(ok.doc.childSas[0]?.status, "refused");
    assert.equal(ok.doc.childSas[0]?.notify, "TS_UNACCEPTABLE");
    assert.match(ok.doc.childSas[0]!.detail, /kernel fails to install/);
  });
});
