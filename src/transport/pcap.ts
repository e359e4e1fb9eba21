/**
 * Minimal pcap writer (the classic libpcap format, LINKTYPE_RAW = 101: each record is an IP packet).
 * IP and UDP headers are synthesized around each IKE datagram so tshark and Wireshark decode it.
 */
import { ipFamily, ipToBytes } from "../wire/ip.js";

export interface PcapEndpoint {
  address: string;
  port: number;
}

const LINKTYPE_RAW = 101;

function checksum(...parts: Buffer[]): number {
  let sum = 0;
  for (const p of parts) {
    for (let i = 0; i < p.length; i += 2) sum += (p[i]! << 8) | (p[i + 1] ?? 0);
  }
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

export function ipUdpPacket(src: PcapEndpoint, dst: PcapEndpoint, payload: Buffer): Buffer {
  const udp = Buffer.alloc(8);
  udp.writeUInt16BE(src.port, 0);
  udp.writeUInt16BE(dst.port, 2);
  udp.writeUInt16BE(8 + payload.length, 4);
  const s = ipToBytes(src.address);
  const d = ipToBytes(dst.address);
  if (ipFamily(src.address) === 4) {
    const ip = Buffer.alloc(20);
    ip[0] = 0x45;
    ip.writeUInt16BE(20 + 8 + payload.length, 2);
    ip[8] = 64;
    ip[9] = 17;
    s.copy(ip, 12);
    d.copy(ip, 16);
    ip.writeUInt16BE(checksum(ip), 10);
    const pseudo = Buffer.concat([s, d, Buffer.from([0, 17]), udp.subarray(4, 6)]);
    udp.writeUInt16BE(checksum(pseudo, udp, payload) || 0xffff, 6);
    return Buffer.concat([ip, udp, payload]);
  }
  const ip = Buffer.alloc(40);
  ip[0] = 0x60;
  ip.writeUInt16BE(8 + payload.length, 4);
  ip[6] = 17;
  ip[7] = 64;
  s.copy(ip, 8);
  d.copy(ip, 24);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(8 + payload.length);
  udp.writeUInt16BE(checksum(s, d, len, Buffer.from([0, 0, 0, 17]), udp, payload) || 0xffff, 6);
  return Buffer.concat([ip, udp, payload]);
}

/** Where the pcap bytes go (the CLI gives a file; tests an array). */
export interface ByteSink {
  write(bytes: Buffer): void;
  close(): void;
}

/** A pcap stream (LINKTYPE_RAW: IPv4/IPv6 + UDP, checksums filled in) into a sink. */
export class PcapWriter {
  private readonly sink: ByteSink;
  constructor(sink: ByteSink) {
    this.sink = sink;
    const h = Buffer.alloc(24);
    h.writeUInt32LE(0xa1b2c3d4, 0);
    h.writeUInt16LE(2, 4);
    h.writeUInt16LE(4, 6);
    h.writeUInt32LE(65535, 16);
    h.writeUInt32LE(LINKTYPE_RAW, 20);
    sink.write(h);
  }

  /** Records one UDP datagram (its payload includes any non-ESP marker, as on the wire). */
  record(src: PcapEndpoint, dst: PcapEndpoint, udpPayload: Buffer, when = Date.now()): void {
    const pkt = ipUdpPacket(src, dst, udpPayload);
    const rec = Buffer.alloc(16);
    rec.writeUInt32LE(Math.floor(when / 1000), 0);
    rec.writeUInt32LE((when % 1000) * 1000, 4);
    rec.writeUInt32LE(pkt.length, 8);
    rec.writeUInt32LE(pkt.length, 12);
    this.sink.write(Buffer.concat([rec, pkt]));
  }

  close(): void {
    this.sink.close();
  }
}
