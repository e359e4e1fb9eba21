/**
 * The probe's certificate options: our credentials for signature methods (--cert, --key,
 * --key-passphrase-file), what the gateway is checked against (--ca, --gateway-cert), how its
 * certificates are reported (--show-certs, --save-certs, --cert-warn-days). The private key and its
 * passphrase stay in a KeyObject: never in the report, a log, a pcap or a key file.
 */
import { type KeyObject, X509Certificate, createPrivateKey } from "node:crypto";
import { readFileSync } from "node:fs";
import { signatureMethod, keyMismatch } from "../crypto/signature.js";
import { UsageError } from "../errors.js";
import type { CertificateOptions } from "../probe/options.js";
import type { Phase1Transform } from "../config/ike.js";
import { authToken } from "../config/ike.js";
import { pemBlocks } from "../x509/pem.js";
import { firstLine, intOption } from "./io.js";
import type { OptionSpec } from "./options.js";

export interface CertificateArgs {
  cert?: string;
  key?: string;
  "key-passphrase-file"?: string;
  ca?: string;
  "gateway-cert"?: string;
  "show-certs": boolean;
  "save-certs"?: string;
  "cert-warn-days": number;
  fragmentation: "auto" | "force" | "off";
  "fragment-size": number;
}

export const CERTIFICATE_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  cert: { type: "string", describe: "signature methods: our certificate (PEM), optionally followed by intermediates; all are sent" },
  key: { type: "string", describe: "signature methods: our private key (PEM: RSA or EC, PKCS#8 or traditional, optionally encrypted)" },
  "key-passphrase-file": { type: "string", describe: "file holding the passphrase of an encrypted --key (first line)" },
  ca: { type: "string", describe: "trust anchors (PEM, one or more) to verify the gateway's certificate chain against; also named in our CERTREQs" },
  "gateway-cert": { type: "string", describe: "the gateway's certificate (PEM), to check its signature when it sends none" },
  "show-certs": { type: "boolean", default: false, describe: "include each certificate the gateway sent as PEM in the report" },
  "save-certs": { type: "string", describe: "write the certificates the gateway sent to this file (PEM, end entity first)" },
  "cert-warn-days": { type: "number", default: 30, describe: "report a gateway certificate that expires within this many days" },
  fragmentation: { type: "string", default: "auto", choices: ["auto", "force", "off"] as const, describe: "IKE fragmentation: announce it and fragment our large messages when the gateway announces it too (auto), fragment them always (force), neither (off)" },
  "fragment-size": { type: "number", default: 1280, describe: "largest IP datagram of an IKE fragment we send, in bytes (our larger messages are fragmented)" },
};

/** The options that only mean something with a signature method (the others have defaults). */
export const SIGNATURE_ONLY = ["cert", "key", "key-passphrase-file", "ca", "gateway-cert", "save-certs"] as const;

function readText(option: string, file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (e) {
    throw new UsageError(`--${option} ${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { cause: e });
  }
}

function certificates(option: string, file: string): Buffer[] {
  const ders = pemBlocks(readText(option, file), "CERTIFICATE");
  if (ders.length === 0) throw new UsageError(`--${option} ${file}: no PEM certificate in it (expected -----BEGIN CERTIFICATE-----)`);
  for (const [i, der] of ders.entries()) {
    try {
      new X509Certificate(der);
    } catch (e) {
      throw new UsageError(`--${option} ${file}: certificate ${i + 1} does not parse (${(e as Error).message})`, { cause: e });
    }
  }
  return ders;
}

function privateKey(a: CertificateArgs, file: string): KeyObject {
  const pem = readText("key", file);
  const passphrase = a["key-passphrase-file"] !== undefined ? firstLine("--key-passphrase-file", a["key-passphrase-file"]) : undefined;
  try {
    return createPrivateKey(passphrase !== undefined ? { key: pem, format: "pem", passphrase } : { key: pem, format: "pem" });
  } catch (e) {
    const msg = (e as Error).message;
    if (/passphrase|bad decrypt|interrupted or cancelled/i.test(msg) || (passphrase === undefined && /ENCRYPTED/.test(pem))) {
      throw new UsageError(passphrase === undefined ? `--key ${file}: the key is encrypted; give its passphrase with --key-passphrase-file FILE` : `--key ${file}: the passphrase in --key-passphrase-file does not decrypt it`, { cause: e });
    }
    throw new UsageError(`--key ${file}: not a PEM private key we can read (${msg})`, { cause: e });
  }
}

const KEY_HINT: Readonly<Record<string, string>> = { rsa: "rsa", "ec:prime256v1": "ecdsa256", "ec:secp384r1": "ecdsa384", "ec:secp521r1": "ecdsa521" };

/** Our credentials checked against each other and against every signature method offered. */
function credentials(a: CertificateArgs, transforms: readonly Phase1Transform[]): { key: KeyObject; certs: Buffer[] } {
  if (a.cert === undefined || a.key === undefined) throw new UsageError(a.cert === undefined ? "--key needs our certificate: add --cert FILE" : "--cert needs our private key: add --key FILE");
  const certs = certificates("cert", a.cert);
  const key = privateKey(a, a.key);
  const ours = new X509Certificate(certs[0]!);
  if (!ours.checkPrivateKey(key)) throw new UsageError(`--key ${a.key} does not belong to --cert ${a.cert} (the first certificate's public key is another)`);
  for (const t of transforms) {
    const m = signatureMethod(t.auth);
    if (m === undefined || !m.initiatorSigns) continue;
    const why = keyMismatch(m.kind, key);
    if (why === undefined) continue;
    const fits = KEY_HINT[key.asymmetricKeyType === "ec" ? `ec:${key.asymmetricKeyDetails?.namedCurve ?? ""}` : (key.asymmetricKeyType ?? "")];
    throw new UsageError(
      `--auth ${authToken(t.auth)} does not fit --key ${a.key}: ${why}. In IKEv1 both sides sign with the one method negotiated${fits !== undefined ? `: offer --auth ${fits} for this key` : ""}`,
    );
  }
  return { key, certs };
}

export function readFragmentation(a: CertificateArgs): { mode: "auto" | "force" | "off"; size: number } {
  return { mode: a.fragmentation, size: intOption("fragment-size", a["fragment-size"], 576, 65535) };
}

/** The certificate options, or undefined for a probe that offers no signature method. */
export function readCertificateOptions(a: CertificateArgs, transforms: readonly Phase1Transform[]): CertificateOptions | undefined {
  const signatures = transforms.some((t) => signatureMethod(t.auth) !== undefined);
  if (!signatures) {
    const given = SIGNATURE_ONLY.find((o) => a[o] !== undefined);
    if (given !== undefined) throw new UsageError(`--${given} applies to signature authentication: offer it with --auth rsa (or ecdsa256, ecdsa384, ecdsa521, xauth-rsa)`);
    if (a["show-certs"]) throw new UsageError("--show-certs applies to signature authentication: offer it with --auth rsa (or ecdsa256, ...)");
    return undefined;
  }
  if (a["key-passphrase-file"] !== undefined && a.key === undefined) throw new UsageError("--key-passphrase-file is the passphrase of --key: add --key FILE");
  const opts: CertificateOptions = { showPem: a["show-certs"], warnDays: intOption("cert-warn-days", a["cert-warn-days"], 0, 3650) };
  if (a.cert !== undefined || a.key !== undefined) Object.assign(opts, credentials(a, transforms));
  if (a.ca !== undefined) opts.ca = certificates("ca", a.ca);
  if (a["gateway-cert"] !== undefined) opts.gatewayCert = certificates("gateway-cert", a["gateway-cert"])[0]!;
  return opts;
}

/**
 * The certificate options for IKEv2 (--auth rsa|ecdsa256|ecdsa384|ecdsa521): our key and
 * certificate checked against each other and the method, and what the gateway's certificates are
 * checked against. In IKEv2 each side picks its own method, so only our key has to fit ours.
 */
export function readV2Certificates(a: CertificateArgs, kind: "rsa" | "ecdsa256" | "ecdsa384" | "ecdsa521" | undefined): { signer?: { kind: "rsa" | "ecdsa256" | "ecdsa384" | "ecdsa521"; key: KeyObject; certs: Buffer[] }; gatewayCheck?: { ca?: Buffer[]; gatewayCert?: Buffer; showPem: boolean; warnDays: number } } {
  if (a["key-passphrase-file"] !== undefined && a.key === undefined) throw new UsageError("--key-passphrase-file is the passphrase of --key: add --key FILE");
  if (kind === undefined && (a.cert !== undefined || a.key !== undefined)) throw new UsageError(`--${a.cert !== undefined ? "cert" : "key"} signs our AUTH: add --auth rsa (or ecdsa256, ecdsa384, ecdsa521) for the key`);
  const out: ReturnType<typeof readV2Certificates> = {};
  if (kind !== undefined) {
    if (a.cert === undefined || a.key === undefined) throw new UsageError(`--auth ${kind} signs our AUTH with a certificate: ${a.cert === undefined ? "add --cert FILE" : "add --key FILE"}`);
    const certs = certificates("cert", a.cert);
    const key = privateKey(a, a.key);
    if (!new X509Certificate(certs[0]!).checkPrivateKey(key)) throw new UsageError(`--key ${a.key} does not belong to --cert ${a.cert} (the first certificate's public key is another)`);
    const why = keyMismatch(kind, key);
    if (why !== undefined) {
      const fits = KEY_HINT[key.asymmetricKeyType === "ec" ? `ec:${key.asymmetricKeyDetails?.namedCurve ?? ""}` : (key.asymmetricKeyType ?? "")];
      throw new UsageError(`--auth ${kind} does not fit --key ${a.key}: ${why}${fits !== undefined ? `; use --auth ${fits}` : ""}`);
    }
    out.signer = { kind, key, certs };
  }
  const any = kind !== undefined || a.ca !== undefined || a["gateway-cert"] !== undefined || a["show-certs"];
  if (any) {
    out.gatewayCheck = { showPem: a["show-certs"], warnDays: intOption("cert-warn-days", a["cert-warn-days"], 0, 3650) };
    if (a.ca !== undefined) out.gatewayCheck.ca = certificates("ca", a.ca);
    if (a["gateway-cert"] !== undefined) out.gatewayCheck.gatewayCert = certificates("gateway-cert", a["gateway-cert"])[0]!;
  }
  return out;
}
