/**
 * UDP transport for IKE: one socket for port 500 traffic and, after NAT-T floating, one for
 * port 4500 traffic where every IKE datagram carries the 4-byte non-ESP marker (RFC 3948 §2.2).
 * Retransmits with exponential backoff inside a fixed total timeout, so a run never waits forever.
 * Only datagrams from the gateway's address and the port we sent to are offered to the exchange;
 * the rest are counted as ignored.
 */
import { type Socket, createSocket } from "node:dgram";
import { ipFamily } from "../wire/ip.js";
import { NetworkError } from "../errors.js";
import type { PcapWriter } from "./pcap.js";
import { now } from "../util/clock.js";

export interface Endpoint {
  address: string;
  port: number;
}

export interface TransportOptions {
  /** Source port for port-500 traffic; 0 = ephemeral (no root needed). */
  sourcePort: number;
  /** Total time to wait for one answer, in milliseconds, across retransmissions. */
  timeoutMs: number;
  /** Retransmissions within that time. */
  retries: number;
  pcap?: PcapWriter;
}

export interface RoundTrip {
  answered: boolean;
  /** Milliseconds from the first transmission to the accepted answer. */
  rttMs: number;
  transmissions: number;
}

export const NAT_T_PORT = 4500;
const NON_ESP_MARKER = Buffer.alloc(4);

interface Path {
  socket: Socket;
  local: Endpoint;
  remote: Endpoint;
  marker: boolean;
}

/**
 * dgram's name lookup, for the IP literals that are all we give a socket (names are resolved
 * before, resolve.ts). dgram's default, dns.lookup, would load node:dns for every probe (~0.7 ms of
 * start-up; bench/README.md). Called as dns.lookup would be: (address, family, callback), answered on the
 * next tick as dns.lookup answers a literal.
 */
function literalLookup(address: string, family: unknown, cb: (err: Error | null, address: string, family: number) => void): void {
  const fam = ipFamily(address);
  if (fam === 0) process.nextTick(cb, Object.assign(new Error(`${address} is not an IP address`), { code: "EINVAL" }), address, 0);
  else process.nextTick(cb, null, address, fam);
}

/** Our address towards `remote`, as the kernel would pick it (a connected UDP socket sends nothing). */
async function localAddressFor(remote: Endpoint): Promise<string> {
  const s = createSocket({ type: ipFamily(remote.address) === 6 ? "udp6" : "udp4", lookup: literalLookup });
  try {
    await new Promise<void>((res, rej) => {
      s.once("error", rej);
      s.connect(remote.port, remote.address, () => res());
    });
    return s.address().address;
  } finally {
    s.close();
  }
}

async function bind(family: "udp4" | "udp6", port: number, onMessage: (msg: Buffer, from: Endpoint) => void): Promise<Socket> {
  const socket = createSocket({ type: family, reuseAddr: false, lookup: literalLookup });
  await new Promise<void>((res, rej) => {
    socket.once("error", (e: NodeJS.ErrnoException) =>
      rej(new NetworkError(e.code === "EACCES" ? `cannot bind UDP port ${port}: ports below 1024 need root (drop --source-port or run as root)` : e.code === "EADDRINUSE" ? `UDP port ${port} is in use by another program (an IPsec daemon?); drop --source-port to use an ephemeral port` : `cannot bind UDP port ${port}: ${e.message}`, { cause: e })),
    );
    socket.bind(port, () => res());
  });
  socket.on("message", (msg, rinfo) => onMessage(msg, { address: rinfo.address, port: rinfo.port }));
  socket.on("error", () => undefined);
  return socket;
}

export class IkeTransport {
  /** Datagrams that were not for us: other senders, other cookies, ESP, keepalives. */
  ignored = 0;
  /** Offered what arrives while nothing waits (e.g. the gateway's Informationals during a hold); true = used. */
  unsolicited: ((msg: Buffer) => boolean) | undefined;
  private readonly opts: TransportOptions;
  private readonly ike: Path;
  private natt?: Path;
  /** The port-4500 path being opened (prepareFloat) or opened. */
  private floating?: Promise<Path>;
  private closed = false;
  /** true: the answer (the wait ends); "seen": ours but not the answer (keep waiting); false: not ours. */
  private waiter: ((msg: Buffer) => boolean | "seen") | undefined;
  private readonly family: "udp4" | "udp6";

  private constructor(opts: TransportOptions, ike: Path, family: "udp4" | "udp6") {
    this.opts = opts;
    this.ike = ike;
    this.family = family;
  }

  static async open(remote: Endpoint, opts: TransportOptions): Promise<IkeTransport> {
    const fam = ipFamily(remote.address);
    if (fam === 0) throw new NetworkError(`${remote.address} is not an IP address`);
    const family = fam === 6 ? "udp6" : "udp4";
    // Datagrams may arrive before the constructor returns; they find the transport through this box.
    const box: { t?: IkeTransport } = {};
    // Our address (the route's source) and the socket, at once: neither waits for the other.
    const where = localAddressFor(remote).catch((e: unknown) => new NetworkError(`no route to ${remote.address}: ${(e as Error).message}`, { cause: e }));
    const socket = await bind(family, opts.sourcePort, (m, from) => box.t?.onMessage(m, from, false)).catch(async (e: unknown) => {
      await where; // its own socket closed before the bind error goes up
      throw e;
    });
    const localAddress = await where;
    if (localAddress instanceof NetworkError) {
      socket.close();
      throw localAddress;
    }
    const path: Path = { socket, local: { address: localAddress, port: socket.address().port }, remote, marker: false };
    box.t = new IkeTransport(opts, path, family);
    return box.t;
  }

  get local(): Endpoint {
    return this.ike.local;
  }

  get remote(): Endpoint {
    return this.ike.remote;
  }

  /** The 4500 path's endpoints once floated. */
  get natLocal(): Endpoint | undefined {
    return this.natt?.local;
  }

  /** Moves to the port-4500 path (source 4500 when we use 500 ourselves, else ephemeral). */
  async float(): Promise<void> {
    if (this.natt !== undefined) return;
    this.natt = await this.nattPath();
  }

  /**
   * Opens the port-4500 socket ahead of float(), e.g. while the message before the first one that
   * may float is answered; a failure to bind surfaces from float(). Closed with the transport if unused.
   */
  prepareFloat(): void {
    // After close() (an exchange that ended before its immediate ran) nothing may open a socket.
    if (!this.closed) void this.nattPath();
  }

  /** The port-4500 path, bound on first use. */
  private nattPath(): Promise<Path> {
    if (this.floating === undefined) {
      const port = this.opts.sourcePort === 500 ? NAT_T_PORT : 0;
      this.floating = bind(this.family, port, (m, from) => this.onMessage(m, from, true)).then((socket) => ({
        socket,
        local: { address: this.ike.local.address, port: socket.address().port },
        remote: { address: this.ike.remote.address, port: NAT_T_PORT },
        marker: true,
      }));
      this.floating.catch(() => undefined);
    }
    return this.floating;
  }

  private onMessage(msg: Buffer, from: Endpoint, natt: boolean): void {
    const path = natt ? this.natt : this.ike;
    if (path === undefined) return;
    // An answer comes from the address and port we sent to (500, --port, or 4500 after floating):
    // anything else is another sender's, or a stray reply, and not the gateway's answer.
    if (from.address !== path.remote.address || from.port !== path.remote.port) {
      this.ignored++;
      return;
    }
    let ikeMsg = msg;
    if (natt) {
      // 0xFF alone is a NAT keepalive; a non-zero first word is an ESP SPI (RFC 3948 §2).
      if (msg.length < 4 || !msg.subarray(0, 4).equals(NON_ESP_MARKER)) {
        this.ignored++;
        return;
      }
      ikeMsg = msg.subarray(4);
    }
    this.opts.pcap?.record(from, path.local, msg);
    const taken = this.waiter?.(ikeMsg) ?? false;
    if (taken !== false) return;
    if (this.unsolicited?.(ikeMsg) !== true) this.ignored++;
  }

  /** The datagrams of a message as they go on the wire (non-ESP marker on port 4500), recorded in the pcap. */
  private wire(path: { marker: boolean; local: Endpoint; remote: Endpoint }, message: Buffer | readonly Buffer[]): Buffer[] {
    return (Buffer.isBuffer(message) ? [message] : [...message]).map((m) => {
      const wire = path.marker ? Buffer.concat([NON_ESP_MARKER, m]) : m;
      this.opts.pcap?.record(path.local, path.remote, wire);
      return wire;
    });
  }

  private sendRaw(message: Buffer | readonly Buffer[], floated: boolean): void {
    const path = floated ? this.natt : this.ike;
    if (path === undefined) throw new NetworkError("port 4500 path used before floating");
    for (const wire of this.wire(path, message)) path.socket.send(wire, path.remote.port, path.remote.address);
  }

  /**
   * Sends without waiting for an answer (e.g. a DELETE: Informationals get none); resolves once
   * sent. Several datagrams (an IKE-fragmented message) go out in order.
   */
  async send(message: Buffer | readonly Buffer[], floated: boolean): Promise<void> {
    const path = floated ? this.natt : this.ike;
    if (path === undefined) throw new NetworkError("port 4500 path used before floating");
    for (const wire of this.wire(path, message)) {
      await new Promise<void>((res, rej) =>
        path.socket.send(wire, path.remote.port, path.remote.address, (e) => (e ? rej(new NetworkError(`sending to ${path.remote.address}: ${e.message}`, { cause: e })) : res())),
      );
    }
  }

  /**
   * Sends `message` and retransmits it until `consume` accepts an answer or the timeout ends
   * (`over.timeoutMs`: this exchange's own, e.g. sized from round trips measured on the gateway).
   * `consume` returns false for datagrams that are not ours (counted as ignored), "seen" for ours
   * that are not the answer (e.g. the gateway re-sending its last message: evidence, not noise).
   */
  roundTrip(message: Buffer | readonly Buffer[], floated: boolean, consume: (msg: Buffer) => boolean | "seen", over: { timeoutMs?: number } = {}): Promise<RoundTrip> {
    const { retries } = this.opts;
    const timeoutMs = over.timeoutMs ?? this.opts.timeoutMs;
    // Backoff doubling each time, the intervals summing to the total timeout.
    const unit = timeoutMs / (2 ** (retries + 1) - 1);
    const start = now();
    let transmissions = 0;
    return new Promise<RoundTrip>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const done = (answered: boolean): void => {
        if (timer !== undefined) clearTimeout(timer);
        this.waiter = undefined;
        resolve({ answered, rttMs: now() - start, transmissions });
      };
      this.waiter = (msg) => {
        const taken = consume(msg);
        if (taken === true) done(true);
        return taken;
      };
      const transmit = (): void => {
        if (transmissions > retries) return done(false);
        try {
          this.sendRaw(message, floated);
        } catch (e) {
          this.waiter = undefined;
          throw e;
        }
        timer = setTimeout(transmit, unit * 2 ** transmissions);
        transmissions++;
      };
      transmit();
    });
  }

  /**
   * Waits (sending nothing) until `consume` accepts a datagram or `ms` pass; true when one was
   * accepted. "seen": taken, but not the one waited for (not passed on as unsolicited).
   */
  waitFor(consume: (msg: Buffer) => boolean | "seen", ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        resolve(false);
      }, ms);
      this.waiter = (msg) => {
        const taken = consume(msg);
        if (taken !== true) return taken;
        clearTimeout(timer);
        this.waiter = undefined;
        resolve(true);
        return true;
      };
    });
  }

  close(): void {
    this.closed = true;
    this.ike.socket.close();
    this.floating?.then((p) => p.socket.close(), () => undefined);
  }
}

/** A bare UDP socket for discovery: send to any address, every datagram to `onMessage`. */
export interface RawSocket {
  send(message: Buffer, address: string, port: number): void;
  close(): void;
}

export async function openRawSocket(family: "udp4" | "udp6", sourcePort: number, onMessage: (msg: Buffer, from: Endpoint) => void): Promise<RawSocket> {
  const socket = await bind(family, sourcePort, onMessage);
  return {
    send: (m, address, port) => socket.send(m, port, address),
    close: () => socket.close(),
  };
}
