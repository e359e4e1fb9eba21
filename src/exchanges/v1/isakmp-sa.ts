/**
 * An established ISAKMP SA and the protected messages sent under it after Phase 1 (Quick Mode,
 * Informational): HDR* with a fresh message ID, HASH first, IV = hash(phase-1 IV | M-ID) for the
 * first message of each exchange (RFC 2409 §5.5, Appendix B; RFC 2408 §4.8).
 */
import { type CipherSpec, decrypt, encrypt } from "../../crypto/cipher.js";
import { type Phase1Keys, hashMessageId, messageIdIv } from "../../crypto/v1/keys.js";
import type { HashAlg } from "../../crypto/prf.js";
import type { NatTVariant } from "../../data/vendor-ids.js";
import { IkeprobeError } from "../../errors.js";
import { DOI_IPSEC, ExchangeType, Flags, ISAKMP_VERSION, PayloadType, ProtocolId, notifyName } from "../../wire/v1/constants.js";
import { type Message, type RawPayload, decodeChain, decodeMessage, encodeChain, encodeMessage } from "../../wire/v1/message.js";
import { decodeDelete, encodeDelete } from "../../wire/v1/payloads/delete.js";
import { decodeNotification } from "../../wire/v1/payloads/notification.js";
import { randomBytes } from "node:crypto";

export interface Endpoint {
  address: string;
  port: number;
}

export interface IsakmpSa {
  hash: HashAlg;
  cipher: CipherSpec;
  keys: Phase1Keys;
  initiatorCookie: Buffer;
  responderCookie: Buffer;
  /** Last ciphertext block of the final Phase 1 message: seeds every later exchange's IV. */
  phase1LastBlock: Buffer;
  natVariant: NatTVariant | null;
  floated: boolean;
  local: Endpoint;
  remote: Endpoint;
}

export function nonZeroRandom(n: number): Buffer {
  for (;;) {
    const b = randomBytes(n);
    if (!b.equals(Buffer.alloc(n))) return b;
  }
}

export function header(sa: Pick<IsakmpSa, "initiatorCookie" | "responderCookie">, nextPayload: number, exchangeType: number, flags: number, messageId: number) {
  return { initiatorCookie: sa.initiatorCookie, responderCookie: sa.responderCookie, nextPayload, version: ISAKMP_VERSION, exchangeType, flags, messageId };
}

/** Encrypts `HASH | payloads` under the SA; returns the datagram and its ciphertext (for the IV chain). */
export function sealProtected(sa: IsakmpSa, exchangeType: number, messageId: number, iv: Buffer, hash: Buffer, payloads: { type: number; body: Buffer }[], flags = 0): { message: Buffer; ciphertext: Buffer } {
  const chain = encodeChain([{ type: PayloadType.HASH, body: hash }, ...payloads]);
  const ciphertext = encrypt(sa.cipher, sa.keys.encryptionKey, iv, chain.bytes);
  return { message: encodeMessage(header(sa, PayloadType.HASH, exchangeType, Flags.ENCRYPTION | flags, messageId), ciphertext), ciphertext };
}

/** Decrypts a protected message; throws ProtocolError/DecodeError when it does not decrypt to payloads. */
export function openProtected(sa: IsakmpSa, msg: Message, iv: Buffer): RawPayload[] {
  if (msg.ciphertext === undefined) throw new IkeprobeError("not-encrypted", "a message that should be encrypted came in clear");
  return decodeChain(decrypt(sa.cipher, sa.keys.encryptionKey, iv, msg.ciphertext), msg.header.nextPayload).payloads;
}

/** A protected Informational: HDR*, HASH(1), N/D... with HASH(1) = prf(SKEYID_a, M-ID | payloads). */
export function buildInformational(sa: IsakmpSa, payloads: { type: number; body: Buffer }[]): Buffer {
  const mid = nonZeroRandom(4).readUInt32BE();
  const hash = hashMessageId(sa.hash, sa.keys.skeyidA, mid, encodeChain(payloads).bytes);
  const iv = messageIdIv(sa.hash, sa.phase1LastBlock, mid, sa.cipher.blockSize);
  return sealProtected(sa, ExchangeType.INFORMATIONAL, mid, iv, hash, payloads).message;
}

export function isakmpDelete(sa: IsakmpSa): Buffer {
  return buildInformational(sa, [
    { type: PayloadType.DELETE, body: encodeDelete({ doi: DOI_IPSEC, protocolId: ProtocolId.ISAKMP, spiSize: 16, spis: [Buffer.concat([sa.initiatorCookie, sa.responderCookie])] }) },
  ]);
}

/** A datagram for this SA (our initiator cookie), decoded; undefined for anything else or anything malformed. */
export function messageFor(sa: IsakmpSa, datagram: Buffer): Message | undefined {
  if (datagram.length < 28 || !datagram.subarray(0, 8).equals(sa.initiatorCookie)) return undefined;
  try {
    return decodeMessage(datagram);
  } catch (e) {
    if (e instanceof IkeprobeError) return undefined;
    throw e;
  }
}

/** The content of a protected Informational datagram for this SA whose HASH verifies; else undefined. */
export function readInformationalDatagram(sa: IsakmpSa, datagram: Buffer): InformationalContent | undefined {
  const msg = messageFor(sa, datagram);
  return msg?.header.exchangeType === ExchangeType.INFORMATIONAL ? readInformational(sa, msg) : undefined;
}

export interface InformationalContent {
  messageId: number;
  notifies: { type: number; name: string; protocolId: number; spi: string; data: string }[];
  deletes: { protocolId: number; spis: string[] }[];
}

/**
 * Reads a protected Informational under the SA. Returns undefined when it does not decrypt or its
 * HASH(1) does not verify (then it is not from the peer holding our keys, or not for this SA).
 */
export function readInformational(sa: IsakmpSa, msg: Message, phase1LastBlock = sa.phase1LastBlock): InformationalContent | undefined {
  try {
    const iv = messageIdIv(sa.hash, phase1LastBlock, msg.header.messageId, sa.cipher.blockSize);
    const [hashP, ...rest] = openProtected(sa, msg, iv);
    if (hashP?.type !== PayloadType.HASH) return undefined;
    if (!hashP.body.equals(hashMessageId(sa.hash, sa.keys.skeyidA, msg.header.messageId, ...rest.map((p) => p.raw)))) return undefined;
    return {
      messageId: msg.header.messageId,
      notifies: rest
        .filter((p) => p.type === PayloadType.NOTIFICATION)
        .map((p) => decodeNotification(p.body))
        .map((n) => ({ type: n.notifyType, name: notifyName(n.notifyType), protocolId: n.protocolId, spi: n.spi.toString("hex"), data: n.data.toString("hex") })),
      deletes: rest
        .filter((p) => p.type === PayloadType.DELETE)
        .map((p) => decodeDelete(p.body))
        .map((d) => ({ protocolId: d.protocolId, spis: d.spis.map((s) => s.toString("hex")) })),
    };
  } catch (e) {
    if (e instanceof IkeprobeError) return undefined;
    throw e;
  }
}

