/**
 * IANA "Internet Key Exchange (IKE) Attributes" / "ISAKMP" registry numbers used on the wire
 * (RFC 2407, RFC 2408, RFC 2409, RFC 3947, RFC 3706). Tables are `as const` objects; lookups by
 * number go through `nameOf`.
 */

export const ISAKMP_VERSION = 0x10;
export { HEADER_LENGTH } from "../header.js";

export const ExchangeType = {
  BASE: 1,
  IDENTITY_PROTECTION: 2, // Main Mode
  AUTHENTICATION_ONLY: 3,
  AGGRESSIVE: 4,
  INFORMATIONAL: 5,
  TRANSACTION: 6,
  QUICK_MODE: 32,
  NEW_GROUP_MODE: 33,
} as const;

const EXCHANGE_NAMES: Readonly<Record<number, string>> = {
  1: "Base",
  2: "Main Mode",
  3: "Authentication Only",
  4: "Aggressive Mode",
  5: "Informational",
  6: "Transaction",
  32: "Quick Mode",
  33: "New Group Mode",
};

/** The exchange type's name (RFC 2408 §3.1, RFC 2409), or its number. */
export function exchangeName(type: number): string {
  return EXCHANGE_NAMES[type] ?? `exchange type ${type}`;
}

export const Flags = { ENCRYPTION: 0x01, COMMIT: 0x02, AUTH_ONLY: 0x04 } as const;

export const PayloadType = {
  NONE: 0,
  SA: 1,
  PROPOSAL: 2,
  TRANSFORM: 3,
  KE: 4,
  ID: 5,
  CERT: 6,
  CR: 7,
  HASH: 8,
  SIG: 9,
  NONCE: 10,
  NOTIFICATION: 11,
  DELETE: 12,
  VENDOR_ID: 13,
  ATTRIBUTE: 14,
  NAT_D: 20,
  NAT_OA: 21,
  NAT_D_DRAFT: 130,
  NAT_OA_DRAFT: 131,
  FRAGMENT: 132,
} as const;

export const ProtocolId = { ISAKMP: 1, IPSEC_AH: 2, IPSEC_ESP: 3, IPCOMP: 4 } as const;

export const DOI_IPSEC = 1;
export const SIT_IDENTITY_ONLY = 1;
export const KEY_IKE = 1;

export const IdType = {
  IPV4_ADDR: 1,
  FQDN: 2,
  USER_FQDN: 3,
  IPV4_ADDR_SUBNET: 4,
  IPV6_ADDR: 5,
  IPV6_ADDR_SUBNET: 6,
  IPV4_ADDR_RANGE: 7,
  IPV6_ADDR_RANGE: 8,
  DER_ASN1_DN: 9,
  DER_ASN1_GN: 10,
  KEY_ID: 11,
  LIST: 12,
} as const;

/** Notify message types (RFC 2408 §3.14.1, RFC 2407 §4.6.3, RFC 3706, vendor ranges). */
export const NotifyType = {
  INVALID_PAYLOAD_TYPE: 1,
  DOI_NOT_SUPPORTED: 2,
  SITUATION_NOT_SUPPORTED: 3,
  INVALID_COOKIE: 4,
  INVALID_MAJOR_VERSION: 5,
  INVALID_MINOR_VERSION: 6,
  INVALID_EXCHANGE_TYPE: 7,
  INVALID_FLAGS: 8,
  INVALID_MESSAGE_ID: 9,
  INVALID_PROTOCOL_ID: 10,
  INVALID_SPI: 11,
  INVALID_TRANSFORM_ID: 12,
  ATTRIBUTES_NOT_SUPPORTED: 13,
  NO_PROPOSAL_CHOSEN: 14,
  BAD_PROPOSAL_SYNTAX: 15,
  PAYLOAD_MALFORMED: 16,
  INVALID_KEY_INFORMATION: 17,
  INVALID_ID_INFORMATION: 18,
  INVALID_CERT_ENCODING: 19,
  INVALID_CERTIFICATE: 20,
  CERT_TYPE_UNSUPPORTED: 21,
  INVALID_CERT_AUTHORITY: 22,
  INVALID_HASH_INFORMATION: 23,
  AUTHENTICATION_FAILED: 24,
  INVALID_SIGNATURE: 25,
  ADDRESS_NOTIFICATION: 26,
  NOTIFY_SA_LIFETIME: 27,
  CERTIFICATE_UNAVAILABLE: 28,
  UNSUPPORTED_EXCHANGE_TYPE: 29,
  UNEQUAL_PAYLOAD_LENGTHS: 30,
  CONNECTED: 16384,
  RESPONDER_LIFETIME: 24576,
  REPLAY_STATUS: 24577,
  INITIAL_CONTACT: 24578,
  R_U_THERE: 36136,
  R_U_THERE_ACK: 36137,
} as const;

/** "NO_PROPOSAL_CHOSEN" -> "NO-PROPOSAL-CHOSEN": the spelling users see in RFCs and gateway logs. */
export function notifyName(type: number): string {
  for (const [k, v] of Object.entries(NotifyType)) if (v === type) return k.replace(/_/g, "-");
  if (type >= 8192 && type <= 16383) return `PRIVATE-ERROR-${type}`;
  return `NOTIFY-${type}`;
}

/** Notify types below 16384 are errors (RFC 2408 §3.14.1). */
export function isErrorNotify(type: number): boolean {
  return type < 16384;
}

export function nameOf<T extends Record<string, number>>(table: T, value: number): string | undefined {
  for (const [k, v] of Object.entries(table)) if (v === value) return k;
  return undefined;
}
