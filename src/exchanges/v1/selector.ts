/**
 * Traffic selectors (proxy IDs) as Quick Mode carries them: IDci/IDcr identification payloads
 * (RFC 2409 §5.5, RFC 2407 §4.6.2), and how strongSwan prints them.
 */
import { IdType } from "../../wire/v1/constants.js";
import type { Identification } from "../../wire/v1/payloads/identification.js";
import { PROTOCOLS, bytesToIp } from "../../wire/ip.js";

export interface TrafficSelector {
  idType: number;
  protocol: number;
  port: number;
  data: Buffer;
  text: string;
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
