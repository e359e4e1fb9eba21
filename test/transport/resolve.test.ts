/** Host names to addresses: literals, several addresses, families, resolver errors named for the user. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { NetworkError } from "../../src/errors.ts";
import { type Lookup, multipleAddressesNote, resolveHost } from "../../src/transport/resolve.ts";

const fake = (table: Record<string, string[]>): Lookup => async (host, family) => {
  const all = table[host];
  if (all === undefined) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: "ENOTFOUND" });
  const out = all.filter((a) => family === 0 || (family === 6) === a.includes(":"));
  if (out.length === 0) throw Object.assign(new Error(`getaddrinfo ENODATA ${host}`), { code: "ENODATA" });
  return out;
};

describe("resolveHost", () => {
  const lookup = fake({ "gw.example": ["198.18.1.1", "2001:2::1", "198.18.1.1"], "v6.example": ["2001:2::1"] });

  test("an address literal is not looked up, brackets around IPv6 are dropped", async () => {
    const never: Lookup = async () => assert.fail("looked up a literal");
    assert.deepEqual(await resolveHost("198.18.1.1", undefined, never), { address: "198.18.1.1", addresses: ["198.18.1.1"] });
    assert.deepEqual(await resolveHost("[2001:2::1]", undefined, never), { address: "2001:2::1", addresses: ["2001:2::1"] });
  });

  test("a name with several addresses: the first is probed, all are kept once, and the note says so", async () => {
    const r = await resolveHost("gw.example", undefined, lookup);
    assert.deepEqual(r, { address: "198.18.1.1", addresses: ["198.18.1.1", "2001:2::1"] });
    assert.match(multipleAddressesNote("gw.example", r)!, /gw\.example has 2 addresses \(198\.18\.1\.1, 2001:2::1\); probed 198\.18\.1\.1/);
    assert.equal(multipleAddressesNote("v6.example", await resolveHost("v6.example", undefined, lookup)), undefined);
  });

  test("a family narrows the name; a literal of the other family is an error naming the option", async () => {
    assert.equal((await resolveHost("gw.example", 6, lookup)).address, "2001:2::1");
    await assert.rejects(resolveHost("198.18.1.1", 6, lookup), (e: Error) => e instanceof NetworkError && /IPv4 address, but IPv6 was asked for \(--ipv6\)/.test(e.message));
    await assert.rejects(resolveHost("v6.example", 4, lookup), (e: Error) => e instanceof NetworkError && /cannot resolve v6\.example \(IPv4 only\): the name has no address \(ENODATA\)/.test(e.message));
  });

  test("a name that does not resolve: a NetworkError naming the host, the cause kept", async () => {
    await assert.rejects(resolveHost("nowhere.example", undefined, lookup), (e: Error) => {
      assert.ok(e instanceof NetworkError);
      assert.equal(e.message, "cannot resolve nowhere.example: no such host (ENOTFOUND)");
      assert.ok((e.cause as Error).message.includes("ENOTFOUND"));
      return true;
    });
    await assert.rejects(resolveHost("bad name", undefined, lookup), /neither an IP address nor a host name/);
    await assert.rejects(resolveHost("empty.example", undefined, async () => []), /returned no address/);
  });
});
