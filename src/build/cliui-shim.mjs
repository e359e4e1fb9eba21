// cliui for the bundle (esbuild aliases "cliui" here): cliui's own ESM entry wraps help text at a
// fixed column, splitting words ("com|pletes"), and its CommonJS entry breaks words longer than a
// column. Here text wraps at spaces only: a word longer than its column runs past it, whole, so it
// can still be read and copied.
import { cliui } from "../../node_modules/cliui/build/lib/index.js";
import stringWidth from "string-width";
import stripAnsi from "strip-ansi";
import wrapAnsi from "wrap-ansi";

export default function ui(opts) {
  return cliui(opts, { stringWidth, stripAnsi, wrap: (text, width, options) => wrapAnsi(text, width, { ...options, hard: false }) });
}
