/** The fast bundle's lazy.ts (src/build/bundle.ts swaps it in): the same modules, imported statically. */
import * as probe from "../probe/probe.js";
import * as jsonRenderer from "../report/render/json.js";
import * as vendorIds from "../data/vendor-ids.js";

export const probeModule = (): Promise<typeof probe> => Promise.resolve(probe);
export const jsonRendererModule = (): Promise<typeof jsonRenderer> => Promise.resolve(jsonRenderer);
export const vendorIdsModule = (): Promise<typeof vendorIds> => Promise.resolve(vendorIds);
