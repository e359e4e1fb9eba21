/**
 * Host names to addresses for the probe and the scan. A name may have several addresses (IPv4 and
 * IPv6, or several of one family): the first that getaddrinfo orders first is probed, and every
 * address is kept, so the report can say which one was probed and which were not.
 *
 * node:dns is in a module of our own (system-lookup.ts), imported when a name is to be resolved: the
 * bundles run inside a vm.Script, where a dynamic import() of a built-in itself has no import
 * callback and fails (ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING), but esbuild bundles our module and
 * turns its import into a require() run on first use.
 */
import { ipFamily } from "../wire/ip.js";
import { NetworkError } from "../errors.js";

export type AddressFamily = 4 | 6;

export interface Resolved {
  /** The address probed. */
  address: string;
  /** Every address the name has (the probed one first); one element for an IP literal. */
  addresses: string[];
}

/** The system resolver, replaceable in tests: name -> addresses in the resolver's order. */
export type Lookup = (host: string, family: 0 | AddressFamily) => Promise<string[]>;

export const systemLookup: Lookup = async (host, family) => (await import("./system-lookup.js")).lookupAll(host, family);

/** `[2001:db8::1]` (as in URLs) is the literal inside the brackets. */
function literal(host: string): string | undefined {
  const inner = host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
  return ipFamily(inner) !== 0 ? inner : undefined;
}

const WHY: Record<string, string> = {
  ENOTFOUND: "no such host",
  ENODATA: "the name has no address",
  EAI_AGAIN: "the resolver did not answer (try again, or check /etc/resolv.conf)",
  EAI_FAIL: "the resolver failed",
};

export async function resolveHost(host: string, family?: AddressFamily, lookup: Lookup = systemLookup): Promise<Resolved> {
  const lit = literal(host);
  if (lit !== undefined) {
    if (family !== undefined && ipFamily(lit) !== family) throw new NetworkError(`${host} is an IPv${ipFamily(lit)} address, but IPv${family} was asked for (--ipv${family})`);
    return { address: lit, addresses: [lit] };
  }
  if (host === "" || /[\s/]/.test(host)) throw new NetworkError(`"${host}" is neither an IP address nor a host name`);
  let addresses: string[];
  try {
    addresses = await lookup(host, family ?? 0);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? "";
    const fam = family !== undefined ? ` (IPv${family} only)` : "";
    throw new NetworkError(`cannot resolve ${host}${fam}: ${WHY[code] ?? (e as Error).message}${code !== "" ? ` (${code})` : ""}`, { cause: e });
  }
  const unique = [...new Set(addresses)];
  const first = unique[0];
  if (first === undefined) throw new NetworkError(`cannot resolve ${host}: the resolver returned no address`);
  return { address: first, addresses: unique };
}

/** The warning for a name with several addresses: which one was probed, and how to choose. */
export function multipleAddressesNote(host: string, r: Resolved): string | undefined {
  if (r.addresses.length < 2) return undefined;
  return `${host} has ${r.addresses.length} addresses (${r.addresses.join(", ")}); probed ${r.address}, the first the resolver gave: give an address, or --ipv4/--ipv6, to probe another`;
}
