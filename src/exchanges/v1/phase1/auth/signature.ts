/**
 * Signature authentication (RFC 2409 §5.1, RFC 4754 for ECDSA, RFC 4945 for the certificates):
 * SKEYID = prf(Ni_b | Nr_b, g^xy); we ask for certificates (CERTREQ, one per --ca anchor, or any),
 * prove ourselves with our certificate chain and SIG_I, and check the gateway's SIG_R with the
 * public key of the certificate it sent (or of --gateway-cert). Also the XAUTH signature variants
 * (XAUTHInitRSA: the same proofs, XAUTH after Phase 1) and the hybrid ones, where only the gateway
 * signs and we prove ourselves with HASH_I.
 */
import { type KeyObject, X509Certificate } from "node:crypto";
import { hashI, hashR, skeyidSig } from "../../../../crypto/v1/keys.js";
import type { HashAlg } from "../../../../crypto/prf.js";
import { type SignatureMethod, keyMismatch, proofHash, schemeName, sign, verify } from "../../../../crypto/signature.js";
import { PayloadType } from "../../../../wire/v1/constants.js";
import type { OutgoingPayload, RawPayload } from "../../../../wire/v1/message.js";
import { CertEncoding, encodeCertificate } from "../../../../wire/v1/payloads/certificate.js";
import { encodeCertificateRequest } from "../../../../wire/v1/payloads/certificate-request.js";
import { type ParsedCertificate, parseCertificate, parseCertificatePayloads } from "../../../../x509/certificate.js";
import { nameText } from "../../../../x509/name.js";
import type { AuthContext, Phase1Auth, ProofCheck } from "../auth.js";

export interface SignerConfig {
  /** Our private key; with `certs`, what proves our identity. Absent: no credentials (an audit). */
  key?: KeyObject;
  /** Our certificate and its intermediates, DER, end entity first; all are sent. */
  certs?: Buffer[];
  /** The gateway's certificate, for a gateway that sends none (--gateway-cert). */
  gatewayCert?: Buffer;
  /** DER subjects of the trust anchors (--ca), each asked for in a CERTREQ; none: any authority. */
  authorities?: Buffer[];
}

/** The X.509 certificates among a message's CERT payloads, end entity first (the rest are left to the report). */
export function receivedCertificates(payloads: readonly RawPayload[]): ParsedCertificate[] {
  return parseCertificatePayloads(payloads.filter((p) => p.type === PayloadType.CERT).map((p) => p.body)).parsed;
}

export function signatureAuth(method: SignatureMethod, signer: SignerConfig): Phase1Auth {
  const h = (ctx: AuthContext): HashAlg => proofHash(method.kind, ctx.hash);
  const ours = signer.certs?.[0];
  const canProve = !method.initiatorSigns || (signer.key !== undefined && ours !== undefined);
  const ourIssuer = ours !== undefined ? issuerText(ours) : undefined;
  const scheme = schemeName(method.kind);
  // --gateway-cert was read by the CLI; a certificate given through the API is checked here, once.
  let gatewayKey: KeyObject | undefined;
  try {
    gatewayKey = signer.gatewayCert !== undefined ? new X509Certificate(signer.gatewayCert).publicKey : undefined;
  } catch {
    gatewayKey = undefined;
  }
  return {
    canProve,
    skeyid: (hash: HashAlg, ni: Buffer, nr: Buffer, gxy: Buffer) => skeyidSig(hash, ni, nr, gxy),
    requests(): OutgoingPayload[] {
      const authorities = signer.authorities !== undefined && signer.authorities.length > 0 ? signer.authorities : [Buffer.alloc(0)];
      return authorities.map((authority) => ({ type: PayloadType.CR, body: encodeCertificateRequest({ certType: CertEncoding.X509_SIGNATURE, authority }) }));
    },
    proof(ctx: AuthContext, idiiB: Buffer): OutgoingPayload[] {
      const hash = hashI(h(ctx), ctx.keys.skeyid, ctx.gxi, ctx.gxr, ctx.initiatorCookie, ctx.responderCookie, ctx.saiB, idiiB);
      if (!method.initiatorSigns) return [{ type: PayloadType.HASH, body: hash }];
      if (signer.key === undefined) throw new Error("signature proof without a key (canProve is false)");
      const certs = (signer.certs ?? []).map((data) => ({ type: PayloadType.CERT, body: encodeCertificate({ encoding: CertEncoding.X509_SIGNATURE, data }) }));
      return [...certs, { type: PayloadType.SIG, body: sign(method.kind, signer.key, hash) }];
    },
    verify(ctx: AuthContext, idirB: Buffer, payloads: readonly RawPayload[]): ProofCheck {
      const sig = payloads.find((p) => p.type === PayloadType.SIG);
      if (sig === undefined) return { kind: "missing", what: "SIG_R" };
      const sent = receivedCertificates(payloads)[0];
      let key: KeyObject;
      if (sent !== undefined) key = sent.x509.publicKey;
      else if (gatewayKey !== undefined) key = gatewayKey;
      else return { kind: "unverifiable", why: "the gateway sent no certificate (or none we can read) and no --gateway-cert was given" };
      const wrongKey = keyMismatch(method.kind, key);
      if (wrongKey !== undefined) return { kind: "unverifiable", why: `the gateway's certificate does not fit the method: ${wrongKey}` };
      const computed = hashR(h(ctx), ctx.keys.skeyid, ctx.gxi, ctx.gxr, ctx.initiatorCookie, ctx.responderCookie, ctx.saiB, idirB);
      const ok = verify(method.kind, key, computed, sig.body);
      return ok ? { kind: "verified", signature: { algorithm: scheme, verified: true } } : { kind: "mismatch", received: sig.body, computed, signature: { algorithm: scheme, verified: false } };
    },
    facts: () => (ourIssuer !== undefined ? { ourIssuer } : {}),
    findings: {
      "mm4-resent": "sig-mm4-resent",
      "silence-after-mm5": "sig-silence-after-mm5",
      "mm6-undecryptable": "sig-mm6-undecryptable",
      "notify-undecryptable": "sig-notify-undecryptable",
      "payload-malformed": "sig-payload-malformed",
      // Our issuer not among the authorities the gateway asked for: that is why it refuses us.
      "authentication-failed": (f) =>
        f.requested !== undefined && f.requested.length > 0 && f.ourIssuer !== undefined && !f.requested.includes(f.ourIssuer) ? "sig-untrusted-issuer" : "sig-authentication-failed",
      "mm6-mismatch": "sig-gateway-signature-invalid",
      "am2-mismatch": "sig-gateway-signature-invalid",
      "proof-unverifiable": "sig-gateway-unverifiable",
      "certificate-refused": "sig-certificate-refused",
      "signature-refused": "sig-signature-refused",
      "mm-authenticated": "sig-mm-authenticated",
      "am-authenticated": "sig-am-authenticated",
    },
  };
}

function issuerText(der: Buffer): string {
  try {
    return nameText(parseCertificate(der).asn.tbsCertificate.issuer);
  } catch {
    return new X509Certificate(der).issuer.replace(/\n/g, ", ");
  }
}
