#!/usr/bin/env node
// The floor: the least a Node program does for the probe's job, written with node:dgram
// and node:crypto only, for this one case. Main Mode 1-6 with aes256-sha256-modp2048 and a PSK
// (RFC 2409 §5.4), HASH_R verified, then an encrypted Informational DELETE of the ISAKMP SA.
// No options, no report: exit 0 when HASH_R verified and the DELETE left the socket.
//   node bench/floor.cjs GATEWAY PSK-FILE
"use strict";
const dgram = require("node:dgram");
const crypto = require("node:crypto");
const fs = require("node:fs");

const [gw, pskFile] = process.argv.slice(2);
const psk = fs.readFileSync(pskFile, "utf8").split("\n")[0];
const prf = (k, ...d) => crypto.createHmac("sha256", k).update(Buffer.concat(d)).digest();
const hash = (...d) => crypto.createHash("sha256").update(Buffer.concat(d)).digest();
const n16 = (n) => Buffer.from([n >> 8, n & 255]);
const n32 = (n) => Buffer.from([n >>> 24, (n >> 16) & 255, (n >> 8) & 255, n & 255]);
const tv = (t, v) => Buffer.concat([n16(0x8000 | t), n16(v)]);
const pl = (next, body) => Buffer.concat([Buffer.from([next, 0]), n16(body.length + 4), body]);
const ckyI = crypto.randomBytes(8);
let ckyR = Buffer.alloc(8);
const msg = (first, exch, flags, mid, body) => Buffer.concat([ckyI, ckyR, Buffer.from([first, 0x10, exch, flags]), n32(mid), n32(28 + body.length), body]);
const payloads = (buf, first, from) => {
  const out = {};
  for (let off = from, type = first; type !== 0 && off + 4 <= buf.length; ) {
    const len = buf.readUInt16BE(off + 2);
    out[type] = buf.subarray(off + 4, off + len);
    type = buf[off];
    off += len;
  }
  return out;
};
const aes = (enc, key, iv, data) => {
  const c = (enc ? crypto.createCipheriv : crypto.createDecipheriv)("aes-256-cbc", key, iv).setAutoPadding(false);
  return Buffer.concat([c.update(data), c.final()]);
};
// MODP values are 256 bytes on the wire and in the PRFs; OpenSSL drops leading zero bytes.
const p256 = (b) => Buffer.concat([Buffer.alloc(256 - b.length), b]);
const pad = (b) => Buffer.concat([b, Buffer.alloc(15 - (b.length % 16)), Buffer.from([15 - (b.length % 16)])]);

// SA: DOI IPsec, identity only; one proposal (ISAKMP), one transform (KEY_IKE): AES-256, SHA2-256, PSK, group 14, 8 h.
const attrs = Buffer.concat([tv(1, 7), tv(14, 256), tv(2, 4), tv(3, 1), tv(4, 14), tv(11, 1), n16(12), n16(4), n32(28800)]);
const transform = Buffer.concat([Buffer.from([0, 0]), n16(8 + attrs.length), Buffer.from([1, 1, 0, 0]), attrs]);
const saB = Buffer.concat([n32(1), n32(1), Buffer.from([0, 0]), n16(8 + transform.length), Buffer.from([1, 1, 0, 1]), transform]);

const sock = dgram.createSocket("udp4");
const ask = (m) => new Promise((res) => { sock.once("message", res); sock.send(m); });
sock.connect(500, gw, async () => {
  const mm2 = await ask(msg(1, 2, 0, 0, pl(0, saB)));
  ckyR = mm2.subarray(8, 16);
  const dh = crypto.getDiffieHellman("modp14");
  const gxi = p256(dh.generateKeys());
  const ni = crypto.randomBytes(32);
  const mm4 = await ask(msg(4, 2, 0, 0, Buffer.concat([pl(10, gxi), pl(0, ni)])));
  const p4 = payloads(mm4, mm4[16], 28);
  const gxr = p4[4];
  const gxy = p256(dh.computeSecret(gxr));
  const skeyid = prf(psk, ni, p4[10]);
  const d = prf(skeyid, gxy, ckyI, ckyR, Buffer.from([0]));
  const a = prf(skeyid, d, gxy, ckyI, ckyR, Buffer.from([1]));
  const key = prf(skeyid, a, gxy, ckyI, ckyR, Buffer.from([2]));
  const ip = sock.address().address.split(".").map(Number);
  const idB = Buffer.from([1, 0, 0, 0, ...ip]);
  const mm5ct = aes(true, key, hash(gxi, gxr).subarray(0, 16), pad(Buffer.concat([pl(8, idB), pl(0, prf(skeyid, gxi, gxr, ckyI, ckyR, saB, idB))])));
  const mm6 = await ask(msg(5, 2, 1, 0, mm5ct));
  const ct6 = mm6.subarray(28);
  const p6 = payloads(aes(false, key, mm5ct.subarray(-16), ct6), mm6[16], 0);
  if (!p6[8].equals(prf(skeyid, gxr, gxi, ckyR, ckyI, saB, p6[5]))) process.exit(1);
  const mid = crypto.randomBytes(4).readUInt32BE();
  const del = pl(0, Buffer.concat([n32(1), Buffer.from([1, 16]), n16(1), ckyI, ckyR]));
  const body = Buffer.concat([pl(12, prf(a, n32(mid), del)), del]);
  sock.send(msg(8, 5, 1, mid, aes(true, key, hash(ct6.subarray(-16), n32(mid)).subarray(0, 16), pad(body))), () => sock.close());
});
