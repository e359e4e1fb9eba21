/**
 * The IKEv2 probe's IKE_AUTH with a PSK against real responders (strongSwan and libreswan in the
 * lab): the right PSK authenticates both ways and the IKE SA is deleted (the gateway's own SA list
 * is empty afterwards); a wrong PSK and an unknown ID read as a PSK mismatch from
 * AUTHENTICATION_FAILED; the PSK never appears in the output.
 */
import assert from "node:assert/strict";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { tsharkWithLines, tsharkWithProfile } from "../helpers/tshark.ts";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { type Lab, startLab } from "../lab/lab.ts";
import { e2eSkipReason } from "../lab/require.ts";
import { libreswanSkipReason } from "../lab/libreswan.ts";
import { libreswanPsk } from "../lab/libreswan-conn.ts";
import { spawnIkeprobe } from "../helpers/e2e.ts";

const PSK = "ikev2-auth-lab-secret";

interface Doc {
  ikeSa: { floated: boolean; natDetected: { local: boolean; gateway: boolean } | null };
  identity: { status: string; cause: string | null; remote: { type: string; value: string } | null; gatewayAuth: { method: string; verified: boolean | null } | null; notify?: string; detail: string };
  cleanup: { halfOpenLeft: number; ikeSaDeleted: boolean | null };
}

async function probe(lab: Lab, psk: string, args: string[]): Promise<{ code: number | null; doc: Doc; out: string }> {
  const file = join(lab.dir, `psk-${Math.random().toString(36).slice(2)}.txt`);
  writeFileSync(file, `${psk}\n`, { mode: 0o600 });
  const r = await spawnIkeprobe(lab, [lab.gwAddr, "--ikev2", "--psk-file", file, ...args, "--json"], {}).done;
  const t = await spawnIkeprobe(lab, [lab.gwAddr, "--ikev2", "--psk-file", file, ...args], {}).done;
  assert.ok(!r.stdout.includes(psk) && !r.stderr.includes(psk) && !t.stdout.includes(psk) && !t.stderr.includes(psk), "the PSK is never printed");
  assert.equal(t.code, r.code, "the table and the JSON run end alike");
  return { code: r.code, doc: r.json as Doc, out: t.stdout };
}

const skip = e2eSkipReason([{ pkg: "tshark", binary: "tshark" }]);

describe("IKEv2 IKE_AUTH with a PSK against strongSwan", { skip }, () => {
  let lab: Lab;
  before(async () => {
    lab = await startLab({ connections: [{ name: "v2", version: 2, proposals: ["aes256gcm16-prfsha384-ecp384", "aes256-sha256-modp2048"], psk: PSK, localId: "gw.lab.example", remoteId: "client.lab.example" }] });
  });
  after(async () => {
    await lab?.stop();
  });

  test("the right PSK: authenticated, the gateway's AUTH verified, the IKE SA deleted and gone from the gateway", async () => {
    const r = await probe(lab, PSK, ["--ike", "aes256gcm16-prfsha384-ecp384", "--id", "fqdn:client.lab.example"]);
    assert.equal(r.code, 0);
    assert.equal(r.doc.identity.status, "authenticated");
    assert.deepEqual(r.doc.identity.gatewayAuth, { method: "shared key", verified: true });
    assert.deepEqual(r.doc.identity.remote, { type: "fqdn", value: "gw.lab.example" });
    assert.deepEqual(r.doc.cleanup, { ...r.doc.cleanup, halfOpenLeft: 0, ikeSaDeleted: true });
    assert.match(r.out, /IKE_AUTH[\s\S]*AUTHENTICATED[\s\S]*shared key: verified/);
    assert.match(lab.log(), /IKE_SA v2\[\d+\] established between 198\.18\.1\.1\[gw\.lab\.example\]\.\.\.198\.18\.1\.2\[client\.lab\.example\]/);
    // This strongSwan claims a NAT (kernel-libipsec, "faking NAT situation"), so IKE_AUTH went to 4500 with the non-ESP marker.
    assert.deepEqual([r.doc.ikeSa.natDetected?.gateway, r.doc.ikeSa.floated], [true, true]);
    assert.match(lab.log(), /received packet: from 198\.18\.1\.2\[\d+\] to 198\.18\.1\.1\[4500\] \(\d+ bytes\)/);
    assert.equal(lab.swanctl(["--list-sas"]).trim(), "", "nothing of ours is left on the gateway");
  });

  test("tshark decrypts our IKE_AUTH, the gateway's answer and the DELETE with our --keys file, as a profile file and line by line; the PSK is in neither file", async () => {
    for (const ike of ["aes256gcm16-prfsha384-ecp384", "aes256-sha256-modp2048"]) {
      const pcap = join(lab.dir, `v2-${ike}.pcap`);
      const keys = join(lab.dir, `v2-${ike}.keys`);
      const r = await probe(lab, PSK, ["--ike", ike, "--id", "fqdn:client.lab.example", "--pcap", pcap, "--keys", keys]);
      assert.equal(r.code, 0);
      const line = readFileSync(keys, "utf8");
      assert.match(line, ike.includes("gcm") ? /^[0-9a-f]{16},[0-9a-f]{16},[0-9a-f]{72},[0-9a-f]{72},"AES-GCM-256 with 16 octet ICV \[RFC5282\]",,,"NONE \[RFC4306\]"\n$/ : /^[0-9a-f]{16},[0-9a-f]{16},[0-9a-f]{64},[0-9a-f]{64},"AES-CBC-256 \[RFC3602\]",[0-9a-f]{64},[0-9a-f]{64},"HMAC_SHA2_256_128 \[RFC4868\]"\n$/);
      assert.equal(statSync(keys).mode & 0o777, 0o600);
      for (const f of [keys, pcap]) assert.ok(!readFileSync(f).includes(Buffer.from(PSK)), `${f}: no PSK`);
      for (const t of [tsharkWithProfile(pcap, { ikev2: keys }), tsharkWithLines(pcap, { ikev2: keys })]) {
        assert.equal(t.status, 0, t.stderr);
        assert.doesNotMatch(t.stderr, /error|invalid/i);
        // Decrypted: our IDi and the gateway's IDr, its AUTH, and the Delete payload of the INFORMATIONAL.
        assert.match(t.stdout, /Identification Data:client\.lab\.example/);
        assert.match(t.stdout, /Identification Data:gw\.lab\.example/);
        assert.match(t.stdout, /Authentication Method: Shared Key Message Integrity Code \(2\)/);
        assert.match(t.stdout, /Payload: Delete \(42\)/);
      }
    }
  });

  test("CBC with HMAC: the same, with the other proposal", async () => {
    const r = await probe(lab, PSK, ["--ike", "aes256-sha256-modp2048", "--id", "fqdn:client.lab.example"]);
    assert.equal(r.doc.identity.status, "authenticated");
    assert.equal(r.doc.identity.gatewayAuth?.verified, true);
  });

  test("a wrong PSK and an unknown ID: AUTHENTICATION_FAILED, a PSK mismatch that names the ID lookup; exit 1", async () => {
    for (const [psk, id] of [[`${PSK}-wrong`, "fqdn:client.lab.example"], [PSK, "fqdn:stranger.lab.example"]] as const) {
      const r = await probe(lab, psk, ["--ike", "aes256gcm16-prfsha384-ecp384", "--id", id]);
      assert.equal(r.code, 1);
      assert.equal(r.doc.identity.status, "psk-mismatch");
      assert.equal(r.doc.identity.cause, "authentication-failed");
      assert.equal(r.doc.identity.notify, "AUTHENTICATION_FAILED");
      assert.match(r.doc.identity.detail, /looks the PSK up by our ID \(fqdn:/);
      assert.equal(r.doc.cleanup.ikeSaDeleted, null);
    }
    assert.equal(lab.swanctl(["--list-sas"]).trim(), "");
  });
});

describe("IKEv2 --auth eap against strongSwan (remote auth eap-md5, eap_id %any)", { skip }, () => {
  let lab: Lab;
  before(async () => {
    lab = await startLab({ connections: [{ name: "eap", version: 2, proposals: ["aes256gcm16-prfsha384-ecp384"], psk: PSK, localId: "gw.lab.example", remoteId: "%any", remoteAuth: "eap-md5" }] });
  });
  after(async () => {
    await lab?.stop();
  });

  test("the gateway's EAP method found (Identity, then MD5-Challenge), its PSK AUTH verified, the exchange ended with EAP Failure; nothing left", async () => {
    const r = await probe(lab, PSK, ["--ike", "aes256gcm16-prfsha384-ecp384", "--auth", "eap", "--id", "fqdn:alice.lab.example"]);
    assert.equal(r.code, 0, r.doc.identity.detail);
    const id = r.doc.identity as Doc["identity"] & { eap?: { methods: string[]; method: string | null; ended: string } };
    assert.deepEqual([id.status, id.cause], ["eap-required", "eap-request"]);
    assert.deepEqual(id.eap?.methods, ["Identity", "MD5-Challenge"]);
    assert.equal(id.eap?.method, "MD5-Challenge");
    assert.match(id.eap!.ended, /EAP Failure/);
    assert.deepEqual(id.gatewayAuth, { method: "shared key", verified: true });
    assert.deepEqual(id.remote, { type: "fqdn", value: "gw.lab.example" });
    assert.match(r.out, /EAP-REQUIRED[\s\S]*Identity then MD5-Challenge/);
    // charon's side: it asked for the identity we sent, then MD5; our Nak ended it.
    assert.match(lab.log(), /received EAP identity 'alice\.lab\.example'/);
    assert.match(lab.log(), /initiating EAP_MD5 method[\s\S]*received EAP_NAK, sending EAP_FAILURE[\s\S]*IKE_SA eap\[\d+\] state change: CONNECTING => DESTROYING/);
    assert.equal(lab.swanctl(["--list-sas"]).trim(), "", "nothing of ours is left on the gateway");
  });
});

const lsSkip = libreswanSkipReason();

describe("IKEv2 IKE_AUTH with a PSK against libreswan (pluto 4.10)", { skip: lsSkip }, () => {
  let lab: Lab;
  before(async () => {
    lab = await startLab({
      connections: [],
      libreswan: libreswanPsk({ ikev2: true, ike: "aes256-sha2_256;modp2048", rightid: "@client.lab.example", psk: PSK, extra: ["esp=aes128-sha2_256"] }),
    });
  });
  after(async () => {
    await lab?.stop();
  });

  test("the right PSK: authenticated both ways; a wrong one: a PSK mismatch", async () => {
    const ok = await probe(lab, PSK, ["--ike", "aes256-sha256-modp2048", "--id", "fqdn:client.lab.example"]);
    assert.equal(ok.doc.identity.status, "authenticated", ok.doc.identity.detail);
    assert.equal(ok.doc.ikeSa.floated, false, "no NAT between the namespaces, none claimed: IKE_AUTH stays on 500");
    // --nat-t force: IKE_AUTH on 4500 with the non-ESP marker; pluto answers there.
    const forced = await probe(lab, PSK, ["--ike", "aes256-sha256-modp2048", "--id", "fqdn:client.lab.example", "--nat-t", "force"]);
    assert.deepEqual([forced.doc.ikeSa.floated, forced.doc.identity.status, forced.doc.cleanup.ikeSaDeleted], [true, "authenticated", true]);
    assert.deepEqual(ok.doc.identity.gatewayAuth, { method: "shared key", verified: true });
    assert.deepEqual(ok.doc.identity.remote, { type: "fqdn", value: "gw.lab.example" });
    assert.equal(ok.doc.cleanup.ikeSaDeleted, true, "pluto answered our DELETE");
    const bad = await probe(lab, `${PSK}-wrong`, ["--ike", "aes256-sha256-modp2048", "--id", "fqdn:client.lab.example"]);
    assert.equal(bad.doc.identity.status, "psk-mismatch", bad.doc.identity.detail);
    assert.equal(bad.code, 1);
  });
});
