/** Phase 1: Main or Aggressive Mode, with the authentication method the configuration asks for. */
import { AggressiveModeInitiator } from "./aggressive-mode.js";
import { PSK_METHODS, pskAuth } from "./auth/psk.js";
import { signatureAuth } from "./auth/signature.js";
import type { Phase1Auth } from "./auth.js";
import { signatureMethod } from "../../../crypto/signature.js";
import type { Phase1Initiator } from "./initiator.js";
import { MainModeInitiator } from "./main-mode.js";
import type { Phase1Config } from "./types.js";

export { AggressiveModeInitiator } from "./aggressive-mode.js";
export { MainModeInitiator } from "./main-mode.js";
export type { Phase1Initiator } from "./initiator.js";
export { PSK_METHODS } from "./auth/psk.js";
export { type SignerConfig, receivedCertificates } from "./auth/signature.js";
export { phase1Sa, readSelectedTransform, transformAttributes } from "./proposal.js";
export type * from "./types.js";
export type { IdentityCause, IdentityStatus } from "./identity.js";

/** The method's module for `cfg`: PSK when a PSK is given for a PSK method, signatures when a signer is. */
function authFor(cfg: Phase1Config): Phase1Auth | undefined {
  const method = cfg.transform.auth;
  if (cfg.psk !== undefined && (PSK_METHODS.has(method) || cfg.signer === undefined)) return pskAuth(cfg.psk);
  const sig = signatureMethod(method);
  return sig !== undefined && cfg.signer !== undefined ? signatureAuth(sig, cfg.signer) : undefined;
}

/** The initiator for `cfg`: Aggressive Mode when asked, with the authentication method's module. */
export function phase1Initiator(cfg: Phase1Config): Phase1Initiator {
  const auth = authFor(cfg);
  return cfg.aggressive === true ? new AggressiveModeInitiator(cfg, auth) : new MainModeInitiator(cfg, auth);
}
