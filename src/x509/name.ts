/**
 * X.500 distinguished names as text (RFC 4514 attribute names, RDNs in the order they are encoded,
 * joined by ", " as strongSwan and OpenSSL's one-line form show them): "C=XX, O=Example, CN=Example
 * Root CA". The DER is parsed by @peculiar/asn1-x509 (README: why a package).
 */
import { AsnConvert } from "@peculiar/asn1-schema";
import { Name } from "@peculiar/asn1-x509";

/** Short names of the attribute types seen in certificate DNs (RFC 4519, RFC 2985 for E). */
const ATTRIBUTE_NAMES: Readonly<Record<string, string>> = {
  "2.5.4.3": "CN",
  "2.5.4.4": "SN",
  "2.5.4.5": "serialNumber",
  "2.5.4.6": "C",
  "2.5.4.7": "L",
  "2.5.4.8": "ST",
  "2.5.4.9": "street",
  "2.5.4.10": "O",
  "2.5.4.11": "OU",
  "2.5.4.12": "title",
  "2.5.4.42": "GN",
  "2.5.4.46": "dnQualifier",
  "2.5.4.65": "pseudonym",
  "0.9.2342.19200300.100.1.1": "UID",
  "0.9.2342.19200300.100.1.25": "DC",
  "1.2.840.113549.1.9.1": "E",
};

/** A parsed Name as text; attribute values that are not strings show as #hex (RFC 4514 §2.4). */
export function nameText(name: Name): string {
  const attribute = (atv: Name[number][number]): string => {
    const v = atv.value;
    return `${ATTRIBUTE_NAMES[atv.type] ?? atv.type}=${v.anyValue !== undefined ? `#${Buffer.from(v.anyValue).toString("hex")}` : v.toString()}`;
  };
  return Array.from(name, (rdn) => Array.from(rdn, attribute).join(" + ")).join(", ");
}

/** A DER-encoded Name (a CERTREQ's authority, RFC 4945 §3.2.3) as text; throws on bytes that are not one. */
export function derNameText(der: Uint8Array): string {
  return nameText(AsnConvert.parse(der, Name));
}

/** A CERTREQ's authority in words: its DN, `#hex` when it is not one (RFC 4514 §2.4), null for any authority (empty). */
export function authorityText(der: Buffer): string | null {
  if (der.length === 0) return null;
  try {
    return derNameText(der);
  } catch {
    return `#${der.toString("hex")}`;
  }
}
