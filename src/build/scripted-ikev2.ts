/**
 * An IKEv2 responder for the build's warm-up only (src/build/bundle.ts): it answers IKE_SA_INIT by
 * choosing the first transform of each type of the first proposal with a real KE, and IKE_AUTH with
 * its ID and a shared-key AUTH, so that the fast bundle's code cache covers `probe --ikev2 --json`
 * with a PSK. Anything else (the DELETE) goes unanswered.
 */
import { randomBytes } from "node:crypto";
import { type KeyExchange, createKeyExchange } from "../crypto/dh.js";
import { deriveIkev2Keys, encrKeyLength, integKeyLength } from "../crypto/v2/keys.js";
import { prfById } from "../crypto/v2/prf.js";
import { type SkSuite, protect } from "../crypto/v2/sk.js";
import { sharedKeyAuth, signedOctets } from "../exchanges/v2/ike-auth.js";
import { Ikev2Exchange, Ikev2Flags, Ikev2Payload, TransformType } from "../wire/v2/constants.js";
import { decodeIkev2Message, encodeIkev2Message } from "../wire/v2/message.js";
import { encodeAuth } from "../wire/v2/payloads/auth.js";
import { encodeId } from "../wire/v2/payloads/identification.js";
import { decodeKe, encodeKe } from "../wire/v2/payloads/key-exchange.js";
import { decodeSa, encodeSa } from "../wire/v2/payloads/sa.js";

interface Sa {
  spiR: Buffer;
  suite: SkSuite;
  keys: ReturnType<typeof deriveIkev2Keys>;
  prf: ReturnType<typeof prfById>;
  response: Buffer;
  ni: Buffer;
}

export class ScriptedIkev2 {
  private readonly sas = new Map<string, Sa>();
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
      const prf = prfById(prfT.id);
      const cipher = { id: encr.id, ...(encr.keyLength !== undefined ? { keyLength: encr.keyLength } : {}) };
      const integ = integT?.id ?? null;
      const keys = deriveIkev2Keys({ prf, encrKeyLength: encrKeyLength(cipher), integKeyLength: integKeyLength(integ), ni, nr, gir: ours.computeSecret(ke.data), spiI, spiR });
      this.sas.set(spiI.toString("hex"), { spiR, suite: { cipher, integ }, keys, prf, response, ni });
      return response;
    }
    const sa = this.sas.get(spiI.toString("hex"));
    if (sa === undefined || m.header.exchangeType !== Ikev2Exchange.IKE_AUTH) return undefined;
    const idr = encodeId({ idType: 2, data: Buffer.from("warm-up.invalid") });
    const auth = sharedKeyAuth(sa.prf, Buffer.from(this.psk), signedOctets(sa.prf, sa.response, sa.ni, sa.keys.skPr, idr));
    const h = { spiI, spiR: sa.spiR, exchangeType: Ikev2Exchange.IKE_AUTH, flags: Ikev2Flags.RESPONSE, messageId: m.header.messageId };
    return protect(h, [{ type: Ikev2Payload.IDR, body: idr }, { type: Ikev2Payload.AUTH, body: encodeAuth({ method: 2, data: auth }) }], sa.suite, { encKey: sa.keys.skEr, integKey: sa.keys.skAr });
  }
}
