/**
 * Quick Mode end to end against a real strongSwan (test/lab/lab.ts). The gateway has two IKEv1
 * connections told apart by our identity: "tun" (tunnel mode, 198.51.100.0/24 behind the gateway,
 * 203.0.113.0/24 behind us) and "tra" (transport mode between the peers). kernel-libipsec, the only
 * ESP this kernel offers, installs tunnel-mode SAs only: the gateway negotiates transport mode, then
 * fails to install it and deletes it, which ikeprobe must see and report.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { type Lab, startLab } from "../lab/lab.ts";
import { e2eSkipReason } from "../lab/require.ts";
import { sasWhen, spawnIkeprobe } from "../helpers/e2e.ts";
import { tsharkWithLines, tsharkWithProfile } from "../helpers/tshark.ts";
import { assertEspDecrypted, captureGatewayEsp } from "../helpers/esp-capture.ts";

const PSK = "qm-lab-secret-41x";
const skip = e2eSkipReason([{ pkg: "tshark", binary: "tshark" }]);
const TS = ["--local-ts", "203.0.113.0/24", "--remote-ts", "198.51.100.0/24"];

describe("Quick Mode against a real strongSwan", { skip }, () => {
  let lab: Lab;

  before(async () => {
    lab = await startLab({
      connections: [
        {
          name: "tun",
          proposals: ["aes256-sha256-modp2048"],
          psk: PSK,
          localId: "gw.lab.example",
          remoteId: "client.lab.example",
          espProposals: ["aes256-sha256-modp2048", "aes128-sha1", "aes128gcm16-ecp256"],
          localTs: "198.51.100.0/24",
          remoteTs: "203.0.113.0/24",
          childLifeSeconds: 3600,
        },
        { name: "tra", proposals: ["aes256-sha256-modp2048"], psk: PSK, localId: "gw.lab.example", remoteId: "transport.lab.example", espProposals: ["aes128-sha1"], localTs: "dynamic", remoteTs: "dynamic", mode: "transport" },
      ],
    });
  });
  after(async () => {
    await lab?.stop();
    assert.ok(!spawnSync("ip", ["netns", "list"], { encoding: "utf8" }).stdout.includes(lab.gwNs), "namespaces deleted");
  });

  const start = (args: string[]): ReturnType<typeof spawnIkeprobe> => spawnIkeprobe(lab, [lab.gwAddr, "--ike", "aes256-sha256-modp2048", "--json", ...args], { IKEPROBE_PSK: PSK });
  const sasWhenLab = (pred: (t: string) => boolean, ms = 4000): Promise<string> => sasWhen(lab, pred, ms);

  test("accepted and rejected proposals in one run, with and without PFS; the gateway holds the same CHILD SAs, SPIs swapped, and none after cleanup", async () => {
    const { done } = start(["--id", "fqdn:client.lab.example", "--esp", "aes256-sha256-modp2048", "--esp", "aes128-sha1", "--esp", "3des-md5", "--esp", "aes128gcm16-ecp256", "--esp-lifetime", "1h", ...TS, "--hold", "2"]);
    const during = await sasWhenLab((t) => (t.match(/INSTALLED/g) ?? []).length >= 3);
    const r = await done;
    assert.equal(r.code, 1, "one proposal refused -> exit 1");
    const ps = r.json.phase2.proposals;
    assert.deepEqual(
      ps.map((p: { proposal: string; status: string; notify?: string }) => [p.proposal, p.status, p.notify ?? null]),
      [
        ["aes256-sha256-modp2048", "accepted", null],
        ["aes128-sha1", "accepted", null],
        ["3des-md5", "rejected", "NO-PROPOSAL-CHOSEN"],
        ["aes128gcm16-ecp256", "accepted", null],
      ],
    );
    const expect: Record<string, { sw: string; pfs: string | null; integrity: string | null }> = {
      "aes256-sha256-modp2048": { sw: "ESP:AES_CBC-256/HMAC_SHA2_256_128/MODP_2048", pfs: "modp2048", integrity: "sha256" },
      "aes128-sha1": { sw: "ESP:AES_CBC-128/HMAC_SHA1_96", pfs: null, integrity: "sha1" },
      "aes128gcm16-ecp256": { sw: "ESP:AES_GCM_16-128/ECP_256", pfs: "ecp256", integrity: null },
    };
    // Each CHILD SA block of `swanctl --list-sas`: header line, then "in SPI", "out SPI", selectors.
    const blocks = during.split(/\n(?=\s{2}\S+-child: #)/).slice(1);
    for (const p of ps.filter((x: { status: string }) => x.status === "accepted")) {
      const sa = p.sa;
      assert.equal(sa.mode, "tunnel");
      assert.equal(sa.encapsulation, "udp-tunnel");
      assert.equal(sa.pfsGroup, expect[p.proposal]!.pfs);
      assert.equal(sa.integrity, expect[p.proposal]!.integrity);
      assert.equal(sa.localTs, "203.0.113.0/24");
      assert.equal(sa.remoteTs, "198.51.100.0/24");
      assert.equal(sa.lifetimeSeconds, 3600);
      const block = blocks.find((b) => b.includes(`in  ${sa.spiOut}`));
      assert.ok(block, `gateway has a CHILD SA whose inbound SPI is our outbound ${sa.spiOut}:\n${during}`);
      assert.match(block, new RegExp(`out ${sa.spiIn}`), "and whose outbound SPI is our inbound");
      assert.ok(block.includes(expect[p.proposal]!.sw), `${expect[p.proposal]!.sw} in\n${block}`);
      assert.match(block, /TUNNEL-in-UDP/);
      const expires = Number(/expires in (\d+)s/.exec(block)?.[1]);
      assert.ok(expires > 3590 && expires <= 3600, `gateway lifetime ${expires} s, ours ${sa.lifetimeSeconds} s`);
      assert.match(block, /local {2}198\.51\.100\.0\/24/);
      assert.match(block, /remote 203\.0\.113\.0\/24/);
    }
    assert.equal(r.json.cleanup.childSasDeleted.length, 6);
    const afterText = await sasWhenLab((t) => t.trim() === "");
    assert.equal(afterText.trim(), "", "nothing of ours left on the gateway");
  });

  test("selectors the gateway has no policy for are a proxy ID mismatch", async () => {
    const r = await start(["--id", "fqdn:client.lab.example", "--esp", "aes128-sha1", "--local-ts", "10.99.0.0/24", "--remote-ts", "198.51.100.0/24"]).done;
    assert.equal(r.code, 1);
    const p = r.json.phase2.proposals[0];
    assert.equal(p.status, "rejected");
    assert.equal(p.notify, "INVALID-ID-INFORMATION");
    assert.match(p.detail, /proxy ID mismatch: the gateway has no policy for 10\.99\.0\.0\/24 <-> 198\.51\.100\.0\/24/);
  });

  test("one selector given: the other is the peer's own address", async () => {
    const r = await start(["--id", "fqdn:client.lab.example", "--esp", "aes128-sha1", "--remote-ts", "198.51.100.0/24"]).done;
    assert.match(r.json.phase2.proposals[0].detail, new RegExp(`no policy for ${lab.clientAddr.replace(/\./g, "\\.")}/32 <-> 198\\.51\\.100\\.0/24`));
  });

  test("no selectors: the gateway looks for a policy between the peer addresses", async () => {
    const r = await start(["--id", "fqdn:client.lab.example", "--esp", "aes128-sha1"]).done;
    assert.equal(r.json.phase2.proposals[0].notify, "INVALID-ID-INFORMATION");
    assert.match(r.json.phase2.proposals[0].detail, /we sent no selectors/);
  });

  test("transport mode is negotiated (UDP-encapsulated transport, NAT-OA); the gateway's DELETE is decrypted and reported", async () => {
    const r = await start(["--id", "fqdn:transport.lab.example", "--esp", "aes128-sha1", "--mode", "transport"]).done;
    const p = r.json.phase2.proposals[0];
    assert.equal(p.status, "accepted");
    assert.equal(p.sa.mode, "transport");
    assert.equal(p.sa.encapsulation, "udp-transport");
    assert.equal(p.sa.localTs, `${lab.clientAddr}/32`);
    assert.equal(p.sa.remoteTs, `${lab.gwAddr}/32`);
    // kernel-libipsec cannot install transport mode, so charon deletes the SA at once.
    assert.ok(r.json.informational.some((i: { deletes: { protocolId: number; spis: string[] }[] }) => i.deletes.some((d) => d.protocolId === 3 && (d.spis.includes(p.sa.spiIn) || d.spis.includes(p.sa.spiOut)))));
    assert.equal(p.sa.deletedByGateway, true);
    assert.match(r.json.warnings.join(), /deleted the IPsec SA/);
  });

  test("tshark decrypts our Quick Mode messages with our key files, loaded as profile files and line by line", async () => {
    const pcap = join(lab.dir, "qm.pcap");
    const keys = join(lab.dir, "qm-keys.txt");
    const espKeys = join(lab.dir, "qm-esp-keys.txt");
    const r = await start(["--id", "fqdn:client.lab.example", "--esp", "aes256-sha256-modp2048", "--esp", "aes128gcm16-ecp256", ...TS, "--pcap", pcap, "--keys", keys, "--esp-keys", espKeys]).done;
    assert.equal(r.code, 0, r.stderr);
    assert.match(readFileSync(keys, "utf8"), /^[0-9a-f]{16},[0-9a-f]{64}\n$/, "exactly one ikev1_decryption_table record");
    const esp = readFileSync(espKeys, "utf8").split("\n").filter((l) => l !== "");
    assert.equal(esp.length, 4, "one esp_sa record per direction of each ESP SA");
    const [cbc, gcm] = r.json.phase2.proposals.map((p: { sa: { spiIn: string; spiOut: string } }) => p.sa);
    assert.ok(esp.some((l) => l.startsWith(`"IPv4","${lab.clientAddr}","${lab.gwAddr}","0x${cbc.spiOut}","AES-CBC [RFC3602]","0x`) && l.includes(`"HMAC-SHA-256-128 [RFC4868]","0x`)));
    assert.ok(esp.some((l) => l.startsWith(`"IPv4","${lab.gwAddr}","${lab.clientAddr}","0x${cbc.spiIn}","AES-CBC [RFC3602]"`)));
    assert.ok(esp.some((l) => l.includes(`"0x${gcm.spiOut}","AES-GCM with 16 octet ICV [RFC4106]","0x`) && l.endsWith(`"NULL",""`)));
    for (const t of [tsharkWithProfile(pcap, { ikev1: keys, espSa: espKeys }), tsharkWithLines(pcap, { ikev1: keys, espSa: espKeys })]) {
      assert.equal(t.status, 0, t.stderr);
      assert.doesNotMatch(t.stderr, /must be|error|invalid/i);
      const frames = t.stdout.split(/^Frame \d+:/m).slice(1);
      const qm = frames.filter((f) => /Exchange type: Quick Mode \(32\)/.test(f));
      assert.equal(qm.length, 6, "QM1, QM2, QM3 twice");
      assert.match(qm[0]!, /Payload: Security Association \(1\)/);
      assert.match(qm[0]!, /Payload: Key Exchange \(4\)/);
      assert.match(qm[0]!, /ID type: IPV4_ADDR_SUBNET \(4\)/);
      assert.match(qm[0]!, /Identification Data:203\.0\.113\.0\/255\.255\.255\.0/);
      assert.match(qm[1]!, /Payload: Nonce \(10\)/);
      assert.match(qm[2]!, /Payload: Hash \(8\)/);
    }
  });
});

describe("ESP traffic the gateway encrypts, decrypted by tshark with our --esp-keys", { skip }, () => {
  let lab: Lab;
  before(async () => {
    lab = await startLab({
      connections: [
        { name: "tun", proposals: ["aes256-sha256-modp2048"], psk: PSK, localId: "gw.lab.example", remoteId: "client.lab.example", espProposals: ["aes128-sha256", "aes128gcm16"], localTs: "198.51.100.0/24", remoteTs: "203.0.113.0/24" },
      ],
    });
  });
  after(async () => {
    await lab?.stop();
  });

  for (const esp of ["aes128-sha256", "aes128gcm16"]) {
    test(`${esp}: while --hold keeps the SA up, the gateway sends into our selector; tshark decrypts its ESP with our file`, async () => {
      const pcap = join(lab.dir, `esp-${esp}.pcap`);
      const espKeys = join(lab.dir, `esp-${esp}.keys`);
      const r = await captureGatewayEsp(lab, pcap, () => spawnIkeprobe(lab, [lab.gwAddr, "--ike", "aes256-sha256-modp2048", "--id", "fqdn:client.lab.example", "--esp", esp, ...TS, "--esp-keys", espKeys, "--hold", "3", "--json"], { IKEPROBE_PSK: PSK }));
      assert.equal(r.code, 0, r.stderr);
      assert.ok(r.json.stats.ignored >= 3, "the ESP packets reached our socket (not IKE: ignored)");
      assertEspDecrypted(pcap, espKeys, r.json.phase2.proposals[0].sa.spiIn);
    });
  }
});
