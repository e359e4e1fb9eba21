/**
 * The IKEv2 probe's IKE_AUTH with a pre-shared key (RFC 7296 §1.2, §2.15) after an accepted
 * IKE_SA_INIT, the check of the gateway's own AUTH, and the DELETE of the IKE SA (§1.4.1).
 *
 * No INITIAL_CONTACT is sent: it would make the gateway drop every other SA of our ID, a real
 * client's too. No CHILD SA is asked for in this version (RFC 6023 childless IKE_AUTH); a gateway
 * that insists on one answers with an error notify, which is reported.
 */
import type { KeyExchange } from "../crypto/dh.js";
import { ikeSaKeys } from "../crypto/v2/keys.js";
import type { Prf } from "../crypto/v2/prf.js";
import type { SkKeys } from "../crypto/v2/sk.js";
import type { DriveStats } from "../exchanges/drive.js";
import { type ChildRequest, type ProtectedAnswer, encodeEapRound, ikeAuthPayloads, readProtectedAnswer, sharedKeyAuth, signedOctets } from "../exchanges/v2/ike-auth.js";
import { Ikev2Session } from "./ikev2-session.js";
import type { SaInitAnswer } from "../exchanges/v2/ike-sa-init.js";
import type { V2IdentityReport } from "../report/model/probe-v2.js";
import type { Ikev2SaKeys } from "../report/render/wireshark.js";
import type { IkeTransport } from "../transport/udp.js";
import { type KeyObject, X509Certificate } from "node:crypto";
import { type V2SignatureKey, certReqBody, signAuth, verifyAuth } from "../crypto/v2/signature.js";
import { type CertificateView, certificateView } from "../report/build/certificates.js";
import { parseCertificatePayloads } from "../x509/certificate.js";
import type { NotifyPayload } from "../wire/v2/payloads/notify.js";
import { describeIdentity } from "../x509/identity.js";
import { AuthMethod, Ikev2Exchange, Ikev2Notify, Ikev2Payload, TransformType, authMethodName, ikev2NotifyName } from "../wire/v2/constants.js";
import { EAP_TYPE_NAMES, EapCode, type EapPayload } from "../wire/v2/payloads/eap.js";
import { type IdPayload, encodeId } from "../wire/v2/payloads/identification.js";

/** What IKE_SA_INIT left for IKE_AUTH: both messages as sent and received, our nonce and KE. */
export interface SaInitDone {
  spiI: Buffer;
  answer: Extract<SaInitAnswer, { kind: "sa" }>;
  /** Our IKE_SA_INIT request as the gateway answered it (with the COOKIE when one was echoed). */
  request: Buffer;
  /** The gateway's answer as received. */
  response: Buffer;
  nonce: Buffer;
  ke: KeyExchange;
}

/** Signature authentication (--auth rsa|ecdsa256|ecdsa384|ecdsa521 with --cert and --key). */
export interface Signer {
  kind: V2SignatureKey;
  key: KeyObject;
  /** Our certificate first, then intermediates: all sent as CERT payloads. */
  certs: Buffer[];
}

/** What the gateway's certificates are checked against (--ca, --gateway-cert) and how they are reported. */
export interface GatewayCheck {
  ca?: Buffer[];
  gatewayCert?: Buffer;
  showPem: boolean;
  warnDays: number;
}

export interface AuthOptions {
  /** Our AUTH as a signature; ours is a PSK otherwise. */
  signer?: Signer;
  /** Checks of the gateway's certificates; CERTREQs name the --ca CAs. */
  gatewayCheck?: GatewayCheck;
  /** The PSK for our AUTH; with `eap` only to check the gateway's shared-key AUTH. */
  psk?: Buffer;
  /** Ask for EAP (--auth eap): IKE_AUTH without AUTH (RFC 7296 §2.16); `identity` answers an EAP Identity request. */
  eap?: { identity: Buffer };
  localId: IdPayload;
  remoteId?: IdPayload;
  /** IKE_AUTH and everything after it on UDP 4500 (the transport has floated). */
  floated: boolean;
  /** IKE fragmentation of our requests (RFC 7383) when the gateway announced it; off: never. */
  fragmentation?: { mode: "auto" | "force" | "off"; size: number };
  /** The CHILD SA to ask for in IKE_AUTH; none: a childless IKE SA (RFC 6023). */
  child?: ChildRequest;
  timeoutMs: number;
}

export interface AuthOutcome {
  identity: V2IdentityReport;
  /** The IKE SA's keys (for --keys), once made: they do not depend on the PSK, so a failed AUTH's exchange decrypts too. */
  keys?: Ikev2SaKeys;
  /** The IKE SA exists on the gateway (it accepted our AUTH). */
  established: boolean;
  /** IKE_AUTH in IKE fragments: whether the gateway announced them, how many we sent and received (0: one message). */
  fragments?: { supported: boolean; sent: number; received: number };
  /** The gateway's certificates for the certificate checks (when it sent any or --ca was given). */
  certificateAudit?: CertificateView["audit"];
  /** The established IKE SA, for the CHILD SAs, the liveness check and its DELETE. */
  session?: Ikev2Session;
  /** The IKE_AUTH answer as read (with the CHILD SA or its refusal); absent when none could be read. */
  answer?: ProtectedAnswer;
  rttMs?: number;
  transmissions?: number;
}

/** A certificate's SubjectPublicKeyInfo (DER): what CERTREQ hashes name a CA by (RFC 7296 §3.7). */
const spkiDer = (der: Buffer): Buffer => new X509Certificate(der).publicKey.export({ type: "spki", format: "der" });

/** The hash numbers of the gateway's SIGNATURE_HASH_ALGORITHMS (RFC 7427 §4). */
function signatureHashNumbers(notifies: readonly NotifyPayload[]): number[] {
  const n = notifies.find((x) => x.notifyType === Ikev2Notify.SIGNATURE_HASH_ALGORITHMS);
  return n === undefined ? [] : Array.from({ length: Math.floor(n.data.length / 2) }, (_, i) => n.data.readUInt16BE(2 * i));
}

const described = (id: IdPayload): { type: string; value: string } => describeIdentity({ idType: id.idType, protocolId: 0, port: 0, data: id.data });

/** Runs IKE_AUTH with the PSK, or without AUTH to ask for EAP; never throws for what the gateway sends. */
export async function authenticate(t: IkeTransport, init: SaInitDone, opts: AuthOptions, stats: DriveStats): Promise<AuthOutcome> {
  const identity: V2IdentityReport = {
    status: "error",
    cause: null,
    stage: "IKE_AUTH",
    local: described(opts.localId),
    requestedRemote: opts.remoteId !== undefined ? described(opts.remoteId) : null,
    remote: null,
    detail: "",
    evidence: null,
    gatewayAuth: null,
  };
  // Once made, the keys go with every outcome (--keys): they do not depend on the PSK.
  const made: { keys?: Ikev2SaKeys; certificateAudit?: CertificateView["audit"]; fragments?: { supported: boolean; sent: number; received: number } } = {};
  const fail = (status: V2IdentityReport["status"], cause: string, detail: string, evidence: string | null = null): AuthOutcome => {
    Object.assign(identity, { status, cause, detail, evidence });
    return { identity, established: false, ...made };
  };
  const a = init.answer;
  const of = (type: number) => a.proposal.transforms.find((x) => x.type === type);
  const encr = of(TransformType.ENCR);
  const prfT = of(TransformType.PRF);
  const integT = of(TransformType.INTEG);
  if (encr === undefined || prfT === undefined || a.ke === null || a.nonce === null) return fail("error", "incomplete-sa-init", "the gateway's IKE_SA_INIT answer lacks a transform, its KE or its nonce: no keys can be made");
  let sa: ReturnType<typeof ikeSaKeys>;
  try {
    sa = ikeSaKeys({ encr, prf: prfT.id, integ: integT?.id ?? null }, { ni: init.nonce, nr: a.nonce, gir: init.ke.computeSecret(a.ke.data), spiI: init.spiI, spiR: a.spiR });
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    return fail("error", "no-keys", `the IKE SA's keys cannot be made: ${why}`);
  }
  const { prf, suite, keys } = sa;
  made.keys = { spiI: init.spiI.toString("hex"), spiR: a.spiR.toString("hex"), cipher: suite.cipher, integ: suite.integ, skEi: keys.skEi.toString("hex"), skEr: keys.skEr.toString("hex"), skAi: keys.skAi.toString("hex"), skAr: keys.skAr.toString("hex") };
  const out: SkKeys = { encKey: keys.skEi, integKey: keys.skAi };
  const back: SkKeys = { encKey: keys.skEr, integKey: keys.skAr };
  const frag = opts.fragmentation;
  const gatewayFragments = a.notifies.some((n) => n.notifyType === Ikev2Notify.IKEV2_FRAGMENTATION_SUPPORTED);
  const fragmentation = frag !== undefined && frag.mode !== "off" && gatewayFragments ? { mode: frag.mode, size: frag.size, ipv6: t.remote.address.includes(":") } : undefined;
  const session = new Ikev2Session({ t, spiI: init.spiI, spiR: a.spiR, suite, out, back, prf, skD: keys.skD, stats, timeoutMs: opts.timeoutMs, floated: opts.floated, ...(fragmentation !== undefined ? { fragmentation } : {}) });
  const ours = signedOctets(prf, init.request, a.nonce, keys.skPi, encodeId(opts.localId));
  let auth: { method: number; data: Buffer } | undefined;
  if (opts.eap !== undefined) auth = undefined;
  else if (opts.signer !== undefined) {
    const signed = signAuth(opts.signer.kind, opts.signer.key, ours, signatureHashNumbers(a.notifies));
    auth = { method: signed.method, data: signed.data };
    identity.ourAuth = signed.scheme;
  } else if (opts.psk !== undefined) auth = { method: AuthMethod.SHARED_KEY, data: sharedKeyAuth(prf, opts.psk, ours) };
  // CERTREQ for X.509 signatures: the --ca CAs by key hash, or none named (any CA) so that the gateway sends its certificate.
  const certReqs = opts.signer !== undefined || opts.gatewayCheck !== undefined ? [{ encoding: 4, data: certReqBody((opts.gatewayCheck?.ca ?? []).map(spkiDer)).subarray(1) }] : [];
  const certs = (opts.signer?.certs ?? []).map((der) => ({ encoding: 4, data: der }));
  const got = await session.askPayloads(Ikev2Exchange.IKE_AUTH, (messageId) =>
    ikeAuthPayloads({ spiI: init.spiI, spiR: a.spiR, messageId, idi: opts.localId, certs, certReqs, ...(opts.remoteId !== undefined ? { idr: opts.remoteId } : {}), ...(auth !== undefined ? { auth } : {}), ...(opts.child !== undefined ? { child: opts.child } : {}) }),
  );
  made.fragments = { supported: gatewayFragments, sent: got.fragments, received: got.fragmentsIn ?? 0 };
  if (got.opened === undefined) {
    return fail("no-answer", "ike-auth-timeout", `no answer to IKE_AUTH after ${got.transmissions} transmissions: some gateways drop an IKE_AUTH they refuse without a word, and an answer with certificates may have been lost to IP fragmentation`);
  }
  const o = got.opened;
  if (o.kind === "fragment") return fail("no-answer", "fragments-missing", `only ${o.number} of the ${o.total} IKE fragments (RFC 7383) of the gateway's IKE_AUTH answer arrived after ${got.transmissions} transmissions: a path that drops some UDP datagrams, or fragments larger than it carries`);
  if (o.kind === "undecryptable") return fail("error", "undecryptable", `the gateway's IKE_AUTH answer does not open with the keys of this IKE SA: ${o.detail}`, o.code);
  if (o.kind === "malformed") return fail("error", "malformed-answer", `the gateway's IKE_AUTH answer cannot be read: ${o.detail}`);
  const r = readProtectedAnswer(o.inner);
  if (r.idr !== null) identity.remote = described(r.idr);
  const idrBody = o.inner.find((p) => p.type === Ikev2Payload.IDR)?.body;
  const view = gatewayCertificates(r, opts.gatewayCheck, identity);
  if (view.audit !== undefined) made.certificateAudit = view.audit;
  const verifySignature = (method: number, data: Buffer): SignatureCheck => {
    const cert = view.endEntity ?? opts.gatewayCheck?.gatewayCert;
    const keyFrom = view.endEntity !== undefined ? "the certificate it sent" : "--gateway-cert";
    if (cert === undefined) return { verified: null, scheme: "", keyFrom, why: "it sent no certificate to check its signature with (give it with --gateway-cert)" };
    if (idrBody === undefined) return { verified: null, scheme: "", keyFrom, why: "it sent no IDr, over which its signature is made" };
    const c = verifyAuth(method, data, new X509Certificate(cert).publicKey, signedOctets(prf, init.response, init.nonce, keys.skPr, idrBody));
    return { ...c, keyFrom, why: c.verified === null ? `${c.scheme}: not checked` : "" };
  };
  const proof: GatewayProof = { prf, psk: opts.psk, signed: opts.signer !== undefined, verifySignature, response: init.response, ni: init.nonce, skPr: keys.skPr, idrBody };
  if (opts.eap !== undefined) {
    await concludeEap(identity, r, proof, session, opts.eap.identity);
    return { identity, established: false, answer: r, ...made, ...(got.rttMs !== undefined ? { rttMs: got.rttMs } : {}), transmissions: got.transmissions };
  }
  const established = conclude(identity, r, proof);
  return { identity, established, answer: r, ...(established ? { session } : {}), ...made, ...(got.rttMs !== undefined ? { rttMs: got.rttMs } : {}), transmissions: got.transmissions };
}

/** A signature check's outcome: verified (null: not checked, `why`), the scheme, whose key it used. */
interface SignatureCheck {
  verified: boolean | null;
  scheme: string;
  keyFrom: string;
  why: string;
}

interface GatewayProof {
  prf: Prf;
  psk: Buffer | undefined;
  /** Our AUTH was a signature. */
  signed: boolean;
  /** The gateway's signature AUTH checked with its certificate (or --gateway-cert). */
  verifySignature: (method: number, data: Buffer) => SignatureCheck;
  response: Buffer;
  ni: Buffer;
  skPr: Buffer;
  idrBody: Buffer | undefined;
}

/** Sets the verdict from the IKE_AUTH answer; true when the gateway accepted our AUTH (the IKE SA exists on its side). */
function conclude(identity: V2IdentityReport, r: ProtectedAnswer, proof: GatewayProof): boolean {
  const set = (status: V2IdentityReport["status"], cause: string, detail: string, evidence: string): void => {
    Object.assign(identity, { status, cause, detail, evidence });
  };
  const errorNames = r.errors.map((n) => ikev2NotifyName(n.notifyType));
  if (r.unknownCritical.length > 0) {
    set("error", "unknown-critical-payload", `the answer carries critical payload${r.unknownCritical.length > 1 ? "s" : ""} of unknown type ${r.unknownCritical.join(", ")}, which must be refused (RFC 7296 §2.5)`, "");
    return false;
  }
  if (r.errors.some((n) => n.notifyType === Ikev2Notify.AUTHENTICATION_FAILED) && proof.signed) {
    identity.notify = "AUTHENTICATION_FAILED";
    set(
      "auth-failed",
      "authentication-failed",
      `the gateway refused our signature AUTH (${identity.ourAuth ?? "signature"}): it does not trust our certificate's issuer, has no connection for our ID (${identity.local?.type}:${identity.local?.value}, by default our certificate's subject) or wants another authentication method for it; its log says which`,
      "N(AUTHENTICATION_FAILED) in the IKE_AUTH answer",
    );
    return false;
  }
  if (r.errors.some((n) => n.notifyType === Ikev2Notify.AUTHENTICATION_FAILED)) {
    identity.notify = "AUTHENTICATION_FAILED";
    set(
      "psk-mismatch",
      "authentication-failed",
      `the gateway refused our AUTH. In IKEv2 it looks the PSK up by our ID (${identity.local?.type}:${identity.local?.value}${identity.requestedRemote !== null ? ` and its own, ${identity.requestedRemote.type}:${identity.requestedRemote.value}` : ""}), so a wrong PSK, an ID it has no PSK for and a connection it cannot find read the same: check the PSK, then --id and --remote-id against the gateway's configuration`,
      "N(AUTHENTICATION_FAILED) in the IKE_AUTH answer",
    );
    return false;
  }
  if (r.auth === null) {
    if (r.eap !== null) {
      const method = r.eap.eapType !== undefined ? (EAP_TYPE_NAMES[r.eap.eapType] ?? `type ${r.eap.eapType}`) : "without a type";
      set("eap-required", "eap-required", `the gateway answered our PSK AUTH with EAP (first method asked for: ${method}): it authenticates clients with EAP, not with a PSK (--auth eap shows which method)`, `EAP ${r.eap.code === 1 ? "request" : "message"} (${method}) in the IKE_AUTH answer`);
      identity.eap = { methods: [method], method: r.eap.eapType === EAP_IDENTITY ? null : method, ended: "not answered: the IKE SA stays on the gateway until its EAP exchange times out" };
      return false;
    }
    if (errorNames.length > 0) {
      identity.notify = errorNames[0]!;
      set("rejected", "notify", `the gateway refused IKE_AUTH with ${errorNames.join(", ")}`, `N(${errorNames.join("), N(")}) in the IKE_AUTH answer`);
    } else {
      set("error", "no-auth", `the IKE_AUTH answer has neither AUTH nor an error notify${r.unreadable.length > 0 ? ` (unreadable: ${r.unreadable.join("; ")})` : ""}`, "");
    }
    return false;
  }
  // The gateway accepted us and proves itself: the IKE SA exists on its side.
  const method = authMethodName(r.auth.method);
  const childNote = errorNames.length > 0 ? `; beside it the gateway sent ${errorNames.join(", ")}` : "";
  const we = proof.signed ? "our signature" : "our PSK";
  if (r.auth.method !== AuthMethod.SHARED_KEY) {
    const check = proof.verifySignature(r.auth.method, r.auth.data);
    identity.gatewayAuth = { method, verified: check.verified, ...(check.scheme !== "" ? { scheme: check.scheme } : {}) };
    if (check.verified === true) set("authenticated", "verified", `the gateway accepted ${we} and proved itself with a ${check.scheme} signature that verifies with its certificate${childNote}`, `the gateway's AUTH verifies with the public key of ${check.keyFrom} over its IKE_SA_INIT | Ni | prf(SK_pr, IDr) (RFC 7296 §2.15)`);
    else if (check.verified === false) set("auth-failed", "gateway-signature-invalid", `the gateway accepted ${we}, but its own signature AUTH (${check.scheme}) does not verify with ${check.keyFrom}: do not trust this gateway's identity${childNote}`, "the gateway's signature AUTH does not verify");
    else set("authenticated", "accepted", `the gateway accepted ${we} and proved itself with ${method}; ${check.why}${childNote}`, `AUTH (${method}) in the IKE_AUTH answer`);
    return true;
  }
  const verified = gatewayPskVerifies(proof, r.auth.data);
  identity.gatewayAuth = { method, verified };
  if (verified === null) set("authenticated", "accepted", `the gateway accepted ${we} and proved itself with a shared key${proof.idrBody === undefined ? " but sent no IDr" : ""}, which cannot be checked without its PSK (--psk-file)${childNote}`, `AUTH (${method}) in the IKE_AUTH answer`);
  else if (verified) set("authenticated", "verified", `the gateway accepted ${we} and proved the same key in its own AUTH${childNote}`, "the gateway's AUTH equals prf(prf(PSK, \"Key Pad for IKEv2\"), its IKE_SA_INIT | Ni | prf(SK_pr, IDr)) (RFC 7296 §2.15)");
  else set("psk-mismatch", "gateway-auth-mismatch", `the gateway accepted our AUTH, but its own AUTH does not verify with our PSK: it uses a different key for its side (a PSK per direction) or computes AUTH wrongly${childNote}`, "the gateway's shared-key AUTH differs from the one our PSK gives");
  return true;
}

/**
 * The gateway's certificates (CERT payloads, X.509 signature) reported and checked against --ca as
 * IKEv1's are (report/build/certificates.ts); the end entity's DER for its signature.
 */
function gatewayCertificates(r: ProtectedAnswer, check: GatewayCheck | undefined, identity: V2IdentityReport): { endEntity: Buffer | undefined; audit: CertificateView["audit"] | undefined } {
  // CERT bodies as they came (encoding byte first): the layout IKEv1's reader takes too.
  const x509 = r.certs.filter((c) => c.encoding === 4).map((c) => Buffer.concat([Buffer.from([c.encoding]), c.data]));
  if (x509.length === 0 && check === undefined) return { endEntity: undefined, audit: undefined };
  const view = certificateView({ certificates: x509, certificateRequests: [] }, check !== undefined ? { showPem: check.showPem, warnDays: check.warnDays, ...(check.ca !== undefined ? { ca: check.ca } : {}) } : undefined, identity.remote, Date.now());
  identity.remoteCertificates = view.fields.remoteCertificates;
  identity.chain = view.fields.chain;
  const other = r.certs.filter((c) => c.encoding !== 4).map((c) => `encoding ${c.encoding}`);
  if (other.length > 0 || view.unreadable.length > 0) identity.certificateNotes = [...other.map((x) => `a CERT payload of ${x}, not an X.509 certificate`), ...view.unreadable];
  const first = view.fields.remoteCertificates.length > 0 ? parseCertificatePayloads(x509).parsed[0]?.der : undefined;
  return { endEntity: first !== undefined ? Buffer.from(first) : undefined, audit: view.audit };
}

/** The gateway's shared-key AUTH checked with our PSK (RFC 7296 §2.15); null without a PSK or an IDr to check it over. */
function gatewayPskVerifies(proof: GatewayProof, data: Buffer): boolean | null {
  if (proof.psk === undefined || proof.idrBody === undefined) return null;
  return sharedKeyAuth(proof.prf, proof.psk, signedOctets(proof.prf, proof.response, proof.ni, proof.skPr, proof.idrBody)).equals(data);
}

const EAP_IDENTITY = 1;
const EAP_NAK = 3;
const eapName = (t: number | undefined): string => (t === undefined ? "no type" : (EAP_TYPE_NAMES[t] ?? `type ${t}`));

/**
 * The answer to IKE_AUTH without AUTH (RFC 7296 §2.16): the gateway's ID and AUTH, and its EAP
 * request. An Identity request is answered with our EAP identity to learn the gateway's method; that
 * method is then declined with a Nak offering no alternative (RFC 3748 §5.3.1), which the gateway
 * ends with EAP Failure: nothing is left half-done on its side.
 */
async function concludeEap(identity: V2IdentityReport, r: ProtectedAnswer, proof: GatewayProof, session: Ikev2Session, eapIdentity: Buffer): Promise<void> {
  const set = (status: V2IdentityReport["status"], cause: string, detail: string, evidence: string): void => {
    Object.assign(identity, { status, cause, detail, evidence });
  };
  const errorNames = r.errors.map((n) => ikev2NotifyName(n.notifyType));
  if (r.unknownCritical.length > 0) return set("error", "unknown-critical-payload", `the answer carries critical payload${r.unknownCritical.length > 1 ? "s" : ""} of unknown type ${r.unknownCritical.join(", ")}, which must be refused (RFC 7296 §2.5)`, "");
  if (r.eap === null) {
    if (errorNames.length > 0) {
      identity.notify = errorNames[0]!;
      const refused = r.errors.some((n) => n.notifyType === Ikev2Notify.AUTHENTICATION_FAILED);
      return set("rejected", refused ? "eap-not-offered" : "notify", refused ? `the gateway refused IKE_AUTH without AUTH: it does not authenticate ${identity.local?.type}:${identity.local?.value} with EAP (its connection for this ID wants a PSK or a certificate, or it has none for it)` : `the gateway refused IKE_AUTH with ${errorNames.join(", ")}`, `N(${errorNames.join("), N(")}) in the IKE_AUTH answer`);
    }
    return set("error", "no-eap", `the gateway answered IKE_AUTH without AUTH with neither an EAP request nor an error notify${r.auth !== null ? " (it sent its own AUTH)" : ""}`, "");
  }
  if (r.auth !== null) {
    const check = r.auth.method === AuthMethod.SHARED_KEY ? undefined : proof.verifySignature(r.auth.method, r.auth.data);
    identity.gatewayAuth = { method: authMethodName(r.auth.method), verified: check === undefined ? gatewayPskVerifies(proof, r.auth.data) : check.verified, ...(check !== undefined && check.scheme !== "" ? { scheme: check.scheme } : {}) };
  }
  const methods = [eapName(r.eap.eapType)];
  let last: EapPayload = r.eap;
  let ended = "";
  // At most two more rounds: our Identity, then our Nak.
  for (let round = 0; round < 2 && last.code === EapCode.REQUEST; round++) {
    const answer: EapPayload = last.eapType === EAP_IDENTITY ? { code: EapCode.RESPONSE, identifier: last.identifier, eapType: EAP_IDENTITY, data: eapIdentity } : { code: EapCode.RESPONSE, identifier: last.identifier, eapType: EAP_NAK, data: Buffer.from([0]) };
    const got = await session.ask(Ikev2Exchange.IKE_AUTH, (messageId) => encodeEapRound({ spiI: session.spiI, spiR: session.spiR, messageId }, answer, session.suite, session.out));
    const sent = answer.eapType === EAP_IDENTITY ? "our EAP Identity" : "our Nak (no alternative method)";
    if (got.opened?.kind !== "opened") {
      ended = `no readable answer to ${sent}`;
      break;
    }
    const next = readProtectedAnswer(got.opened.inner);
    if (next.eap === null) {
      ended = `the gateway answered ${sent} without EAP${next.errors.length > 0 ? ` (${next.errors.map((n) => ikev2NotifyName(n.notifyType)).join(", ")})` : ""}`;
      break;
    }
    last = next.eap;
    if (last.code === EapCode.REQUEST) methods.push(eapName(last.eapType));
    else ended = `the gateway answered ${sent} with EAP ${last.code === EapCode.FAILURE ? "Failure, which ends the IKE SA on its side" : last.code === EapCode.SUCCESS ? "Success" : `code ${last.code}`}`;
  }
  if (ended === "") ended = "the gateway kept asking: the IKE SA stays on it until its EAP exchange times out";
  const method = methods.find((m) => m !== "Identity") ?? null;
  identity.eap = { methods, method, ended };
  const auth = identity.gatewayAuth;
  const proved = auth === null ? "; it sent no AUTH of its own (EAP-only authentication, RFC 5998, or a fault)" : auth.verified === true ? `; it proved itself with ${auth.method}, verified${auth.method === "shared key" ? " with our PSK" : " with its certificate"}` : auth.verified === false ? `; its ${auth.method} AUTH does not verify` : `; it proved itself with ${auth.method} (${auth.method === "shared key" ? "give --psk-file to check it" : "a signature not checked: no certificate to check it with"})`;
  set("eap-required", "eap-request", `the gateway authenticates clients with EAP${method !== null ? `, method ${method}` : ""}${methods[0] === "Identity" ? " (after asking for an identity)" : ""}${proved}`, `EAP Request${methods.length > 1 ? "s" : ""} ${methods.join(", then ")} in the IKE_AUTH answers; ${ended}`);
}
