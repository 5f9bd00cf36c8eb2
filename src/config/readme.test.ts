import { expect, test } from "bun:test";
import { configTable, readmeTable } from "./readme";

test("README's config table matches the schema (run `bun run docs` after changing a key)", () => {
  expect(readmeTable()).toBe(configTable());
});
