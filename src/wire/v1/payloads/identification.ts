/**
 * Identification payload, IPsec DOI form (RFC 2407 §4.6.2).
 *
 * ! ID Type (1) ! Protocol ID (1) ! Port (2) ! Identification Data ...
 *
 * Phase 1 IDs normally carry protocol 0 / port 0; some stacks send 17/500. Hashes cover the body
 * exactly as received, so `raw` is kept.
 */
import { bytesToIp } from "../../ip.js";
import { IdType, PayloadType } from "../constants.js";
import { Reader } from "../../reader.js";
import { Writer } from "../../writer.js";

export interface Identification {
  idType: number;
  protocolId: number;
  port: number;
  data: Buffer;
  raw?: Buffer;
}

export function encodeId(id: Identification): Buffer {
  return new Writer().u8(id.idType).u8(id.protocolId).u16(id.port).bytes(id.data).finish();
}

export function decodeId(body: Buffer): Identification {
  const r = new Reader(body, 0, body.length, PayloadType.ID);
  return { idType: r.u8("ID type"), protocolId: r.u8("protocol id"), port: r.u16("port"), data: Buffer.from(r.rest()), raw: body };
}


export type IdTypeName = "ipv4" | "ipv6" | "fqdn" | "user-fqdn" | "keyid" | "ipv4-subnet" | "ipv6-subnet" | "ipv4-range" | "ipv6-range" | "der-asn1-dn" | "der-asn1-gn";

export const ID_TYPE_NAMES: Readonly<Record<number, IdTypeName>> = {
  [IdType.IPV4_ADDR]: "ipv4",
  [IdType.FQDN]: "fqdn",
  [IdType.USER_FQDN]: "user-fqdn",
  [IdType.IPV4_ADDR_SUBNET]: "ipv4-subnet",
  [IdType.IPV6_ADDR]: "ipv6",
  [IdType.IPV6_ADDR_SUBNET]: "ipv6-subnet",
  [IdType.IPV4_ADDR_RANGE]: "ipv4-range",
  [IdType.IPV6_ADDR_RANGE]: "ipv6-range",
  [IdType.DER_ASN1_DN]: "der-asn1-dn",
  [IdType.DER_ASN1_GN]: "der-asn1-gn",
  [IdType.KEY_ID]: "keyid",
};

/** A human view of an identity: `{ type: "fqdn", value: "gw.example" }`. */
export function describeId(id: Identification): { type: string; value: string } {
  const type = ID_TYPE_NAMES[id.idType] ?? `type-${id.idType}`;
  const d = id.data;
  let value: string;
  switch (id.idType) {
    case IdType.IPV4_ADDR:
    case IdType.IPV6_ADDR:
      value = d.length === 4 || d.length === 16 ? bytesToIp(d, PayloadType.ID) : d.toString("hex");
      break;
    case IdType.IPV4_ADDR_SUBNET:
    case IdType.IPV4_ADDR_RANGE:
    case IdType.IPV6_ADDR_SUBNET:
    case IdType.IPV6_ADDR_RANGE: {
      const n = d.length / 2;
      value = n === 4 || n === 16 ? `${bytesToIp(d.subarray(0, n))}${id.idType % 2 === 0 && id.idType !== IdType.IPV6_ADDR_RANGE ? "/" : "-"}${bytesToIp(d.subarray(n))}` : d.toString("hex");
      break;
    }
    case IdType.FQDN:
    case IdType.USER_FQDN:
      value = d.toString("latin1");
      break;
    default:
      value = /^[\x20-\x7e]*$/.test(d.toString("latin1")) && d.length > 0 ? d.toString("latin1") : `0x${d.toString("hex")}`;
  }
  return { type, value };
}
