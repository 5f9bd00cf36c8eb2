// The shape of a picture that could be a QR code, for the QR check (checks/qr.ts: which of a
// message's pictures it reads, and which count towards its "a newsletter" limit) and for the
// pictures taken out of a PDF (pdf-images.ts): one rule for both.
const MIN_SIDE = 60;
// 1 000 × 1 000: a lure's QR code is a few hundred pixels; the decoder's WebAssembly memory grows with
// the largest picture it read (16 MB for a 240-pixel code) and never shrinks.
const MAX_PIXELS = 1_000_000;
/** A QR code is square; a banner or a logo strip is not. */
const MAX_ASPECT = 3;

/** Whether a picture of this size could be a QR code worth reading: at least MIN_SIDE a side, at most MAX_PIXELS, not more oblong than MAX_ASPECT. */
export function mayBeQrCode(width: number, height: number): boolean {
  const short = Math.min(width, height);
  return short >= MIN_SIDE && width * height <= MAX_PIXELS && Math.max(width, height) <= MAX_ASPECT * short;
}
