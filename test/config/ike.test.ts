import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseIdentity } from "../../src/config/identity.ts";
import { parseDuration, parseIkeProposal, parseTrans, proposalToken } from "../../src/config/ike.ts";
import { UsageError } from "../../src/errors.ts";

describe("--ike in strongSwan syntax", () => {
  test("one transform per combination, strongSwan's tokens back out", () => {
    const ts = parseIkeProposal("aes128-aes256-sha1-sha256-modp2048", 1, 28800);
    assert.deepEqual(ts.map(proposalToken), ["aes128-sha1-modp2048", "aes128-sha256-modp2048", "aes256-sha1-modp2048", "aes256-sha256-modp2048"]);
    assert.deepEqual(ts[0], { encryption: 7, keyBits: 128, hash: 2, auth: 1, group: 14, lifetimeSeconds: 28800 });
  });

  test("every algorithm the issue names parses to the IANA numbers", () => {
    const cases: [string, number, number | undefined, number, number][] = [
      ["des-md5-modp768", 1, undefined, 1, 1],
      ["3des-sha1-modp1024", 5, undefined, 2, 2],
      ["aes192-sha384-modp1536", 7, 192, 5, 5],
      ["aes256-sha512-modp3072", 7, 256, 6, 15],
      ["blowfish-sha256-modp4096", 3, 128, 4, 16],
      ["cast128-sha256-modp6144", 6, 128, 4, 17],
      ["aes128-sha256-modp8192", 7, 128, 4, 18],
      ["aes128-sha256-ecp256", 7, 128, 4, 19],
      ["aes128-sha256-ecp384", 7, 128, 4, 20],
      ["aes128-sha256-ecp521", 7, 128, 4, 21],
      ["aes128-sha256-modp1024s160", 7, 128, 4, 22],
      ["aes128-sha256-modp2048s224", 7, 128, 4, 23],
      ["aes128-sha256-modp2048s256", 7, 128, 4, 24],
      ["aes128-sha256-curve25519", 7, 128, 4, 31],
    ];
    for (const [text, enc, bits, hash, group] of cases) {
      const [t] = parseIkeProposal(text, 1, 3600);
      assert.equal(t!.encryption, enc, text);
      assert.equal(t!.keyBits, bits, text);
      assert.equal(t!.hash, hash, text);
      assert.equal(t!.group, group, text);
      assert.equal(proposalToken(t!), text.replace("blowfish-", "blowfish128-"), "round trip of the tokens");
    }
  });

  test("PRF tokens are accepted (IKEv1 uses the hash's HMAC) and a trailing ! is ignored", () => {
    assert.equal(proposalToken(parseIkeProposal("aes256-sha256-prfsha256-modp2048!", 1, 1)[0]!), "aes256-sha256-modp2048");
  });

  test("mistakes name the option and the fix", () => {
    assert.throws(() => parseIkeProposal("aes256-sha256-modp9999", 1, 1), (e: unknown) => e instanceof UsageError && /unknown algorithm "modp9999"/.test(e.message));
    assert.throws(() => parseIkeProposal("aes256-modp2048", 1, 1), /needs a hash/);
    assert.throws(() => parseIkeProposal("", 1, 1), /--ike: empty proposal/);
  });
});

describe("--trans in ike-scan's form", () => {
  test("enc/bits,hash,auth,group", () => {
    assert.deepEqual(parseTrans("7/256,5,1,14", 28800), { encryption: 7, keyBits: 256, hash: 5, auth: 1, group: 14, lifetimeSeconds: 28800 });
    assert.deepEqual(parseTrans("5,2,65001,2", 60), { encryption: 5, hash: 2, auth: 65001, group: 2, lifetimeSeconds: 60 });
    assert.equal(parseTrans("7,2,1,2", 1).keyBits, 128);
  });
  test("bad forms", () => {
    for (const t of ["7/256,5,1", "a,b,c,d", "7,2,1,0", "7,2,1,70000"]) assert.throws(() => parseTrans(t, 1), UsageError, t);
  });
});

test("durations", () => {
  assert.equal(parseDuration("8h", "--lifetime"), 28800);
  assert.equal(parseDuration("30m", "--lifetime"), 1800);
  assert.equal(parseDuration("3600", "--lifetime"), 3600);
  assert.equal(parseDuration("1d", "--lifetime"), 86400);
  assert.throws(() => parseDuration("0", "--lifetime"), /between 1 second/);
  assert.throws(() => parseDuration("8 hours", "--lifetime"), /--lifetime 8 hours/);
});

test("identities", () => {
  assert.deepEqual(parseIdentity("fqdn:client.example"), { idType: 2, protocolId: 0, port: 0, data: Buffer.from("client.example") });
  assert.deepEqual(parseIdentity("ipv4:198.18.1.2").data, Buffer.from([198, 18, 1, 2]));
  assert.equal(parseIdentity("ipv6:2001:db8::1").data.length, 16);
  assert.equal(parseIdentity("user-fqdn:me@example.org").idType, 3);
  assert.deepEqual(parseIdentity("keyid:0x0102").data, Buffer.from([1, 2]));
  assert.deepEqual(parseIdentity("keyid:group1").data, Buffer.from("group1"));
  assert.throws(() => parseIdentity("dn:CN=x"), /TYPE one of/);
});
