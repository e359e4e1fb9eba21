/**
 * The SA of Phase 1 (RFC 2409 §5, App. A): the one-transform offer, the transform the gateway chose
 * compared with it, and a RESPONDER-LIFETIME notify's correction of the lifetime.
 */
import { IkeprobeError, DecodeError } from "../../../errors.js";
import { type Attribute, LifeType, Phase1Attr, attrNumber, decodeAttributes, lifetimes } from "../../../wire/v1/attributes.js";
import { KEY_IKE, NotifyType, PayloadType, ProtocolId, notifyName } from "../../../wire/v1/constants.js";
import type { RawPayload } from "../../../wire/v1/message.js";
import { type Notification, decodeNotification } from "../../../wire/v1/payloads/notification.js";
import { type SecurityAssociation, type Transform, ipsecSa } from "../../../wire/v1/payloads/sa.js";
import { Reader } from "../../../wire/reader.js";
import type { NotifyInfo, Phase1Transform, SelectedTransform } from "./types.js";

export function transformAttributes(t: Phase1Transform): Attribute[] {
  const attrs: Attribute[] = [{ type: Phase1Attr.ENCRYPTION_ALGORITHM, value: t.encryption }];
  if (t.keyBits !== undefined) attrs.push({ type: Phase1Attr.KEY_LENGTH, value: t.keyBits });
  attrs.push(
    { type: Phase1Attr.HASH_ALGORITHM, value: t.hash },
    { type: Phase1Attr.AUTHENTICATION_METHOD, value: t.auth },
    { type: Phase1Attr.GROUP_DESCRIPTION, value: t.group },
    { type: Phase1Attr.LIFE_TYPE, value: LifeType.SECONDS },
    { type: Phase1Attr.LIFE_DURATION, value: t.lifetimeSeconds },
  );
  return attrs;
}

export function phase1Sa(transforms: readonly Phase1Transform[]): SecurityAssociation {
  return ipsecSa([
    {
      number: 1,
      protocolId: ProtocolId.ISAKMP,
      spi: Buffer.alloc(0),
      transforms: transforms.map((t, i): Transform => ({ number: i + 1, id: KEY_IKE, attributes: transformAttributes(t) })),
    },
  ]);
}

export function notifyInfo(n: Notification, isProtected: boolean): NotifyInfo {
  const info: NotifyInfo = { type: n.notifyType, name: notifyName(n.notifyType), protected: isProtected };
  if (n.data.length > 0) info.dataHex = n.data.toString("hex");
  return info;
}

/** Reads the transform the gateway chose and compares it with what we offered. */
export function readSelectedTransform(
  sa: SecurityAssociation,
  offered: readonly Phase1Transform[],
): { selected: SelectedTransform; offeredIndex: number; authSubstituted?: { offered: number; answered: number } } {
  if (sa.proposals.length !== 1 || sa.proposals[0]?.transforms.length !== 1) {
    throw new IkeprobeError("bad-sa", `the gateway's SA has ${sa.proposals.length} proposals; exactly one with one transform was expected`);
  }
  const t = sa.proposals[0].transforms[0]!;
  const a = t.attributes;
  const enc = attrNumber(a, Phase1Attr.ENCRYPTION_ALGORITHM);
  const hash = attrNumber(a, Phase1Attr.HASH_ALGORITHM);
  const auth = attrNumber(a, Phase1Attr.AUTHENTICATION_METHOD);
  const group = attrNumber(a, Phase1Attr.GROUP_DESCRIPTION);
  if (enc === undefined || hash === undefined || auth === undefined || group === undefined) {
    throw new IkeprobeError("bad-sa", "the gateway's transform lacks encryption, hash, auth method or group");
  }
  const keyBits = attrNumber(a, Phase1Attr.KEY_LENGTH);
  const life = lifetimes(a, Phase1Attr.LIFE_TYPE, Phase1Attr.LIFE_DURATION);
  // Key length matters only for variable-length ciphers; AES without it means 128 bits.
  const bits = (e: number, k: number | undefined): number | undefined => (e === 1 || e === 5 ? undefined : (k ?? 128));
  const sameSuite = (o: Phase1Transform): boolean => o.encryption === enc && o.hash === hash && o.group === group && bits(o.encryption, o.keyBits) === bits(enc, keyBits);
  let idx = offered.findIndex((o) => sameSuite(o) && o.auth === auth);
  const mismatches: string[] = [];
  let authSubstituted: { offered: number; answered: number } | undefined;
  if (idx < 0) {
    // Matched by its transform number, with another auth method: strongSwan answers with its own
    // configured method whatever we offered, and checks the method only at message 5.
    const byNumber = offered[t.number - 1];
    if (byNumber !== undefined && sameSuite(byNumber)) {
      idx = t.number - 1;
      authSubstituted = { offered: byNumber.auth, answered: auth };
      mismatches.push(`the gateway answered auth method ${auth} to our offer of ${byNumber.auth}`);
    } else {
      idx = Math.min(Math.max(t.number - 1, 0), offered.length - 1);
      mismatches.push("the chosen transform matches none of our offers");
    }
  }
  const o = offered[idx]!;
  const transform: Phase1Transform = { encryption: enc, hash, auth, group, lifetimeSeconds: life.seconds ?? o.lifetimeSeconds };
  if (keyBits !== undefined) transform.keyBits = keyBits;
  else if (enc === 7) transform.keyBits = 128; // strongSwan assumes 128 for AES without Key Length
  const selected: SelectedTransform = { transform, offeredLifetimeSeconds: o.lifetimeSeconds, mismatches };
  if (life.kilobytes !== undefined) selected.lifetimeKilobytes = life.kilobytes;
  return { selected, offeredIndex: idx, ...(authSubstituted !== undefined ? { authSubstituted } : {}) };
}

/** A RESPONDER-LIFETIME notify in message 2 corrects the lifetime the gateway will keep. */
export function applyResponderLifetime(payloads: readonly RawPayload[], selected: SelectedTransform): void {
  for (const p of payloads.filter((x) => x.type === PayloadType.NOTIFICATION)) {
    const n = decodeNotification(p.body);
    if (n.notifyType !== NotifyType.RESPONDER_LIFETIME) continue;
    const life = lifetimes(decodeChainAttrs(n.data), Phase1Attr.LIFE_TYPE, Phase1Attr.LIFE_DURATION);
    if (life.seconds !== undefined) selected.transform.lifetimeSeconds = life.seconds;
    if (life.kilobytes !== undefined) selected.lifetimeKilobytes = life.kilobytes;
  }
}

/** RESPONDER-LIFETIME data is a list of SA attributes; an undecodable list is ignored. */
function decodeChainAttrs(data: Buffer): Attribute[] {
  try {
    return decodeAttributes(new Reader(data));
  } catch (e) {
    if (e instanceof DecodeError) return [];
    throw e;
  }
}

