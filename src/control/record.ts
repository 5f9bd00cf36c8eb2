// What the master tells the Control Center about one finished scan request (dispatch.ts hands
// it to onScanned after the reply is built). Plain data: the statistics, the history and the
// metrics are all fed from it. Never the message body (issue 18: no bodies are kept).
export interface ScanRecord {
  /** When the request finished (ms since the epoch). */
  t: number;
  id: string;
  queueId?: string;
  ip?: string;
  from?: string;
  rcpt: readonly string[];
  /** The verdict's status, "unlicensed"/… for a pass without a scan, "failed" for an error. */
  status: string;
  /** Policy applied ("-" when none was: not scanned or failed). */
  policy: string;
  score: number;
  symbols: readonly string[];
  ms: number;
  /** The error code of a failed request (busy, timeout, unavailable…). */
  error?: string;
}
