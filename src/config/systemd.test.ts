import { expect, test } from "bun:test";
import { parseConfig } from "./load";
import { execWord, parseUnit, pathWord, renderUnit } from "./systemd";

const unitOf = (toml: string, command = ["/usr/local/bin/kas", "serve"], source = "/etc/kas/kas.toml") => {
  const u = renderUnit({ config: parseConfig(toml), command, version: "kas 0.0.0", source });
  return { ...u, parsed: parseUnit(u.text) };
};
const one = (m: Map<string, string[]> | undefined, key: string) => {
  const v = m?.get(key);
  expect(v).toHaveLength(1);
  return v![0];
};

test("defaults: user kas, state and runtime directories, reload by SIGHUP, the sandbox, no capabilities", () => {
  const { parsed, notes } = unitOf("");
  expect([...parsed.keys()]).toEqual(["Unit", "Service", "Install"]);
  const s = parsed.get("Service");
  const want: Record<string, string> = {
    Type: "exec",
    User: "kas",
    Group: "kas",
    ExecStart: "/usr/local/bin/kas serve",
    ExecReload: "/bin/kill -HUP $MAINPID",
    KillMode: "mixed",
    Restart: "on-failure",
    TimeoutStopSec: "45",
    RestartPreventExitStatus: "64 65 78",
    StateDirectory: "kas",
    RuntimeDirectory: "kas",
    ProtectSystem: "strict",
    ProtectHome: "yes",
    PrivateTmp: "yes",
    PrivateDevices: "yes",
    NoNewPrivileges: "yes",
    RestrictSUIDSGID: "yes",
    CapabilityBoundingSet: "",
  };
  for (const [k, v] of Object.entries(want)) expect([k, one(s, k)]).toEqual([k, v]);
  expect(s?.has("ReadWritePaths")).toBe(false);
  expect(s?.has("AmbientCapabilities")).toBe(false);
  expect(s?.has("MemoryDenyWriteExecute")).toBe(false);
  expect(one(parsed.get("Install"), "WantedBy")).toBe("multi-user.target");
  expect(notes).toEqual([]);
});

test("state outside /var/lib/kas and /run/kas becomes ReadWritePaths (parents cover children), with a note to create it", () => {
  const { parsed, notes } = unitOf(`data_dir = "/srv/kas"\n[server]\nlisten = ["tcp:127.0.0.1:2277", "unix:/var/spool/postfix/kas/kas.sock", "unix:/run/kas/kas.sock"]\npid_file = "/srv/kas/run/kas.pid"\n[bayes]\npath = "/srv/kas/bayes/b.sqlite"\n`);
  expect(one(parsed.get("Service"), "ReadWritePaths")).toBe("/srv/kas /var/spool/postfix/kas");
  expect(notes.join("\n")).toContain("install -d -o kas -g kas -m 750 /srv/kas");
  expect(notes.join("\n")).toContain("install -d -o kas -g kas -m 750 /var/spool/postfix/kas");
});

test("a port below 1024 gets CAP_NET_BIND_SERVICE, a socket group membership, a foreign socket owner CAP_CHOWN", () => {
  const s = unitOf(`[server]\nlisten = "tcp:0.0.0.0:783"\nsocket_owner = "postfix:postfix"\n`);
  expect(one(s.parsed.get("Service"), "AmbientCapabilities")).toBe("CAP_NET_BIND_SERVICE CAP_CHOWN");
  expect(one(s.parsed.get("Service"), "CapabilityBoundingSet")).toBe("CAP_NET_BIND_SERVICE CAP_CHOWN");
  expect(one(s.parsed.get("Service"), "SupplementaryGroups")).toBe("postfix");
  const g = unitOf(`[server]\nsocket_owner = ":postfix"\n`);
  expect(one(g.parsed.get("Service"), "SupplementaryGroups")).toBe("postfix");
  expect(one(g.parsed.get("Service"), "CapabilityBoundingSet")).toBe("");
});

test("a binary or config the sandbox hides (home, /tmp) is named in a note", () => {
  const { notes } = unitOf("", ["/home/alice/kas", "serve", "--config", "/tmp/k.toml"], "/tmp/k.toml");
  expect(notes[0]).toStartWith("the kas binary /home/alice/kas is under /home, which the service cannot see");
  expect(notes[1]).toStartWith("the config file /tmp/k.toml is under /tmp");
});

test("ExecStart and path quoting follow systemd's rules", () => {
  expect(execWord("/opt/kas/bin/kas")).toBe("/opt/kas/bin/kas");
  expect(execWord("/etc/kas dir/kas.toml")).toBe('"/etc/kas dir/kas.toml"');
  expect(execWord("/etc/100%/$HOME.toml")).toBe("/etc/100%%/$$HOME.toml");
  expect(pathWord("/srv/my kas")).toBe('"/srv/my kas"');
  expect(pathWord("/srv/50%")).toBe("/srv/50%%");
  const { parsed } = unitOf("", ["/opt/k a s/kas", "serve", "--config", "/etc/kas/x y.toml"]);
  expect(one(parsed.get("Service"), "ExecStart")).toBe('"/opt/k a s/kas" serve --config "/etc/kas/x y.toml"');
});

test("parseUnit refuses a line outside a section", () => {
  expect(() => parseUnit("User=kas\n")).toThrow("line 1");
});

test("every section's listen list counts, not only [server]'s (a Unix socket of another door needs write access too)", () => {
  const config = { ...parseConfig(""), other: { listen: ["unix:/var/spool/postfix/kas/milter.sock", "tcp:0.0.0.0:25"] } } as unknown as ReturnType<typeof parseConfig>;
  const u = renderUnit({ config, command: ["/usr/local/bin/kas", "serve"], version: "kas 0.0.0", source: "/etc/kas/kas.toml" });
  const s = parseUnit(u.text).get("Service");
  expect(s?.get("ReadWritePaths")).toEqual(["/var/spool/postfix/kas"]);
  expect(s?.get("AmbientCapabilities")).toEqual(["CAP_NET_BIND_SERVICE"]);
});
