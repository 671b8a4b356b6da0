import assert from "node:assert/strict";
import { errorChainText } from "../../lib/util/error_chain.ts";

Deno.test("errorChainText() joins an error's causes and skips repeated text", () => {
  const f = (e: unknown, want: string) => assert.equal(errorChainText(e), want);
  f(new Error("boom"), "boom");
  f("plain", "plain");
  f(
    new TypeError("fetch failed", {
      cause: new Error("client error (Connect)", { cause: new Error("UnknownIssuer") }),
    }),
    "fetch failed: client error (Connect): UnknownIssuer",
  );
  // A cause whose text the outer message already holds adds nothing.
  f(
    new Error("read: connection reset", { cause: new Error("connection reset") }),
    "read: connection reset",
  );
  f(new Error("", { cause: new Error("inner") }), "inner");
  // At most five levels.
  let deep: Error = new Error("e6");
  for (let i = 5; i >= 1; i--) deep = new Error(`e${i}`, { cause: deep });
  f(deep, "e1: e2: e3: e4: e5");
});
