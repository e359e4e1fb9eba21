/** The scripted responder lives in src/build (the bundle step warms the CLI against it); tests use it from here. */
export * from "../../src/build/scripted-gateway.ts";
