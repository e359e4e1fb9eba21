/**
 * A scripted Main Mode responder for unit tests and for the bundle step's warm-up (bundle.ts runs
 * a whole probe against it so that V8's code cache holds messages 2-6 too): it builds the answers
 * a gateway would send, and lets a test break them (wrong lengths, wrong keys, notifies, garbage). It uses ikeprobe's own
 * codec and crypto, so it proves nothing about interoperability (the KAT and end-to-end tests do
 * that); it exists for the hostile and broken cases a real gateway will not produce on demand.
 */
import { type KeyObject, constants, privateEncrypt, randomBytes } from "node:crypto";
import { type CipherSpec, cipherSpec, decrypt, encrypt, lastBlock } from "../crypto/cipher.js";
import { type KeyExchange, createKeyExchange } from "../crypto/dh.js";
import { type Phase1Keys, derivePhase1Keys, hashI, hashMessageId, hashR, messageIdIv, natD, phase1Iv, skeyidPsk, skeyidSig } from "../crypto/v1/keys.js";
import { type HashAlg, hashAlg } from "../crypto/prf.js";
import { Phase1Attr, attrNumber } from "../wire/v1/attributes.js";
import { ExchangeType, Flags, PayloadType } from "../wire/v1/constants.js";
import { type Message, decodeChain, decodeMessage, encodeChain, encodeMessage } from "../wire/v1/message.js";
import { encodeId } from "../wire/v1/payloads/identification.js";
import { ipToBytes } from "../wire/ip.js";
import { encodeNotification } from "../wire/v1/payloads/notification.js";
import { type SecurityAssociation, decodeSa, encodeSa } from "../wire/v1/payloads/sa.js";
import { type IsakmpSa, buildInformational, openProtected, sealProtected } from "../exchanges/v1/isakmp-sa.js";
import { qmHash2 } from "../exchanges/v1/quick-mode.js";

export const VID_RFC3947 = Buffer.from("4a131c81070358455c5728f20e95452f", "hex");

type Payloads = { type: number; body: Buffer }[];

export class ScriptedGateway {
  readonly responderCookie = randomBytes(8);
  initiatorCookie: Buffer = Buffer.alloc(8);
  private saiB: Buffer = Buffer.alloc(0);
  private sa?: SecurityAssociation;
  private h?: HashAlg;
  private spec?: CipherSpec;
  private kex?: KeyExchange;
  private gxi: Buffer = Buffer.alloc(0);
  private ni: Buffer = Buffer.alloc(0);
  /** The gateway's nonce (24 bytes unless a test needs another length, e.g. strongSwan's 32). */
  nr = randomBytes(24);
  keys?: Phase1Keys;
  private iv: Buffer = Buffer.alloc(0);
  private lastMm5: Buffer = Buffer.alloc(0);
  psk: Buffer;
  natTVid = true;

  constructor(psk = "gateway-psk") {
    this.psk = Buffer.from(psk);
  }

  private header(next: number, exch: number, flags: number, mid: number) {
    return { initiatorCookie: this.initiatorCookie, responderCookie: this.responderCookie, nextPayload: next, version: 0x10, exchangeType: exch, flags, messageId: mid };
  }

  plain(payloads: Payloads, exch: number = ExchangeType.IDENTITY_PROTECTION, mid = 0): Buffer {
    const c = encodeChain(payloads);
    return encodeMessage(this.header(c.firstType, exch, 0, mid), c.bytes);
  }

  /** Accepts the first transform of message 1 (or returns the SA body for the test to alter). */
  mm2(mm1: Buffer, alter?: (sa: SecurityAssociation) => void, extra: Payloads = []): Buffer {
    const m = decodeMessage(mm1);
    this.initiatorCookie = m.header.initiatorCookie;
    this.saiB = m.payloads.find((p) => p.type === PayloadType.SA)!.body;
    const sa = decodeSa(this.saiB);
    const chosen: SecurityAssociation = { doi: sa.doi, situation: sa.situation, proposals: [{ ...sa.proposals[0]!, transforms: [sa.proposals[0]!.transforms[0]!] }] };
    alter?.(chosen);
    this.sa = chosen;
    const t = chosen.proposals[0]!.transforms[0]!.attributes;
    this.h = hashAlg(attrNumber(t, Phase1Attr.HASH_ALGORITHM)!);
    this.spec = cipherSpec(attrNumber(t, Phase1Attr.ENCRYPTION_ALGORITHM)!, attrNumber(t, Phase1Attr.KEY_LENGTH));
    this.kex = createKeyExchange(attrNumber(t, Phase1Attr.GROUP_DESCRIPTION)!);
    const p: Payloads = [{ type: PayloadType.SA, body: encodeSa(chosen) }];
    if (this.natTVid) p.push({ type: PayloadType.VENDOR_ID, body: VID_RFC3947 });
    return this.plain([...p, ...extra]);
  }

  notify(type: number, exch: number = ExchangeType.INFORMATIONAL, data = Buffer.alloc(0)): Buffer {
    return this.plain([{ type: PayloadType.NOTIFICATION, body: encodeNotification({ doi: 1, protocolId: 1, notifyType: type, spi: Buffer.alloc(0), data }) }], exch, 0x1234);
  }

  mm4(mm3: Buffer, opts: { keBody?: Buffer; natd?: "honest" | "claim-nat" } = {}): Buffer {
    const m = decodeMessage(mm3);
    this.gxi = m.payloads.find((p) => p.type === PayloadType.KE)!.body;
    this.ni = m.payloads.find((p) => p.type === PayloadType.NONCE)!.body;
    const gxy = this.kex!.computeSecret(this.gxi);
    this.keys = derivePhase1Keys(this.h!, skeyidPsk(this.h!, this.psk, this.ni, this.nr), gxy, this.initiatorCookie, this.responderCookie, this.spec!.keyLength);
    this.iv = phase1Iv(this.h!, this.gxi, this.kex!.publicValue, this.spec!.blockSize);
    const p: Payloads = [
      { type: PayloadType.KE, body: opts.keBody ?? this.kex!.publicValue },
      { type: PayloadType.NONCE, body: this.nr },
    ];
    const natds = m.payloads.filter((x) => x.type === PayloadType.NAT_D);
    if (natds.length === 2) {
      // Echo what the initiator computed for itself as "its address", and claim a NAT for ours if asked.
      p.push({ type: PayloadType.NAT_D, body: natds[1]!.body });
      p.push({ type: PayloadType.NAT_D, body: opts.natd === "claim-nat" ? randomBytes(this.h!.length) : natds[0]!.body });
    }
    return this.plain(p);
  }

  /** Decrypts message 5 with the gateway's keys; returns its payloads (or throws if they differ). */
  readMm5(mm5: Buffer): Message["payloads"] {
    const m = decodeMessage(mm5);
    this.lastMm5 = m.ciphertext!;
    const plain = decrypt(this.spec!, this.keys!.encryptionKey, this.iv, m.ciphertext!);
    this.iv = lastBlock(m.ciphertext!, this.spec!.blockSize);
    return decodeChain(plain, m.header.nextPayload).payloads;
  }

  mm6(opts: { tamperHash?: boolean; unencrypted?: boolean; id?: Buffer } = {}): Buffer {
    const idirB = opts.id ?? encodeId({ idType: 2, protocolId: 0, port: 0, data: Buffer.from("gw.example") });
    const hr = hashR(this.h!, this.keys!.skeyid, this.gxi, this.kex!.publicValue, this.initiatorCookie, this.responderCookie, this.saiB, idirB);
    if (opts.tamperHash) hr[0] = hr[0]! ^ 0xff;
    const chain = encodeChain([
      { type: PayloadType.ID, body: idirB },
      { type: PayloadType.HASH, body: hr },
    ]);
    if (opts.unencrypted) return encodeMessage(this.header(chain.firstType, ExchangeType.IDENTITY_PROTECTION, 0, 0), chain.bytes);
    const ct = encrypt(this.spec!, this.keys!.encryptionKey, this.iv, chain.bytes);
    this.phase1LastBlock = lastBlock(ct, this.spec!.blockSize);
    return encodeMessage(this.header(chain.firstType, ExchangeType.IDENTITY_PROTECTION, Flags.ENCRYPTION, 0), ct);
  }

  phase1LastBlock: Buffer = Buffer.alloc(0);

  /**
   * Aggressive Mode message 2 for message 1: the first transform, KE, Nr, IDir and HASH_R with the
   * gateway's PSK. Options break it in the ways tests need.
   */
  am2(
    am1: Buffer,
    opts: {
      drop?: number;
      tamperHash?: boolean;
      group?: number;
      /** The gateway's ID payload body as sent (default FQDN gw.example); lets a test send a broken one. */
      idBody?: Buffer;
      /** NAT-D for the initiator at `initiator` and the gateway at `gateway` (`claim`: a random one of its own). */
      natd?: { initiator: { address: string; port: number }; gateway: { address: string; port: number }; claim?: boolean };
      /** RSA signatures instead of a PSK: SKEYID from the nonces, CERT and SIG_R (signed with `key`) in place of HASH_R. */
      rsa?: { key: KeyObject; cert: Buffer; tamperSig?: boolean };
    } = {},
  ): Buffer {
    const m = decodeMessage(am1);
    const chosen = this.mm2(am1, opts.group !== undefined ? (sa) => {
      const a = sa.proposals[0]!.transforms[0]!.attributes.find((x) => x.type === Phase1Attr.GROUP_DESCRIPTION)!;
      a.value = opts.group!;
    } : undefined);
    const saR = decodeMessage(chosen).payloads.find((p) => p.type === PayloadType.SA)!.body;
    this.gxi = m.payloads.find((p) => p.type === PayloadType.KE)!.body;
    this.ni = m.payloads.find((p) => p.type === PayloadType.NONCE)!.body;
    const gxy = opts.group !== undefined ? Buffer.alloc(0) : this.kex!.computeSecret(this.gxi);
    const skeyid = opts.rsa !== undefined ? skeyidSig(this.h!, this.ni, this.nr, gxy) : skeyidPsk(this.h!, this.psk, this.ni, this.nr);
    this.keys = derivePhase1Keys(this.h!, skeyid, gxy, this.initiatorCookie, this.responderCookie, this.spec!.keyLength);
    this.iv = phase1Iv(this.h!, this.gxi, this.kex!.publicValue, this.spec!.blockSize);
    const idirB = opts.idBody ?? encodeId({ idType: 2, protocolId: 0, port: 0, data: Buffer.from("gw.example") });
    const hr = hashR(this.h!, this.keys.skeyid, this.gxi, this.kex!.publicValue, this.initiatorCookie, this.responderCookie, this.saiB, idirB);
    if (opts.tamperHash) hr[0] = hr[0]! ^ 0xff;
    const p: Payloads = [
      { type: PayloadType.SA, body: saR },
      { type: PayloadType.KE, body: this.kex!.publicValue },
      { type: PayloadType.NONCE, body: this.nr },
      { type: PayloadType.ID, body: idirB },
      ...(opts.rsa === undefined
        ? [{ type: PayloadType.HASH, body: hr }]
        : [
            { type: PayloadType.CERT, body: Buffer.concat([Buffer.from([4]), opts.rsa.cert]) },
            { type: PayloadType.SIG, body: rsaSign(opts.rsa.key, hr, opts.rsa.tamperSig === true) },
          ]),
    ];
    if (opts.natd !== undefined) {
      const { initiator, gateway, claim } = opts.natd;
      p.push(
        { type: PayloadType.NAT_D, body: natD(this.h!, this.initiatorCookie, this.responderCookie, ipToBytes(initiator.address), initiator.port) },
        { type: PayloadType.NAT_D, body: claim === true ? randomBytes(this.h!.length) : natD(this.h!, this.initiatorCookie, this.responderCookie, ipToBytes(gateway.address), gateway.port) },
      );
    }
    return this.plain(p.filter((x) => x.type !== opts.drop), ExchangeType.AGGRESSIVE);
  }

  /** Decrypts Aggressive Mode message 3 with the gateway's keys; returns its payloads. */
  readAm3(am3: Buffer): Message["payloads"] {
    const m = decodeMessage(am3);
    if (m.ciphertext === undefined) return m.payloads;
    const plain = decrypt(this.spec!, this.keys!.encryptionKey, this.iv, m.ciphertext);
    this.phase1LastBlock = lastBlock(m.ciphertext, this.spec!.blockSize);
    return decodeChain(plain, m.header.nextPayload).payloads;
  }

  /** What HASH_I must be for an initiator ID body (the gateway's check of message 3). */
  expectedHashI(idiiB: Buffer): Buffer {
    return hashI(this.h!, this.keys!.skeyid, this.gxi, this.kex!.publicValue, this.initiatorCookie, this.responderCookie, this.saiB, idiiB);
  }

  /** The gateway's side of the ISAKMP SA (same keys and cookies), for Quick Mode scripting. */
  isakmpSa(): IsakmpSa {
    return {
      hash: this.h!,
      cipher: this.spec!,
      keys: this.keys!,
      initiatorCookie: this.initiatorCookie,
      responderCookie: this.responderCookie,
      phase1LastBlock: this.phase1LastBlock,
      natVariant: "rfc3947",
      floated: true,
      local: { address: "198.18.1.1", port: 4500 },
      remote: { address: "198.18.1.2", port: 4500 },
    };
  }

  /**
   * Answers Quick Mode message 1 with message 2: picks its transform, our SPI for the gateway
   * (0x0a0b0c0d), echoes the IDs, adds a KE for PFS. Options break it in the ways tests need.
   */
  qm2(
    qm1: Buffer,
    opts: { tamperHash?: boolean; dropKe?: boolean; protocolId?: number; lifetimeNotify?: Buffer; commit?: boolean; alterAttrs?: (a: { type: number; value: number | Buffer }[]) => void } = {},
  ): { message: Buffer; niB: Buffer; nrB: Buffer; gxy?: Buffer; responderSpi: Buffer; initiatorSpi: Buffer } {
    const sa = this.isakmpSa();
    const m = decodeMessage(qm1);
    const mid = m.header.messageId;
    const iv = messageIdIv(this.h!, this.phase1LastBlock, mid, this.spec!.blockSize);
    const [, ...after] = openProtected(sa, m, iv);
    const saIn = decodeSa(after.find((p) => p.type === PayloadType.SA)!.body);
    const niB = after.find((p) => p.type === PayloadType.NONCE)!.body;
    const keIn = after.find((p) => p.type === PayloadType.KE);
    const ids = after.filter((p) => p.type === PayloadType.ID);
    const prop = saIn.proposals[0]!;
    const t = { ...prop.transforms[0]! , attributes: [...prop.transforms[0]!.attributes] };
    opts.alterAttrs?.(t.attributes);
    const responderSpi = Buffer.from("0a0b0c0d", "hex");
    const nrB = randomBytes(20);
    const payloads: Payloads = [
      { type: PayloadType.SA, body: encodeSa({ doi: 1, situation: 1, proposals: [{ number: 1, protocolId: opts.protocolId ?? prop.protocolId, spi: responderSpi, transforms: [t] }] }) },
      { type: PayloadType.NONCE, body: nrB },
    ];
    let gxy: Buffer | undefined;
    if (keIn !== undefined) {
      const group = t.attributes.find((a) => a.type === 3)!.value as number;
      const kex = createKeyExchange(group);
      gxy = kex.computeSecret(keIn.body);
      if (!opts.dropKe) payloads.push({ type: PayloadType.KE, body: kex.publicValue });
    }
    for (const id of ids) payloads.push({ type: PayloadType.ID, body: id.body });
    if (opts.lifetimeNotify !== undefined) {
      payloads.push({ type: PayloadType.NOTIFICATION, body: encodeNotification({ doi: 1, protocolId: 3, notifyType: 24576, spi: responderSpi, data: opts.lifetimeNotify }) });
    }
    const hash2 = qmHash2(this.h!, this.keys!.skeyidA, mid, niB, [encodeChain(payloads).bytes]);
    if (opts.tamperHash) hash2[0] = hash2[0]! ^ 1;
    const sealed = sealProtected(sa, ExchangeType.QUICK_MODE, mid, lastBlock(m.ciphertext!, this.spec!.blockSize), hash2, payloads, opts.commit ? Flags.COMMIT : 0);
    return { message: sealed.message, niB, nrB, ...(gxy !== undefined ? { gxy } : {}), responderSpi, initiatorSpi: prop.spi };
  }

  /** A Quick Mode message 1 of the gateway's own (as SoftEther starts after an ESP DELETE), HASH(1) valid. */
  ownQuickMode(): Buffer {
    const sa = this.isakmpSa();
    const mid = 0x0badcafe;
    const payloads = [{ type: PayloadType.NONCE, body: randomBytes(16) }];
    const hash = hashMessageId(this.h!, this.keys!.skeyidA, mid, encodeChain(payloads).bytes);
    return sealProtected(sa, ExchangeType.QUICK_MODE, mid, messageIdIv(this.h!, sa.phase1LastBlock, mid, this.spec!.blockSize), hash, payloads).message;
  }

  /** A protected Informational under the established SA (after Phase 1). */
  informational(payloads: Payloads): Buffer {
    return buildInformational(this.isakmpSa(), payloads);
  }

  /** A protected Informational after message 5, keyed like strongSwan's (RFC 2409 Appendix B). */
  protectedNotify(type: number): Buffer {
    const mid = 0x51a2b3c4;
    const n = encodeChain([{ type: PayloadType.NOTIFICATION, body: encodeNotification({ doi: 1, protocolId: 1, notifyType: type, spi: Buffer.concat([this.initiatorCookie, this.responderCookie]), data: Buffer.alloc(0) }) }]).bytes;
    const hash = hashMessageId(this.h!, this.keys!.skeyidA, mid, n);
    const chain = encodeChain([
      { type: PayloadType.HASH, body: hash },
      { type: PayloadType.NOTIFICATION, body: n.subarray(4) },
    ]);
    const iv = messageIdIv(this.h!, lastBlock(this.lastMm5, this.spec!.blockSize), mid, this.spec!.blockSize);
    return encodeMessage(this.header(PayloadType.HASH, ExchangeType.INFORMATIONAL, Flags.ENCRYPTION, mid), encrypt(this.spec!, this.keys!.encryptionKey, iv, chain.bytes));
  }
}

/** SIG_R as IKEv1 RSA signs it (PKCS #1 v1.5 over the bare hash); `tamper` flips a bit of the hash first. */
function rsaSign(key: KeyObject, hash: Buffer, tamper: boolean): Buffer {
  const h = Buffer.from(hash);
  if (tamper) h[0] = h[0]! ^ 1;
  return privateEncrypt({ key, padding: constants.RSA_PKCS1_PADDING }, h);
}
