/**
 * Modules the probe command loads when it runs, not for --help, --version or a usage error: the
 * full bundle (and the tsc build) import them on first use. The fast bundle exists to run probes,
 * so src/build/bundle.ts swaps in lazy-static.ts, where they are plain static imports: esbuild then
 * wraps none of the probe's modules in a lazy initialiser (about 80 closures, their export getters,
 * and young garbage enough to cost a probe a scavenge).
 */
export const probeModule = (): Promise<typeof import("../probe/probe.js")> => import("../probe/probe.js");
export const jsonRendererModule = (): Promise<typeof import("../report/render/json.js")> => import("../report/render/json.js");
export const vendorIdsModule = (): Promise<typeof import("../data/vendor-ids.js")> => import("../data/vendor-ids.js");
