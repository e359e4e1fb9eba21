/**
 * The built CLI against a scripted hostile gateway that echoes our cookie: mutated answers at each
 * stage (Main Mode, Aggressive Mode, Quick Mode, Informationals), duplicates, late answers, answers
 * from another port, changed responder cookies. For every case a full report is produced (valid
 * JSON, valid against the schema), the exit code is one of the documented ones (never 4), nothing
 * escapes as an internal error, and the run ends within its time bound. Seeded (FUZZ_SEED).
 */
import assert from "node:assert/strict";
import { type Socket, createSocket } from "node:dgram";
import { after, describe, test } from "node:test";
import { ExchangeType, NotifyType, PayloadType } from "../../src/wire/v1/constants.ts";
import { encodeNotification } from "../../src/wire/v1/payloads/notification.ts";
import { assertValidReport } from "../helpers/schema.ts";
import { runCli } from "../helpers/cli.ts";
import { ScriptedGateway } from "../helpers/scripted-gateway.ts";
import { startUdpPeer } from "../helpers/udp-peer.ts";
import { Rng, fuzzIterations, fuzzSeed, mutate } from "./mutate.ts";

const SEED = fuzzSeed();
const RUNS = fuzzIterations(24, "FUZZ_CLI_RUNS");
const PSK = "fuzz-psk";

type Behaviour = "mm2" | "mm4" | "mm6" | "am2" | "am2-psk" | "qm2" | "info" | "duplicates" | "late" | "other-port" | "cookie-change";
const BEHAVIOURS: Behaviour[] = ["mm2", "mm4", "mm6", "am2", "am2-psk", "qm2", "info", "duplicates", "late", "other-port", "cookie-change"];

const run = runCli;

describe(`fuzz: the CLI against a hostile gateway (seed ${SEED}, ${RUNS} runs)`, () => {
  const rng = new Rng(SEED);
  let other: Socket;
  after(() => other?.close());

  for (let i = 0; i < RUNS; i++) {
    const behaviour = BEHAVIOURS[i % BEHAVIOURS.length]!;
    test(`run ${i + 1}: ${behaviour}`, async () => {
      other ??= await new Promise<Socket>((res) => {
        const s = createSocket("udp4");
        s.bind(0, "127.0.0.1", () => res(s));
      });
      let gw = new ScriptedGateway(PSK);
      const timers: NodeJS.Timeout[] = [];
      const hows: string[] = [];
      const broken = (b: Buffer): Buffer => {
        const m = mutate(b, rng);
        hows.push(m.how);
        return m.bytes;
      };
      const peer = await startUdpPeer((msg, reply, from) => {
        try {
          const exch = msg[18];
          const first = msg.subarray(8, 16).equals(Buffer.alloc(8));
          let answers: Buffer[] = [];
          if (exch === ExchangeType.AGGRESSIVE && first) {
            gw = new ScriptedGateway(PSK);
            answers = [behaviour.startsWith("am2") ? broken(gw.am2(msg)) : gw.am2(msg)];
          } else if (exch === ExchangeType.AGGRESSIVE) {
            gw.readAm3(msg);
          } else if (exch === ExchangeType.IDENTITY_PROTECTION && first) {
            gw = new ScriptedGateway(PSK);
            gw.natTVid = false;
            const mm2 = gw.mm2(msg);
            answers = [behaviour === "mm2" ? broken(mm2) : mm2];
            if (behaviour === "cookie-change") answers.push(Buffer.concat([mm2.subarray(0, 8), Buffer.alloc(8, 0x77), mm2.subarray(16)]));
          } else if (exch === ExchangeType.IDENTITY_PROTECTION && msg[16] === PayloadType.KE) {
            const mm4 = gw.mm4(msg);
            answers = [behaviour === "mm4" ? broken(mm4) : mm4];
          } else if (exch === ExchangeType.IDENTITY_PROTECTION) {
            gw.readMm5(msg);
            const mm6 = gw.mm6();
            answers = [behaviour === "mm6" ? broken(mm6) : mm6];
            if (behaviour === "info") {
              const n = encodeNotification({ doi: 1, protocolId: 1, notifyType: NotifyType.R_U_THERE, spi: Buffer.alloc(16), data: Buffer.alloc(4) });
              answers.push(broken(gw.informational([{ type: PayloadType.NOTIFICATION, body: n }])));
            }
          } else if (exch === ExchangeType.QUICK_MODE && behaviour === "qm2") {
            answers = [broken(gw.qm2(msg).message)];
          }
          for (const a of answers) {
            if (behaviour === "duplicates") for (let k = 0; k < 3; k++) reply(a);
            else if (behaviour === "other-port") {
              other.send(a, from.port, from.address);
              reply(a);
            } else if (behaviour === "late") timers.push(setTimeout(() => reply(a), 700));
            else reply(a);
          }
        } catch {
          // The scripted gateway cannot always follow a broken exchange (that is the point): it goes quiet.
        }
      });
      after(() => {
        for (const t of timers) clearTimeout(t);
        return peer.close();
      });
      const args = ["127.0.0.1", "--port", String(peer.port), "--json", "--timeout", "0.5", "--retries", "1"];
      if (behaviour.startsWith("am2")) args.push("--aggressive", "--ike", "aes128-sha1-modp1024", "--id", "fqdn:client.example");
      else args.push("--ike", "aes256-sha256-modp2048");
      if (behaviour === "qm2") args.push("--esp", "aes128-sha256", "--local-ts", "203.0.113.0/24", "--remote-ts", "198.51.100.0/24");
      const r = await run(args, { IKEPROBE_PSK: behaviour === "am2" ? "" : PSK });
      const why = `${behaviour} (${hows.join(", ") || "no mutation"}, FUZZ_SEED=${SEED}): exit ${r.code}\n${r.stderr}`;
      assert.ok([0, 1, 3].includes(r.code ?? -1), why);
      assert.doesNotMatch(r.stderr, /internal error/, why);
      const doc = JSON.parse(r.stdout);
      assert.equal(doc.error, undefined, `a report, not an error document: ${why}`);
      assertValidReport(doc);
      assert.equal(doc.exitCode, r.code);
      assert.ok(r.ms < 15_000, `${why}: took ${r.ms} ms`);
      if (behaviour === "other-port") assert.ok(doc.stats.ignored >= 1, "answers from another port are ignored");
    });
  }
});
