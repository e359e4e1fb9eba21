import type { Report } from "../model/probe.js";

/** Exactly one JSON document, newline-terminated. */
export function renderJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
