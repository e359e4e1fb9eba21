/**
 * The Transaction exchange (type 6) under an ISAKMP SA: XAUTH and Mode-Config (draft-dukes-ike-mode-cfg-02, draft-beaulieu-ike-xauth-02).
 *
 *   HDR*(M-ID), HASH, ATTR      with HASH = prf(SKEYID_a, M-ID | ATTR payload)
 *
 * The ATTR payload is wire/v1/payloads/attribute.ts. A request and its reply share the
 * message ID and one IV chain; a new message ID starts from hash(phase-1 IV | M-ID). The IV chains
 * are kept per message ID, so a gateway that reuses one for the SET/ACK round works as well as one
 * that starts another.
 */
import { hashMessageId, messageIdIv } from "../../crypto/v1/keys.js";
import { lastBlock } from "../../crypto/cipher.js";
import { DecodeError, IkeprobeError } from "../../errors.js";
import { ExchangeType, PayloadType } from "../../wire/v1/constants.js";
import { type Message, encodeChain } from "../../wire/v1/message.js";
import { attributeName } from "../../wire/v1/attributes.js";
import { type AttributePayload as CfgPayload, decodeAttributePayload, encodeAttributePayload } from "../../wire/v1/payloads/attribute.js";
import { type IsakmpSa, nonZeroRandom, openProtected, sealProtected } from "./isakmp-sa.js";

export { CFG_TYPE_NAMES, CfgType, tlvAttr, tvAttr } from "../../wire/v1/payloads/attribute.js";
export { CfgAttr, attrInt } from "../../wire/v1/attributes.js";
export type { Attribute as CfgAttribute } from "../../wire/v1/attributes.js";
export type { AttributePayload as CfgPayload } from "../../wire/v1/payloads/attribute.js";

/** The Mode-Config/XAUTH name of an attribute type. */
export function cfgAttrName(type: number): string {
  return attributeName("config", type);
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
      return { messageId: mid, cfg: decodeAttributePayload(attr.body) };
    } catch (e) {
      if (e instanceof IkeprobeError || e instanceof DecodeError) return undefined;
      throw e;
    }
  }

  /** A protected Transaction message; `messageId` omitted starts a new transaction. */
  seal(cfg: CfgPayload, messageId?: number): { message: Buffer; messageId: number } {
    const mid = messageId ?? nonZeroRandom(4).readUInt32BE();
    const payloads = [{ type: PayloadType.ATTRIBUTE, body: encodeAttributePayload(cfg) }];
    const hash = hashMessageId(this.sa.hash, this.sa.keys.skeyidA, mid, encodeChain(payloads).bytes);
    const { message, ciphertext } = sealProtected(this.sa, ExchangeType.TRANSACTION, mid, this.iv(mid), hash, payloads);
    this.ivs.set(mid, lastBlock(ciphertext, this.sa.cipher.blockSize));
    return { message, messageId: mid };
  }
}
