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
});
