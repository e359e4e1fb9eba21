import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { keymatLengths, parseEspLifetime, parsePhase2Proposal, phase2Token } from "../../src/config/esp.ts";
import { parseDuration } from "../../src/config/ike.ts";
import { describeSelector, parseTrafficSelector, selectorId } from "../../src/config/traffic-selector.ts";
import { UsageError } from "../../src/errors.ts";

const base = { lifetimeSeconds: 3600, mode: "tunnel" as const };

describe("--esp / --ah in strongSwan syntax", () => {
  test("the issue's examples", () => {
    const [pfs] = parsePhase2Proposal("esp", "aes256-sha256-modp2048", base);
    assert.deepEqual(pfs, { protocol: "esp", transformId: 12, keyBits: 256, authAlg: 5, pfsGroup: 14, esn: false, lifetimeSeconds: 3600, mode: "tunnel" });
    const [nopfs] = parsePhase2Proposal("esp", "aes128-sha1", base);
    assert.equal(nopfs!.pfsGroup, undefined);
    assert.equal(nopfs!.authAlg, 2);
    const [gcm] = parsePhase2Proposal("esp", "aes128gcm16-modp2048", base);
    assert.deepEqual([gcm!.transformId, gcm!.keyBits, gcm!.authAlg, gcm!.pfsGroup], [20, 128, undefined, 14]);
    const [nul] = parsePhase2Proposal("esp", "null-sha256", base);
    assert.deepEqual([nul!.transformId, nul!.authAlg], [11, 5]);
    const [ah] = parsePhase2Proposal("ah", "sha256", base);
    assert.deepEqual([ah!.protocol, ah!.transformId, ah!.authAlg], ["ah", 5, 5]);
  });

  test("combinations expand, tokens round-trip", () => {
    const ps = parsePhase2Proposal("esp", "aes128-aes256-sha1-sha256-modp2048-ecp256", base);
    assert.equal(ps.length, 8);
    assert.deepEqual(ps.slice(0, 2).map(phase2Token), ["aes128-sha1-modp2048", "aes128-sha1-ecp256"]);
    for (const t of ["aes256-sha256-modp2048", "aes128gcm16", "aes256gcm12-ecp384", "3des-md5", "null-sha512", "aes128ctr-sha256", "aes128-sha1-esn"]) {
      assert.equal(phase2Token(parsePhase2Proposal("esp", t, base)[0]!), t);
    }
    assert.equal(phase2Token(parsePhase2Proposal("esp", "aes128gcm128", base)[0]!), "aes128gcm16", "bit spelling of the ICV");
  });

  test("mistakes name the option and the fix", () => {
    assert.throws(() => parsePhase2Proposal("esp", "aes128gcm16-sha256", base), /AEAD cipher: drop the integrity/);
    assert.throws(() => parsePhase2Proposal("esp", "aes128", base), /needs an integrity algorithm/);
    assert.throws(() => parsePhase2Proposal("esp", "sha256", base), /needs an encryption algorithm/);
    assert.throws(() => parsePhase2Proposal("ah", "aes128-sha256", base), (e: unknown) => e instanceof UsageError && /--ah aes128-sha256: unknown algorithm "aes128"/.test(e.message));
    assert.throws(() => parsePhase2Proposal("esp", "aes128-sha999", base), /unknown algorithm "sha999"/);
  });

  test("KEYMAT lengths: salt for GCM and CTR, none for NULL encryption", () => {
    const len = (t: string, proto: "esp" | "ah" = "esp") => keymatLengths(parsePhase2Proposal(proto, t, base)[0]!);
    assert.deepEqual(len("aes128-sha1"), { enc: 16, integ: 20 });
    assert.deepEqual(len("aes256-sha512"), { enc: 32, integ: 64 });
    assert.deepEqual(len("aes128gcm16"), { enc: 20, integ: 0 });
    assert.deepEqual(len("aes256ctr-sha256"), { enc: 36, integ: 32 });
    assert.deepEqual(len("3des-md5"), { enc: 24, integ: 16 });
    assert.deepEqual(len("null-sha384"), { enc: 0, integ: 48 });
    assert.deepEqual(len("sha256", "ah"), { enc: 0, integ: 32 });
  });

  test("--esp-lifetime time[/kilobytes]", () => {
    assert.deepEqual(parseEspLifetime("1h", parseDuration), { seconds: 3600 });
    assert.deepEqual(parseEspLifetime("8h/4000000", parseDuration), { seconds: 28800, kilobytes: 4000000 });
    assert.throws(() => parseEspLifetime("1h/lots", parseDuration), /--esp-lifetime 1h\/lots/);
  });
});

describe("traffic selectors", () => {
  test("subnets are normalised to their network; addresses, ranges, IPv6, protocol and port", () => {
    const cases: [string, number, string][] = [
      ["203.0.113.0/24", 4, "203.0.113.0/24"],
      ["203.0.113.77/24", 4, "203.0.113.0/24"],
      ["198.51.100.7", 1, "198.51.100.7/32"],
      ["10.0.0.1-10.0.0.9", 7, "10.0.0.1-10.0.0.9"],
      ["2001:db8::/48", 6, "2001:db8::/48"],
      ["2001:db8::5", 5, "2001:db8::5/128"],
      ["203.0.113.0/24[tcp/443]", 4, "203.0.113.0/24[tcp/443]"],
      ["203.0.113.0/24[udp]", 4, "203.0.113.0/24[udp]"],
      ["0.0.0.0/0[17/500]", 4, "0.0.0.0/0[udp/500]"],
      ["198.51.100.0/24[tcp/https]", 4, "198.51.100.0/24[tcp/443]"],
    ];
    for (const [text, type, shown] of cases) {
      const t = parseTrafficSelector(text, "--local-ts");
      assert.equal(t.idType, type, text);
      assert.equal(t.text, shown, text);
      assert.equal(describeSelector(selectorId(t)), shown);
    }
  });

  test("mistakes", () => {
    for (const bad of ["203.0.113.0/33", "not-an-address", "10.0.0.1-2001:db8::1", "203.0.113.0/24[tcp/99999]", "203.0.113.0/24[frob]"]) {
      assert.throws(() => parseTrafficSelector(bad, "--remote-ts"), (e: unknown) => e instanceof UsageError && e.message.startsWith(`--remote-ts ${bad}`), bad);
    }
  });

  test("a hostile ID is shown raw, not thrown", () => {
    assert.equal(describeSelector({ idType: 4, protocolId: 0, port: 0, data: Buffer.from("0102", "hex") }), "id-type-4:0102");
  });
});
