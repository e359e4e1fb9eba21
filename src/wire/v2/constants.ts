/**
 * IKEv2's numbers (RFC 7296 §3 and the IANA "Internet Key Exchange Version 2 (IKEv2) Parameters"
 * registry): the header's version and flags, exchange types, payload types, transform types,
 * notify types, ID types, authentication methods and certificate encodings.
 */

/** Major version 2, minor 0 (RFC 7296 §3.1). */
export const IKEV2_VERSION = 0x20;

/** Header flags (RFC 7296 §3.1): bits 0x01, 0x02 and 0x04 are IKEv1's and must be zero. */
export const Ikev2Flags = { INITIATOR: 0x08, VERSION: 0x10, RESPONSE: 0x20 } as const;

/** The generic payload header's critical bit (RFC 7296 §3.2): the first bit of the byte after Next Payload. */
export const CRITICAL = 0x80;

export const Ikev2Exchange = {
  IKE_SA_INIT: 34,
  IKE_AUTH: 35,
  CREATE_CHILD_SA: 36,
  INFORMATIONAL: 37,
  IKE_SESSION_RESUME: 38,
  IKE_INTERMEDIATE: 43,
  IKE_FOLLOWUP_KE: 44,
} as const;

export const Ikev2Payload = {
  NONE: 0,
  SA: 33,
  KE: 34,
  IDI: 35,
  IDR: 36,
  CERT: 37,
  CERTREQ: 38,
  AUTH: 39,
  NONCE: 40,
  NOTIFY: 41,
  DELETE: 42,
  VENDOR_ID: 43,
  TSI: 44,
  TSR: 45,
  SK: 46,
  CP: 47,
  EAP: 48,
  SKF: 53,
} as const;

const PAYLOAD_NAMES: Readonly<Record<number, string>> = Object.fromEntries(
  Object.entries({ SA: 33, KE: 34, IDi: 35, IDr: 36, CERT: 37, CERTREQ: 38, AUTH: 39, Nonce: 40, N: 41, D: 42, V: 43, TSi: 44, TSr: 45, SK: 46, CP: 47, EAP: 48, SKF: 53 }).map(([k, v]) => [v, k]),
);

export function ikev2PayloadName(type: number): string {
  return PAYLOAD_NAMES[type] ?? `payload ${type}`;
}

/** Transform types (RFC 7296 §3.3.2; ADDKE1-7 from RFC 9370). */
export const TransformType = { ENCR: 1, PRF: 2, INTEG: 3, KE: 4, ESN: 5 } as const;

/** Protocol IDs of a proposal (RFC 7296 §3.3.1). */
export const ProtocolId = { IKE: 1, AH: 2, ESP: 3 } as const;

/** The only transform attribute IKEv2 defines: Key Length, always TV (RFC 7296 §3.3.5). */
export const KEY_LENGTH_ATTRIBUTE = 14;

/**
 * Notify message types (RFC 7296 §3.10.1 and later RFCs in the IANA registry): errors below 16384,
 * status types from 16384.
 */
export const Ikev2Notify = {
  UNSUPPORTED_CRITICAL_PAYLOAD: 1,
  INVALID_IKE_SPI: 4,
  INVALID_MAJOR_VERSION: 5,
  INVALID_SYNTAX: 7,
  INVALID_MESSAGE_ID: 9,
  INVALID_SPI: 11,
  NO_PROPOSAL_CHOSEN: 14,
  INVALID_KE_PAYLOAD: 17,
  AUTHENTICATION_FAILED: 24,
  SINGLE_PAIR_REQUIRED: 34,
  NO_ADDITIONAL_SAS: 35,
  INTERNAL_ADDRESS_FAILURE: 36,
  FAILED_CP_REQUIRED: 37,
  TS_UNACCEPTABLE: 38,
  INVALID_SELECTORS: 39,
  TEMPORARY_FAILURE: 43,
  CHILD_SA_NOT_FOUND: 44,
  INITIAL_CONTACT: 16384,
  SET_WINDOW_SIZE: 16385,
  ADDITIONAL_TS_POSSIBLE: 16386,
  IPCOMP_SUPPORTED: 16387,
  NAT_DETECTION_SOURCE_IP: 16388,
  NAT_DETECTION_DESTINATION_IP: 16389,
  COOKIE: 16390,
  USE_TRANSPORT_MODE: 16391,
  HTTP_CERT_LOOKUP_SUPPORTED: 16392,
  REKEY_SA: 16393,
  ESP_TFC_PADDING_NOT_SUPPORTED: 16394,
  NON_FIRST_FRAGMENTS_ALSO: 16395,
  MOBIKE_SUPPORTED: 16396,
  AUTH_LIFETIME: 16403,
  MULTIPLE_AUTH_SUPPORTED: 16404,
  ANOTHER_AUTH_FOLLOWS: 16405,
  REDIRECT_SUPPORTED: 16406,
  REDIRECT: 16407,
  REDIRECTED_FROM: 16408,
  EAP_ONLY_AUTHENTICATION: 16417,
  CHILDLESS_IKEV2_SUPPORTED: 16418,
  QUICK_CRASH_DETECTION: 16419,
  IKEV2_MESSAGE_ID_SYNC_SUPPORTED: 16420,
  SECURE_PASSWORD_METHODS: 16424,
  IKEV2_FRAGMENTATION_SUPPORTED: 16430,
  SIGNATURE_HASH_ALGORITHMS: 16431,
  CLONE_IKE_SA_SUPPORTED: 16432,
  PUZZLE: 16434,
  USE_PPK: 16435,
  PPK_IDENTITY: 16436,
  NO_PPK_AUTH: 16437,
  INTERMEDIATE_EXCHANGE_SUPPORTED: 16438,
  IP4_ALLOWED: 16439,
  IP6_ALLOWED: 16440,
  ADDITIONAL_KEY_EXCHANGE: 16441,
  USE_AGGFRAG: 16442,
} as const;

/** Names of the registry's notify types, including those ikeprobe only reports. */
const MORE_NOTIFY_NAMES: Readonly<Record<number, string>> = {
  40: "UNACCEPTABLE_ADDRESSES",
  41: "UNEXPECTED_NAT_DETECTED",
  42: "USE_ASSIGNED_HoA",
  45: "INVALID_GROUP_ID",
  46: "AUTHORIZATION_FAILED",
  47: "STATE_NOT_FOUND",
  48: "TS_MAX_QUEUE",
  16397: "ADDITIONAL_IP4_ADDRESS",
  16398: "ADDITIONAL_IP6_ADDRESS",
  16399: "NO_ADDITIONAL_ADDRESSES",
  16400: "UPDATE_SA_ADDRESSES",
  16401: "COOKIE2",
  16402: "NO_NATS_ALLOWED",
  16409: "TICKET_LT_OPAQUE",
  16410: "TICKET_REQUEST",
  16411: "TICKET_ACK",
  16412: "TICKET_NACK",
  16413: "TICKET_OPAQUE",
  16414: "LINK_ID",
  16415: "USE_WESP_MODE",
  16416: "ROHC_SUPPORTED",
  16421: "IPSEC_REPLAY_COUNTER_SYNC_SUPPORTED",
  16422: "IKEV2_MESSAGE_ID_SYNC",
  16423: "IPSEC_REPLAY_COUNTER_SYNC",
  16425: "PSK_PERSIST",
  16426: "PSK_CONFIRM",
  16427: "ERX_SUPPORTED",
  16428: "IFOM_CAPABILITY",
  16429: "SENDER_REQUEST_ID",
  16433: "CLONE_IKE_SA",
  16443: "SUPPORTED_AUTH_METHODS",
  16444: "SA_RESOURCE_INFO",
};

const NOTIFY_NAMES: Readonly<Record<number, string>> = { ...Object.fromEntries(Object.entries(Ikev2Notify).map(([k, v]) => [v, k])), ...MORE_NOTIFY_NAMES };

/** A notify type's registry name; unknown ones by number, with their class (RFC 7296 §3.10.1). */
export function ikev2NotifyName(type: number): string {
  const name = NOTIFY_NAMES[type];
  if (name !== undefined) return name;
  if (type >= 40960) return `PRIVATE_STATUS_${type}`;
  if (type >= 16384) return `STATUS_${type}`;
  if (type >= 8192) return `PRIVATE_ERROR_${type}`;
  return `ERROR_${type}`;
}

/** Error notifies are below 16384 (RFC 7296 §3.10.1). */
export function isErrorNotify(type: number): boolean {
  return type < 16384;
}

/** ID types (RFC 7296 §3.5; 12 FC_NAME from RFC 4595, 13 NULL from RFC 7619). */
export const Ikev2IdType = { IPV4_ADDR: 1, FQDN: 2, RFC822_ADDR: 3, IPV6_ADDR: 5, DER_ASN1_DN: 9, DER_ASN1_GN: 10, KEY_ID: 11, FC_NAME: 12, NULL: 13 } as const;

/** Authentication methods (RFC 7296 §3.8; 9-11 RFC 4754, 12 RFC 6467, 13 RFC 7619, 14 RFC 7427). */
export const AuthMethod = { RSA: 1, SHARED_KEY: 2, DSS: 3, ECDSA_256: 9, ECDSA_384: 10, ECDSA_521: 11, GENERIC_SECURE_PASSWORD: 12, NULL: 13, DIGITAL_SIGNATURE: 14 } as const;

const AUTH_METHOD_NAMES: Readonly<Record<number, string>> = { 1: "RSA signature", 2: "shared key", 3: "DSS signature", 9: "ECDSA P-256", 10: "ECDSA P-384", 11: "ECDSA P-521", 12: "generic secure password", 13: "NULL", 14: "digital signature (RFC 7427)" };

export function authMethodName(method: number): string {
  return AUTH_METHOD_NAMES[method] ?? `method ${method}`;
}

/** Hash algorithms of SIGNATURE_HASH_ALGORITHMS (RFC 7427 §7, the IANA registry). */
export const SIGNATURE_HASH_NAMES: Readonly<Record<number, string>> = { 1: "sha1", 2: "sha256", 3: "sha384", 4: "sha512", 5: "identity", 6: "streebog256", 7: "streebog512" };

/** Traffic selector types (RFC 7296 §3.13.1). */
export const TsType = { IPV4_ADDR_RANGE: 7, IPV6_ADDR_RANGE: 8 } as const;

/** Configuration payload types (RFC 7296 §3.15). */
export const CfgType = { REQUEST: 1, REPLY: 2, SET: 3, ACK: 4 } as const;
