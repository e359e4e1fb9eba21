/**
 * The Transaction exchange (type 6) under an ISAKMP SA: XAUTH and Mode-Config (IKEV1.md §2.5, §4.4).
 *
 *   HDR*(M-ID), HASH, ATTR      with HASH = prf(SKEYID_a, M-ID | ATTR payload)
 *
 * ATTR body: type (1 CFG_REQUEST, 2 CFG_REPLY, 3 CFG_SET, 4 CFG_ACK), reserved, identifier (2),
 * then attributes in the data-attribute encoding (TV or TLV). A request and its reply share the
 * message ID and one IV chain; a new message ID starts from hash(phase-1 IV | M-ID). The IV chains
 * are kept per message ID, so a gateway that reuses one for the SET/ACK round works as well as one
 * that starts another.
 */
import { hashMessageId, messageIdIv } from "../crypto/keys.js";
import { lastBlock } from "../crypto/cipher.js";
import { DecodeError, IkeprobeError } from "../errors.js";
import { ExchangeType, PayloadType } from "../wire/constants.js";
import { type Message, encodeChain } from "../wire/message.js";
import { Reader } from "../wire/reader.js";
import { Writer } from "../wire/writer.js";
import { type IsakmpSa, nonZeroRandom, openProtected, sealProtected } from "./isakmp-sa.js";

export const CfgType = { REQUEST: 1, REPLY: 2, SET: 3, ACK: 4 } as const;
export const CFG_TYPE_NAMES: Readonly<Record<number, string>> = { 1: "CFG_REQUEST", 2: "CFG_REPLY", 3: "CFG_SET", 4: "CFG_ACK" };

/** Mode-Config and XAUTH attribute types (IKEV1.md §4.4). */
export const CfgAttr = {
  INTERNAL_IP4_ADDRESS: 1,
  INTERNAL_IP4_NETMASK: 2,
  INTERNAL_IP4_DNS: 3,
  INTERNAL_IP4_NBNS: 4,
  INTERNAL_ADDRESS_EXPIRY: 5,
  INTERNAL_IP4_DHCP: 6,
  APPLICATION_VERSION: 7,
  INTERNAL_IP6_ADDRESS: 8,
  INTERNAL_IP6_NETMASK: 9,
  INTERNAL_IP6_DNS: 10,
  INTERNAL_IP6_NBNS: 11,
  INTERNAL_IP6_DHCP: 12,
  INTERNAL_IP4_SUBNET: 13,
  SUPPORTED_ATTRIBUTES: 14,
  INTERNAL_IP6_SUBNET: 15,
  XAUTH_TYPE: 16520,
  XAUTH_USER_NAME: 16521,
  XAUTH_USER_PASSWORD: 16522,
  XAUTH_PASSCODE: 16523,
  XAUTH_MESSAGE: 16524,
  XAUTH_CHALLENGE: 16525,
  XAUTH_DOMAIN: 16526,
  XAUTH_STATUS: 16527,
  XAUTH_NEXT_PIN: 16528,
  XAUTH_ANSWER: 16529,
  UNITY_BANNER: 28672,
  UNITY_SAVE_PASSWD: 28673,
  UNITY_DEF_DOMAIN: 28674,
  UNITY_SPLIT_DOMAIN: 28675,
  UNITY_SPLIT_INCLUDE: 28676,
  UNITY_NATT_PORT: 28677,
  UNITY_SPLIT_EXCLUDE: 28678,
  UNITY_PFS: 28679,
  UNITY_FW_TYPE: 28680,
  UNITY_BACKUP_SERVERS: 28681,
  UNITY_DDNS_HOSTNAME: 28682,
} as const;

export function cfgAttrName(type: number): string {
  for (const [k, v] of Object.entries(CfgAttr)) if (v === type) return k;
  return `ATTRIBUTE-${type}`;
}

/** One configuration attribute; `value` holds the raw bytes (TV values as 2 bytes), `tv` how it came. */
export interface CfgAttribute {
  type: number;
  value: Buffer;
  tv: boolean;
}

export interface CfgPayload {
  cfgType: number;
  identifier: number;
  attributes: CfgAttribute[];
}

export function encodeCfg(p: CfgPayload): Buffer {
  const w = new Writer().u8(p.cfgType).u8(0).u16(p.identifier);
  for (const a of p.attributes) {
    if (a.tv) {
      if (a.value.length !== 2) throw new RangeError(`attribute ${a.type}: a TV value has 2 bytes`);
      w.u16(0x8000 | a.type).bytes(a.value);
    } else w.u16(a.type).u16(a.value.length).bytes(a.value);
  }
  return w.finish();
}

export function decodeCfg(body: Buffer): CfgPayload {
  const r = new Reader(body, 0, body.length, PayloadType.ATTRIBUTE);
  const cfgType = r.u8("attribute payload type");
  r.u8("reserved");
  const identifier = r.u16("identifier");
  const attributes: CfgAttribute[] = [];
  while (r.remaining > 0) {
    const t = r.u16("attribute type");
    if ((t & 0x8000) !== 0) attributes.push({ type: t & 0x7fff, value: Buffer.from(r.bytes(2, "attribute value")), tv: true });
    else {
      const len = r.u16("attribute length");
      attributes.push({ type: t, value: Buffer.from(r.bytes(len, "attribute value")), tv: false });
    }
  }
  return { cfgType, identifier, attributes };
}

export function tvAttr(type: number, value: number): CfgAttribute {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(value);
  return { type, value: b, tv: true };
}

export function tlvAttr(type: number, value: Buffer | string = Buffer.alloc(0)): CfgAttribute {
  return { type, value: typeof value === "string" ? Buffer.from(value, "utf8") : value, tv: false };
}

/** The numeric value of a TV (or short TLV) attribute. */
export function attrInt(a: CfgAttribute): number {
  return a.value.length === 0 ? 0 : a.value.readUIntBE(0, Math.min(a.value.length, 6));
}

export interface TransactionIn {
  messageId: number;
  cfg: CfgPayload;
}

/** Keeps the IV chain of every Transaction message ID under one ISAKMP SA. */
export class TransactionCodec {
  private readonly sa: IsakmpSa;
  private readonly ivs = new Map<number, Buffer>();

  constructor(sa: IsakmpSa) {
    this.sa = sa;
  }

  private iv(messageId: number): Buffer {
    return this.ivs.get(messageId) ?? messageIdIv(this.sa.hash, this.sa.phase1LastBlock, messageId, this.sa.cipher.blockSize);
  }

  /**
   * Decrypts and verifies a Transaction message. Undefined when it does not decrypt, its HASH does not
   * verify (not from the peer holding our keys), or it carries no ATTR payload.
   */
  open(msg: Message): TransactionIn | undefined {
    if (msg.header.exchangeType !== ExchangeType.TRANSACTION || msg.ciphertext === undefined) return undefined;
    const mid = msg.header.messageId;
    try {
      const [hashP, ...rest] = openProtected(this.sa, msg, this.iv(mid));
      if (hashP?.type !== PayloadType.HASH) return undefined;
      if (!hashP.body.equals(hashMessageId(this.sa.hash, this.sa.keys.skeyidA, mid, ...rest.map((p) => p.raw)))) return undefined;
      const attr = rest.find((p) => p.type === PayloadType.ATTRIBUTE);
      if (attr === undefined) return undefined;
      this.ivs.set(mid, lastBlock(msg.ciphertext, this.sa.cipher.blockSize));
      return { messageId: mid, cfg: decodeCfg(attr.body) };
    } catch (e) {
      if (e instanceof IkeprobeError || e instanceof DecodeError) return undefined;
      throw e;
    }
  }

  /** A protected Transaction message; `messageId` omitted starts a new transaction. */
  seal(cfg: CfgPayload, messageId?: number): { message: Buffer; messageId: number } {
    const mid = messageId ?? nonZeroRandom(4).readUInt32BE();
    const payloads = [{ type: PayloadType.ATTRIBUTE, body: encodeCfg(cfg) }];
    const hash = hashMessageId(this.sa.hash, this.sa.keys.skeyidA, mid, encodeChain(payloads).bytes);
    const { message, ciphertext } = sealProtected(this.sa, ExchangeType.TRANSACTION, mid, this.iv(mid), hash, payloads);
    this.ivs.set(mid, lastBlock(ciphertext, this.sa.cipher.blockSize));
    return { message, messageId: mid };
  }
}
