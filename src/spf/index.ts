// RFC 7208 SPF: check_host() with an injected resolver, identity selection, Received-SPF.
export { checkHost, DEFAULT_EXPLANATION, EXPLANATION_MS, isValidDomain, LIMITS, type CheckHostInput } from "./check-host";
export { checkHelo, checkMailFrom, isFqdn, type Identity, type IdentityCheck, type SpfRequest } from "./identity";
export { receivedSpf, temperrorAnswer, type ReceivedSpfInput } from "./received-spf";
export { SPF_RESULTS, type SpfOutcome, type SpfResult } from "./types";
