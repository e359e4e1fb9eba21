/** The psk-crack report: per hash whether a candidate matched, and the run's figures. */

export interface CrackHit {
  line: number;
  hash: string;
  found: boolean;
  /** The PSK found (UTF-8 text), and its bytes in hex when it is not printable text. */
  psk?: string;
  pskHex?: string;
  /** Where the candidate came from: option, file and line. */
  source?: { option: string; path: string; line: number };
}

export interface CrackResult {
  hashes: CrackHit[];
  tested: number;
  elapsedMs: number;
  perSecond: number;
  threads: number;
  /** Every candidate was tested (not interrupted, not stopped early because all were found). */
  exhausted: boolean;
  interrupted: boolean;
}
