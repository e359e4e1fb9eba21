/**
 * The system resolver (getaddrinfo, through node:dns). A module of its own, imported on first use
 * (resolve.ts): a probe of an IP address never loads node:dns (~0.7 ms of start-up; bench/README.md),
 * because our sockets look up nothing either (udp.ts: literalLookup).
 */
import { lookup } from "node:dns";

/** name -> addresses in the resolver's order. */
export const lookupAll = (host: string, family: 0 | 4 | 6): Promise<string[]> =>
  new Promise((res, rej) => lookup(host, { all: true, family }, (e, addrs) => (e ? rej(e) : res(addrs.map((a) => a.address)))));
