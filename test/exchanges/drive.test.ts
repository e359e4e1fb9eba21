/** The one driver, over a real UDP transport on loopback against a scripted peer. */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { type Machine, type Step, drive, listenFor } from "../../src/exchanges/drive.ts";
import { IkeTransport } from "../../src/transport/udp.ts";
import { type UdpPeer, startUdpPeer } from "../helpers/udp-peer.ts";

const COOKIE = Buffer.from("0102030405060708", "hex");
const msg = (tag: number, cookie = COOKIE): Buffer => Buffer.concat([cookie, Buffer.alloc(19), Buffer.from([tag])]);
const tagOf = (d: Buffer): number => d[27] ?? -1;

/** A machine that sends 1, expects 2, sends 3, expects 4, then sends 5 as a final message. */
class Scripted implements Machine {
  stage = "m1";
  seen: number[] = [];
  timeouts = 0;
  start(): Buffer {
    return msg(1);
  }
  matches(d: Buffer): boolean {
    return d.subarray(0, 8).equals(COOKIE);
  }
  receive(d: Buffer): Step {
    const t = tagOf(d);
    this.seen.push(t);
    if (t === 99) return { kind: "ignore", reason: "re-sent", seen: true };
    if (t === 2) {
      this.stage = "m3";
      return { kind: "send", message: msg(3), float: false };
    }
    if (t === 4) return { kind: "final", message: msg(5), float: false };
    if (t === 66) throw new TypeError("a bug in receive");
    return { kind: "ignore", reason: "unexpected" };
  }
  timeout(): Step {
    this.timeouts++;
    return { kind: "done" };
  }
  get currentStage(): string {
    return this.stage;
  }
}

describe("drive(machine, transport)", () => {
  let peer: UdpPeer;
  let script: (m: Buffer, reply: (b: Buffer) => void) => void = () => {};
  before(async () => {
    peer = await startUdpPeer((m, reply) => script(m, reply));
  });
  after(() => peer.close());
  const open = (timeoutMs = 300, retries = 2): Promise<IkeTransport> => IkeTransport.open({ address: "127.0.0.1", port: peer.port }, { sourcePort: 0, timeoutMs, retries });

  test("runs send, send, final: one exchanged record per answered message, stages named, packets counted", async () => {
    script = (m, reply) => {
      const t = tagOf(m);
      if (t === 1) reply(msg(2));
      if (t === 3) {
        reply(msg(99)); // a re-send first: counted, not taken
        reply(msg(4));
      }
    };
    const t = await open();
    const stats = { packetsSent: 0, packetsReceived: 0 };
    const stages: string[] = [];
    const m = new Scripted();
    const r = await drive(m, t, { floated: false, stats, onSend: (s) => stages.push(s) });
    await new Promise((res) => setTimeout(res, 30));
    t.close();
    assert.deepEqual(stages, ["m1", "m3"]);
    assert.deepEqual(r.exchanged.map((e) => [e.stage, e.answered, e.transmissions]), [["m1", true, 1], ["m3", true, 1]]);
    assert.equal(r.finalSent, true);
    assert.deepEqual(m.seen, [2, 99, 4]);
    assert.deepEqual(stats, { packetsSent: 3, packetsReceived: 3 });
    assert.deepEqual(peer.received.slice(-3).map(tagOf), [1, 3, 5]);
  });

  test("whileAnswered runs once the message is on the wire, before its answer is taken", async () => {
    const events: string[] = [];
    script = (m, reply) => {
      const t = tagOf(m);
      events.push(`peer got ${t}`);
      if (t === 1) reply(msg(2));
      if (t === 3) reply(msg(4));
    };
    class Warming extends Scripted {
      override receive(d: Buffer): Step {
        const step = super.receive(d);
        events.push(`machine got ${tagOf(d)}`);
        return step.kind === "send" ? { ...step, whileAnswered: () => events.push(`warm-up after ${tagOf(step.message as Buffer)}`) } : step;
      }
    }
    const t = await open();
    await drive(new Warming(), t, { floated: false, stats: { packetsSent: 0, packetsReceived: 0 } });
    await new Promise((res) => setTimeout(res, 30));
    t.close();
    const at = (e: string): number => events.indexOf(e);
    assert.ok(at("warm-up after 3") > at("machine got 2"), events.join(", "));
    assert.ok(at("warm-up after 3") < at("machine got 4"), events.join(", "));
    assert.equal(events.filter((e) => e.startsWith("warm-up")).length, 1);
  });

  test("no answer: retransmits (retries + 1 transmissions), then the machine's timeout ends it", async () => {
    script = () => {};
    const t = await open(140, 2);
    const stats = { packetsSent: 0, packetsReceived: 0 };
    const m = new Scripted();
    const before = peer.received.length;
    const r = await drive(m, t, { floated: false, stats });
    t.close();
    assert.equal(m.timeouts, 1);
    assert.deepEqual(r.exchanged.map((e) => [e.answered, e.transmissions]), [[false, 3]]);
    assert.equal(peer.received.length - before, 3);
    assert.deepEqual(stats, { packetsSent: 3, packetsReceived: 0 });
  });

  test("a datagram for another cookie is not the answer; a bug in receive surfaces from drive, not the socket", async () => {
    script = (m, reply) => {
      if (tagOf(m) === 1) {
        reply(msg(2, Buffer.alloc(8, 9)));
        reply(msg(66));
      }
    };
    const t = await open();
    await assert.rejects(drive(new Scripted(), t, { floated: false, stats: { packetsSent: 0, packetsReceived: 0 } }), /a bug in receive/);
    t.close();
  });

  test("listen: sends its message once, no retransmission; listenFor takes the first accepted datagram or times out", async () => {
    script = (m, reply) => {
      if (tagOf(m) === 7) setTimeout(() => reply(msg(8)), 20);
    };
    const t = await open();
    const stats = { packetsSent: 0, packetsReceived: 0 };
    const got: number[] = [];
    const before = peer.received.length;
    await drive(
      {
        start: () => ({ kind: "listen", ms: 500, message: msg(7) }),
        matches: () => true,
        receive: (d) => (got.push(tagOf(d)), { kind: "done" }),
        timeout: () => ({ kind: "done" }),
      },
      t,
      { floated: false, stats },
    );
    assert.deepEqual(got, [8]);
    assert.equal(peer.received.length - before, 1);
    assert.deepEqual(stats, { packetsSent: 1, packetsReceived: 1 });
    const t0 = performance.now();
    assert.equal(await listenFor(t, () => true, 80, stats), false);
    assert.ok(performance.now() - t0 >= 75);
    t.close();
  });
});
