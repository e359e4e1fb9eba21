/**
 * What the IKEv2 probe does under an IKE SA once IKE_AUTH is answered, in order: the CHILD SA of
 * IKE_AUTH read from its answer, each further one in a CREATE_CHILD_SA, the liveness check (--dpd),
 * the hold (--hold), and the DELETE of the IKE SA, which takes its CHILD SAs with it (RFC 7296 §1.4.1).
 */
import type { ProbeV2Report } from "../report/model/probe-v2.js";
import type { EspSaKeys } from "../report/render/wireshark.js";
import { sleep } from "../util/sleep.js";
import type { AuthOutcome, SaInitDone } from "./ikev2-auth.js";
import { type ChildAsk, type ChildResult, askedReport, createChildSa, ikeAuthChild, readChild } from "./ikev2-child.js";

/** The steps under the IKE SA that options ask for. */
export interface SaSteps {
  /** The liveness check after IKE_AUTH (--dpd). */
  dpd?: boolean;
  /** Seconds to keep the SAs up before the DELETE (--hold). */
  holdSeconds?: number;
  /** Aborting ends a hold early; the DELETE is still sent. */
  signal?: AbortSignal;
  onProgress?: (text: string) => void;
  /** CHILD SA keys in the report (--show-keys). */
  showKeys?: boolean;
}

export interface Asked {
  asks: ChildAsk[];
  /** The first CHILD SA as sent in IKE_AUTH, with our inbound SPI. */
  first: ReturnType<typeof ikeAuthChild> | undefined;
  init: SaInitDone;
  /** Our address and the gateway's: the ESP SAs' outer addresses for --esp-keys. */
  local: string;
  remote: string;
}

export async function underIkeSa(outcome: AuthOutcome, a: Asked, opts: SaSteps, report: ProbeV2Report, esp: EspSaKeys[]): Promise<void> {
  const { asks, first, init } = a;
  const session = outcome.session;
  const keep = (r: ChildResult): void => {
    report.childSas.push(r.report);
    if (r.espKeys !== undefined) esp.push({ local: a.local, remote: a.remote, ...r.espKeys });
  };
  if (asks[0] !== undefined && first !== undefined) {
    const rep = askedReport(asks[0], "IKE_AUTH");
    if (session !== undefined && outcome.answer !== undefined) {
      keep(readChild(rep, asks[0], first.spiIn, outcome.answer, { session, ni: init.nonce, nr: init.answer.nonce! }, { showKeys: opts.showKeys === true, pfsGroup: null }));
      rep.transmissions = outcome.transmissions ?? 0;
      if (outcome.rttMs !== undefined) rep.rttMs = outcome.rttMs;
    } else {
      rep.detail = `IKE_AUTH failed (${report.identity.status}), so the gateway set up no CHILD SA`;
      keep({ report: rep });
    }
  }
  for (const ask of asks.slice(1)) {
    if (session === undefined) {
      const rep = askedReport(ask, "CREATE_CHILD_SA");
      rep.detail = "no IKE SA to ask for it under: IKE_AUTH failed";
      keep({ report: rep });
    } else keep(await createChildSa(session, ask, { showKeys: opts.showKeys === true }));
  }
  if (session !== undefined && opts.dpd === true) {
    const d = await session.liveness();
    const answered = d.opened?.kind === "opened";
    report.dpd = { answered, rttMs: d.rttMs ?? null, transmissions: d.transmissions, detail: answered ? "the gateway answered our empty INFORMATIONAL: the IKE SA is alive on its side" : d.opened === undefined ? `no answer to an empty INFORMATIONAL after ${d.transmissions} transmissions: the gateway no longer holds this IKE SA, or drops its liveness checks` : `the answer to our empty INFORMATIONAL could not be read (${d.opened.kind})` };
  } else if (opts.dpd === true) {
    report.dpd = { answered: false, rttMs: null, transmissions: 0, detail: "not sent: no IKE SA was established" };
  }
  if (session !== undefined && (opts.holdSeconds ?? 0) > 0 && opts.signal?.aborted !== true) {
    opts.onProgress?.(`holding the SAs for ${opts.holdSeconds} s (Ctrl-C ends the hold and cleans up)`);
    await sleep((opts.holdSeconds ?? 0) * 1000, opts.signal);
  }
  if (session !== undefined) report.cleanup.ikeSaDeleted = await session.deleteIkeSa();
}
