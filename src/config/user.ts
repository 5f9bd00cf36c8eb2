// Who this process runs as, for messages about files it cannot read or write. Bun's
// os.userInfo() takes the name from $USER, which is wrong under setpriv, su without -l or a
// service manager that does not set it; the password database is asked instead.
import { readFileSync } from "node:fs";

export interface RunningAs {
  readonly user: string;
  readonly uid: number;
}

export function runningAs(passwd = "/etc/passwd"): RunningAs {
  const uid = process.getuid?.() ?? -1;
  return { user: userName(uid, passwd) ?? `uid ${uid}`, uid };
}

/** The name of uid in an /etc/passwd-format file (name:x:uid:...), or undefined. */
export function userName(uid: number, passwd = "/etc/passwd"): string | undefined {
  try {
    for (const line of readFileSync(passwd, "utf8").split("\n")) {
      const f = line.split(":");
      if (f.length > 2 && f[2] === String(uid)) return f[0];
    }
  } catch {
    // no readable password database (minimal containers): the caller shows the uid
  }
  return undefined;
}

/** "user alice (uid 1000)", or "uid 1000" when the name is unknown. */
export const describeUser = (w: RunningAs): string => (w.user === `uid ${w.uid}` ? w.user : `user ${w.user} (uid ${w.uid})`);
