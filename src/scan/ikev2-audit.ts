/**
 * The IKEv2 section of a target's scan: the search over real IKE_SA_INITs (ikev2.ts), the extensions
 * exchange, and the report's `ikev2` object with its ratings and compact proposals.
 */
import { type V2Combo, cipherToken, comboKey, comboToken, compactProposals, groupTokenV2, integToken, prfToken, v2ProposalToken } from "../config/ikev2.js";
import { groupInfo } from "../crypto/dh.js";
import { rateIkev2 } from "../data/ratings.js";
import { nameVendorId } from "../data/vendor-ids.js";
import type { IkeTransport } from "../transport/udp.js";
import type { Ikev2Scan, RatedV2Combination } from "../report/model/scan.js";
import { type V2Space, searchIkev2 } from "./ikev2-search.js";
import { Ikev2Prober } from "./ikev2.js";
import { extensionNotifies } from "../exchanges/v2/ike-sa-init.js";
import { spaceSize } from "./ikev2-catalogue.js";

export interface Ikev2AuditOptions {
  space: V2Space;
  /** The largest IKE message sent (bytes). */
  maxMessage: number;
  timeoutMs: () => number;
  beforeSend: () => Promise<void>;
  onHalfOpen: () => void;
  onLimit?: () => void;
  onProgress?: (what: string) => void;
  signal?: AbortSignal;
}

export function rateCombo(c: V2Combo): RatedV2Combination {
  return {
    proposal: comboToken(c),
    encryption: cipherToken(c.cipher.id, c.cipher.keyLength),
    prf: prfToken(c.prf),
    integrity: c.integ === null ? null : integToken(c.integ),
    group: groupTokenV2(c.group),
    ...rateIkev2(c),
  };
}

/** A group whose KE we can make (ML-KEM is not in Node 20's OpenSSL). */
const makeable = (g: number): boolean => {
  const k = groupInfo(g)?.kind;
  return k !== undefined && k !== "mlkem";
};

export async function auditIkev2(transport: IkeTransport, opts: Ikev2AuditOptions): Promise<{ report: Ikev2Scan; stats: { packetsSent: number; packetsReceived: number }; ikev1Answer: number | undefined }> {
  const t0 = Date.now();
  const prober = new Ikev2Prober(transport, { maxMessage: opts.maxMessage, timeoutMs: opts.timeoutMs, beforeSend: opts.beforeSend, onHalfOpen: opts.onHalfOpen, ...(opts.onLimit !== undefined ? { onLimit: opts.onLimit } : {}) });
  const ask: Parameters<typeof searchIkev2>[1] = async (q) => (opts.signal?.aborted === true ? { kind: "unknown", reason: "interrupted (Ctrl-C)" } : prober.ask(q));
  const search = await searchIkev2(opts.space, ask, (what) => opts.onProgress?.(`IKEv2 ${what}`));
  const report: Ikev2Scan = {
    answered: prober.answered,
    accepted: [],
    proposals: [],
    groups: search.groupOrder.map(groupTokenV2),
    notifies: null,
    cookie: { required: false, count: 0 },
    vendorIds: [],
    findings: [],
    complete: search.complete,
    stateless: prober.stateless,
    errors: Object.fromEntries(prober.errors),
    notes: [...prober.notes, ...search.notes],
    stats: { exchanges: 0, packets: 0, halfOpen: 0, wallMs: 0, questions: search.questions, catalogue: spaceSize(opts.space) },
  };
  // Sorted by the gateway's group order, then as found.
  const order = new Map(search.groupOrder.map((g, i) => [g, i]));
  const accepted = [...new Map(search.accepted.map((c) => [comboKey(c), c])).values()].sort((a, b) => (order.get(a.group) ?? 99) - (order.get(b.group) ?? 99));
  report.accepted = accepted.map(rateCombo);
  report.proposals = compactProposals(accepted).map(v2ProposalToken);
  // The extensions: an SA answer for the gateway's first choice among the groups we can make.
  const first = accepted.find((c) => makeable(c.group) && c.group === search.groupOrder.find(makeable));
  if (first !== undefined && opts.signal?.aborted !== true) {
    opts.onProgress?.("IKEv2 extensions");
    const answer = await prober.extensions(first);
    if (answer?.kind === "sa") {
      report.notifies = extensionNotifies(answer.notifies);
      report.vendorIds = answer.vendorIds.map((v) => {
        const name = nameVendorId(v);
        return name !== undefined ? { hex: v.toString("hex"), name } : { hex: v.toString("hex") };
      });
      for (const w of answer.warnings) report.notes.push(`the SA answer: ${w}`);
      // The responder echoes the number of the proposal it chose (RFC 7296 §3.3.1); we offered one, numbered 1.
      if (answer.proposal.number !== 1) report.notes.push(`the SA answer names proposal ${answer.proposal.number}; the one offered was proposal 1 (RFC 7296 §3.3.1: the chosen proposal's number is echoed)`);
    } else {
      report.notes.push(`the extensions exchange (${comboToken(first)} with a real KE) was answered ${answer === undefined ? "with silence" : answer.kind === "error" ? answer.name : answer.kind}: no extensions to report`);
    }
  }
  if (prober.ikev1Answer !== undefined && !prober.answered) report.notes.push(`IKE_SA_INIT was answered in ISAKMP version ${prober.ikev1Answer >> 4}.${prober.ikev1Answer & 15}: the gateway speaks IKEv1 only`);
  report.cookie = { required: prober.stats.cookies > 0, count: prober.stats.cookies };
  report.stats = { ...report.stats, exchanges: prober.stats.exchanges, packets: prober.stats.packetsSent + prober.stats.packetsReceived, halfOpen: prober.stats.halfOpen, wallMs: Date.now() - t0 };
  return { report, stats: { packetsSent: prober.stats.packetsSent, packetsReceived: prober.stats.packetsReceived }, ikev1Answer: prober.ikev1Answer };
}

