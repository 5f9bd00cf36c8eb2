// The one failure of the milter codec: the peer broke the protocol. It is returned as a value
// (never thrown) by framing, decoding and the session; the server logs it and closes that
// connection, and the MTA then applies its own milter_default_action to the message.

export type MilterErrorKind =
  /** A length field above the configured maximum packet size (or a zero length). */
  | "bad_length"
  /** A command byte this protocol version does not define. */
  | "unknown_command"
  /** A known command whose data does not parse (missing NUL, short integer, bad family). */
  | "malformed"
  /** A command in a state where the protocol does not allow it (RCPT before MAIL, ...). */
  | "out_of_order"
  /** The MTA offers a protocol version older than 2. */
  | "unsupported_version"
  /** The MTA kept sending while it owed us the wait for an end-of-message reply. */
  | "flooded";

export class MilterProtocolError extends Error {
  constructor(
    readonly kind: MilterErrorKind,
    message: string,
  ) {
    super(message);
    this.name = "MilterProtocolError";
  }
}
