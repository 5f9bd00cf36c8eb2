import { expect, test } from "bun:test";
import { sameSecret } from "./secret";

test.each([
  ["s3cret", "s3cret", true],
  ["s3cre", "s3cret", false],
  ["s3cret!", "s3cret", false],
  ["", "s3cret", false],
  ["S3cret", "s3cret", false],
  ["pässwörd", "pässwörd", true],
  ["passwörd", "pässwörd", false],
])("sameSecret(%p, %p) = %p", (given, expected, same) => {
  expect(sameSecret(given, expected)).toBe(same);
});
