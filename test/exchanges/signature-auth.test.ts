/**
 * The signature module against what a hostile or broken gateway can put in message 6 / AM2: no
 * SIG, a SIG of garbage, no certificate (and none given), a CERT that is not DER, a certificate
 * whose key does not fit the method. Each is a ProofCheck, never an exception. Keys are generated
 * here; the signatures are checked by node:crypto's own verify where it can (RSA).
 */
import assert from "node:assert/strict";
import { constants, createHash, generateKeyPairSync, publicDecrypt } from "node:crypto";
import { test } from "node:test";
import { signatureMethod, sign, verify } from "../../src/crypto/signature.ts";
import { hashAlg } from "../../src/crypto/prf.ts";
import { signatureAuth } from "../../src/exchanges/v1/phase1/auth/signature.ts";
import type { AuthContext } from "../../src/exchanges/v1/phase1/auth.ts";
import { PayloadType } from "../../src/wire/v1/constants.ts";
import { encodeCertificate } from "../../src/wire/v1/payloads/certificate.ts";
import { pemBlocks } from "../../src/x509/pem.ts";
import { readFileSync } from "node:fs";

const h = hashAlg(4);
const ctx: AuthContext = {
  hash: h,
  keys: { skeyid: Buffer.alloc(32, 1), skeyidD: Buffer.alloc(32), skeyidA: Buffer.alloc(32), skeyidE: Buffer.alloc(32), encryptionKey: Buffer.alloc(32) },
  gxi: Buffer.alloc(256, 2),
  gxr: Buffer.alloc(256, 3),
  initiatorCookie: Buffer.alloc(8, 4),
  responderCookie: Buffer.alloc(8, 5),
  saiB: Buffer.from("00000001000000010000", "hex"),
} as AuthContext;
const idir = Buffer.from("02000000", "hex");

test("RSA: our signature is PKCS #1 v1.5 type 1 padding of the bare hash, as node:crypto's publicDecrypt recovers it", () => {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const hash = createHash("sha256").update("HASH_I").digest();
  const sig = sign("rsa", privateKey, hash);
  assert.equal(sig.length, 256);
  assert.deepEqual(publicDecrypt({ key: publicKey, padding: constants.RSA_PKCS1_PADDING }, sig), hash);
  assert.equal(verify("rsa", publicKey, hash, sig), true);
  assert.equal(verify("rsa", publicKey, hash, Buffer.alloc(256)), false, "garbage is false, not a throw");
  assert.equal(verify("rsa", publicKey, hash, Buffer.alloc(3)), false);
});

test("ECDSA: r | s of the curve's size; verifies; garbage and wrong curves are false", () => {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const hash = createHash("sha256").update("HASH_R").digest();
  const sig = sign("ecdsa256", privateKey, hash);
  assert.equal(sig.length, 64);
  assert.equal(verify("ecdsa256", publicKey, hash, sig), true);
  assert.equal(verify("ecdsa256", publicKey, Buffer.alloc(32), sig), false);
  assert.equal(verify("ecdsa256", publicKey, hash, Buffer.alloc(64, 0xff)), false);
  assert.equal(verify("ecdsa384", publicKey, hash, sig), false, "a P-256 key does not make ecdsa384 signatures");
  const p384 = generateKeyPairSync("ec", { namedCurve: "P-384" });
  assert.equal(verify("ecdsa384", p384.publicKey, createHash("sha384").update("x").digest(), sign("ecdsa384", p384.privateKey, createHash("sha384").update("x").digest())), true);
});

test("the gateway's proof: a missing SIG, no certificate, garbage CERT, a key of the wrong type, a forged SIG; each a ProofCheck", () => {
  const rsa = signatureAuth(signatureMethod(3)!, {});
  assert.equal(rsa.canProve, false, "no credentials");
  assert.deepEqual(rsa.verify(ctx, idir, []), { kind: "missing", what: "SIG_R" });
  const raw = (type: number, body: Buffer) => ({ type, body, raw: body });
  const sig = raw(PayloadType.SIG, Buffer.alloc(256, 7));
  assert.equal(rsa.verify(ctx, idir, [sig]).kind, "unverifiable");
  const junk = raw(PayloadType.CERT, encodeCertificate({ encoding: 4, data: Buffer.from("30820100deadbeef", "hex") }));
  const r = rsa.verify(ctx, idir, [junk, sig]);
  assert.equal(r.kind, "unverifiable");
  assert.match((r as { why: string }).why, /sent no certificate \(or none we can read\)/);
  // Certificates a real strongSwan sent (the KAT fixtures): an EC one for an rsa exchange, an RSA one with a forged SIG.
  const fixture = (k: string): { certificates: { gateway: string } } => JSON.parse(readFileSync(new URL(`../fixtures/strongswan-sig-${k}.json`, import.meta.url), "utf8"));
  const cert = (pem: string) => raw(PayloadType.CERT, encodeCertificate({ encoding: 4, data: pemBlocks(pem, "CERTIFICATE")[0]! }));
  const wrongType = rsa.verify(ctx, idir, [cert(fixture("ecdsa").certificates.gateway), sig]);
  assert.equal(wrongType.kind, "unverifiable");
  assert.match((wrongType as { why: string }).why, /does not fit the method: an ec key cannot make RSA signatures/);
  const forged = rsa.verify(ctx, idir, [cert(fixture("rsa").certificates.gateway), sig]);
  assert.equal(forged.kind, "mismatch");
  assert.equal((forged as { signature?: { verified: boolean } }).signature?.verified, false);
  const viaGatewayCert = signatureAuth(signatureMethod(3)!, { gatewayCert: pemBlocks(fixture("rsa").certificates.gateway, "CERTIFICATE")[0]! }).verify(ctx, idir, [sig]);
  assert.equal(viaGatewayCert.kind, "mismatch", "--gateway-cert supplies the key when the gateway sends none");
});

test("our CERTREQ: one per --ca anchor, else one for any authority; the hybrid method proves with HASH_I", () => {
  const any = signatureAuth(signatureMethod(3)!, {}).requests();
  assert.equal(any.length, 1);
  assert.deepEqual(any[0], { type: PayloadType.CR, body: Buffer.from([4]) });
  const two = signatureAuth(signatureMethod(3)!, { authorities: [Buffer.from("3000", "hex"), Buffer.from("3001", "hex")] }).requests();
  assert.deepEqual(two.map((p) => p.body.toString("hex")), ["043000", "043001"]);
  const hybrid = signatureAuth(signatureMethod(64221)!, {});
  assert.equal(hybrid.canProve, true, "only the gateway signs");
  const proof = hybrid.proof(ctx, Buffer.from("02000000", "hex"));
  assert.deepEqual(proof.map((p) => p.type), [PayloadType.HASH]);
});
