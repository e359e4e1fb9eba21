/**
 * CHILD SAs: the --esp syntax for IKEv2, selectors from the IKEv1 form to IKEv2 ranges and back to
 * strongSwan's notation, the CREATE_CHILD_SA request's payloads (RFC 7296 §1.3.1), and how a
 * gateway's answer is checked against what was asked (§2.7, §2.9).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { childProposalToken, parseChildProposal } from "../../src/config/ikev2.ts";
import { parseTrafficSelector, selectorV2 } from "../../src/config/traffic-selector.ts";
import { unprotect, type SkSuite } from "../../src/crypto/v2/sk.ts";
import { anySelector, describeTs, encodeCreateChildSa, espProposal, hostSelector } from "../../src/exchanges/v2/child-sa.ts";
import type { ProtectedAnswer } from "../../src/exchanges/v2/ike-auth.ts";
import { UsageError } from "../../src/errors.ts";
import { askedReport, readChild } from "../../src/probe/ikev2-child.ts";
import { decodeChain } from "../../src/wire/chain.ts";
import { Ikev2Exchange, Ikev2Notify, Ikev2Payload } from "../../src/wire/v2/constants.ts";
import { decodeIkev2Message } from "../../src/wire/v2/message.ts";
import { decodeKe } from "../../src/wire/v2/payloads/key-exchange.ts";
import { ikeNotify } from "../../src/wire/v2/payloads/notify.ts";
import { decodeSa } from "../../src/wire/v2/payloads/sa.ts";
import { decodeTs } from "../../src/wire/v2/payloads/traffic-selector.ts";

describe("--esp for IKEv2", () => {
  test("strongSwan's esp_proposals syntax: IKEv2 transform IDs, AEAD without integrity, PFS groups, ESN", () => {
    // ENCR_AES_CBC 12 with 256 bits, AUTH_HMAC_SHA2_256_128 12, MODP 2048 is 14 (RFC 7296 §3.3.2, IANA).
    assert.deepEqual(parseChildProposal("aes256-sha256-modp2048"), { ciphers: [{ token: "aes256", id: 12, keyLength: 256, aead: false }], integs: [12], groups: [14], esn: [0] });
    // ENCR_AES_GCM_16 is 20 (RFC 5282 §7).
    const gcm = parseChildProposal("aes128gcm16-aes256gcm16-esn-noesn");
    assert.deepEqual(gcm.ciphers.map((c) => [c.id, c.keyLength]), [[20, 128], [20, 256]]);
    assert.deepEqual([gcm.integs, gcm.esn], [[], [1, 0]]);
    assert.equal(childProposalToken(gcm), "aes128gcm16-aes256gcm16-esn-noesn");
    // ENCR_NULL is 11 (RFC 7296 §3.3.2): integrity-only ESP.
    assert.deepEqual(parseChildProposal("null-sha1").ciphers, [{ token: "null", id: 11, aead: false }]);
    assert.equal(childProposalToken(parseChildProposal("aes256-sha256-modp2048")), "aes256-sha256-modp2048");
  });

  test("what cannot be an ESP proposal is a usage error naming --esp and the fix", () => {
    const bad: [string, RegExp][] = [
      ["aes256gcm16-sha256", /AEAD cipher: drop the integrity/],
      ["aes256", /needs an integrity algorithm/],
      ["sha256", /no cipher/],
      ["aes256-sha256-prfsha256", /is a PRF/],
      ["aes256-sha256-bogus", /unknown token "bogus"/],
      ["aes256-aes128gcm16-sha256", /AEAD and non-AEAD/],
      ["", /empty proposal/],
    ];
    for (const [text, re] of bad) {
      assert.throws(() => parseChildProposal(text), (e: unknown) => e instanceof UsageError && re.test(e.message) && e.message.startsWith("--esp"), text);
    }
  });
});

describe("traffic selectors for IKEv2", () => {
  test("a subnet, an address, a range and a port become address and port ranges, and print as strongSwan prints them", () => {
    const v = (t: string) => selectorV2(parseTrafficSelector(t, "--local-ts"));
    const net = v("203.0.113.0/24");
    assert.deepEqual([net.tsType, net.startAddress, net.endAddress, net.startPort, net.endPort], [7, Buffer.from([203, 0, 113, 0]), Buffer.from([203, 0, 113, 255]), 0, 65535]);
    assert.equal(describeTs(net), "203.0.113.0/24");
    assert.equal(describeTs(v("198.51.100.7[tcp/443]")), "198.51.100.7/32[tcp/443]");
    assert.equal(describeTs(v("10.0.0.1-10.0.0.9[udp]")), "10.0.0.1..10.0.0.9[udp]");
    assert.equal(describeTs(v("10.0.0.0-10.0.0.255")), "10.0.0.0/24", "a range that is one block prints as the block");
    const v6 = v("2001:db8::/32");
    assert.deepEqual([v6.tsType, v6.endAddress.toString("hex")], [8, "20010db8ffffffffffffffffffffffff"]);
    assert.equal(describeTs(v6), "2001:db8::/32");
    assert.equal(describeTs(anySelector(false)), "0.0.0.0/0");
    assert.equal(describeTs(anySelector(true)), "::/0");
    assert.equal(describeTs(hostSelector(Buffer.from([198, 18, 1, 2]))), "198.18.1.2/32");
    assert.equal(describeTs({ ...net, startPort: 1000, endPort: 2000, ipProtocol: 17 }), "203.0.113.0/24[udp/1000-2000]");
    assert.match(describeTs({ ...net, startAddress: Buffer.alloc(3), endAddress: Buffer.alloc(3) }), /^ts-type-7:/, "odd address lengths print raw");
  });
});

describe("CREATE_CHILD_SA", () => {
  const suite: SkSuite = { cipher: { id: 20, keyLength: 128 }, integ: null };
  const keys = { encKey: Buffer.alloc(20, 7), integKey: Buffer.alloc(0) };
  const spiI = Buffer.alloc(8, 1);
  const spiR = Buffer.alloc(8, 2);
  const offer = parseChildProposal("aes128-sha256-modp2048-ecp256");
  const tsi = [selectorV2(parseTrafficSelector("203.0.113.0/24", "--local-ts"))];
  const tsr = [selectorV2(parseTrafficSelector("198.51.100.0/16", "--remote-ts"))];

  test("the request: SA with our SPI and KE transforms, Ni, KEi, TSi, TSr (§1.3.1); IKE_AUTH's proposal carries no KE", () => {
    const spi = Buffer.from("0a0b0c0d", "hex");
    const m = encodeCreateChildSa({ spiI, spiR, messageId: 2, proposal: espProposal(offer, spi, { withGroups: true }), nonce: Buffer.alloc(32, 5), ke: { group: 14, data: Buffer.alloc(256, 3) }, tsi, tsr, transport: true }, suite, keys);
    const d = decodeIkev2Message(m);
    assert.deepEqual([d.header.exchangeType, d.header.messageId, d.header.flags], [Ikev2Exchange.CREATE_CHILD_SA, 2, 0x08]);
    const p = unprotect(m, d.raw.length - d.payloads.at(-1)!.raw.length, suite, keys);
    const inner = decodeChain(p.chain, p.firstType).payloads;
    assert.deepEqual(inner.map((x) => x.type), [Ikev2Payload.NOTIFY, Ikev2Payload.SA, Ikev2Payload.NONCE, Ikev2Payload.KE, Ikev2Payload.TSI, Ikev2Payload.TSR]);
    const sa = decodeSa(inner[1]!.body).proposals[0]!;
    assert.deepEqual([sa.protocolId, sa.spi], [3, spi]);
    assert.deepEqual(sa.transforms.map((t) => [t.type, t.id, t.keyLength]), [[1, 12, 128], [3, 12, undefined], [4, 14, undefined], [4, 19, undefined], [5, 0, undefined]]);
    assert.equal(decodeKe(inner[3]!.body).group, 14);
    assert.equal(describeTs(decodeTs(inner[5]!.body).selectors[0]!), "198.51.0.0/16");
    assert.deepEqual(espProposal(offer, spi, { withGroups: false }).transforms.map((t) => t.type), [1, 3, 5]);
  });

  const base = (): ProtectedAnswer => ({ idr: null, auth: null, certs: [], certReqs: [], eap: null, nonce: null, ke: null, child: null, errors: [], status: [], unknownCritical: [], unreadable: [], warnings: [] });
  const ask = { text: "aes128-sha256-modp2048-ecp256", offer, tsi, tsr, transport: false };
  const spiIn = Buffer.from("11223344", "hex");
  const chosen = (transforms: { type: number; id: number; keyLength?: number }[], spi = Buffer.from("55667788", "hex")) => ({ number: 1, protocolId: 3, spi, transforms });

  test("an answer within what was asked: accepted, narrowed when the gateway granted less", () => {
    const granted = [selectorV2(parseTrafficSelector("198.51.100.0/24", "--remote-ts"))];
    const r = readChild(askedReport(ask, "CREATE_CHILD_SA"), ask, spiIn, { ...base(), child: { proposal: chosen([{ type: 1, id: 12, keyLength: 128 }, { type: 3, id: 12 }, { type: 4, id: 19 }, { type: 5, id: 0 }]), tsi, tsr: granted, transport: false } }, undefined, { showKeys: false, pfsGroup: 19 });
    assert.equal(r.report.status, "accepted", r.report.detail);
    assert.deepEqual({ ...r.report.sa, mismatches: r.report.sa!.mismatches }, { proposal: "aes128-sha256-ecp256", encryption: "aes128", integrity: "sha256", pfsGroup: "ecp256", esn: false, mode: "tunnel", spiIn: "11223344", spiOut: "55667788", localTs: ["203.0.113.0/24"], remoteTs: ["198.51.100.0/24"], narrowed: true, mismatches: [] });
  });

  test("an answer that breaks the rules is an error or a mismatch, never accepted as if asked", () => {
    const read = (transforms: { type: number; id: number; keyLength?: number }[], more: Partial<NonNullable<ProtectedAnswer["child"]>> = {}, pfsGroup: number | null = 19) =>
      readChild(askedReport(ask, "CREATE_CHILD_SA"), ask, spiIn, { ...base(), child: { proposal: chosen(transforms), tsi, tsr, transport: false, ...more } }, undefined, { showKeys: false, pfsGroup }).report;
    const ok = [{ type: 1, id: 12, keyLength: 128 }, { type: 3, id: 12 }, { type: 5, id: 0 }];
    assert.match(read([{ type: 1, id: 12, keyLength: 256 }, { type: 3, id: 12 }, { type: 5, id: 0 }]).detail, /encryption aes256 was not offered/);
    assert.match(read([...ok, { type: 1, id: 20, keyLength: 128 }]).detail, /more than one transform/);
    assert.match(read([...ok, { type: 4, id: 14 }]).detail, /PFS group modp2048 differs from the KE sent \(ecp256\)/);
    assert.match(read([...ok, { type: 4, id: 14 }], {}, null).detail, /chosen where no KE was sent/);
    assert.match(read([{ type: 1, id: 12, keyLength: 128 }, { type: 3, id: 12 }, { type: 5, id: 1 }]).detail, /ESN 1 was not offered/);
    assert.equal(read([{ type: 1, id: 12, keyLength: 128 }, { type: 3, id: 12 }, { type: 5, id: 1 }]).status, "error");
    const wide = read(ok, { tsr: [anySelector(false)], transport: true });
    assert.equal(wide.status, "accepted");
    assert.deepEqual(wide.sa?.mismatches, ["TSr 0.0.0.0/0 is wider than what we asked for", "tunnel mode asked for, the gateway answered USE_TRANSPORT_MODE"]);
  });

  test("refusals carry the notify and what it means; an answer with neither SA nor reason is an error", () => {
    for (const [n, re] of [[Ikev2Notify.TS_UNACCEPTABLE, /--local-ts\/--remote-ts/], [Ikev2Notify.NO_PROPOSAL_CHOSEN, /ESP algorithms/], [Ikev2Notify.SINGLE_PAIR_REQUIRED, /single addresses/], [Ikev2Notify.INTERNAL_ADDRESS_FAILURE, /internal/], [Ikev2Notify.FAILED_CP_REQUIRED, /configuration request/]] as const) {
      const r = readChild(askedReport(ask, "IKE_AUTH"), ask, spiIn, { ...base(), errors: [ikeNotify(n)] }, undefined, { showKeys: false, pfsGroup: null }).report;
      assert.equal(r.status, "refused");
      assert.match(r.detail, re);
    }
    const none = readChild(askedReport(ask, "IKE_AUTH"), ask, spiIn, base(), undefined, { showKeys: false, pfsGroup: null }).report;
    assert.deepEqual([none.status, none.detail], ["error", "the answer sets up no CHILD SA and gives no reason"]);
  });
});
