// What the server adds to a message the license does not cover (server/license-hooks.ts
// returns them as a DispatchDecision; server/handler.ts turns them into header edits):
//
//   X-KAS-Status: unlicensed          (the reply's pass status; model.ts PassStatus)
//   X-KAS-License: <reason>
//
// reason is one of "no valid license" (no key, a broken key, or one not valid yet),
// "address limit N reached" (the recipient is beyond the first N protected addresses),
// "domain not licensed" (the recipient's domain is not among the key's domains), several
// joined by "; ", or, on a message that is filtered for some of its recipients only,
// "N of M recipients not licensed (<reasons>): filtered for the others".
export const LICENSE_HEADER = "X-KAS-License";
export const UNLICENSED_STATUS = "unlicensed";
