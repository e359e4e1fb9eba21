/**
 * Typed errors. Every error carries a stable `code`; wrapping keeps the cause (`{ cause }`).
 * A peer's NOTIFY is an outcome, never one of these.
 */
export class IkeprobeError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** Bytes that do not decode. `offset` is relative to the buffer given to the decoder. */
export class DecodeError extends IkeprobeError {
  readonly offset: number;
  readonly payloadType: number | undefined;
  constructor(
    code: "truncated" | "bad-length" | "bad-value" | "unsupported",
    message: string,
    offset: number,
    payloadType?: number,
    options?: { cause?: unknown },
  ) {
    super(code, `${message} (at offset ${offset}${payloadType !== undefined ? `, payload type ${payloadType}` : ""})`, options);
    this.offset = offset;
    this.payloadType = payloadType;
  }
}

/** A command-line or configuration mistake; the message names the option and the fix. */
export class UsageError extends IkeprobeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("usage", message, options);
  }
}

/** Something this machine cannot do (e.g. a cipher OpenSSL does not provide here). */
export class UnsupportedError extends IkeprobeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("unsupported", message, options);
  }
}

/** Socket-level failures (cannot bind, host unreachable...). */
export class NetworkError extends IkeprobeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("network", message, options);
  }
}

/** A response that decodes but breaks the protocol (wrong cookie, bad HASH, missing payload...). */
export class ProtocolError extends IkeprobeError {}
