/** Phase 1: Main or Aggressive Mode, with the authentication method the configuration asks for. */
import { AggressiveModeInitiator } from "./aggressive-mode.js";
import { pskAuth } from "./auth/psk.js";
import type { Phase1Initiator } from "./initiator.js";
import { MainModeInitiator } from "./main-mode.js";
import type { Phase1Config } from "./types.js";

export { AggressiveModeInitiator } from "./aggressive-mode.js";
export { MainModeInitiator } from "./main-mode.js";
export type { Phase1Initiator } from "./initiator.js";
export { PSK_METHODS } from "./auth/psk.js";
export { phase1Sa, readSelectedTransform, transformAttributes } from "./proposal.js";
export type * from "./types.js";
export type { IdentityCause, IdentityStatus } from "./identity.js";

/** The initiator for `cfg`: Aggressive Mode when asked, PSK authentication when a PSK is given. */
export function phase1Initiator(cfg: Phase1Config): Phase1Initiator {
  const auth = cfg.psk !== undefined ? pskAuth(cfg.psk) : undefined;
  return cfg.aggressive === true ? new AggressiveModeInitiator(cfg, auth) : new MainModeInitiator(cfg, auth);
}
