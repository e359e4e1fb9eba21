/**
 * Traffic selectors ("proxy IDs") for Quick Mode: `203.0.113.0/24`, `198.51.100.7`,
 * `10.0.0.1-10.0.0.9`, IPv6 alike, optionally `[tcp/443]`, `[udp]`, `[17/500]` as strongSwan writes
 * them. Carried as IDci/IDcr (RFC 2409 §5.5) with the IPsec DOI ID types (RFC 2407 §4.6.2.1).
 */
import { isIP } from "node:net";
import { UsageError } from "../errors.js";
import { IdType } from "../wire/constants.js";
import { type Identification, bytesToIp, ipToBytes } from "../wire/payloads/identification.js";

const PROTOCOLS: Record<string, number> = { any: 0, icmp: 1, tcp: 6, udp: 17, gre: 47, esp: 50, ah: 51, "ipv6-icmp": 58, icmp6: 58, sctp: 132 };
const PORTS: Record<string, number> = { any: 0, http: 80, https: 443, domain: 53, dns: 53, ssh: 22, isakmp: 500, "ipsec-nat-t": 4500, smtp: 25, ntp: 123, snmp: 161 };

export interface TrafficSelector {
  idType: number;
  protocol: number;
  port: number;
  data: Buffer;
  text: string;
}

function prefixToMask(bits: number, len: number): Buffer {
  const b = Buffer.alloc(len);
  for (let i = 0; i < bits; i++) b[i >> 3] = b[i >> 3]! | (0x80 >> (i & 7));
  return b;
}

function maskToPrefix(mask: Buffer): number | undefined {
  let bits = 0;
  let ended = false;
  for (const byte of mask) {
    for (let i = 7; i >= 0; i--) {
      const set = (byte >> i) & 1;
      if (set && ended) return undefined;
      if (set) bits++;
      else ended = true;
    }
  }
  return bits;
}

export function parseTrafficSelector(text: string, option: string): TrafficSelector {
  const m = /^([^[\]]+?)(?:\[([^\]/]*)(?:\/([^\]]*))?\])?$/.exec(text.trim());
  if (m === null) throw new UsageError(`${option} ${text}: expected a subnet, address or range, optionally with [protocol/port], e.g. 203.0.113.0/24[tcp/443]`);
  const [, addr = "", protoText, portText] = m;
  const protocol = protoText === undefined || protoText === "" ? 0 : /^\d+$/.test(protoText) ? Number(protoText) : PROTOCOLS[protoText.toLowerCase()];
  if (protocol === undefined || protocol > 255) throw new UsageError(`${option} ${text}: unknown protocol "${protoText}" (tcp, udp, icmp, a number...)`);
  const port = portText === undefined || portText === "" ? 0 : /^\d+$/.test(portText) ? Number(portText) : PORTS[portText.toLowerCase()];
  if (port === undefined || port > 65535) throw new UsageError(`${option} ${text}: unknown port "${portText}" (a number, or http, https, domain...)`);
  let idType: number;
  let data: Buffer;
  const range = addr.split("-");
  const slash = addr.indexOf("/");
  if (range.length === 2 && isIP(range[0]!) !== 0 && isIP(range[0]!) === isIP(range[1]!)) {
    const v6 = isIP(range[0]!) === 6;
    idType = v6 ? IdType.IPV6_ADDR_RANGE : IdType.IPV4_ADDR_RANGE;
    data = Buffer.concat([ipToBytes(range[0]!), ipToBytes(range[1]!)]);
  } else if (slash > 0) {
    const ip = addr.slice(0, slash);
    const bits = Number(addr.slice(slash + 1));
    const fam = isIP(ip);
    const max = fam === 6 ? 128 : 32;
    if (fam === 0 || !Number.isInteger(bits) || bits < 0 || bits > max) throw new UsageError(`${option} ${text}: "${addr}" is not a subnet (address/prefix, prefix 0..${max})`);
    const mask = prefixToMask(bits, max / 8);
    const net = Buffer.from(ipToBytes(ip).map((b, i) => b & mask[i]!));
    idType = fam === 6 ? IdType.IPV6_ADDR_SUBNET : IdType.IPV4_ADDR_SUBNET;
    data = Buffer.concat([net, mask]);
  } else if (isIP(addr) !== 0) {
    idType = isIP(addr) === 6 ? IdType.IPV6_ADDR : IdType.IPV4_ADDR;
    data = ipToBytes(addr);
  } else {
    throw new UsageError(`${option} ${text}: "${addr}" is not an address, subnet or range`);
  }
  return { idType, protocol, port, data, text: describeSelector({ idType, protocolId: protocol, port, data }) };
}

export function selectorId(ts: TrafficSelector): Identification {
  return { idType: ts.idType, protocolId: ts.protocol, port: ts.port, data: ts.data };
}

/** An IDci/IDcr as strongSwan prints a selector: `198.51.100.0/24`, `198.18.1.2/32[tcp/443]`. */
export function describeSelector(id: Identification): string {
  try {
    return selectorText(id);
  } catch {
    // A hostile or odd ID (wrong address length): show it raw rather than fail.
    return `id-type-${id.idType}:${id.data.toString("hex")}`;
  }
}

function selectorText(id: Identification): string {
  const d = id.data;
  let addr: string;
  switch (id.idType) {
    case IdType.IPV4_ADDR:
    case IdType.IPV6_ADDR:
      addr = `${bytesToIp(d)}/${d.length * 8}`;
      break;
    case IdType.IPV4_ADDR_SUBNET:
    case IdType.IPV6_ADDR_SUBNET: {
      const n = d.length / 2;
      const prefix = maskToPrefix(d.subarray(n));
      addr = `${bytesToIp(d.subarray(0, n))}/${prefix ?? bytesToIp(d.subarray(n))}`;
      break;
    }
    case IdType.IPV4_ADDR_RANGE:
    case IdType.IPV6_ADDR_RANGE: {
      const n = d.length / 2;
      addr = `${bytesToIp(d.subarray(0, n))}-${bytesToIp(d.subarray(n))}`;
      break;
    }
    default:
      addr = `id-type-${id.idType}:${d.toString("hex")}`;
  }
  if (id.protocolId === 0 && id.port === 0) return addr;
  const proto = Object.entries(PROTOCOLS).find(([, v]) => v === id.protocolId)?.[0] ?? String(id.protocolId);
  return `${addr}[${proto}${id.port !== 0 ? `/${id.port}` : ""}]`;
}
