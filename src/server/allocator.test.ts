import { expect, test } from "bun:test";
import { AUTO_FAULT_US, filterMemory, freshPageCostUs, PURGE_ENV } from "./allocator";

const counting = (us: number) => {
  const p = Object.assign(() => (p.calls++, us), { calls: 0 });
  return p;
};

test("on: filtering processes get MIMALLOC_PURGE_DELAY=-1 beside the master's environment, without a measurement", () => {
  const probe = counting(0);
  const m = filterMemory("on", { PATH: "/bin", GONE: undefined }, probe);
  expect(m.env).toEqual({ PATH: "/bin", [PURGE_ENV]: "-1" });
  expect(m.note).toBe(`filtering processes keep freed memory for reuse (${PURGE_ENV}=-1): keep_freed_memory = "on"`);
  expect(probe.calls).toBe(0);
});

test("auto keeps freed memory only where a fresh page is dear, and says what it measured", () => {
  const dear = filterMemory("auto", { PATH: "/bin" }, counting(AUTO_FAULT_US + 10.5));
  expect(dear.env[PURGE_ENV]).toBe("-1");
  expect(dear.note).toContain("a fresh page costs 12.5 µs here");
  const cheapProbe = counting(0.3);
  const cheap = filterMemory("auto", { PATH: "/bin" }, cheapProbe);
  expect(cheap.env).toEqual({ PATH: "/bin" });
  expect(cheap.note).toContain("return freed memory to the kernel: a fresh page costs 0.30 µs");
  expect(cheapProbe.calls).toBe(1);
  // Exactly at the threshold counts as dear.
  expect(filterMemory("auto", {}, counting(AUTO_FAULT_US)).env[PURGE_ENV]).toBe("-1");
});

test("off, or the administrator's own MIMALLOC_PURGE_DELAY: the environment is handed on as it is", () => {
  const probe = counting(50);
  const off = filterMemory("off", { PATH: "/bin" }, probe);
  expect(off.env).toEqual({ PATH: "/bin" });
  expect(off.note).toContain('"off"');
  const admin = filterMemory("on", { PATH: "/bin", [PURGE_ENV]: "250" }, probe);
  expect(admin.env).toEqual({ PATH: "/bin", [PURGE_ENV]: "250" });
  expect(admin.note).toBe(`${PURGE_ENV}=250 from the environment for every process; keep_freed_memory = "on" not applied`);
  expect(probe.calls).toBe(0);
});

test("the start-up probe measures a positive, finite cost a page", () => {
  const us = freshPageCostUs(1 << 20);
  expect(us).toBeGreaterThan(0);
  expect(Number.isFinite(us)).toBe(true);
});
