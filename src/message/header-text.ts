// Header bytes as text, the two primitives the header editor (edit.ts) shares with the MIME
// reader (mime.ts) and the other readers of raw headers: in a module of their own so that the `kas filter`
// pipe client, which edits headers but never reads MIME, does not load mime.ts and its
// charset tables at every start (~20 page faults, measured 2026-12-04). The attachment readers
// take `latin1` from here too, and the C-string cut of the names they read.

/** Bytes → string, one char per byte (ISO-8859-1 exactly; TextDecoder("latin1") is windows-1252). */
export const latin1 = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");

/** RFC 5322 §3.6.8 field name: printable US-ASCII except ":". */
export const FIELD_NAME = /^[!-9;-~]+$/;

/** A name stored as a C string (RAR and OLE names, OLE 1.0 class names and links): what follows a NUL is not shown. */
export const cutAtNul = (s: string): string => {
  const i = s.indexOf("\0");
  return i < 0 ? s : s.slice(0, i);
};
