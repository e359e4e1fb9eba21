/**
 * Diffie-Hellman for both versions' groups (RFC 2409 §6, RFC 3526, RFC 5114, RFC 5903, RFC 6954,
 * RFC 8031; IKEv1's 31 is strongSwan's private number for Curve25519, IKEv2's the registered one).
 *
 * Wire forms (RFC 7296 §3.4 for MODP, RFC 5903 §7 for ECP, RFC 8031 §3 for Curve25519/448): MODP
 * public values and g^xy are left-padded to the prime length; ECP (NIST and Brainpool) public values
 * are X|Y without the 0x04 prefix and g^xy is X only; Curve25519 and Curve448 are the raw 32- and
 * 56-byte keys. Peer values of the wrong length are refused before they reach OpenSSL. ML-KEM has no
 * implementation in Node 20's OpenSSL: its sizes are known (for offers), a key exchange is not.
 */
import {
  type KeyObject,
  createDiffieHellman,
  createDiffieHellmanGroup,
  createECDH,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
} from "node:crypto";
import { UnsupportedError, ProtocolError } from "../errors.js";
import { GROUP_BY_NUMBER } from "../data/algorithms.js";

export interface GroupInfo {
  number: number;
  kind: "modp" | "ecp" | "curve25519" | "curve448" | "mlkem";
  /** Bytes of the KE payload body. */
  keLength: number;
  /** Bits of security-relevant size (prime or curve). */
  bits: number;
}

const RFC5114: Record<number, { p: string; g: string }> = {
  22: {
    p: "B10B8F96A080E01DDE92DE5EAE5D54EC52C99FBCFB06A3C69A6A9DCA52D23B616073E28675A23D189838EF1E2EE652C013ECB4AEA906112324975C3CD49B83BFACCBDD7D90C4BD7098488E9C219A73724EFFD6FAE5644738FAA31A4FF55BCCC0A151AF5F0DC8B4BD45BF37DF365C1A65E68CFDA76D4DA708DF1FB2BC2E4A4371",
    g: "A4D1CBD5C3FD34126765A442EFB99905F8104DD258AC507FD6406CFF14266D31266FEA1E5C41564B777E690F5504F213160217B4B01B886A5E91547F9E2749F4D7FBD7D3B9A92EE1909D0D2263F80A76A6A24C087A091F531DBF0A0169B6A28AD662A4D18E73AFA32D779D5918D08BC8858F4DCEF97C2A24855E6EEB22B3B2E5",
  },
  23: {
    p: "AD107E1E9123A9D0D660FAA79559C51FA20D64E5683B9FD1B54B1597B61D0A75E6FA141DF95A56DBAF9A3C407BA1DF15EB3D688A309C180E1DE6B85A1274A0A66D3F8152AD6AC2129037C9EDEFDA4DF8D91E8FEF55B7394B7AD5B7D0B6C12207C9F98D11ED34DBF6C6BA0B2C8BBC27BE6A00E0A0B9C49708B3BF8A317091883681286130BC8985DB1602E714415D9330278273C7DE31EFDC7310F7121FD5A07415987D9ADC0A486DCDF93ACC44328387315D75E198C641A480CD86A1B9E587E8BE60E69CC928B2B9C52172E413042E9B23F10B0E16E79763C9B53DCF4BA80A29E3FB73C16B8E75B97EF363E2FFA31F71CF9DE5384E71B81C0AC4DFFE0C10E64F",
    g: "AC4032EF4F2D9AE39DF30B5C8FFDAC506CDEBE7B89998CAF74866A08CFE4FFE3A6824A4E10B9A6F0DD921F01A70C4AFAAB739D7700C29F52C57DB17C620A8652BE5E9001A8D66AD7C17669101999024AF4D027275AC1348BB8A762D0521BC98AE247150422EA1ED409939D54DA7460CDB5F6C6B250717CBEF180EB34118E98D119529A45D6F834566E3025E316A330EFBB77A86F0C1AB15B051AE3D428C8F8ACB70A8137150B8EEB10E183EDD19963DDD9E263E4770589EF6AA21E7F5F2FF381B539CCE3409D13CD566AFBB48D6C019181E1BCFE94B30269EDFE72FE9B6AA4BD7B5A0F1C71CFFF4C19C418E1F6EC017981BC087F2A7065B384B890D3191F2BFA",
  },
  24: {
    p: "87A8E61DB4B6663CFFBBD19C651959998CEEF608660DD0F25D2CEED4435E3B00E00DF8F1D61957D4FAF7DF4561B2AA3016C3D91134096FAA3BF4296D830E9A7C209E0C6497517ABD5A8A9D306BCF67ED91F9E6725B4758C022E0B1EF4275BF7B6C5BFC11D45F9088B941F54EB1E59BB8BC39A0BF12307F5C4FDB70C581B23F76B63ACAE1CAA6B7902D52526735488A0EF13C6D9A51BFA4AB3AD8347796524D8EF6A167B5A41825D967E144E5140564251CCACB83E6B486F6B3CA3F7971506026C0B857F689962856DED4010ABD0BE621C3A3960A54E710C375F26375D7014103A4B54330C198AF126116D2276E11715F693877FAD7EF09CADB094AE91E1A1597",
    g: "3FB32C9B73134D0B2E77506660EDBD484CA7B18F21EF205407F4793A1A0BA12510DBC15077BE463FFF4FED4AAC0BB555BE3A6C1B0C6B47B1BC3773BF7E8C6F62901228F8C28CBB18A55AE31341000A650196F931C77A57F2DDF463E5E9EC144B777DE62AAAB8A8628AC376D282D6ED3864E67982428EBC831D14348F6F2F9193B5045AF2767164E1DFC967C1FB3F2E55A4BD1BFFE83B9C80D052B985D182EA0ADB2A3B7313D3FE14C8484B1E052588B9B7D2BBD2DF016199ECD06E1557CD0915B3353BBB64E0EC377FD028370DF92B52C7891428CDC67EB6184B523D1DB246C32F63078490F00EF8D647D148D47954515E2327CFEF98C582664B4C0F6CC41659",
  },
};

export function groupInfo(n: number): GroupInfo | undefined {
  const g = GROUP_BY_NUMBER.get(n);
  if (g === undefined) return undefined;
  const keLength = g.keLength ?? (g.kind === "ecp" ? 2 * Math.ceil(g.bits / 8) : g.kind === "curve25519" ? 32 : g.kind === "curve448" ? 56 : g.bits / 8);
  return { number: n, kind: g.kind, keLength, bits: g.bits };
}

export interface KeyExchange {
  group: GroupInfo;
  /** Our public value as it goes in the KE payload body. */
  publicValue: Buffer;
  /** g^xy in the form the PRFs take. Throws ProtocolError for a peer value of the wrong size. */
  computeSecret(peer: Buffer): Buffer;
}

function leftPad(b: Buffer, len: number): Buffer {
  if (b.length === len) return b;
  if (b.length > len) throw new RangeError(`value of ${b.length} bytes exceeds ${len}`);
  return Buffer.concat([Buffer.alloc(len - b.length), b]);
}

function checkPeer(group: GroupInfo, peer: Buffer): void {
  if (peer.length !== group.keLength) {
    throw new ProtocolError(
      "bad-ke",
      `the gateway's KE value has ${peer.length} bytes; group ${group.number} needs ${group.keLength}`,
    );
  }
}

export function createKeyExchange(groupNumber: number): KeyExchange {
  const group = groupInfo(groupNumber);
  if (group === undefined) throw new UnsupportedError(`DH group ${groupNumber} is not supported by ikeprobe`);
  if (group.kind === "modp") {
    const std = GROUP_BY_NUMBER.get(groupNumber)?.node ?? undefined;
    const params = RFC5114[groupNumber];
    const dh = std !== undefined ? createDiffieHellmanGroup(std) : createDiffieHellman(Buffer.from(params!.p, "hex"), Buffer.from(params!.g, "hex"));
    dh.generateKeys();
    return {
      group,
      publicValue: leftPad(dh.getPublicKey(), group.keLength),
      computeSecret(peer) {
        checkPeer(group, peer);
        const big = BigInt(`0x${peer.toString("hex")}`);
        if (big <= 1n || big >= BigInt(`0x${dh.getPrime("hex")}`) - 1n) {
          throw new ProtocolError("bad-ke", `the gateway's KE value is not a valid group ${groupNumber} element (1, p-1 or out of range)`);
        }
        return leftPad(dh.computeSecret(peer), group.keLength);
      },
    };
  }
  if (group.kind === "ecp") {
    const spec = { curve: GROUP_BY_NUMBER.get(groupNumber)?.node ?? "", coord: group.keLength / 2 };
    const ecdh = createECDH(spec.curve);
    ecdh.generateKeys();
    return {
      group,
      publicValue: ecdh.getPublicKey().subarray(1),
      computeSecret(peer) {
        checkPeer(group, peer);
        try {
          return leftPad(ecdh.computeSecret(Buffer.concat([Buffer.from([4]), peer])), spec.coord);
        } catch (e) {
          throw new ProtocolError("bad-ke", `the gateway's KE value is not a point on ${spec.curve}`, { cause: e });
        }
      },
    };
  }
  if (group.kind === "mlkem") throw new UnsupportedError(`${GROUP_BY_NUMBER.get(groupNumber)?.tokens[0] ?? groupNumber}: ML-KEM is not in this Node's OpenSSL`);
  return montgomery(group, group.kind === "curve448" ? "x448" : "x25519");
}

/** X25519 or X448 (RFC 7748): raw little-endian keys, the shared secret as OpenSSL derives it. */
function montgomery(group: GroupInfo, curve: "x25519" | "x448"): KeyExchange {
  const crv = curve === "x448" ? "X448" : "X25519";
  const { publicKey, privateKey } = curve === "x448" ? generateKeyPairSync("x448") : generateKeyPairSync("x25519");
  const jwk = publicKey.export({ format: "jwk" });
  return {
    group,
    publicValue: Buffer.from(jwk.x ?? "", "base64url"),
    computeSecret(peer) {
      checkPeer(group, peer);
      let peerKey: KeyObject;
      try {
        peerKey = createPublicKey({ key: { kty: "OKP", crv, x: peer.toString("base64url") }, format: "jwk" });
        return diffieHellman({ privateKey, publicKey: peerKey });
      } catch (e) {
        throw new ProtocolError("bad-ke", `the gateway's ${curve === "x448" ? "Curve448" : "Curve25519"} value was refused by OpenSSL`, { cause: e });
      }
    },
  };
}
