// `kas notify test`: send a test notification to [notify] admin through [notify] smtp, so the
// mail path is proven before the first real event needs it.
import { hostname } from "node:os";
import { ConfigError, EXIT, KasError } from "../errors";
import { CONFIG_ARG, kasCommand } from "./command";

const test = kasCommand({
  name: "test",
  description: "Send a test notification mail to [notify] admin (or --to) through [notify] smtp and print the mail server's reply",
  exitCodes: { 0: "the mail server accepted the mail for every recipient", 69: "the mail server refused it or could not be reached (the reason on stderr)", 78: "invalid configuration, or no [notify] admin and no --to" },
  args: { ...CONFIG_ARG, to: { type: "string", description: "send to this address instead of [notify] admin", valueHint: "ADDRESS" } },
  async run({ args }) {
    const { loadConfig } = await import("../config/load");
    const { sendNotification } = await import("../control/notify/mail");
    const { config, source } = loadConfig(args.config);
    const to = args.to ? [args.to as string] : [...config.notify.admin];
    if (!to.length) throw new ConfigError(source, "notify.admin", undefined, "is empty: nobody to send the test to", "add the administrator's address to [notify] admin (or give --to ADDRESS)");
    let sent;
    try {
      sent = await sendNotification(config.notify, `[kas] ${hostname()}: test notification`, `This is a test of kas's notifications, sent by \`kas notify test\`.\nThe server mails this address when something needs attention: a crash loop, filtering processes that cannot start, stale rules, failing updates, license expiry, the address limit, a full queue.\n`, to);
    } catch (e) {
      throw new KasError(`cannot send through ${config.notify.smtp}: ${e instanceof Error ? e.message : String(e)}`, EXIT.UNAVAILABLE, "check [notify] smtp (the mail server must accept mail from this host for these recipients), starttls, user and password_file");
    }
    if (sent.rejected.length) throw new KasError(`${config.notify.smtp} refused ${sent.rejected.join(", ")}${sent.accepted.length ? ` (accepted ${sent.accepted.join(", ")})` : ""}: ${sent.response}`, EXIT.UNAVAILABLE, "check the addresses in [notify] admin");
    console.log(`sent to ${sent.accepted.join(", ")} via ${config.notify.smtp}: ${sent.response}`);
    process.exitCode = EXIT.OK;
  },
});

export default kasCommand({
  name: "notify",
  description: "Monitoring notifications ([notify]): send a test mail",
  subCommands: { test },
});
