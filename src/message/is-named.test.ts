import { expect, test } from "bun:test";
import { intRng } from "../testing/rng";
import { isNamed } from "./mime";

test("isNamed decides as the lower-cased compare on random names, KELVIN SIGN and dotted I included", () => {
  const sought = ["from", "reply-to", "date", "received", "subject", "k", "x-kk"];
  const chars = ["f", "F", "r", "R", "o", "O", "m", "M", "e", "E", "p", "P", "l", "L", "y", "Y", "-", "t", "T", "d", "D", "a", "A", "c", "C", "i", "I", "v", "V", "k", "K", "\u212a", "\u0130", "s", "S", "u", "U", "b", "B", "j", "J", "x", "X", "_"];
  const rnd = intRng(16);
  for (let n = 0; n < 20000; n++) {
    const lower = sought[rnd(sought.length)];
    // Half the names are the sought one in random case (and KELVIN for k), the rest random.
    const name = rnd(2) ? [...lower].map((c) => (c === "k" && rnd(3) === 0 ? "\u212a" : rnd(2) ? c.toUpperCase() : c)).join("") : Array.from({ length: 1 + rnd(9) }, () => chars[rnd(chars.length)]).join("");
    expect([name, lower, isNamed({ name }, lower)]).toEqual([name, lower, name.length === lower.length && name.toLowerCase() === lower]);
  }
  expect(isNamed({ name: "\u212a" }, "k")).toBe(true);
  expect(isNamed({ name: "\u0130" }, "i")).toBe(false);
  expect(isNamed({ name: "Received" }, "reply-to")).toBe(false);
});
