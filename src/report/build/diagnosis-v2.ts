/** An IKEv2 diagnosis attempt from a probe's report, and one sentence of fix per IKEv2 identity cause. */
import type { DiagnosisAttempt } from "../model/diagnosis.js";
import type { ProbeV2Report } from "../model/probe-v2.js";

/** One sentence of fix per IKEv2 identity cause (docs/cli.md, "IKEv2: IKE_AUTH with a PSK"). */
export const V2_CAUSE_FIXES: Readonly<Record<string, string>> = {
  ok: "nothing to fix: IKE_AUTH works.",
  "authentication-failed": "the gateway looks the PSK up by our ID: a wrong PSK, an unknown ID and a wrong IDr read the same; the other steps tell them apart.",
  "gateway-auth-mismatch": "the gateway accepted us but proves another key: it uses a different PSK for its own side; align both directions' keys.",
  "eap-required": "the gateway wants EAP for this ID, not a PSK.",
  "eap-request": "the gateway wants EAP for this ID, not a PSK.",
  "eap-not-offered": "the gateway does not authenticate this ID with EAP.",
  notify: "read the gateway's notify and its log.",
  "ike-auth-timeout": "the gateway did not answer IKE_AUTH: some drop what they refuse without a word; check its log, and IP fragmentation of large messages.",
  "no-proposal": "the gateway accepts none of the offered transforms: run ikeprobe scan --no-ikev1 to see what it accepts, and offer that with --ike.",
  "no-answer": "the gateway does not answer IKE_SA_INIT on UDP 500: check the address, filtering, and whether it speaks IKEv2.",
  error: "an answer that could not be read: capture it with --pcap and --keys, and see the detail.",
};

export function attemptFromV2(r: ProbeV2Report, pskLine: number | null, remoteId: { type: string; value: string } | null): DiagnosisAttempt {
  const accepted = r.ikeSa.offers.some((o) => o.status === "accepted");
  const id = r.identity;
  const cause = !accepted ? (r.ikeSa.offers.every((o) => o.status === "no-response") ? "no-answer" : "no-proposal") : id.status === "authenticated" ? "ok" : (id.cause ?? "error");
  return {
    mode: "ikev2",
    id: id.local ?? { type: "ipv4", value: r.source.address ?? "?" },
    remoteId,
    auth: pskLine !== null ? "psk" : "eap",
    pskLine,
    proposal: r.ikeSa.selected?.proposal ?? null,
    status: id.status,
    cause,
    fix: V2_CAUSE_FIXES[cause] ?? V2_CAUSE_FIXES.error!,
    detail: cause === "no-proposal" || cause === "no-answer" ? V2_CAUSE_FIXES[cause]! : id.detail,
    evidence: id.evidence,
    notify: id.notify ?? r.ikeSa.offers.find((o) => o.notify !== undefined)?.notify ?? null,
    xauth: null,
    exitCode: r.exitCode,
  };
}
