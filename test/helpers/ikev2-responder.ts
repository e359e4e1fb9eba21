/**
 * A scripted IKEv2 responder on loopback, for what real gateways will not do on demand: a COOKIE on
 * every request, INVALID_SYNTAX for a KE outside the offer, a group named that was never offered,
 * a proposal number out of order, a truncated SA, silence after N answers. It chooses like
 * test/helpers/ikev2-model.ts and answers IKE_SA_INIT as RFC 7296 §1.2 and §2.6 describe.
 */
import { createHash, randomBytes } from "node:crypto";
import { type Socket, createSocket } from "node:dgram";
import { type KeyExchange, createKeyExchange, groupInfo } from "../../src/crypto/dh.ts";
import { protect, unprotect } from "../../src/crypto/v2/sk.ts";
import { type ResponderSa, childAnswer, responderSa, sharedKeyAnswer } from "../../src/build/scripted-ikev2.ts";
import { decodeChain } from "../../src/wire/chain.ts";
import { encodeId } from "../../src/wire/v2/payloads/identification.ts";
import { encodeEap } from "../../src/wire/v2/payloads/eap.ts";
import { Ikev2Exchange, Ikev2Flags, Ikev2Notify, Ikev2Payload, TransformType } from "../../src/wire/v2/constants.ts";
import { decodeIkev2Message, encodeIkev2Message } from "../../src/wire/v2/message.ts";
import { decodeKe, encodeKe } from "../../src/wire/v2/payloads/key-exchange.ts";
import { decodeNotify, encodeNotify, ikeNotify } from "../../src/wire/v2/payloads/notify.ts";
import { decodeSa, encodeSa } from "../../src/wire/v2/payloads/sa.ts";
import { Ikev2Model } from "./ikev2-model.ts";

export interface ResponderBehaviour {
  /** The configured proposals, strongSwan syntax. */
  proposals: string[];
  /** Demand a COOKIE on every request that lacks a valid one. */
  cookie?: boolean;
  /** INVALID_SYNTAX when the KE's group is not in the offer (the stateless oracle refused). */
  syntaxForUnlisted?: boolean;
  /** INVALID_KE_PAYLOAD always names this group, offered or not. */
  nameGroup?: number;
  /** The SA answer's proposal number. */
  proposalNumber?: number;
  /** Cut the SA answer's SA payload short (its length then lies). */
  truncateSa?: boolean;
  /** Answer this many requests, then nothing. */
  silentAfter?: number;
  /** Drop requests larger than this many bytes (a path or gateway that loses big datagrams). */
  maxSize?: number;
  /**
   * How IKE_AUTH is answered (with real keys from a real KE): ok (AUTH with `psk`, a wrong `psk`
   * makes a gateway AUTH that does not verify), auth-failed, eap, no-auth (SK with nothing in it),
   * unknown-critical, bad-icv, truncated, clear-notify (INVALID_SYNTAX outside SK), fragment (an
   * SKF), silent. INFORMATIONAL requests get an empty protected answer.
   */
  ikeAuth?: "ok" | "auth-failed" | "eap" | "no-auth" | "unknown-critical" | "bad-icv" | "truncated" | "clear-notify" | "fragment" | "silent";
  psk?: string;
  /** CERTREQs in the IKE_SA_INIT answer (X.509 signature, encoding 4), one per CA key hash given. */
  certReqs?: Buffer[];
}


export interface ScriptedResponder {
  port: number;
  requests: number;
  answered: number;
  close(): void;
}

export async function startIkev2Responder(b: ResponderBehaviour): Promise<ScriptedResponder> {
  const model = new Ikev2Model(b.proposals);
  const secret = randomBytes(16);
  const socket: Socket = createSocket("udp4");
  const state: ScriptedResponder = { port: 0, requests: 0, answered: 0, close: () => socket.close() };
  const cookieFor = (spiI: Buffer, address: string): Buffer => createHash("sha256").update(Buffer.concat([spiI, Buffer.from(address), secret])).digest().subarray(0, 16);

  const sas = new Map<string, ResponderSa>();
  const protectedAnswer = (m: ReturnType<typeof decodeIkev2Message>, from: { port: number; address: string }): void => {
    const sa = sas.get(m.header.initiatorCookie.toString("hex"));
    if (sa === undefined || b.ikeAuth === undefined || b.ikeAuth === "silent") return;
    const last = m.payloads.at(-1)!;
    let inner;
    try {
      const p = unprotect(m.raw, m.raw.length - last.raw.length, sa.suite, sa.i);
      inner = decodeChain(p.chain, p.firstType, { flagsAllowed: 0x80 }).payloads;
    } catch {
      return;
    }
    const h = { spiI: m.header.initiatorCookie, spiR: sa.spiR, exchangeType: m.header.exchangeType, flags: Ikev2Flags.RESPONSE, messageId: m.header.messageId };
    const send = (d: Buffer): void => {
      state.answered++;
      socket.send(d, from.port, from.address);
    };
    if (m.header.exchangeType === Ikev2Exchange.INFORMATIONAL) return send(protect(h, [], sa.suite, sa.r));
    const idr = encodeId({ idType: 2, data: Buffer.from("scripted.lab.example") });
    const n = (type: number) => ({ type: Ikev2Payload.NOTIFY, body: encodeNotify(ikeNotify(type)) });
    switch (b.ikeAuth) {
      case "ok":
        return send(sharedKeyAnswer(sa, h.spiI, h.messageId, b.psk ?? "", "scripted.lab.example", childAnswer(inner)));
      case "auth-failed":
        return send(protect(h, [n(Ikev2Notify.AUTHENTICATION_FAILED)], sa.suite, sa.r));
      case "eap":
        return send(protect(h, [{ type: Ikev2Payload.IDR, body: idr }, { type: Ikev2Payload.EAP, body: encodeEap({ code: 1, identifier: 1, eapType: 1, data: Buffer.alloc(0) }) }], sa.suite, sa.r));
      case "no-auth":
        return send(protect(h, [], sa.suite, sa.r));
      case "unknown-critical":
        return send(protect(h, [{ type: 222, body: Buffer.from("?"), flags: 0x80 }, { type: Ikev2Payload.IDR, body: idr }], sa.suite, sa.r));
      case "bad-icv": {
        const d = protect(h, [n(Ikev2Notify.AUTHENTICATION_FAILED)], sa.suite, sa.r);
        d[d.length - 1]! ^= 1;
        return send(d);
      }
      case "truncated":
        return send(protect(h, [{ type: Ikev2Payload.IDR, body: idr }], sa.suite, sa.r).subarray(0, 40));
      case "clear-notify":
        return send(encodeIkev2Message({ ...h, payloads: [n(Ikev2Notify.INVALID_SYNTAX)] }));
      case "fragment":
        return send(encodeIkev2Message({ ...h, payloads: [{ type: Ikev2Payload.SKF, body: Buffer.from([0, 1, 0, 2, ...randomBytes(40)]) }] }));
    }
  };

  socket.on("message", (msg, from) => {
    state.requests++;
    if (b.silentAfter !== undefined && state.answered >= b.silentAfter) return;
    if (b.maxSize !== undefined && msg.length > b.maxSize) return;
    let m;
    try {
      m = decodeIkev2Message(msg);
    } catch {
      return;
    }
    if (m.response) return;
    if (m.header.exchangeType === Ikev2Exchange.IKE_AUTH || m.header.exchangeType === Ikev2Exchange.INFORMATIONAL) return protectedAnswer(m, from);
    if (m.header.exchangeType !== Ikev2Exchange.IKE_SA_INIT) return;
    const spiI = m.header.initiatorCookie;
    const reply = (payloads: { type: number; body: Buffer }[], spiR = Buffer.alloc(8)): Buffer => {
      state.answered++;
      const out = encodeIkev2Message({ spiI, spiR, exchangeType: Ikev2Exchange.IKE_SA_INIT, flags: Ikev2Flags.RESPONSE, messageId: 0, payloads });
      socket.send(out, from.port, from.address);
      return out;
    };
    const notify = (type: number, data: Buffer = Buffer.alloc(0)): void => void reply([{ type: Ikev2Payload.NOTIFY, body: encodeNotify(ikeNotify(type, data)) }]);
    const notifies = m.payloads.filter((p) => p.type === Ikev2Payload.NOTIFY).map((p) => decodeNotify(p.body));
    if (b.cookie === true) {
      // RFC 7296 §2.6: the cookie must come first.
      const first = m.payloads[0]?.type === Ikev2Payload.NOTIFY ? decodeNotify(m.payloads[0].body) : undefined;
      if (first?.notifyType !== Ikev2Notify.COOKIE || !first.data.equals(cookieFor(spiI, from.address))) return notify(Ikev2Notify.COOKIE, cookieFor(spiI, from.address));
    }
    const saPayload = m.payloads.find((p) => p.type === Ikev2Payload.SA);
    const kePayload = m.payloads.find((p) => p.type === Ikev2Payload.KE);
    if (saPayload === undefined || kePayload === undefined) return notify(Ikev2Notify.INVALID_SYNTAX);
    const offered = decodeSa(saPayload.body).proposals;
    const ke = decodeKe(kePayload.body);
    const offeredGroups = offered.flatMap((p) => p.transforms.filter((t) => t.type === TransformType.KE).map((t) => t.id));
    if (b.syntaxForUnlisted === true && !offeredGroups.includes(ke.group)) return notify(Ikev2Notify.INVALID_SYNTAX);
    const a = model.answer(offered, ke.group);
    if (a.kind === "no-proposal") return notify(Ikev2Notify.NO_PROPOSAL_CHOSEN);
    if (a.kind === "invalid-ke" || b.nameGroup !== undefined) {
      const g = b.nameGroup ?? (a.kind === "invalid-ke" ? a.group : ke.group);
      if (a.kind === "invalid-ke" || g !== ke.group) return notify(Ikev2Notify.INVALID_KE_PAYLOAD, Buffer.from([g >> 8, g & 255]));
    }
    if (a.kind !== "sa") return;
    const transforms = [a.encr, { type: TransformType.PRF, id: a.prf }, ...(a.integ !== null ? [{ type: TransformType.INTEG, id: a.integ }] : []), { type: TransformType.KE, id: a.group }];
    let sa: Buffer = encodeSa({ proposals: [{ number: b.proposalNumber ?? 1, protocolId: 1, spi: Buffer.alloc(0), transforms }] });
    if (b.truncateSa === true) sa = sa.subarray(0, sa.length - 6);
    const wanted = (t: number): boolean => notifies.some((n) => n.notifyType === t);
    // With IKE_AUTH scripted, a real KE and the keys of the IKE SA; else any bytes of the right size.
    const realKe: KeyExchange | undefined = b.ikeAuth !== undefined ? createKeyExchange(a.group) : undefined;
    const nr = randomBytes(32);
    const spiR = randomBytes(8);
    const response = reply(
      [
        { type: Ikev2Payload.SA, body: sa },
        { type: Ikev2Payload.KE, body: encodeKe({ group: a.group, data: realKe?.publicValue ?? randomBytes(groupInfo(a.group)?.keLength ?? 32) }) },
        { type: Ikev2Payload.NONCE, body: nr },
        ...(wanted(Ikev2Notify.IKEV2_FRAGMENTATION_SUPPORTED) ? [{ type: Ikev2Payload.NOTIFY, body: encodeNotify(ikeNotify(Ikev2Notify.IKEV2_FRAGMENTATION_SUPPORTED)) }] : []),
        ...(b.certReqs ?? []).map((h) => ({ type: Ikev2Payload.CERTREQ, body: Buffer.concat([Buffer.from([4]), h]) })),
        { type: Ikev2Payload.NOTIFY, body: encodeNotify(ikeNotify(Ikev2Notify.CHILDLESS_IKEV2_SUPPORTED)) },
        { type: Ikev2Payload.NOTIFY, body: encodeNotify(ikeNotify(50000)) },
        { type: Ikev2Payload.VENDOR_ID, body: Buffer.from("scripted-responder") },
      ],
      spiR,
    );
    if (realKe !== undefined) {
      const ni = m.payloads.find((p) => p.type === Ikev2Payload.NONCE)!.body;
      sas.set(spiI.toString("hex"), responderSa({ spiI, spiR, ni, nr, response, encr: a.encr, prf: a.prf, integ: a.integ, ours: realKe, theirs: ke.data }));
    }
  });
  await new Promise<void>((res) => socket.bind(0, "127.0.0.1", () => res()));
  state.port = socket.address().port;
  return state;
}
