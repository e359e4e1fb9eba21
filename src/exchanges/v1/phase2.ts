/** A Quick Mode proposal: the IPsec SA offered (RFC 2407 §4.4, §4.5). */
export type Phase2Protocol = "esp" | "ah";

export interface Phase2Proposal {
  protocol: Phase2Protocol;
  /** ESP transform ID (RFC 2407 §4.4.4); for AH the AH transform ID. */
  transformId: number;
  keyBits?: number;
  /** Authentication Algorithm attribute (RFC 2407 §4.5); none for AEAD or integrity-free ESP. */
  authAlg?: number;
  /** PFS group (Group Description attribute); none without PFS. */
  pfsGroup?: number;
  esn: boolean;
  lifetimeSeconds: number;
  lifetimeKilobytes?: number;
  mode: "tunnel" | "transport";
}

