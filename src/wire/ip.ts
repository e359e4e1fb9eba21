/**
 * Which family an address's text is: node:net's isIP() without its regular expressions.
 *
 * Node matches an address against two regular expressions, and V8 interprets a regular expression
 * before it compiles it: the first few tests of an IPv4 address cost ~0.1 ms each and of an IPv6
 * address ~1 ms each (measured on this project's machine, Node 20). A probe tests its target's
 * address a dozen times (the resolver, each socket, each datagram sent, the ID payload), so that
 * was about a millisecond of every IPv4 probe and ten of every IPv6 one (bench/README.md).
 *
 * The grammar is exactly node:net's (the tests check it against isIP() on many strings):
 * - IPv4: four decimal numbers 0-255, without leading zeros, separated by dots;
 * - IPv6: groups of one to four hex digits separated by ":"; at most one "::", which stands for at
 *   least one group; eight groups without it, at most seven with it; the last two groups may be an
 *   IPv4 address; then optionally a zone: "%" and one or more of letters, digits, "-", "." and ":".
 */
import { DecodeError } from "../errors.js";

const DOT = 0x2e;
const COLON = 0x3a;

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isHex(c: number): boolean {
  return isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

/** A zone's characters: letters, digits, "-", "." and ":". */
function isZoneChar(c: number): boolean {
  return isDigit(c) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x2d || c === DOT || c === COLON;
}

/** Whether s[from, to) is an IPv4 address in dotted decimal. */
function isIPv4At(s: string, from: number, to: number): boolean {
  let i = from;
  for (let part = 0; ; part++) {
    const start = i;
    let value = 0;
    while (i < to && i - start < 3 && isDigit(s.charCodeAt(i))) value = value * 10 + (s.charCodeAt(i++) - 0x30);
    const digits = i - start;
    if (digits === 0 || value > 255 || (digits > 1 && s.charCodeAt(start) === 0x30)) return false;
    if (part === 3) return i === to;
    if (i >= to || s.charCodeAt(i) !== DOT) return false;
    i++;
  }
}

function isIPv6(s: string): boolean {
  let end = s.length;
  const zone = s.indexOf("%");
  if (zone !== -1) {
    if (zone === s.length - 1) return false;
    for (let i = zone + 1; i < s.length; i++) if (!isZoneChar(s.charCodeAt(i))) return false;
    end = zone;
  }
  let i = 0;
  let groups = 0;
  let compressed = false;
  if (end >= 2 && s.charCodeAt(0) === COLON && s.charCodeAt(1) === COLON) {
    compressed = true;
    i = 2;
    if (i === end) return true;
  }
  for (;;) {
    const start = i;
    while (i < end && i - start < 5 && isHex(s.charCodeAt(i))) i++;
    if (i < end && s.charCodeAt(i) === DOT) {
      // An IPv4 address: the rest of the text, two groups' worth.
      if (!isIPv4At(s, start, end)) return false;
      groups += 2;
      break;
    }
    if (i === start || i - start > 4) return false;
    groups++;
    if (i === end) break;
    if (s.charCodeAt(i) !== COLON) return false;
    i++;
    if (i < end && s.charCodeAt(i) === COLON) {
      if (compressed) return false;
      compressed = true;
      i++;
      if (i === end) break;
    } else if (i === end) {
      return false;
    }
  }
  return compressed ? groups <= 7 : groups === 8;
}

/** 4 for an IPv4 address, 6 for an IPv6 address, else 0: as node:net's isIP(). */
export function ipFamily(s: string): 0 | 4 | 6 {
  if (isIPv4At(s, 0, s.length)) return 4;
  return isIPv6(s) ? 6 : 0;
}

/** An IPv4 or IPv6 address in network byte order (4 or 16 bytes); a RangeError for anything else. */
export function ipToBytes(ip: string): Buffer {
  const fam = ipFamily(ip);
  if (fam === 4) return Buffer.from(ip.split(".").map((x) => Number(x)));
  if (fam === 6) {
    let s = ip;
    const last = s.lastIndexOf(":");
    if (s.slice(last + 1).includes(".")) {
      const v4 = ipToBytes(s.slice(last + 1));
      s = `${s.slice(0, last + 1)}${v4.readUInt16BE(0).toString(16)}:${v4.readUInt16BE(2).toString(16)}`;
    }
    const [head = "", tail] = s.split("::");
    const h = head === "" ? [] : head.split(":");
    const t = tail === undefined || tail === "" ? [] : tail.split(":");
    const groups = tail === undefined ? h : [...h, ...new Array<string>(8 - h.length - t.length).fill("0"), ...t];
    const b = Buffer.alloc(16);
    groups.forEach((g, i) => b.writeUInt16BE(parseInt(g, 16), i * 2));
    return b;
  }
  throw new RangeError(`not an IP address: ${ip}`);
}

/** An address from its 4 or 16 bytes, IPv6 compressed as RFC 5952 writes it. */
export function bytesToIp(b: Buffer, payloadType?: number): string {
  if (b.length === 4) return [...b].join(".");
  if (b.length === 16) {
    const groups: string[] = [];
    for (let i = 0; i < 16; i += 2) groups.push(b.readUInt16BE(i).toString(16));
    // Compress the longest run of zero groups (RFC 5952).
    let best = -1, bestLen = 0;
    for (let i = 0; i < 8; ) {
      if (groups[i] !== "0") { i++; continue; }
      let j = i;
      while (j < 8 && groups[j] === "0") j++;
      if (j - i > bestLen && j - i > 1) { best = i; bestLen = j - i; }
      i = j;
    }
    if (best < 0) return groups.join(":");
    return `${groups.slice(0, best).join(":")}::${groups.slice(best + bestLen).join(":")}`;
  }
  throw new DecodeError("bad-length", `an address is 4 or 16 bytes, not ${b.length}`, 0, payloadType);
}

/** IP protocol numbers by the names strongSwan prints in a traffic selector. */
export const PROTOCOLS: Record<string, number> = { any: 0, icmp: 1, tcp: 6, udp: 17, gre: 47, esp: 50, ah: 51, "ipv6-icmp": 58, icmp6: 58, sctp: 132 };
