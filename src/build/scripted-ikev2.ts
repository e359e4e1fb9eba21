/**
 * An IKEv2 responder for the build's warm-up only (src/build/bundle.ts): it answers IKE_SA_INIT by
 * choosing the first transform of each type of the first proposal with a real KE, and IKE_AUTH with
 * its ID and a shared-key AUTH (and the CHILD SA asked for), so that the fast bundle's code cache
 * covers `probe --ikev2 --json` with a PSK and --esp. INFORMATIONALs get an empty answer. Its responder-side SA (responderSa) and
 * accepting answer (sharedKeyAnswer) also serve the tests' scripted IKEv2 responder.
 */
import { randomBytes } from "node:crypto";
import { type KeyExchange, createKeyExchange } from "../crypto/dh.js";
import { ikeSaKeys } from "../crypto/v2/keys.js";
import type { Prf } from "../crypto/v2/prf.js";
import { type SkKeys, type SkSuite, protect, unprotect } from "../crypto/v2/sk.js";
import { type OutgoingPayload, decodeChain } from "../wire/chain.js";
import { sharedKeyAuth, signedOctets } from "../exchanges/v2/ike-auth.js";
import { Ikev2Exchange, Ikev2Flags, Ikev2Payload, TransformType } from "../wire/v2/constants.js";
import { decodeIkev2Message, encodeIkev2Message } from "../wire/v2/message.js";
import { encodeAuth } from "../wire/v2/payloads/auth.js";
import { encodeId } from "../wire/v2/payloads/identification.js";
import { decodeKe, encodeKe } from "../wire/v2/payloads/key-exchange.js";
import { decodeSa, encodeSa } from "../wire/v2/payloads/sa.js";

/** A responder's side of an IKE SA after IKE_SA_INIT: what it needs to open IKE_AUTH and answer it. */
export interface ResponderSa {
  spiR: Buffer;
  suite: SkSuite;
  /** The initiator's keys (to open its messages) and ours (to protect answers). */
  i: SkKeys;
  r: SkKeys;
  prf: Prf;
  skPr: Buffer;
  /** Our IKE_SA_INIT answer as sent and the initiator's nonce: what our AUTH signs (RFC 7296 §2.15). */
  response: Buffer;
  ni: Buffer;
}

/** The responder's keys from both IKE_SA_INIT messages, the chosen transforms and its own KE. */
export function responderSa(p: { spiI: Buffer; spiR: Buffer; ni: Buffer; nr: Buffer; response: Buffer; encr: { id: number; keyLength?: number }; prf: number; integ: number | null; ours: KeyExchange; theirs: Buffer }): ResponderSa {
  const { prf, suite, keys: k } = ikeSaKeys(p, { ni: p.ni, nr: p.nr, gir: p.ours.computeSecret(p.theirs), spiI: p.spiI, spiR: p.spiR });
  return { spiR: p.spiR, suite, i: { encKey: k.skEi, integKey: k.skAi }, r: { encKey: k.skEr, integKey: k.skAr }, prf, skPr: k.skPr, response: p.response, ni: p.ni };
}

/** The IKE_AUTH answer of a responder that accepts: IDr (an FQDN), its shared-key AUTH with `psk`, and `more` (a CHILD SA). */
export function sharedKeyAnswer(sa: ResponderSa, spiI: Buffer, messageId: number, psk: string, fqdn: string, more: OutgoingPayload[] = []): Buffer {
  const idr = encodeId({ idType: 2, data: Buffer.from(fqdn) });
  const auth = sharedKeyAuth(sa.prf, Buffer.from(psk), signedOctets(sa.prf, sa.response, sa.ni, sa.skPr, idr));
  const h = { spiI, spiR: sa.spiR, exchangeType: Ikev2Exchange.IKE_AUTH, flags: Ikev2Flags.RESPONSE, messageId };
  return protect(h, [{ type: Ikev2Payload.IDR, body: idr }, { type: Ikev2Payload.AUTH, body: encodeAuth({ method: 2, data: auth }) }, ...more], sa.suite, sa.r);
}

/** A CHILD SA accepted as asked: the first transform of each type of the first proposal, a fresh SPI, the selectors as they came. */
export function childAnswer(inner: readonly { type: number; body: Buffer }[]): OutgoingPayload[] {
  const sa = inner.find((p) => p.type === Ikev2Payload.SA);
  const tsi = inner.find((p) => p.type === Ikev2Payload.TSI);
  const tsr = inner.find((p) => p.type === Ikev2Payload.TSR);
  if (sa === undefined || tsi === undefined || tsr === undefined) return [];
  const offered = decodeSa(sa.body).proposals[0]!;
  const transforms = offered.transforms.filter((t, i) => offered.transforms.findIndex((u) => u.type === t.type) === i && t.type !== TransformType.KE);
  return [
    { type: Ikev2Payload.SA, body: encodeSa({ proposals: [{ ...offered, spi: randomBytes(4), transforms }] }) },
    { type: Ikev2Payload.TSI, body: tsi.body },
    { type: Ikev2Payload.TSR, body: tsr.body },
  ];
}

export class ScriptedIkev2 {
  private readonly sas = new Map<string, ResponderSa>();
  private readonly psk: string;
  constructor(psk: string) {
    this.psk = psk;
  }

  /** The answer to a request, or undefined to stay silent. */
  answer(msg: Buffer): Buffer | undefined {
    const m = decodeIkev2Message(msg);
    const spiI = m.header.initiatorCookie;
    if (m.header.exchangeType === Ikev2Exchange.IKE_SA_INIT) {
      const offered = decodeSa(m.payloads.find((p) => p.type === Ikev2Payload.SA)!.body).proposals[0]!;
      const ke = decodeKe(m.payloads.find((p) => p.type === Ikev2Payload.KE)!.body);
      const first = (type: number) => offered.transforms.find((t) => t.type === type);
      const encr = first(TransformType.ENCR)!;
      const prfT = first(TransformType.PRF)!;
      const integT = first(TransformType.INTEG);
      const ours: KeyExchange = createKeyExchange(ke.group);
      const nr = randomBytes(32);
      const spiR = randomBytes(8);
      const transforms = [encr, prfT, ...(integT !== undefined ? [integT] : []), { type: TransformType.KE, id: ke.group }];
      const response = encodeIkev2Message({
        spiI,
        spiR,
        exchangeType: Ikev2Exchange.IKE_SA_INIT,
        flags: Ikev2Flags.RESPONSE,
        messageId: 0,
        payloads: [
          { type: Ikev2Payload.SA, body: encodeSa({ proposals: [{ ...offered, transforms }] }) },
          { type: Ikev2Payload.KE, body: encodeKe({ group: ke.group, data: ours.publicValue }) },
          { type: Ikev2Payload.NONCE, body: nr },
        ],
      });
      const ni = m.payloads.find((p) => p.type === Ikev2Payload.NONCE)!.body;
      this.sas.set(spiI.toString("hex"), responderSa({ spiI, spiR, ni, nr, response, encr, prf: prfT.id, integ: integT?.id ?? null, ours, theirs: ke.data }));
      return response;
    }
    const sa = this.sas.get(spiI.toString("hex"));
    if (sa === undefined) return undefined;
    const h = { spiI, spiR: sa.spiR, exchangeType: m.header.exchangeType, flags: Ikev2Flags.RESPONSE, messageId: m.header.messageId };
    if (m.header.exchangeType === Ikev2Exchange.INFORMATIONAL) return protect(h, [], sa.suite, sa.r);
    if (m.header.exchangeType !== Ikev2Exchange.IKE_AUTH) return undefined;
    const last = m.payloads.at(-1)!;
    const p = unprotect(msg, msg.length - last.raw.length, sa.suite, sa.i);
    const inner = decodeChain(p.chain, p.firstType, { flagsAllowed: 0x80 }).payloads;
    return sharedKeyAnswer(sa, spiI, m.header.messageId, this.psk, "warm-up.invalid", childAnswer(inner));
  }
}
