/** The UDP transport on loopback: retransmission with doubling intervals, answers only from the gateway's address and port, pcap to a sink. */
import assert from "node:assert/strict";
import { createSocket } from "node:dgram";
import { after, describe, test } from "node:test";
import { PcapWriter } from "../../src/transport/pcap.ts";
import { IkeTransport } from "../../src/transport/udp.ts";
import { startUdpPeer } from "../helpers/udp-peer.ts";

describe("IkeTransport", () => {
  test("retransmits retries + 1 times within the timeout, then reports no answer", async () => {
    const peer = await startUdpPeer(() => {});
    after(() => peer.close());
    const t = await IkeTransport.open({ address: "127.0.0.1", port: peer.port }, { sourcePort: 0, timeoutMs: 210, retries: 2 });
    const t0 = performance.now();
    const rt = await t.roundTrip(Buffer.from("hello"), false, () => true);
    t.close();
    assert.equal(rt.answered, false);
    assert.equal(rt.transmissions, 3);
    assert.ok(performance.now() - t0 >= 200 && performance.now() - t0 < 600);
    assert.equal(peer.received.length, 3);
  });

  test("an answer from another port is ignored and counted; the gateway's own is taken; pcap records both directions", async () => {
    const other = createSocket("udp4");
    await new Promise<void>((res) => other.bind(0, "127.0.0.1", () => res()));
    after(() => other.close());
    const peer = await startUdpPeer((msg, reply, from) => {
      other.send(Buffer.from("stray"), from.port, "127.0.0.1");
      setTimeout(() => reply(Buffer.concat([Buffer.from("re:"), msg])), 20);
    });
    after(() => peer.close());
    const chunks: Buffer[] = [];
    const pcap = new PcapWriter({ write: (b) => void chunks.push(b), close: () => {} });
    const t = await IkeTransport.open({ address: "127.0.0.1", port: peer.port }, { sourcePort: 0, timeoutMs: 1000, retries: 0, pcap });
    const seen: string[] = [];
    const rt = await t.roundTrip(Buffer.from("ping"), false, (d) => (seen.push(d.toString()), true));
    t.close();
    assert.equal(rt.answered, true);
    assert.deepEqual(seen, ["re:ping"]);
    assert.equal(t.ignored, 1);
    const file = Buffer.concat(chunks);
    assert.equal(file.readUInt32LE(0), 0xa1b2c3d4);
    assert.equal(chunks.length, 3, "header, our datagram, the answer (the stray one is not the gateway's)");
  });

  test("the port-4500 path opened ahead (prepareFloat) is the one float() moves to; closed with the transport, used or not", async () => {
    const udp = (): number => process.getActiveResourcesInfo().filter((r) => r === "UDPWrap").length;
    const settle = (): Promise<void> => new Promise((res) => setTimeout(res, 20));
    await settle(); // the sockets of the tests before this one closed
    const before = udp();
    // Nothing is sent: opening only binds (and learns our address towards the gateway).
    const t = await IkeTransport.open({ address: "127.0.0.1", port: 500 }, { sourcePort: 0, timeoutMs: 100, retries: 0 });
    await settle();
    assert.equal(udp(), before + 1);
    t.prepareFloat();
    t.prepareFloat();
    await t.float();
    await t.float();
    assert.equal(udp(), before + 2, "one port-4500 socket, however often asked for");
    assert.equal(t.natLocal?.address, "127.0.0.1");
    assert.ok((t.natLocal?.port ?? 0) > 0 && t.natLocal?.port !== t.local.port);
    t.close();
    await settle();
    assert.equal(udp(), before);
    const unused = await IkeTransport.open({ address: "127.0.0.1", port: 500 }, { sourcePort: 0, timeoutMs: 100, retries: 0 });
    unused.prepareFloat();
    unused.close();
    await settle();
    assert.equal(udp(), before, "a prepared path never floated to is closed too");
    const closed = await IkeTransport.open({ address: "127.0.0.1", port: 500 }, { sourcePort: 0, timeoutMs: 100, retries: 0 });
    closed.close();
    closed.prepareFloat(); // an immediate that runs after the exchange ended
    await settle();
    assert.equal(udp(), before, "nothing is opened after close()");
  });
});
