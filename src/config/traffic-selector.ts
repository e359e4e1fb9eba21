/**
 * Traffic selectors ("proxy IDs") for Quick Mode: `203.0.113.0/24`, `198.51.100.7`,
 * `10.0.0.1-10.0.0.9`, IPv6 alike, optionally `[tcp/443]`, `[udp]`, `[17/500]` as strongSwan writes
 * them. Carried as IDci/IDcr (RFC 2409 §5.5) with the IPsec DOI ID types (RFC 2407 §4.6.2.1).
 */
import { PROTOCOLS, ipFamily, ipToBytes } from "../wire/ip.js";
import { UsageError } from "../errors.js";
import { IdType } from "../wire/v1/constants.js";
import { TsType } from "../wire/v2/constants.js";
import type { TrafficSelectorV2 } from "../wire/v2/payloads/traffic-selector.js";
import { type TrafficSelector, describeSelector } from "../exchanges/v1/selector.js";

export { type TrafficSelector, describeSelector, selectorId } from "../exchanges/v1/selector.js";

const PORTS: Record<string, number> = { any: 0, http: 80, https: 443, domain: 53, dns: 53, ssh: 22, isakmp: 500, "ipsec-nat-t": 4500, smtp: 25, ntp: 123, snmp: 161 };

function prefixToMask(bits: number, len: number): Buffer {
  const b = Buffer.alloc(len);
  for (let i = 0; i < bits; i++) b[i >> 3] = b[i >> 3]! | (0x80 >> (i & 7));
  return b;
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
  if (range.length === 2 && ipFamily(range[0]!) !== 0 && ipFamily(range[0]!) === ipFamily(range[1]!)) {
    const v6 = ipFamily(range[0]!) === 6;
    idType = v6 ? IdType.IPV6_ADDR_RANGE : IdType.IPV4_ADDR_RANGE;
    data = Buffer.concat([ipToBytes(range[0]!), ipToBytes(range[1]!)]);
  } else if (slash > 0) {
    const ip = addr.slice(0, slash);
    const bits = Number(addr.slice(slash + 1));
    const fam = ipFamily(ip);
    const max = fam === 6 ? 128 : 32;
    if (fam === 0 || !Number.isInteger(bits) || bits < 0 || bits > max) throw new UsageError(`${option} ${text}: "${addr}" is not a subnet (address/prefix, prefix 0..${max})`);
    const mask = prefixToMask(bits, max / 8);
    const net = Buffer.from(ipToBytes(ip).map((b, i) => b & mask[i]!));
    idType = fam === 6 ? IdType.IPV6_ADDR_SUBNET : IdType.IPV4_ADDR_SUBNET;
    data = Buffer.concat([net, mask]);
  } else if (ipFamily(addr) !== 0) {
    idType = ipFamily(addr) === 6 ? IdType.IPV6_ADDR : IdType.IPV4_ADDR;
    data = ipToBytes(addr);
  } else {
    throw new UsageError(`${option} ${text}: "${addr}" is not an address, subnet or range`);
  }
  return { idType, protocol, port, data, text: describeSelector({ idType, protocolId: protocol, port, data }) };
}


/**
 * The same selector as IKEv2 carries it (RFC 7296 §3.13.1): an address range with a port range.
 * A subnet becomes its first to last address, a single port the range of that port, port 0 every port.
 */
export function selectorV2(ts: TrafficSelector): TrafficSelectorV2 {
  const n = ts.idType === IdType.IPV6_ADDR || ts.idType === IdType.IPV6_ADDR_SUBNET || ts.idType === IdType.IPV6_ADDR_RANGE ? 16 : 4;
  let start: Buffer;
  let end: Buffer;
  if (ts.idType === IdType.IPV4_ADDR_SUBNET || ts.idType === IdType.IPV6_ADDR_SUBNET) {
    start = Buffer.from(ts.data.subarray(0, n));
    end = Buffer.from(start.map((b, i) => b | (~ts.data[n + i]! & 0xff)));
  } else if (ts.idType === IdType.IPV4_ADDR_RANGE || ts.idType === IdType.IPV6_ADDR_RANGE) {
    start = Buffer.from(ts.data.subarray(0, n));
    end = Buffer.from(ts.data.subarray(n, 2 * n));
  } else {
    start = Buffer.from(ts.data);
    end = Buffer.from(ts.data);
  }
  return { tsType: n === 16 ? TsType.IPV6_ADDR_RANGE : TsType.IPV4_ADDR_RANGE, ipProtocol: ts.protocol, startPort: ts.port, endPort: ts.port === 0 ? 65535 : ts.port, startAddress: start, endAddress: end };
}
