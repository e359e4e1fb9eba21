/** `--id TYPE:VALUE` -> an Identification payload (RFC 2407 §4.6.2.1). */
import { ipFamily, ipToBytes } from "../wire/ip.js";
import { UsageError } from "../errors.js";
import { IdType } from "../wire/v1/constants.js";
import { type Identification } from "../wire/v1/payloads/identification.js";

const TYPES: Record<string, number> = {
  ipv4: IdType.IPV4_ADDR,
  ipv6: IdType.IPV6_ADDR,
  fqdn: IdType.FQDN,
  "user-fqdn": IdType.USER_FQDN,
  ufqdn: IdType.USER_FQDN,
  email: IdType.USER_FQDN,
  keyid: IdType.KEY_ID,
};

export function parseIdentity(text: string, option = "--id"): Identification {
  const i = text.indexOf(":");
  const type = i > 0 ? text.slice(0, i).toLowerCase() : "";
  const value = i > 0 ? text.slice(i + 1) : "";
  const idType = TYPES[type];
  if (idType === undefined || value === "") {
    throw new UsageError(`${option} ${text}: expected TYPE:VALUE with TYPE one of ipv4, ipv6, fqdn, user-fqdn, keyid (e.g. ${option} fqdn:${option === "--id" ? "client" : "gw"}.example)`);
  }
  if (idType === IdType.IPV4_ADDR && ipFamily(value) !== 4) throw new UsageError(`${option} ${text}: "${value}" is not an IPv4 address`);
  if (idType === IdType.IPV6_ADDR && ipFamily(value) !== 6) throw new UsageError(`${option} ${text}: "${value}" is not an IPv6 address`);
  let data: Buffer;
  if (idType === IdType.IPV4_ADDR || idType === IdType.IPV6_ADDR) data = ipToBytes(value);
  else if (idType === IdType.KEY_ID && /^0x[0-9a-f]+$/i.test(value) && value.length % 2 === 0) data = Buffer.from(value.slice(2), "hex");
  else data = Buffer.from(value, "utf8");
  return { idType, protocolId: 0, port: 0, data };
}

/** Our address as an ID (the default: what strongSwan uses when no id is configured). */
export function addressIdentity(address: string): Identification {
  return { idType: ipFamily(address) === 6 ? IdType.IPV6_ADDR : IdType.IPV4_ADDR, protocolId: 0, port: 0, data: ipToBytes(address) };
}
