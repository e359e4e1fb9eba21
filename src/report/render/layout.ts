/**
 * The house style of every terminal renderer: tables (cli-table3) fitted to the terminal's width,
 * lines of text broken at spaces, severity words in color, the findings table. The renderers of
 * each report (table.ts, scan.ts, certificates.ts, diagnosis.ts, crack.ts) import it; it imports
 * none of them.
 */
import type { ChalkInstance } from "chalk";
import Table from "cli-table3";
import { stripVTControlCharacters } from "node:util";
import { checkTitle } from "../../checks/index.js";
import type { Finding } from "../../checks/registry.js";
import type { Severity } from "../../data/ratings.js";

/** The terminal's width, when the output goes to one: tables wider than it wrap their widest columns. */
let terminalWidth: number | undefined;

/** Called by the CLI with the terminal's columns (undefined for a pipe or file: no limit). */
export function setTableWidth(columns: number | undefined): void {
  terminalWidth = columns !== undefined && columns >= 40 ? columns : undefined;
}

/**
 * A report's lines of text (tables are fitted by table()) broken at spaces to the terminal's width,
 * each continuation indented two beyond its line; without a terminal, the text as it is. A terminal
 * would break them anywhere ("moved to UD" / "P 4500"). A word longer than the width stays whole.
 */
export function fitLines(text: string): string {
  const limit = terminalWidth;
  if (limit === undefined) return text;
  return text
    .split("\n")
    .map((line) => fitLine(line, limit))
    .join("\n");
}

function fitLine(line: string, limit: number): string {
  const visible = stripVTControlCharacters(line);
  if (visible.length <= limit || "┌│├└".includes(visible[0] ?? "")) return line;
  const lead = visible.length - visible.trimStart().length;
  const rest = line.slice(line.indexOf(visible.trimStart()[0]!));
  const lines: string[] = [];
  let current = " ".repeat(lead);
  let width = lead;
  let words = 0;
  for (const word of rest.split(" ")) {
    const w = stripVTControlCharacters(word).length;
    if (words > 0 && width + 1 + w > limit) {
      lines.push(current);
      current = " ".repeat(lead + 2) + word;
      width = lead + 2 + w;
    } else {
      current += (words > 0 ? " " : "") + word;
      width += (words > 0 ? 1 : 0) + w;
    }
    words++;
  }
  lines.push(current);
  return lines.join("\n");
}

/** The text of column `i` of a table row (an array of cells, or a `{ label: [value] }` row). */
function cellText(row: unknown, i: number): string {
  const cells = Array.isArray(row) ? row : typeof row === "object" && row !== null ? Object.entries(row).flatMap(([k, v]) => [k, ...(Array.isArray(v) ? v : [v])]) : [];
  const cell: unknown = cells[i];
  return typeof cell === "string" ? cell : typeof cell === "object" && cell !== null && "content" in cell ? String((cell as { content: unknown }).content) : cell === undefined ? "" : String(cell);
}

function longestWord(texts: string[]): number {
  return Math.max(0, ...texts.flatMap((t) => stripVTControlCharacters(t).split(/\s+/).map((w) => w.length)));
}

/** The narrowest a column is squeezed to (content plus padding) before the table may overflow. */
const MIN_COLUMN = 10;

/** A table in the house style: bold headings, grey borders when colored; `extra` for widths and wrapping. */
export function table(c: ChalkInstance, head: string[] | undefined, color: boolean, extra: Table.TableConstructorOptions = {}): Table.Table {
  const opts: Table.TableConstructorOptions = { ...extra, style: { head: [], border: color ? ["grey"] : [] } };
  if (head !== undefined) opts.head = head.map((h) => c.bold(h));
  const t = new Table(opts);
  const limit = terminalWidth;
  if (limit === undefined) return t;
  // Rendered as is when it fits; else again with its widest columns narrowed, their text wrapped.
  const render = t.toString.bind(t);
  t.toString = (): string => {
    const first = render();
    const width = Math.max(0, ...first.split("\n").map((l) => stripVTControlCharacters(l).length));
    if (width <= limit) return first;
    const widths = [...(t.options.colWidths as number[])];
    // A column is never narrower than its longest word (plus padding): words wrap, they are not cut.
    const floor = widths.map((_, i) => Math.max(MIN_COLUMN, 2 + longestWord([...(opts.head ?? []).slice(i, i + 1), ...t.map((row) => cellText(row, i))])));
    let excess = width - limit;
    while (excess > 0) {
      const room = widths.map((w, i) => w - floor[i]!);
      const i = room.indexOf(Math.max(...room));
      const cut = Math.min(excess, room[i]!);
      if (cut <= 0) break;
      widths[i] = widths[i]! - cut;
      excess -= cut;
    }
    const fitted = new Table({ ...opts, colWidths: widths, wordWrap: true });
    // Text wrap() broke for the natural width goes in whole, to be wrapped at the column's own.
    fitted.push(...t.map((row) => (Array.isArray(row) ? row.map(unwrapped) : Object.fromEntries(Object.entries(row as object).map(([k, v]) => [k, Array.isArray(v) ? v.map(unwrapped) : unwrapped(v)]))) as Table.HorizontalTableRow));
    return fitted.toString();
  };
  return t;
}

/** The findings' console form: severity, the check's title and id, the detail. */
export function findingsTable(findings: readonly Finding[], c: ChalkInstance, color: boolean): string {
  const t = table(c, ["severity", "finding", "detail"], color);
  for (const f of findings) t.push([sevColor(c, f.severity), `${checkTitle(f.id)}\n${c.dim(f.id)}`, wrap(f.detail, 80)]);
  return t.toString();
}

/** A severity word in its color (testssl.sh's palette). */
export function sevColor(c: ChalkInstance, s: Severity): string {
  switch (s) {
    case "CRITICAL":
      return c.bgRed.white.bold(s);
    case "HIGH":
      return c.red.bold(s);
    case "MEDIUM":
      return c.yellow(s);
    case "LOW":
      return c.cyan(s);
    case "INFO":
      return c.blue(s);
    default:
      return c.green(s);
  }
}

/**
 * wrap()'s results, each with the text it broke: a table narrowed to the terminal wraps that text
 * again at its column's width (cli-table3 would only break each line of it). Bounded: an API
 * process may render many reports.
 */
const wrappedText = new Map<string, string>();
const unwrapped = <T>(cell: T): T | string => (typeof cell === "string" ? (wrappedText.get(cell) ?? cell) : cell);

/** Breaks text into lines of at most `width` characters at spaces. */
export function wrap(text: string, width: number): string {
  const words = text.split(" ");
  const lines: string[] = [];
  let line = "";
  for (const w of words) {
    if (line.length > 0 && line.length + 1 + w.length > width) {
      lines.push(line);
      line = w;
    } else line = line.length > 0 ? `${line} ${w}` : w;
  }
  if (line) lines.push(line);
  const out = lines.join("\n");
  if (lines.length > 1) {
    if (wrappedText.size >= 1000) wrappedText.clear();
    wrappedText.set(out, text);
  }
  return out;
}
